"""The one shopper of the insights tests: drives the configurator through the test client as htmx does.

Each answer's form carries `_visit` and `_prev`; the next click sends them back with the
configuration the page showed (its pushed address), changed as the shopper changes it.
The page is read as the simulator reads it (`insights.simulation.pages`): its form, the
step it shows, its buttons and the Order link, which leads to a real checkout.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from django.test import Client

from insights.models import Event
from insights.simulation.pages import Form, page_read

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

_HIDDEN = re.compile(r'<input type="hidden" name="(_visit|_prev)" value="([^"]*)">')
_SUMMARY_LINK = re.compile(r'href="(/p/[^"]*_step=summary[^"]*)"')
_STARTING_LINK = re.compile(r'<a href="([^"]+)" class="starting-link"')
#: Following a link or a redirect of the shop's page: the browser names the page as the Referer.
FROM_SHOP = {"Referer": "http://testserver/p/"}


def hidden(response: Response, name: str) -> str | None:
    """Return the value of the configurator form's hidden `name` field, or None when the page has none."""
    for key, value in _HIDDEN.findall(response.text):
        if key == name:
            return html.unescape(value)
    return None


def kinds(**filters: object) -> list[str]:
    """Return the kinds of the events recorded, in order."""
    return list(Event.objects.filter(**filters).order_by("id").values_list("kind", flat=True))


class Shopper:
    """One shopper on one product's configurator page."""

    def __init__(self, client: Client, code: str, **headers: str) -> None:
        self.client = client
        self.code = code
        self.headers = headers
        self.pairs: list[tuple[str, str]] = []
        self.last: Response | None = None

    @property
    def visit(self) -> str | None:
        return hidden(self.last, "_visit") if self.last is not None else None

    def _keep(self, response: Response, address: str) -> Response:
        self.last = response
        self.pairs = [(k, v) for k, v in parse_qsl(urlsplit(address).query, keep_blank_values=True) if k != "_step"]
        return response

    def open(self, query: str = "") -> Response:
        """Load the page (a full load): the shopper arrives."""
        response = self.client.get(f"/p/{self.code}/{query}", headers=self.headers)
        assert response.status_code == 200, response.status_code
        link = _SUMMARY_LINK.search(response.text)
        assert link is not None
        return self._keep(response, html.unescape(link.group(1)))

    def start_from(self, number: int = 0) -> Response:
        """Follow the page's `number`th "Start from a popular build" link, from the product's page."""
        assert self.last is not None
        links = _STARTING_LINK.findall(self.last.text)
        assert len(links) > number, "the page offers no such starting point"
        referer = {"Referer": f"http://testserver/p/{self.code}/"}
        response = self.client.get(html.unescape(links[number]), headers={**referer, **self.headers})
        assert response.status_code == 200, response.status_code
        link = _SUMMARY_LINK.search(response.text)
        assert link is not None
        return self._keep(response, html.unescape(link.group(1)))

    def page_state(self) -> list[tuple[str, str]]:
        assert self.last is not None
        return [(name, value) for name in ("_visit", "_prev") if (value := hidden(self.last, name)) is not None]

    def send(
        self, *changes: tuple[str, str | None], step: str = "", extra: tuple[tuple[str, str], ...] = ()
    ) -> Response:
        """Change fields (`(code, value)`; value None removes the field, a group's value replaces its options)
        and send the form as htmx does; return the answer."""
        pairs = list(self.pairs)
        for code, value in changes:
            pairs = [(k, v) for k, v in pairs if k != code]
            if value is not None:
                pairs.append((code, value))
        if step:
            pairs.append(("_step", step))
        pairs += [*self.page_state(), *extra]
        response = self.client.get(f"/p/{self.code}/", pairs, headers={"HX-Request": "true", **self.headers})
        if response.status_code == 200 and "HX-Push-Url" in response:
            return self._keep(response, response["HX-Push-Url"])
        return response

    # -- reading the page as a browser shows it ---------------------------------------------------------
    @property
    def form(self) -> Form:
        """The configurator form the last answer drew."""
        assert self.last is not None
        form = page_read(self.last.text).configurator
        assert form is not None
        return form

    @property
    def step(self) -> str:
        return self.form.value("_step")

    def click(self, *extra: tuple[str, str]) -> int:
        """Send the form with `extra` as htmx does; return the status (204: the page drew nothing)."""
        response = self.send(extra=extra)
        assert response.status_code in (200, 204), response.status_code
        return response.status_code

    def choose(self, group: str, option: str) -> None:
        """Pick `option` of a radio or drop-down `group`."""
        self.send((group, option))

    def next(self) -> None:
        """Press the step's last `_step` button (Next, or Review on the last step)."""
        self.send(step=self.form.button_values("_step")[-1])

    def order(self, name: str = "Ada Lovelace", email: str = "ada@example.com") -> Response:
        """Follow "Order" from the summary, fill in the checkout form and place the order; return the redirect."""
        assert self.form.links, "the summary offers no Order link"
        page = page_read(self.client.get(self.form.links[0], headers={**FROM_SHOP, **self.headers}).text)
        checkout = page.checkout
        assert checkout is not None
        checkout.type("name", name)
        checkout.type("email", email)
        checkout.type("address", "12 Analytical Street, 20100 Milan")
        data: dict[str, list[str]] = {}
        for key, value in checkout.pairs():
            data.setdefault(key, []).append(value)
        response = self.client.post(checkout.action, data, headers=self.headers)
        assert response.status_code == 302, response.text[:2000]
        return response
