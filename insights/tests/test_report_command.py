"""`insights_report`: rolls up first, prints the figures as JSON or text, names bad arguments."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.models import CatalogVersion
from insights.models import DailyBlock, DailyGuided, DailyOption, DailyStage, DailyVisits
from insights.tests.factories import START, save, shopper

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _report(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("insights_report", "bike", "--json", *args, stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


@pytest.fixture
def figures(bike: CatalogVersion) -> None:
    key = {"day": TODAY, "product": "bike", "version": 1}
    DailyVisits.objects.create(**key, visits=5, visitors=4, orders=2, checkouts=2)
    DailyVisits.objects.create(**key | {"day": TODAY - datetime.timedelta(days=30)}, visits=50)
    DailyVisits.objects.create(**key | {"simulated": True}, visits=9)
    DailyStage.objects.create(**key, stage="look", position=0, reached=5, left_here=2, seconds={"3": 1, "8": 4})
    DailyOption.objects.create(**key, group="frame", option="blue", chosen=4, chosen_ordered=2, ordered=2)
    DailyBlock.objects.create(
        **key, rule="R1", group="frame", option="black", times=3, anyway=1, other_option=1, left=1
    )


def test_json_has_the_issue_keys_with_numbers_as_numbers(figures: None) -> None:
    data = _report()
    assert (data["visits"], data["orders"], data["simulated_visits"]) == (5, 2, 9)
    assert data["filters"] == {
        "version": None,
        "since": (TODAY - datetime.timedelta(days=29)).isoformat(),
        "until": TODAY.isoformat(),
        "traffic": "real",
    }
    assert [s["step"] for s in data["funnel"]] == ["look", "other", "summary", "checkout", "order"]
    assert {k: data["funnel"][0][k] for k in ("step", "reached", "left_here", "median_seconds")} == {
        "step": "look",
        "reached": 5,
        "left_here": 2,
        "median_seconds": 8,
    }
    blue = data["options"][0]
    assert {k: blue[k] for k in ("group", "option", "chosen", "ordered")} == {
        "group": "frame",
        "option": "blue",
        "chosen": 4,
        "ordered": 2,
    }
    assert (blue["take_rate"], blue["lift"]) == (0.8, 1.25)
    [block] = data["blocked"]
    assert {k: block[k] for k in ("rule", "group", "option", "times", "resolved", "left")} == {
        "rule": "R1",
        "group": "frame",
        "option": "black",
        "times": 3,
        "resolved": 2,
        "left": 1,
    }
    assert len(data["hours"]) == 7 * 24
    assert data["demand"]["orders"] == 100
    assert data["demand"]["parts"][:2] == [
        {"part_number": "BK-BASE", "label": "City bike", "unit": "pcs", "per_order": "1.0000", "quantity": "100.00"},
        {
            "part_number": "BK-FRAME",
            "label": "Frame colour: Blue",
            "unit": "pcs",
            "per_order": "1.0000",
            "quantity": "100.00",
        },
    ]


def test_json_has_the_guided_questions_as_the_page_does(figures: None) -> None:
    key = {"day": TODAY, "product": "bike", "version": 1}
    DailyGuided.objects.create(**key, question="riding", answered=3, skipped=1, overridden=1)
    DailyGuided.objects.create(**key | {"day": TODAY - datetime.timedelta(days=1)}, question="riding", answered=1)
    DailyGuided.objects.create(**key, question="terrain", skipped=2)
    assert _report()["guided"] == [
        {
            "question": "riding",
            "label": "riding",
            "answered": 4,
            "skipped": 1,
            "overridden": 1,
            "share_overridden": 0.25,
        },
        {
            "question": "terrain",
            "label": "terrain",
            "answered": 0,
            "skipped": 2,
            "overridden": 0,
            "share_overridden": None,
        },
    ]
    assert _report("--traffic", "simulated")["guided"] == []


def test_options_narrow_the_period_traffic_version_and_demand(figures: None) -> None:
    month_ago = (TODAY - datetime.timedelta(days=30)).isoformat()
    assert _report("--since", month_ago)["visits"] == 55
    assert _report("--since", month_ago, "--until", month_ago)["visits"] == 50
    assert _report("--traffic", "all")["visits"] == 14
    assert _report("--version", "1", "--traffic", "simulated")["visits"] == 9
    assert _report("--orders", "7")["demand"]["parts"][0]["quantity"] == "7.00"
    assert _report("--language", "it")["product_label"] == "Bici da città"


def test_rolls_up_pending_events_first(bike: CatalogVersion) -> None:
    buyer = shopper("v1", visitor="h1").step("look").chosen("frame", "blue").step("summary").order("frame=blue")
    leaver = shopper("v2", visitor="h2").step("look").blocked("frame", "black", "R1")
    save(buyer, leaver)
    period = ("--since", START.date().isoformat(), "--until", START.date().isoformat())
    data = _report(*period)
    assert (data["visits"], data["visitors"], data["orders"]) == (2, 2, 1)
    look = data["funnel"][0]
    assert (look["step"], look["reached"], look["left_here"]) == ("look", 2, 1)
    assert [(b["rule"], b["option"], b["times"], b["left"]) for b in data["blocked"]] == [("R1", "black", 1, 1)]
    assert (data["options"][0]["chosen"], data["options"][0]["ordered"]) == (1, 1)
    assert _report(*period)["visits"] == 2  # rolled up once: a second report counts the same


def test_text_report_is_readable(figures: None) -> None:
    out = StringIO()
    call_command("insights_report", "bike", stdout=out)
    text = out.getvalue()
    assert text.startswith(
        f"City bike (bike), all versions, {TODAY - datetime.timedelta(days=29)} to {TODAY}, real traffic"
    )
    assert "visits 5, visitors 4, orders 2 (conversion 40.0%)" in text
    assert "Blocked choices" in text and "Frame colour: Black" in text
    assert "Demand for the next 100 orders" in text and "BK-FRAME" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "CODE: unknown product 'nope'"),
        (["bike", "--since", "2026-13-01"], "--since: '2026-13-01' is not a date written YYYY-MM-DD"),
        (["bike", "--until", "yesterday"], "--until: 'yesterday' is not a date"),
        (
            ["bike", "--since", "2026-11-10", "--until", "2026-11-09"],
            "--since: 2026-11-10 is after --until (2026-11-09)",
        ),
        (["bike", "--version", "0"], "--version: '0' is not a whole number of 1 or more"),
        (["bike", "--version", "4"], "--version: product 'bike' has no version 4"),
        (["bike", "--orders", "many"], "--orders: 'many' is not a whole number"),
        (["bike", "--traffic", "bots"], "--traffic: invalid choice: 'bots'"),
    ],
)
def test_bad_arguments_name_the_argument(bike: CatalogVersion, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("insights_report", *args, "--json", stdout=StringIO())


def test_a_product_gone_from_the_catalog_keeps_its_figures(db: None) -> None:
    DailyVisits.objects.create(day=TODAY, product="retired", version=3, visits=2)
    out = StringIO()
    call_command("insights_report", "retired", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["product_label"], data["visits"], data["label_version"], data["demand"]["parts"]) == (
        "retired",
        2,
        None,
        [],
    )
