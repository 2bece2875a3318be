"""The shopper's side: the offer, skipping, the proposal with its "why", and what insights record."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from insights.figures import Filters
from insights.figures.guided import guided_figures
from insights.models import Event
from insights.rollup import rollup_pending
from insights.tests.shopping import FROM_SHOP, Shopper

pytestmark = pytest.mark.django_db

K = Event.Kind
_QUESTIONS_LINK = re.compile(r'id="guided-start" href="([^"]+)"')


@pytest.fixture(autouse=True)
def demo() -> None:
    call_command("load_demo", stdout=None)


def _text(shopper: Shopper) -> str:
    """Return the page the shopper sees last."""
    assert shopper.last is not None
    return str(shopper.last.text)


def _guided_state(shopper: Shopper) -> str:
    text = _text(shopper)
    found = re.search(r'<input type="hidden" name="_guided" value="([^"]*)">', text)
    return html.unescape(found.group(1)) if found else ""


def _answer(client: Client, shopper: Shopper, **answers: str) -> None:
    """Follow the offer to the questions, send `answers` and open the proposal (as a browser follows it)."""
    link = _QUESTIONS_LINK.search(_text(shopper))
    assert link is not None, "the page offers no questions"
    url = html.unescape(link.group(1))
    page = client.get(url, headers={**FROM_SHOP, **shopper.headers})
    assert page.status_code == 200
    visit = dict(parse_qsl(urlsplit(url).query)).get("_visit", "")
    query = {"_propose": "1", **({"_visit": visit} if visit else {}), **{f"q_{q}": a for q, a in answers.items()}}
    redirect = client.get(urlsplit(url).path, query, headers={**FROM_SHOP, **shopper.headers})
    assert redirect.status_code == 302
    address = redirect["Location"]
    response = client.get(address, headers={**FROM_SHOP, **shopper.headers})
    assert response.status_code == 200
    shopper.last = response
    shopper.pairs = [(k, v) for k, v in parse_qsl(urlsplit(address).query, keep_blank_values=True) if k != "_step"]


def _figures() -> dict[str, tuple[int, int, int]]:
    """Roll up what was recorded and return the guided figures (question: answered, skipped, overridden)."""
    rollup_pending()
    today = timezone.localdate()
    filters = Filters(product="shirt", version=None, since=today - timedelta(days=1), until=today, traffic="all")
    return {f.question: (f.answered, f.skipped, f.overridden) for f in guided_figures(filters, language="en")}


def test_the_shopper_is_offered_the_questions_and_skipping_is_one_click_remembered(client: Client) -> None:
    shopper = Shopper(client, "shirt")
    page = shopper.open()
    assert "Answer 2 quick questions for a proposal" in page.text
    shopper.send(extra=(("_guided", "skip-now"),))
    assert "quick questions" not in _text(shopper) and _guided_state(shopper) == "skip"
    shopper.choose("collar", "cutaway")
    assert "quick questions" not in _text(shopper) and _guided_state(shopper) == "skip"
    skipped = Event.objects.filter(kind=K.GUIDED_SKIPPED)
    assert sorted(skipped.values_list("field", flat=True)) == ["occasion", "wear"]
    assert _figures() == {"wear": (0, 1, 0), "occasion": (0, 1, 0)}


def test_answers_open_a_proposal_that_says_why_and_an_override_is_recorded(client: Client) -> None:
    shopper = Shopper(client, "shirt")
    shopper.open()
    _answer(client, shopper, wear="tucked", occasion="office")
    text = _text(shopper)
    assert "Proposed from your answers" in text
    assert re.search(r"Fit: Slim[^<]*proposed from your answers: Tucked in", text)
    assert re.search(r"Fabric: [^<]*proposed from your answers: For the office", text)
    assert shopper.form.value("fit") == "slim" and shopper.form.value("collar") == "button_down"
    # Measurements are never filled in by an answer.
    assert not [v for k, v in shopper.pairs if k in ("neck", "chest", "waist", "sleeve", "arm", "shirt_length")]
    assert shopper.visit
    shopper.choose("fit", "regular")
    assert 'id="guided-fit"' not in _text(shopper) and 'id="guided-collar"' in _text(shopper)
    override = Event.objects.get(kind=K.GUIDED_OVERRIDE)
    assert (override.field, override.option, override.group) == ("wear", "tucked", "fit")
    # A later click records no second override for the same change.
    shopper.choose("buttons", "horn")
    assert Event.objects.filter(kind=K.GUIDED_OVERRIDE).count() == 1
    assert _figures() == {"wear": (1, 0, 1), "occasion": (1, 0, 0)}


def test_a_question_left_open_counts_as_skipped(client: Client) -> None:
    shopper = Shopper(client, "shirt")
    shopper.open()
    _answer(client, shopper, occasion="weekend")
    assert shopper.form.value("fabric") == "oxford_blue" and shopper.form.value("sleeves") == "short"
    assert _figures() == {"wear": (0, 1, 0), "occasion": (1, 0, 0)}


def test_with_do_not_track_the_proposal_works_and_nothing_is_recorded(client: Client) -> None:
    shopper = Shopper(client, "city-car", DNT="1")
    shopper.open()
    _answer(client, shopper, use="long_trips")
    assert shopper.form.value("engine") == "hybrid130"
    assert "proposed from your answers: Long trips" in _text(shopper)
    assert not Event.objects.exists()


def test_answers_naming_nothing_known_open_the_usual_first_look(client: Client) -> None:
    response = client.get("/p/shirt/questions/", {"_propose": "1", "q_wear": "sideways"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "quick questions" not in page.text


def test_the_insights_page_shows_the_questions_table(client: Client, merchandiser: object) -> None:
    shopper = Shopper(client, "shirt")
    shopper.open()
    _answer(client, shopper, wear="untucked", occasion="weekend")
    shopper.choose("fabric", "twill_grey")
    rollup_pending()
    Event.objects.all().delete()  # expired: the page reads the daily rollups, which outlive the events
    client.force_login(merchandiser)  # type: ignore[arg-type]
    page = client.get("/admin/insights/productinsight/shirt/", {"traffic": "all"})
    assert page.status_code == 200
    table = page.text[page.text.index('id="guided"') :]
    assert re.search(r"How do you wear your shirt\?</th><td[^>]*>1</td><td[^>]*>0</td><td[^>]*>0</td>", table)
    assert re.search(r"Office or weekend\?</th><td[^>]*>1</td><td[^>]*>0</td><td[^>]*>1</td>", table)


def test_the_questions_speak_italian_on_the_italian_shop(client: Client) -> None:
    offer = client.get("/it/p/shirt/").content.decode()
    assert "Rispondi a 2 domande rapide per una proposta" in offer
    page = client.get("/it/p/shirt/questions/").content.decode()
    assert "Come porti la camicia?" in page and "Dentro i pantaloni" in page and "Mostra la mia proposta" in page


def test_skipping_from_the_questions_page_records_each_question_once(client: Client) -> None:
    page = client.get("/p/shirt/questions/")
    link = re.search(r'id="guided-skip" href="([^"]+)"', page.content.decode())
    assert link is not None
    response = client.get(html.unescape(link.group(1)), headers=FROM_SHOP)
    assert response.status_code == 302
    shown = client.get(response["Location"], headers=FROM_SHOP)
    assert "quick questions" not in shown.content.decode()
    client.get(response["Location"], headers=FROM_SHOP)  # a reload records nothing more
    assert _figures() == {"wear": (0, 1, 0), "occasion": (0, 1, 0)}
