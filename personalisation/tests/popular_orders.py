"""Orders of the demo shirt for the popular-build tests: placed through the orders service."""

from __future__ import annotations

from typing import Any

from catalog.models import Option, Product
from catalog.selectors import version_latest_for
from catalog.services import catalog_publish
from orders.samples import shirt_configuration
from orders.services.ordering import Customer, order_place

CUSTOMER = Customer(name="Ada Shopper", email="ada@example.com", address="1 Test Street")


def place_shirts(count: int, *, chest: int = 102, monogram: str = "JS", **choices: Any) -> None:
    """Place `count` shirt orders with `choices` changed from the sample, each with its own measurements."""
    for number in range(count):
        config = shirt_configuration()
        config["selections"].update(choices)
        # Every order its own body and initials: those are the person's, never part of a build.
        config["parameters"]["chest"] = str(chest + number)
        config["texts"]["monogram"] = monogram[:1] + chr(ord("A") + number)
        version = version_latest_for("shirt")
        assert version is not None
        order_place(version=version, data=config, customer=CUSTOMER, language="en")


def withdraw_option(group: str, option: str) -> None:
    """Stop offering one option of the shirt and publish the catalog again."""
    Option.objects.filter(group__product__code="shirt", group__code=group, code=option).update(active=False)
    catalog_publish(Product.objects.get(code="shirt"))
