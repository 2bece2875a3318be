"""What the browser tests share: chromium's launch, the demo shop in a tab, waiting helpers.

The fixtures (`browser`, `page`, `phone`) live in tests/conftest.py; each browser test
module marks itself with `pytestmark = BROWSER` so it skips, with the reason, where
/usr/bin/chromium or Playwright is missing (a new user's laptop); `.ci/run` installs
chromium, so CI always runs them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium); CI installs it"),
]
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures are still plain synchronous calls, so Django's async guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: Screenshots the tests take, kept by CI as artifacts.
ARTIFACTS = Path(settings.VAR_DIR) / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def total(page: Any) -> str:
    """Return the total price the page shows."""
    return str(page.locator("#price-total").inner_text())


def preview_src(page: Any) -> str:
    """Return the address of the preview picture the browser shows, once it has loaded."""
    image = page.locator("#preview img")
    page.wait_for_function(
        "() => { const i = document.querySelector('#preview img'); return i && i.complete && i.naturalWidth > 0 }"
    )
    return str(image.evaluate("i => i.currentSrc"))


def settled(page: Any) -> None:
    """Wait until htmx has no request in flight and has finished swapping and settling its answer.

    htmx pushes the new address before it settles, and the page's own script (focus, the live
    total) runs once the answer has settled: a test that only waited for the address would race it.
    """
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
