"""Guided questions in a browser: answer the shirt's questions, see the proposal, change one choice."""

from __future__ import annotations

import re
from typing import Any

from tests.browsing import ARTIFACTS, BROWSER, settled

pytestmark = BROWSER

SCREENSHOTS = ARTIFACTS / "screenshots"


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"guided-{name}.png"), full_page=True)


def test_answer_the_shirts_questions_see_the_proposal_and_change_one_choice(page: Any) -> None:
    page.goto("/p/shirt/")
    offer = page.locator("#guided")
    assert "Answer 2 quick questions for a proposal" in offer.inner_text()
    _shot(page, "1-offer")
    page.get_by_role("link", name="Answer 2 quick questions for a proposal").click()
    page.wait_for_url(re.compile(r"/p/shirt/questions/"))
    page.get_by_label("Tucked in").check()
    page.get_by_label("For the office").check()
    _shot(page, "2-questions")
    page.get_by_role("button", name="Show my proposal").click()
    page.wait_for_url(re.compile(r"/p/shirt/\?.*_guided="))
    proposed = page.locator("#guided")
    assert "Proposed from your answers" in proposed.inner_text()
    assert "proposed from your answers: Tucked in" in page.locator("#guided-fit").inner_text()
    assert page.locator("#o-fabric-poplin_white").is_checked()
    _shot(page, "3-proposal")
    page.get_by_role("button", name="Next").click()
    settled(page)
    assert page.locator("#o-fit-slim").is_checked() and page.locator("#o-collar-button_down").is_checked()
    # The shopper adapts the proposal: the fit they change is theirs, the rest still says why.
    page.locator("label[for=o-fit-regular]").click()
    settled(page)
    assert page.locator("#o-fit-regular").is_checked()
    assert page.locator("#guided-fit").count() == 0
    assert "proposed from your answers: Tucked in" in page.locator("#guided-collar").inner_text()
    _shot(page, "4-changed-fit")
    # Answering again starts from the answers given.
    page.get_by_role("link", name="Answer the questions again").click()
    page.wait_for_url(re.compile(r"/p/shirt/questions/"))
    assert page.get_by_label("Tucked in").is_checked() and page.get_by_label("For the office").is_checked()


def test_skip_the_questions_in_one_click(page: Any) -> None:
    page.goto("/p/shirt/")
    page.get_by_role("button", name="Skip, I will choose myself").click()
    settled(page)
    assert page.locator("#guided").count() == 0
    page.get_by_role("button", name="Next").click()
    settled(page)
    assert page.locator("#guided").count() == 0
    _shot(page, "5-skipped")
