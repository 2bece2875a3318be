"""Simulated shoppers: plausible traffic through the real configurator pages, marked as simulated.

`simulate_shoppers` drives the shop's own views in this process with Django's test
client, inside `insights.recording.simulation(clock)`: every event the pages record is
`simulated=True` and timed by a simulated clock spread over the last days, so the
Insights page can be tried on a fresh install and real traffic is never mixed with it
(the rollups keep the two apart; the page and `insights_report --traffic` filter them).

Orders are the one thing not driven through a view: placing one would create a real
Order, e-mail nobody and send a build order to the factories. A simulated shopper opens
the real checkout page, then its order is recorded as the `order` event the checkout
records, with the choices and total the checkout page showed, and nothing else, unless
`orders=True` (the demo, `simulate_shoppers --orders`): then it is also placed through
the orders service, for a "Simulated shopper" at an example.invalid address, so the demo
has real orders to learn popular builds from.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client, RequestFactory
from django.test.utils import override_settings

from catalog.selectors import version_latest_for
from configurator.engine.selection import SelectionError, data_from_pairs, read_selection
from configurator.loading import version_model
from insights import models, recording, tracking
from insights.rollup import DAILY
from insights.simulated import SIMULATED_CUSTOMER
from insights.simulation.calendar import Clock, visit_start
from insights.simulation.habits import Taste
from insights.simulation.shoppers import SHOP_PAGE, Checkout, Shopper, Tally, Visit
from orders.services.ordering import ConfigurationRejected, order_place
from personalisation.popular import starting_points_refresh

__all__ = ["SimulationError", "Tally", "simulate_shoppers", "simulated_clear", "simulated_exists"]

#: Addresses reserved for documentation (RFC 5737): no real shopper has one. Hashed, never stored.
_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")
_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
)
#: Share of visits in Italian, of visits by someone who already came that day, of visits opening a shared link.
ITALIAN = 0.2
RETURNING = 0.2
SHARED = 0.04
#: With `orders`, the popular builds are learnt again after this many orders placed.
REFRESH_EVERY = 10


class SimulationError(Exception):
    """The simulation cannot run (unknown product, recording turned off); the message says why."""


@dataclass(frozen=True)
class _Start:
    """Who makes a visit and when it starts."""

    shopper: Shopper
    clock: Clock


def simulated_exists(code: str) -> bool:
    """Say whether product `code` has simulated events or rollups."""
    return models.Event.objects.filter(product=code, simulated=True).exists() or any(
        table._default_manager.filter(product=code, simulated=True).exists() for table in DAILY
    )


def simulated_clear(code: str) -> int:
    """Delete the simulated events and rollups of product `code` (real traffic is untouched); return the rows."""
    deleted = 0
    with transaction.atomic():
        deleted += models.Event.objects.filter(product=code, simulated=True).delete()[0]
        for table in DAILY:
            deleted += table._default_manager.filter(product=code, simulated=True).delete()[0]
    return deleted


def _starts(seed: str, code: str, visits: int, days: int) -> list[_Start]:
    """Return who makes each visit and when: a few shoppers come back the same day, from the same browser."""
    rnd = random.Random(f"{seed}:{code}:visitors")
    starts: list[_Start] = []
    for number in range(visits):
        own = random.Random(f"{seed}:{code}:{number}")
        if starts and rnd.random() < RETURNING:
            earlier = rnd.choice(starts)
            clock = Clock(earlier.clock.now + timedelta(minutes=rnd.randrange(20, 240)))
            shopper = Shopper(earlier.shopper.address, earlier.shopper.agent, earlier.shopper.language, own)
        else:
            address = f"{rnd.choice(_NETWORKS)}.{rnd.randrange(1, 255)}"
            language = "it" if rnd.random() < ITALIAN else ""
            shopper = Shopper(address, rnd.choice(_AGENTS), language, own)
            clock = Clock(visit_start(own, days))
        starts.append(_Start(shopper, clock))
    return starts


def _record_order(code: str, shopper: Shopper, checkout: Checkout) -> bool:
    """Record the `order` event a placed order of this checkout records, and nothing else (no Order).

    The visit is found from the checkout's address as the checkout view finds it; False when it
    is over (a new one would start: nothing is recorded).
    """
    version = version_latest_for(code)
    if version is None:
        return False
    product = version_model(version)
    headers = {"User-Agent": shopper.agent, "Referer": SHOP_PAGE}
    request = RequestFactory().get(checkout.url, headers=headers, REMOTE_ADDR=shopper.address)
    visit = tracking.visit_for(request, product, version.number)
    if visit is None or visit.new:
        return False
    pairs = parse_qsl(urlsplit(checkout.url).query, keep_blank_values=True)
    selection = read_selection(product, data_from_pairs(product, pairs))
    tracking.checkout_reached(visit, models.Event.Kind.ORDER, selection, checkout.total)
    recording.flush()
    return True


def _place_order(code: str, shopper: Shopper, checkout: Checkout) -> bool:
    """Place the order of this checkout through the orders service, as the checkout would; False if refused."""
    version = version_latest_for(code)
    if version is None:
        return False
    product = version_model(version)
    pairs = parse_qsl(urlsplit(checkout.url).query, keep_blank_values=True)
    try:
        order_place(
            version=version,
            data=data_from_pairs(product, pairs),
            customer=SIMULATED_CUSTOMER,
            language=shopper.language or "en",
            notes="Simulated shopper (simulate_shoppers --orders).",
        )
    except (SelectionError, ConfigurationRejected):
        return False
    return True


def simulate_shoppers(
    code: str,
    *,
    visits: int,
    seed: str = "1",
    days: int = 28,
    orders: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Tally:
    """Send `visits` simulated shoppers through product `code`'s pages; return what they did.

    The same seed replays the same visits (the visit ids differ: they are random by design).
    `orders` places a real order for each visit that orders (the demo's), else only its event
    is recorded. `progress` is called with the number of visits done, every 50 visits.
    """
    if not settings.INSIGHTS_ENABLED:
        raise SimulationError("INSIGHTS_ENABLED is off: nothing would be recorded.")
    version = version_latest_for(code)
    if version is None or not version.product.active:
        raise SimulationError(f"No product with the code '{code}' is offered.")
    tally = Tally()
    taste = Taste(seed, code)
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # The simulator is one client making thousands of requests: it is not throttled like a shopper.
    with override_settings(RATELIMIT_ENABLE=False, ALLOWED_HOSTS=hosts):
        for number, start in enumerate(_starts(seed, code, visits, days), 1):
            with recording.simulation(start.clock):
                rnd = start.shopper.rnd
                share = rnd.choice(tally.codes) if tally.codes and rnd.random() < SHARED else ""
                checkout = Visit(Client(), start.shopper, taste, start.clock, tally).run(share)
                if checkout is not None and _record_order(code, start.shopper, checkout):
                    tally.orders += 1
                    if orders and _place_order(code, start.shopper, checkout):
                        tally.placed += 1
                        if tally.placed % REFRESH_EVERY == 0:
                            # Later visits are offered what earlier ones ordered, as on a real shop.
                            starting_points_refresh(code)
            if progress is not None and number % 50 == 0:
                progress(number)
    return tally
