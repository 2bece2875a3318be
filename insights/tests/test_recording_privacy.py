"""Who is not recorded, what no event ever holds, and that recording never delays a response."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights import recording
from insights.models import Event
from insights.privacy import VisitorSource, salt_end, visitor_hash
from insights.tests.shopping import Shopper, hidden
from orders.models import Order

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0 Tester/4242"


@pytest.fixture(autouse=True)
def demo() -> None:
    call_command("load_demo", stdout=None)


@pytest.mark.parametrize(
    "headers",
    [
        {"DNT": "1"},
        {"Sec-GPC": "1"},
        {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"User-Agent": "Mozilla/5.0 (compatible; AhrefsSpider)"},
        {"User-Agent": "SomeCrawler/1.0"},
    ],
    ids=["do-not-track", "global-privacy-control", "bot", "spider", "crawler"],
)
def test_these_shoppers_are_not_recorded_and_their_page_carries_no_visit(
    client: Client, headers: dict[str, str]
) -> None:
    shopper = Shopper(client, "city-car", **headers)
    page = shopper.open()
    assert hidden(page, "_visit") is None and "data-asked" not in page.text
    shopper.send(("body_colour", "black"), step="exterior")
    client.post("/p/city-car/save", dict(shopper.pairs), headers=headers)
    assert not Event.objects.exists()


def test_nothing_is_recorded_when_the_shop_turns_insights_off(client: Client) -> None:
    with override_settings(INSIGHTS_ENABLED=False):
        shopper = Shopper(client, "city-car")
        page = shopper.open()
        shopper.send(("body_colour", "black"), step="exterior")
        privacy = client.get("/privacy/")
    assert hidden(page, "_visit") is None and not Event.objects.exists()
    assert "has turned off the recording" in privacy.text
    Shopper(client, "city-car").open()
    assert Event.objects.filter(kind="visit").count() == 1


def test_a_headless_browser_is_recorded(client: Client) -> None:
    agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36"
    Shopper(client, "city-car", **{"User-Agent": agent}).open()
    assert Event.objects.filter(kind="visit").count() == 1


def test_the_privacy_page_says_what_is_recorded_and_for_how_long(client: Client) -> None:
    page = client.get("/privacy/")
    assert "Do Not Track" in page.text and "Global Privacy Control" in page.text
    assert "deleted after 90 days" in page.text and "kept for 730 days" in page.text
    assert "no cookie is set for it" in page.text
    assert "memory, never in our database" in page.text
    assert "forgotten a few minutes after midnight" in page.text and "never written down" not in page.text
    italian = client.get("/it/privacy/")
    assert "Do Not Track" in italian.text and "dopo 90 giorni" in italian.text
    # Honest about what the detailed records can still tell, in both languages.
    assert "can be matched to that order by their time and the options chosen" in page.text
    assert "for as long as they are kept (90 days)" in page.text and "only daily totals" in page.text
    assert "possono essere collegati a quell" in italian.text and "(90 giorni)" in italian.text
    # The guided questions' answers, skips and overrides are recorded too, and the page says so.
    assert "which questions you answered and with which of the answers offered, which you skipped" in page.text
    assert "a quali domande hai risposto e con quale delle risposte offerte, quali" in italian.text


def test_no_event_holds_a_measurement_a_monogram_a_name_an_email_an_address_an_ip_or_a_user_agent(
    client: Client,
) -> None:
    """Drive the shirt with measurements and a monogram, order it, and look for each value in every column."""
    shopper = Shopper(client, "shirt", **{"User-Agent": AGENT})
    client.defaults["REMOTE_ADDR"] = IP
    shopper.open("?_seen=fabric")
    values = {
        "neck": "41.5",
        "chest": "103.5",
        "waist": "91.5",
        "sleeve": "64.5",
        "arm": "62.5",
        "shirt_length": "79.5",
    }
    shopper.send(("fabric", "oxford_blue"), step="style")
    style = [("collar", "classic"), ("sleeves", "long"), ("cuffs", "single"), ("buttons", "white"), ("fit", "regular")]
    shopper.send(*style, ("pocket", ""), step="measurements")
    for code, value in values.items():
        shopper.send((code, value), step="measurements")
    shopper.send(("neck", "39.7x"), step="measurements")  # refused: its text is in no event either
    shopper.send(("neck", "41.5"), step="measurements")
    shopper.send(("monogram_position", "chest"), ("monogram_colour", "navy"), step="monogram")
    shopper.send(("monogram", "QXZW"), step="monogram")
    page = shopper.send(step="summary")
    link = re.search(r'href="(/orders/checkout/shirt/[^"]*)"', page.text)
    assert link, "the shirt can be ordered"
    url = link.group(1).replace("&amp;", "&")
    checkout = client.get(url, headers={"User-Agent": AGENT})
    form = checkout.context["form"]
    customer = {
        "name": "Zebedee Quartermain",
        "email": "zq.private@example.org",
        "address": "77 Wisteria Lane, 4242 Springfield",
    }
    data = {**customer, **{key: str(form.initial[key]) for key in ("idempotency", "quoted_version", "quoted_total")}}
    assert client.post(url, data, headers={"User-Agent": AGENT}).status_code == 302
    assert Order.objects.count() == 1
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"visit", "chosen", "filled", "checkout", "order"} <= kinds
    secrets = [*customer.values(), "QXZW", "39.7x", IP, AGENT, "Tester/4242", "Wisteria", "Zebedee"]
    columns = [f.attname for f in Event._meta.concrete_fields]
    for row in Event.objects.values_list(*columns):
        for column, value in zip(columns, row, strict=True):
            text = "" if value is None else str(value)
            assert not [s for s in secrets if s in text], (column, text)
            if column != "price":
                assert not [v for v in values.values() if v in text], (column, text)
        assert dict(zip(columns, row, strict=True))["price"] not in {float(v) for v in values.values()}


def test_no_insights_query_runs_before_the_response_is_sent(client: Client) -> None:
    """The events are written by `request_finished`, once the response has gone: the page waited for none of it."""
    shopper = Shopper(client, "city-car")
    shopper.open()
    real_flush = recording.flush
    sent_at: list[int] = []
    with CaptureQueriesContext(connection) as queries:

        def flush() -> None:
            sent_at.append(len(queries.captured_queries))
            real_flush()

        with mock.patch("insights.recording.flush", flush):
            response = shopper.send(("body_colour", "black"), step="exterior")
    assert response.status_code == 200 and len(sent_at) == 1
    before, after = queries.captured_queries[: sent_at[0]], queries.captured_queries[sent_at[0] :]
    assert not [q["sql"] for q in before if "insights" in q["sql"]]
    assert [q["sql"] for q in after if q["sql"].startswith("INSERT") and "insights_event" in q["sql"]]
    assert Event.objects.filter(kind="chosen", option="black").exists()


def test_the_visitor_hash_changes_with_the_day_and_the_person_and_is_only_on_the_visit_event(client: Client) -> None:
    same = VisitorSource(host="shop.example", ip=IP, user_agent=AGENT)
    other = VisitorSource(host="shop.example", ip="198.51.100.1", user_agent=AGENT)
    today, tomorrow = date(2026, 12, 5), date(2026, 12, 6)
    assert visitor_hash(same, today) == visitor_hash(same, today)
    assert visitor_hash(same, today) != visitor_hash(same, tomorrow)
    assert visitor_hash(same, today) != visitor_hash(other, today)
    assert re.fullmatch(r"[0-9a-f]{16}", visitor_hash(same, today))
    client.defaults["REMOTE_ADDR"] = IP
    Shopper(client, "city-car", **{"User-Agent": AGENT}).open()
    Shopper(client, "shirt", **{"User-Agent": AGENT}).open()
    visits = Event.objects.filter(kind="visit")
    assert visits.count() == 2 and len({v.visitor for v in visits}) == 1
    assert not Event.objects.exclude(kind="visit").exclude(visitor="").exists()


def test_a_failed_write_is_logged_and_never_reaches_the_shopper(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with mock.patch.object(Event.objects, "bulk_create", side_effect=RuntimeError("disk full")):
        page = Shopper(client, "city-car").open()
    assert page.status_code == 200 and not Event.objects.exists()
    assert "Could not record 3 insight events" in caplog.text
    assert not recording.pending()


def test_events_are_written_before_django_closes_the_requests_connections() -> None:
    """As a WSGI server ends a request: the write runs first, on the request's connections, then they close."""
    happened: list[str] = []
    recording.record(Event(kind="visit", product="city-car", day=date(2026, 12, 5), visit="v"))
    real_bulk_create = Event.objects.bulk_create

    def write(*args: object, **kwargs: object) -> object:
        happened.append("write")
        return real_bulk_create(*args, **kwargs)  # type: ignore[arg-type]

    caches["default"].get("warm")  # the cache connection of the request is open
    with (
        mock.patch.object(Event.objects, "bulk_create", write),
        mock.patch.object(connection, "close_if_unusable_or_obsolete", lambda: happened.append("database closed")),
        mock.patch.object(caches["default"], "close", lambda **kw: happened.append("cache closed")),
    ):
        request_finished.send(sender=WSGIHandler)
    # The test client moves Django's own receiver to the end after each request: only ours must be first.
    assert happened[0] == "write" and sorted(happened[1:]) == ["cache closed", "database closed"]
    assert Event.objects.filter(visit="v").exists()


