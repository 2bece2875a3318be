"""Read the configurator page as a browser does: its forms, their fields and buttons, the Order link.

A simulated shopper never calls a view or a service directly: it reads the HTML the
shop answered, and sends back what htmx would send (the form's fields plus the change),
so the simulation exercises the same page input, diff and recording as a real shopper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

#: The form's first submit button is what Enter presses: htmx never sends it on a change.
_UPDATE = ("_action", "update")


@dataclass
class Control:
    """One form control: a hidden, text, radio or checkbox input, or a drop-down."""

    kind: str  # "hidden", "text", "radio", "checkbox", "select"
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    #: A drop-down's options: value -> disabled.
    choices: dict[str, bool] = field(default_factory=dict)
    #: A text input's limits as the page states them (data-min, data-max, data-step, maxlength, aria-invalid).
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    """A form of the page: its action, its controls in document order and its submit buttons."""

    action: str = ""
    method: str = "get"
    controls: list[Control] = field(default_factory=list)
    #: (name, value) of each named submit button, in document order.
    buttons: list[tuple[str, str]] = field(default_factory=list)
    #: href of each link inside the form with the class "button" (the summary's "Order").
    links: list[str] = field(default_factory=list)
    #: The starting points offered ("Start from a popular build"): links opening the configurator on a build.
    starts: list[str] = field(default_factory=list)
    #: The steps the summary's rows still missing a decision link to, in page order.
    missing: list[str] = field(default_factory=list)

    def pairs(self) -> list[tuple[str, str]]:
        """Return what the browser sends for this form: its successful controls, in order."""
        sent: list[tuple[str, str]] = []
        for control in self.controls:
            if control.disabled:
                continue
            if control.kind in ("radio", "checkbox"):
                if control.checked:
                    sent.append((control.name, control.value))
            else:
                sent.append((control.name, control.value))
        return sent

    def value(self, name: str) -> str:
        """Return the first value sent under `name` ("" when none)."""
        return next((v for k, v in self.pairs() if k == name), "")

    def groups(self) -> dict[str, list[Control]]:
        """Return the option groups shown as radio buttons, checkboxes or a drop-down, by name."""
        found: dict[str, list[Control]] = {}
        for control in self.controls:
            if control.kind in ("radio", "checkbox", "select"):
                found.setdefault(control.name, []).append(control)
        return found

    def texts(self) -> list[Control]:
        """Return the text inputs: measurements (with data-min) and texts (with maxlength)."""
        return [c for c in self.controls if c.kind == "text"]

    def choose(self, group: str, option: str) -> None:
        """Click `option` of `group`: a radio or drop-down picks it, a checkbox toggles it."""
        for control in self.controls:
            if control.name != group:
                continue
            if control.kind == "radio":
                control.checked = control.value == option
            elif control.kind == "checkbox" and control.value == option:
                control.checked = not control.checked
            elif control.kind == "select":
                control.value = option

    def type(self, name: str, text: str) -> None:
        """Type `text` into the text input `name` (replacing what it held)."""
        for control in self.controls:
            if control.kind == "text" and control.name == name:
                control.value = text

    def control(self, name: str) -> Control | None:
        """Return the text input `name` as the page shows it now, or None."""
        return next((c for c in self.controls if c.kind == "text" and c.name == name), None)

    def has_button(self, name: str, value: str | None = None) -> bool:
        return any(n == name and (value is None or v == value) for n, v in self.buttons)

    def button_values(self, name: str) -> list[str]:
        return [v for n, v in self.buttons if n == name]


@dataclass
class Page:
    """The forms of one answer: the configurator's, the save form and the checkout form (any may be absent)."""

    configurator: Form | None = None
    save: Form | None = None
    checkout: Form | None = None


class _Reader(HTMLParser):
    """Collect the forms of a page; the configurator form is `id="configurator"`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.form: Form | None = None
        self.select: Control | None = None
        self.in_missing = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._open_form(a)
        elif self.form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select" and a.get("name"):
            self.select = Control("select", a["name"], disabled="disabled" in a)
            self.form.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select.choices[value] = "disabled" in a
            if "selected" in a:
                self.select.value = value
        elif tag == "textarea" and a.get("name"):
            self.form.controls.append(Control("text", a["name"]))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            if (a["name"], a.get("value", "")) != _UPDATE:
                self.form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "div" and "summary-row" in a.get("class", "").split():
            self.in_missing = "missing" in a.get("class", "").split()
        elif tag == "a" and a.get("href"):
            self._link(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None

    def _open_form(self, a: dict[str, str]) -> None:
        self.form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
        if a.get("id") == "configurator":
            self.page.configurator = self.form
        elif "save-form" in a.get("class", "").split():
            self.page.save = self.form
        elif self.form.method == "post" and "/checkout/" in self.form.action + a.get("class", ""):
            self.page.checkout = self.form

    def _link(self, a: dict[str, str]) -> None:
        assert self.form is not None
        if "button" in a.get("class", "").split():
            self.form.links.append(a["href"])
        elif "starting-link" in a.get("class", "").split():
            self.form.starts.append(a["href"])
        elif self.in_missing:
            step = dict(parse_qsl(urlsplit(a["href"]).query)).get("_step", "")
            if step and step not in self.form.missing:
                self.form.missing.append(step)

    def _input(self, a: dict[str, str]) -> None:
        assert self.form is not None
        kind = a.get("type", "text")
        name = a.get("name", "")
        if not name or kind not in ("hidden", "text", "radio", "checkbox", "email"):
            return
        control = Control(
            "text" if kind == "email" else kind,
            name,
            value=a.get("value", ""),
            checked="checked" in a,
            disabled="disabled" in a,
            attrs={k: a[k] for k in ("data-min", "data-max", "data-step", "maxlength", "aria-invalid") if k in a},
        )
        self.form.controls.append(control)


def page_read(html: str) -> Page:
    """Return the forms of an answer of the shop (a whole page, or an htmx swap)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
