"""The visit id and its day, the page state `_prev`, what counts as the shopper's change, the buffer."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from catalog.selectors import version_latest_for
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.forms import PageInput
from configurator.loading import version_model
from insights import recording
from insights.models import Event
from insights.tests.shopping import Shopper, hidden, kinds
from insights.tracking import changes
from insights.visits import (
    PREV_MAX_LENGTH,
    PageState,
    state_read,
    state_text,
    value_sum,
    visit_day,
    visit_mint,
    visit_start,
)

NOON = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
VISIT = visit_mint(NOON)


def test_a_visit_id_names_when_the_visit_started() -> None:
    visit = visit_mint(NOON)
    stamp, _, token = visit.partition("-")
    assert int(stamp, 36) == int(NOON.timestamp()) and len(token) == 16
    assert visit_start(visit, NOON + timedelta(hours=5)) == NOON
    assert visit_mint(NOON) != visit


def test_a_visit_day_is_the_shops_local_date_of_its_start() -> None:
    # Europe/Rome is an hour ahead of UTC in December: 23:30 UTC is already the next day there.
    assert visit_day(datetime(2026, 12, 5, 23, 30, tzinfo=UTC)) == date(2026, 12, 6)
    assert visit_day(datetime(2026, 12, 5, 22, 30, tzinfo=UTC)) == date(2026, 12, 5)


@pytest.mark.parametrize(
    "visit",
    [
        "",
        "not-a-visit",
        visit_mint(NOON) + "x",
        visit_mint(NOON).replace("-", "_"),
        visit_mint(NOON + timedelta(minutes=10)),  # from the future
        visit_mint(NOON - timedelta(days=2, seconds=1)),  # over
        "<script>-AAAAAAAAAAAAAAAA",
    ],
)
def test_a_malformed_future_or_old_visit_id_is_no_visit(visit: str) -> None:
    assert visit_start(visit, NOON) is None


def test_a_visit_two_days_old_still_goes_on() -> None:
    assert visit_start(visit_mint(NOON - timedelta(days=2)), NOON) is not None


@pytest.fixture
def shirt(db: None) -> Product:
    call_command("load_demo", stdout=None)
    version = version_latest_for("shirt")
    assert version is not None
    return version_model(version)


def test_the_page_state_reads_back_what_was_written(shirt: Product) -> None:
    state = PageState(
        stage="style",
        choices={"fabric": frozenset({"oxford_blue"}), "pocket": frozenset()},
        suggested=frozenset({"fabric"}),
        fields={"neck": "0a1b2c3d", "monogram": "ffee0011"},
        preview="0123456789abcdef",
        price=Decimal("89.00"),
    )
    text = state_text(shirt, state)
    assert "41.5" not in text and state_read(shirt, text) == state


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "garbage",
        "2|style||||||",
        "1|nowhere||||||",  # a stage the product does not have
        "1|style||NaN||||",
        "1|style||1e20||||",
        "1|style|||nogroup=x|||",
        "1|style||||||neck",
        "1|style||||||" + "x:y," * PREV_MAX_LENGTH,
    ],
)
def test_an_unreadable_or_oversized_page_state_is_ignored(shirt: Product, raw: str) -> None:
    assert state_read(shirt, raw) is None


def _sent(selection: Selection, **kwargs: object) -> PageInput:
    return PageInput(selection=selection, **kwargs)  # type: ignore[arg-type]


def test_changing_a_suggestion_is_a_choice_and_giving_it_up_is_no_unchoice(shirt: Product) -> None:
    prev = PageState(stage="style", choices={"collar": frozenset({"classic"})}, suggested=frozenset({"collar"}))
    found = changes(shirt, VISIT, prev, _sent(Selection(choices={"collar": frozenset({"cutaway"})})))
    assert [(e.kind, e.group, e.option) for e in found] == [("chosen", "collar", "cutaway")]
    assert changes(shirt, VISIT, prev, _sent(Selection(choices={"collar": frozenset({"classic"})}))) == []


def test_a_shoppers_own_choice_given_up_is_unchosen(shirt: Product) -> None:
    prev = PageState(stage="style", choices={"collar": frozenset({"classic"})})
    found = changes(shirt, VISIT, prev, _sent(Selection(choices={})))
    assert [(e.kind, e.group, e.option) for e in found] == [("unchosen", "collar", "classic")]


def test_a_field_is_filled_when_its_value_changes_and_refused_values_are_not_valid(shirt: Product) -> None:
    first = _sent(Selection(parameters={"neck": Decimal("41.5")}))
    prev = PageState(stage="measurements")
    (filled,) = changes(shirt, VISIT, prev, first)
    assert (filled.kind, filled.field, filled.valid) == ("filled", "neck", True)
    shown = state_read(
        shirt, state_text(shirt, PageState(stage="measurements", fields={"neck": value_sum(VISIT, "41.5")}))
    )
    assert shown is not None and changes(shirt, VISIT, shown, first) == []
    refused = _sent(Selection(), rejected={"neck": "41,5,5"}, errors={"neck": ["not a number"]})
    (again,) = changes(shirt, VISIT, shown, refused)
    assert (again.kind, again.field, again.valid) == ("filled", "neck", False)
    (cleared,) = changes(shirt, VISIT, shown, _sent(Selection()))
    assert (cleared.kind, cleared.field, cleared.valid) == ("cleared", "neck", None)


def test_a_fields_checksum_is_keyed_by_the_secret_and_the_visit() -> None:
    """A guessed value cannot be tested against `_prev` without SECRET_KEY, nor matched across visits."""
    keyed = value_sum(VISIT, "41.5")
    assert keyed == value_sum(VISIT, "41.5") != value_sum(VISIT, "41.6")
    assert keyed != value_sum(visit_mint(NOON), "41.5")
    with override_settings(SECRET_KEY="another-secret-for-this-test-only-0123456789abcdef"):
        assert value_sum(VISIT, "41.5") != keyed


def test_choices_are_written_in_catalog_order_without_measurements_or_texts(shirt: Product) -> None:
    selection = Selection(
        choices={"fit": frozenset({"slim"}), "fabric": frozenset({"linen_natural"}), "pocket": frozenset()},
        parameters={"neck": Decimal("40")},
        texts={"monogram": "AB"},
    )
    assert recording.choices_key(shirt, selection) == "fabric=linen_natural;fit=slim"


@pytest.mark.django_db
def test_simulated_visits_are_marked_and_timed_by_the_simulations_clock(client: Client) -> None:
    call_command("load_demo", stdout=None)
    moment = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    with recording.simulation(lambda: moment):
        page = Shopper(client, "city-car").open()
    assert Shopper(client, "shirt").open().status_code == 200
    simulated = Event.objects.filter(simulated=True)
    assert set(simulated.values_list("at", flat=True)) == {moment}
    assert set(simulated.values_list("day", flat=True)) == {date(2026, 11, 20)}
    visit = hidden(page, "_visit")
    assert visit is not None and int(visit.split("-")[0], 36) == int(moment.timestamp())
    assert Event.objects.filter(simulated=False, kind="visit", product="shirt").count() == 1


@pytest.mark.django_db
def test_an_old_visit_goes_on_as_a_new_one(client: Client) -> None:
    call_command("load_demo", stdout=None)
    shopper = Shopper(client, "city-car")
    shopper.open()
    old = visit_mint(datetime.now(UTC) - timedelta(days=3))
    shopper.send(("body_colour", "black"), extra=(("_visit", old),))
    assert old not in set(Event.objects.values_list("visit", flat=True))
    # The first visit's page state is no part of the new visit: no "chosen" carried over.
    assert kinds() == ["visit", "step", "preview", "visit", "step", "preview"]


@pytest.mark.django_db
def test_without_a_page_state_nothing_is_compared_and_the_step_is_recorded(client: Client) -> None:
    call_command("load_demo", stdout=None)
    shopper = Shopper(client, "city-car")
    shopper.open()
    shopper.send(("body_colour", "black"), step="exterior", extra=(("_prev", "x" * (PREV_MAX_LENGTH + 1)),))
    assert kinds()[3:] == ["step", "preview"]


def test_each_thread_buffers_its_own_events() -> None:
    recording.record(Event(kind="visit"))
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(len(recording.pending())))
    worker.start()
    worker.join()
    assert seen == [0] and len(recording.pending()) == 1
    recording._buffer.events.clear()


CRAFTED = [
    "zzzzzzzz-AAAAAAAAAAAAAAAA",
    "zzzzzzzzzz-AAAAAAAAAAAAAAAA",
    "0-AAAAAAAAAAAAAAAA",
    "-1-AAAAAAAAAAAAAAAA",
    "zzzzzzzz-AAAAAAAAAAAAAAAA\x00",
    "1e999-AAAAAAAAAAAAAAAA",
]
CAR = "trim=style&engine=turbo100&gearbox=manual6&body_colour=red&roof=body&wheels=w16&interior=fabric_grey&packs="


@pytest.mark.parametrize("visit", CRAFTED)
def test_a_visit_id_too_large_for_a_date_is_no_visit(visit: str) -> None:
    assert visit_start(visit, NOON) is None


@pytest.mark.django_db
@pytest.mark.parametrize("visit", CRAFTED)
def test_a_crafted_visit_id_starts_a_new_visit_on_every_page(client: Client, visit: str) -> None:
    """The configurator, saving and the checkout (shown and posted) answer as without it, never 500."""
    call_command("load_demo", stdout=None)
    crafted = urlencode({"_visit": visit})
    headers = {"HX-Request": "true"}
    assert client.get(f"/p/city-car/?{CAR}&_seen=version&{crafted}").status_code == 200
    assert client.get(f"/p/city-car/?{CAR}&_seen=version&{crafted}", headers=headers).status_code == 200
    assert client.post("/p/city-car/save", {"trim": "premium", "_visit": visit}).status_code == 302
    checkout = f"/orders/checkout/city-car/?{CAR}"
    assert client.get(f"{checkout}&{crafted}").status_code == 200
    posted = client.post(checkout, {"_visit": visit, "name": ""})
    assert posted.status_code == 200 and "This field is required" in posted.text
    assert visit not in set(Event.objects.values_list("visit", flat=True))
    assert Event.objects.filter(kind="visit").count() == 4