def test_the_salt_is_kept_until_a_few_minutes_after_its_local_midnight_and_only_in_redis() -> None:
    # 21:00 UTC is 22:00 in Rome: the day ends in 2 hours, and the salt 10 minutes later.
    evening = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)
    source = VisitorSource(host="shop.example", ip=IP, user_agent=AGENT)
    with mock.patch("insights.privacy.timezone.now", return_value=evening):
        # The test settings' local-memory cache is one process's: the salt is not put there.
        visitor_hash(source, date(2026, 12, 5))
        assert not cache.has_key("insights:salt:2026-12-05")
        with (
            mock.patch("insights.privacy._shared_cache", return_value=True),
            mock.patch.object(cache, "add", wraps=cache.add) as add,
        ):
            visitor_hash(source, date(2026, 12, 5))
    (key, _salt, seconds), _ = add.call_args
    assert key == "insights:salt:2026-12-05" and seconds == 2 * 3600 + 10 * 60
    assert salt_end(date(2026, 12, 5)) == datetime(2026, 12, 5, 23, 10, tzinfo=UTC)


def test_a_cache_error_while_hashing_uses_the_process_salt_and_keeps_the_events(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = VisitorSource(host="shop.example", ip=IP, user_agent=AGENT)
    today = timezone.localdate()
    with (
        mock.patch("insights.privacy._shared_cache", return_value=True),
        mock.patch.object(cache, "add", side_effect=ConnectionError("Redis is down")),
    ):
        for visit in ("a", "b"):
            recording.record(Event(kind="visit", product="city-car", day=today, visit=visit), visitor=source)
            recording.flush()
    hashes = list(Event.objects.filter(kind="visit").values_list("visitor", flat=True))
    assert len(hashes) == 2 and hashes[0] == hashes[1] and re.fullmatch(r"[0-9a-f]{16}", hashes[0])
    assert "could not give the visitor salt" in caplog.text and "Could not record" not in caplog.text
