"""Simulated traffic outside the events: the customer the demo's simulated orders are placed for.

Events carry their own `simulated` flag; an order has none. `simulate_shoppers --orders` (the
demo's, `make run`) places real orders for `SIMULATED_CUSTOMER` (RFC 2606 reserves .invalid:
no one), and that address is how figures that read orders tell them from real ones.

A known limit: erasing an order's personal data (`orders.services.order_anonymise`, by staff
or by retention after ORDERS_PERSONAL_DATA_RETENTION_DAYS) replaces that address, and nothing
else left on the order says it was simulated (its notes are erased too, and its idempotency
key is the API client's to choose), so an erased simulated order counts as real traffic.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from orders.services.ordering import Customer

SIMULATED_CUSTOMER = Customer(
    name="Simulated shopper", email="simulated.shopper@example.invalid", address="1 Simulation Street\nexample.invalid"
)


def orders_of_traffic(orders: QuerySet[Any], traffic: str) -> QuerySet[Any]:
    """Return the orders of `traffic`: "real" without the simulated ones, "simulated" only those, "all" all."""
    if traffic == "real":
        return orders.exclude(customer_email=SIMULATED_CUSTOMER["email"])
    if traffic == "simulated":
        return orders.filter(customer_email=SIMULATED_CUSTOMER["email"])
    return orders
