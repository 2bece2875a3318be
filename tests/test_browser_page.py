"""The configurator page's own behaviour in a real browser (issue 14): numbers, steps, first look, words.

Fixtures in tests/conftest.py (page, phone, italian), helpers in tests/browsing.py.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browsing import BROWSER, settled

pytestmark = BROWSER


def test_an_italian_shopper_types_a_decimal_comma(italian: Any) -> None:
    page = italian
    page.goto("/it/p/shirt/?_step=measurements")
    neck = page.get_by_label(re.compile("^Collo"))
    neck.fill("40,5")
    neck.press("Tab")
    page.wait_for_url(re.compile(r"neck=40\.5"))
    settled(page)
    assert page.locator("#p-neck").input_value() == "40,5"
    assert page.locator("#err-neck").count() == 0
    assert page.locator(".parameter.has-error").count() == 0
