"""Merchandisers edit questions and answers in the admin; answers are checked against the draft."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Product
from personalisation.models.guided import Answer, Question

pytestmark = pytest.mark.django_db

ADD = "/admin/personalisation/question/add/"


@pytest.fixture(autouse=True)
def demo() -> None:
    call_command("load_demo", stdout=None)


@pytest.fixture
def staff(client: Client, merchandiser: Any) -> Client:
    """A client signed in as a merchandiser (the "Merchandiser" role)."""
    client.force_login(merchandiser)
    return client


def _post(client: Client, **answer: str) -> Any:
    product = Product.objects.get(code="city-car")
    data = {
        "product": str(product.pk),
        "code": "budget",
        "text": "What is your budget?",
        "text_it": "Qual è il tuo budget?",
        "position": "1",
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-code": "tight",
        "answers-0-text": "Tight",
        "answers-0-text_it": "Limitato",
        "answers-0-position": "0",
        **{f"answers-0-{key}": value for key, value in answer.items()},
    }
    return client.post(ADD, data)


def _errors(response: Any) -> dict[str, list[str]]:
    """Return the answer form's errors by field."""
    formset = response.context["inline_admin_formsets"][0].formset
    return {key: list(value) for key, value in formset.forms[0].errors.items()}


def test_a_merchandiser_adds_a_question_with_an_answer(staff: Client) -> None:
    response = _post(staff, prefer="trim = essential and engine = petrol70", limit="engine != electric")
    assert response.status_code == 302, response.context and _errors(response)
    answer = Answer.objects.get(question__code="budget")
    assert (answer.prefer, answer.limit) == ("trim = essential and engine = petrol70", "engine != electric")


def test_an_unknown_option_in_the_preference_is_refused_naming_the_field(staff: Client) -> None:
    response = _post(staff, prefer="engine = diesel")
    assert response.status_code == 200
    errors = _errors(response)
    assert "diesel" in " ".join(errors["prefer"])
    assert not Question.objects.filter(code="budget").exists()


def test_a_limit_that_does_not_parse_is_refused_on_the_limit(staff: Client) -> None:
    errors = _errors(_post(staff, prefer="trim = essential", limit="engine !="))
    assert list(errors) == ["limit"]


def test_a_limit_no_configuration_satisfies_is_refused(staff: Client) -> None:
    # R10: a hybrid or electric engine is never on the essential trim.
    errors = _errors(_post(staff, prefer="trim = essential", limit="engine = electric and trim = essential"))
    assert errors["limit"] == ["No valid configuration of the product satisfies this limit."]


def test_an_answer_never_sets_a_measurement(staff: Client) -> None:
    product = Product.objects.get(code="shirt")
    data = {
        "product": str(product.pk),
        "code": "build",
        "text": "Your build?",
        "position": "2",
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-code": "broad",
        "answers-0-text": "Broad",
        "answers-0-prefer": "chest >= 110",
        "answers-0-position": "0",
    }
    response = staff.post(ADD, data)
    assert response.status_code == 200
    assert "chest" in " ".join(_errors(response)["prefer"])


def test_an_outsider_cannot_open_the_questions(outsider: Client) -> None:
    response = outsider.get("/admin/personalisation/question/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_shop_offers_a_question_as_soon_as_it_is_saved(
    staff: Client, django_capture_on_commit_callbacks: Any
) -> None:
    shop = Client()
    assert "Answer 1 quick question for a proposal" in shop.get("/p/city-car/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(staff, prefer="trim = essential and engine = petrol70")
    assert response.status_code == 302
    assert "Answer 2 quick questions for a proposal" in shop.get("/p/city-car/").content.decode()
