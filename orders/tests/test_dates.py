"""Dispatch dates count working days, and shoppers read dates in their language (issue 14 item 13)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from catalog.models import CatalogVersion
from orders import services
from orders.dates import dispatch_date, long_date, long_datetime
from orders.models import Order
from orders.tests.conftest import CUSTOMER

FRIDAY = datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRIDAY, 1, datetime.date(2026, 12, 7)),  # the weekend does not count
        (FRIDAY, 5, datetime.date(2026, 12, 11)),
        (FRIDAY, 10, datetime.date(2026, 12, 18)),
        (FRIDAY, 0, FRIDAY),
        (datetime.date(2026, 12, 5), 0, datetime.date(2026, 12, 7)),  # ordered on Saturday: Monday at the earliest
        (datetime.date(2026, 12, 6), 1, datetime.date(2026, 12, 7)),  # ordered on Sunday, made on Monday
    ],
)
def test_a_lead_time_counts_working_days(start: datetime.date, days: int, expected: datetime.date) -> None:
    assert dispatch_date(start, days) == expected


def test_italian_dates_have_lowercase_day_and_month_names_and_no_padding() -> None:
    assert long_date(FRIDAY, "it") == "venerdì 4 dicembre 2026"
    assert long_date(FRIDAY, "en") == "Friday, 4 December 2026"
    at = datetime.datetime(2026, 12, 4, 18, 41, tzinfo=datetime.UTC)  # 19:41 in Rome
    assert long_datetime(at, "it") == "venerdì 4 dicembre 2026, 19:41"


def test_an_order_is_due_its_products_lead_time_in_working_days(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    assert order.due_date == dispatch_date(timezone.localdate(order.placed_at), 10)  # the demo shirt: 10 days


def test_the_order_page_shows_dates_in_italian_style(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="it").order
    Order.objects.filter(pk=order.pk).update(due_date=datetime.date(2026, 12, 18))
    order.events.update(created_at=datetime.datetime(2026, 12, 4, 18, 41, tzinfo=datetime.UTC))
    with translation.override("it"):
        page = client.get(order.get_absolute_url()).text
    assert "entro venerdì 18 dicembre 2026" in page
    assert "venerdì 4 dicembre 2026, 19:41" in page
    assert not re.search(r"Venerdì|Dicembre|\b04\b", page)


def test_the_home_cards_show_the_dispatch_date_not_the_catalog_version(client: Client, shirt: CatalogVersion) -> None:
    page = client.get("/").text
    assert "Catalog version" not in page
    card = page.split('id="product-shirt"')[1].split("</li>")[0]
    date = long_date(dispatch_date(timezone.localdate(), 10), "en")
    assert "Made in 10 working days" in card and date in card


def test_the_configurator_summary_shows_the_dispatch_date(client: Client, shirt: CatalogVersion) -> None:
    page = client.get("/p/city-car/?_step=summary").text
    assert long_date(dispatch_date(timezone.localdate(), 40), "en") in page
