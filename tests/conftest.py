"""Browser fixtures: one chromium per module, a fresh tab on the demo shop per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from tests.browsing import ARGS, CHROMIUM, DESKTOP, PHONE


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium); CI installs it")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def _tab(browser: Any, live_server: Any, **options: Any) -> Iterator[Any]:
    call_command("load_demo", stdout=None)
    context = browser.new_context(base_url=live_server.url, **options)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    """A desktop tab (1280×900, English) on the demo shop."""
    yield from _tab(browser, live_server, viewport=DESKTOP)


@pytest.fixture
def phone(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    """A phone tab (390×844, touch) on the demo shop."""
    yield from _tab(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def italian(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    """A desktop tab whose browser asks for Italian (it-IT)."""
    yield from _tab(browser, live_server, viewport=DESKTOP, locale="it-IT")
