"""The recount of option pairs (the beat task) and what the configurator page offers from it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_for
from configurator.models import SavedConfiguration
from orders.models import Order
from personalisation import returning, tasks
from personalisation.models.cooccurrence import OptionPair
from personalisation.models.returning import ShopperProfile
from personalisation.tests.history import orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt(db: None) -> CatalogVersion:
    call_command("load_demo", stdout=None)
    version = version_latest_for("shirt")
    assert version is not None
    return version


def pairs() -> set[tuple[Any, ...]]:
    return set(
        OptionPair.objects.values_list(
            "product_code", "if_group", "if_option", "then_group", "then_option", "together", "confidence", "lift"
        )
    )


@pytest.fixture
def history(shirt: CatalogVersion) -> None:
    """20 shirts: 8 Oxford blue with a button-down collar, 2 Oxford blue classic, 10 poplin classic."""
    orders(shirt, 8, fabric="oxford_blue", collar="button_down", sleeves="long")
    orders(shirt, 2, fabric="oxford_blue", collar="classic", sleeves="long")
    orders(shirt, 10, fabric="poplin_white", collar="classic", sleeves="short")
    tasks.cooccurrence_refresh()


def test_the_task_counts_support_confidence_and_lift_from_orders(history: None) -> None:
    pair = OptionPair.objects.get(if_option="oxford_blue", then_option="button_down")
    assert (pair.together, pair.if_count, pair.then_count, pair.baskets) == (8, 10, 8, 20)
    assert pair.confidence == pytest.approx(0.8)
    assert pair.lift == pytest.approx(0.8 / (8 / 20))
    # Two Oxford blue classics are below the minimum support (5): not kept in either direction.
    assert not OptionPair.objects.filter(if_option="oxford_blue", then_option="classic").exists()
    # Measurements and texts are no options.
    assert not OptionPair.objects.exclude(if_group__in=["fabric", "collar", "sleeves"]).exists()


def test_saved_configurations_count_as_well(history: None, shirt: CatalogVersion) -> None:
    for collar in ("classic", "cutaway"):
        data = {"selections": {"fabric": "oxford_blue", "collar": collar}, "parameters": {}, "texts": {}}
        SavedConfiguration.objects.create(product=shirt.product, version=shirt, data=data, total=1, currency="EUR")
    tasks.cooccurrence_refresh()
    pair = OptionPair.objects.get(if_option="oxford_blue", then_option="button_down")
    assert (pair.together, pair.if_count, pair.baskets) == (8, 12, 22)


def test_the_task_is_idempotent_and_replaces_a_products_pairs(history: None, shirt: CatalogVersion) -> None:
    before = pairs()
    assert tasks.cooccurrence_refresh() == {"shirt": len(before)}
    assert pairs() == before
    Order.objects.filter(configuration__selections__collar="button_down").delete()
    tasks.cooccurrence_refresh()
    assert not OptionPair.objects.filter(then_option="button_down").exists()
    Order.objects.all().delete()
    assert tasks.cooccurrence_refresh() == {"shirt": 0}
    assert not OptionPair.objects.exists()


STYLE = "/p/shirt/?fabric=oxford_blue&_step=style&_seen=fabric"


def test_the_style_step_offers_what_people_with_the_same_fabric_chose(history: None, client: Client) -> None:
    page = client.get(STYLE).text
    assert "Often chosen with your choices" in page
    assert "Chosen by 80% of people who picked Blue Oxford." in page
    # One click chooses it: a submit of the group with the option, after the step's own fields.
    assert 'name="collar" value="button_down"' in page
    assert page.index('name="collar" value="button_down" aria-describedby="why-often') > page.index('id="g-fit"')
    # Long sleeves go with Oxford blue too (lift 2), ahead of the collar (lift 2 as well, lower confidence).
    assert page.index("Choose Sleeves: Long") < page.index("Choose Collar: Button-down")


def test_following_a_suggestion_chooses_it(history: None, client: Client) -> None:
    page = client.get(STYLE + "&collar=button_down").text
    assert 'id="o-collar-button_down" name="collar" value="button_down"\n    checked' in page
    assert "Choose Collar: Button-down" not in page  # already chosen: not offered again


@pytest.mark.parametrize("header", [{"DNT": "1"}, {"Sec-GPC": "1"}])
def test_do_not_track_and_gpc_hide_the_suggestions(history: None, client: Client, header: dict[str, str]) -> None:
    page = client.get(STYLE, headers=header).text
    assert "Often chosen with your choices" not in page
    assert 'id="g-collar"' in page  # the step itself is shown as ever


def test_nothing_is_offered_without_enough_data(shirt: CatalogVersion, client: Client) -> None:
    orders(shirt, 4, fabric="oxford_blue", collar="button_down")
    tasks.cooccurrence_refresh()
    assert "Often chosen with your choices" not in client.get(STYLE).text


def test_the_first_looks_suggestions_are_not_the_shoppers_choices(history: None, client: Client) -> None:
    # Arriving on the bare address: every choice is the shop's suggestion, so nothing is learnt from it.
    assert "Often chosen with your choices" not in client.get("/p/shirt/?_step=style").text


def test_the_why_is_in_the_shoppers_language(history: None, client: Client) -> None:
    page = client.get("/it" + STYLE).text
    assert "Scelti spesso con le tue scelte" in page
    assert "Scelto da 80 persone su 100 tra chi ha preso Oxford azzurro." in page
    assert "Scegli Colletto: Button-down" in page


def test_the_page_offers_the_new_counts_once_the_recount_commits(
    history: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert "Choose Collar: Button-down" in client.get(STYLE).text
    Order.objects.filter(configuration__selections__collar="button_down").delete()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.cooccurrence_refresh()
    assert "Often chosen with your choices" not in client.get(STYLE).text


def test_the_privacy_page_says_what_suggestions_use(client: Client) -> None:
    page = client.get("/privacy/").text
    assert "Suggestions: “often chosen with”" in page
    assert "never who chose them" in page and "we show you no suggestions" in page
    italian = client.get("/it/privacy/").text
    assert "mai chi le ha scelte" in italian and "non ti mostriamo suggerimenti" in italian


def test_the_command_recounts_now_and_refuses_a_bad_minimum(shirt: CatalogVersion) -> None:
    orders(shirt, 3, fabric="oxford_blue", collar="button_down")
    out = io.StringIO()
    call_command("cooccurrence_refresh", "--min-support", "3", stdout=out)
    assert "shirt: 2 pairs kept" in out.getvalue()
    assert OptionPair.objects.get(if_option="oxford_blue").together == 3
    with pytest.raises(CommandError, match="'0' is not a whole number of 1 or more"):
        call_command("cooccurrence_refresh", "--min-support", "0")


def test_the_beat_runs_the_recount() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["personalisation-cooccurrence-refresh"]
    assert entry["task"] == tasks.cooccurrence_refresh.name == "personalisation.tasks.cooccurrence_refresh"


def test_a_returning_shopper_who_switched_personalisation_off_sees_none(history: None, client: Client) -> None:
    profile = ShopperProfile.objects.create(email="ada@example.com", personalise=True)
    session = client.session
    session[returning.SESSION_KEY] = profile.pk
    session.save()
    assert "Often chosen with your choices" in client.get(STYLE).text
    ShopperProfile.objects.filter(pk=profile.pk).update(personalise=False)
    assert "Often chosen with your choices" not in client.get(STYLE).text
