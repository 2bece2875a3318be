"""A guided answer's proposal is complete and valid, for every answer combination of the demos."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command

from catalog.selectors import version_latest_for
from configurator.engine.guiding import holds
from configurator.services import version_engine
from personalisation.guided import GuidedAnswer, guided_proposal, questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo() -> None:
    call_command("load_demo", stdout=None)


def _combinations(code: str) -> list[tuple[GuidedAnswer, ...]]:
    """Every way to answer: each question answered one way, or left open."""
    questions = questionnaire(code, "en")
    assert questions, f"the demo {code} has no questions"
    choices = [(None, *q.answers) for q in questions]
    return [tuple(a for a in combo if a is not None) for combo in itertools.product(*choices)]


@pytest.mark.parametrize("code", ["shirt", "city-car"])
def test_every_answer_combination_proposes_a_complete_valid_configuration(code: str) -> None:
    version = version_latest_for(code)
    assert version is not None
    engine = version_engine(version)
    for answers in _combinations(code):
        proposal = guided_proposal(engine, answers)
        assert proposal is not None, answers
        selection = proposal.selection
        # Every choice decided, no measurement filled in by an answer.
        assert set(selection.choices) == {g.code for g in engine.product.groups}
        assert not selection.parameters
        assert engine.session.propagate(selection).valid, answers
        # ... and measurements can complete it: the engine's completion keeps every choice and is valid.
        completion = engine.session.complete(selection, parameters=True)
        assert completion.configuration is not None
        assert completion.configuration.choices == selection.choices
        assert engine.session.validate(completion.configuration).valid, answers
        for answer in answers:
            if answer.limit:
                assert holds(engine.product, answer.limit, selection), (answer.code, answer.limit)
            # The demo's answers all fit together: each one's preference is in the proposal.
            assert holds(engine.product, answer.prefer, selection), (answer.code, answer.prefer)


def test_the_answers_come_ahead_of_the_catalogs_defaults() -> None:
    version = version_latest_for("shirt")
    assert version is not None
    engine = version_engine(version)
    wear = next(q for q in questionnaire("shirt", "en") if q.code == "wear")
    tucked = wear.answer("tucked")
    assert tucked is not None
    proposal = guided_proposal(engine, [tucked])
    assert proposal is not None
    # The catalog's defaults say regular fit and a classic collar; the answer says slim and button-down.
    assert proposal.selection.choices["fit"] == {"slim"}
    assert proposal.selection.choices["collar"] == {"button_down"}
    assert proposal.set_by["fit"] == (tucked,) and proposal.set_by["collar"] == (tucked,)
    # What the answer does not name follows the catalog's defaults, and is not said to come from it.
    assert proposal.selection.choices["sleeves"] == {"long"} and "sleeves" not in proposal.set_by


def test_load_demo_twice_keeps_one_questionnaire() -> None:
    call_command("load_demo", stdout=None)
    questions = questionnaire("shirt", "it")
    assert [q.code for q in questions] == ["wear", "occasion"]
    assert questions[0].label == "Come porti la camicia?"
    assert [a.code for a in questions[0].answers] == ["tucked", "untucked"]
    assert [q.code for q in questionnaire("city-car", "en")] == ["use"]
