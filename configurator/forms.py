"""Reading the shopper's page input: flat form or query pairs, leniently.

The page must never fail on what a URL carries: a hand-edited link, an option the
catalog dropped, a measurement off the grid. `read_page_input` keeps every decision
that is good, sets the bad ones aside with a message naming the field, and says what
page state (step, action) the request asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.http import QueryDict

from configurator.engine.model import Product
from configurator.engine.selection import Selection, SelectionError, data_from_pairs, read_selection

#: Page-state keys carried next to the decisions; they all start with "_".
STEP = "_step"
WANT = "_want"
ACTION = "_action"
LIVE = "_live"
#: The steps the shopper has visited, comma-separated (only visited steps can be done).
SEEN = "_seen"
#: The groups still holding the first look's suggestions: "group:option+option,group:option".
SUGGESTED = "_suggested"
#: The guided questions' state, read and written by personalisation/guided.py ("skip", or the answers).
GUIDED = "_guided"

#: Page state of the sizing help: the size estimates came from, the measurements still estimates,
#: the size to fill from (a button), and what the shopper confirms (a code, or every one).
SIZE = "_size"
ESTIMATED = "_estimated"
FILL = "_fill"
CONFIRM = "_confirm"
CONFIRM_ALL = "*"


@dataclass(frozen=True)
class Estimates:
    """Measurements filled in from a standard size that the shopper has not confirmed yet."""

    size: str = ""
    #: Parameter codes, in the product's order.
    fields: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        """Return the page state that carries the estimates (none once all are confirmed)."""
        return [(SIZE, self.size), (ESTIMATED, ",".join(self.fields))] if self.fields else []


@dataclass(frozen=True)
class PageInput:
    """What one request of the configurator page carries."""

    selection: Selection
    #: field code -> messages, for the decisions set aside (unknown, off the grid, ...).
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: The raw values of the fields set aside, so the shopper sees what they typed.
    rejected: dict[str, str] = field(default_factory=dict)
    step: str = ""
    want: tuple[str, str] | None = None
    action: str = ""
    #: The text field being typed in, when the request only checks it as it is typed.
    live: str = ""
    #: Measurements filled in from a standard size, not confirmed yet (settled by this request).
    estimates: Estimates = field(default_factory=Estimates)
    #: The standard size whose values the shopper asked to fill in ("" for none).
    fill: str = ""
    #: The estimate the shopper confirmed (a parameter code, or CONFIRM_ALL; "" for none).
    confirm: str = ""
    #: The codes of the steps the shopper has visited.
    seen: frozenset[str] = frozenset()
    #: group code -> the options suggested for it (a suggestion stands while the group holds them).
    suggested: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: The guided questions' state, as carried (personalisation/guided.py reads it).
    guided: str = ""


def read_estimates(product: Product, state: Mapping[str, str], selection: Selection) -> Estimates:
    """Read the estimates the page state names, settled by this request.

    A measurement stops being an estimate when the shopper confirms it (or all), or when
    its value is no longer the size's (typed over or emptied: it is theirs now). An
    unknown size or code is dropped, never an error.
    """
    size = product.size(state.get(SIZE, ""))
    if size is None:
        return Estimates()
    named = set(state.get(ESTIMATED, "").split(","))
    confirmed = state.get(CONFIRM, "")
    fields = tuple(
        p.code
        for p in product.parameters
        if p.code in named
        and confirmed not in (p.code, CONFIRM_ALL)
        and selection.parameters.get(p.code) is not None
        and selection.parameters.get(p.code) == size.value(p.code)
    )
    return Estimates(size.code, fields) if fields else Estimates()


def query_pairs(query: QueryDict) -> list[tuple[str, str]]:
    """Flatten a QueryDict into (key, value) pairs, keeping repeated keys in order."""
    return [(key, value) for key, values in query.lists() for value in values]


def decimal_input(raw: str, separator: str) -> str:
    """Return a measurement as typed with the language's decimal `separator` read as the point.

    On an Italian page "40,5" means 40.5; the point stays accepted too, as the page's own
    addresses carry it (`?neck=40.5`). Anything else is left for `read_selection` to refuse.
    """
    if separator != "." and raw.count(separator) == 1 and "." not in raw:
        return raw.replace(separator, ".")
    return raw


def suggestions_read(product: Product, raw: str) -> dict[str, frozenset[str]]:
    """Read the `_suggested` page state; groups the product does not have are ignored."""
    found: dict[str, frozenset[str]] = {}
    for item in raw.split(","):
        group_code, _, options = item.partition(":")
        if product.group(group_code) is not None:
            found[group_code] = frozenset(code for code in options.split("+") if code)
    return found


def suggestions_text(product: Product, suggested: Mapping[str, frozenset[str]]) -> str:
    """Write `suggested` as the `_suggested` page state, in the product's order ('' for none)."""
    items = []
    for group in product.groups:
        if group.code in suggested:
            chosen = suggested[group.code]
            items.append(f"{group.code}:{'+'.join(o.code for o in group.options if o.code in chosen)}")
    return ",".join(items)


def _field_of(error_key: str) -> str:
    """Return the code of the field an error key of `read_selection` names ("selections.body" -> "body")."""
    return error_key.split(".", 1)[1] if "." in error_key else error_key


def read_page_input(product: Product, pairs: Iterable[tuple[str, str]], *, decimal_separator: str = ".") -> PageInput:
    """Read the decisions and the page state from `pairs`; never raise on bad input.

    Measurements may use `decimal_separator` (the shopper's language's) as well as the point.
    """
    pairs = list(pairs)
    state = {key: value for key, value in pairs if key.startswith("_")}
    data = data_from_pairs(product, pairs)
    typed = dict(data["parameters"])
    data["parameters"] = {code: decimal_input(raw, decimal_separator) for code, raw in typed.items()}
    errors: dict[str, list[str]] = {}
    rejected: dict[str, str] = {}
    # Each round removes the fields named by the errors; a second round cannot fail on
    # them again, so this ends after at most two reads.
    while True:
        try:
            selection = read_selection(product, data)
            break
        except SelectionError as error:
            for key, messages in error.errors.items():
                code = _field_of(key)
                errors.setdefault(code, []).extend(messages)
                for part in ("selections", "parameters", "texts"):
                    value = data[part].pop(code, None)
                    if value is not None and code not in rejected:
                        # What the shopper typed, as typed ("40,7" on an Italian page).
                        value = typed.get(code, value) if part == "parameters" else value
                        rejected[code] = value if isinstance(value, str) else " ".join(map(str, value))
                if key in ("selections", "parameters", "texts"):
                    data[key] = {}
    want = None
    raw_want = state.get(WANT, "")
    group_code, _, option_code = raw_want.partition(":")
    group = product.group(group_code)
    if group is not None and group.option(option_code) is not None:
        want = (group_code, option_code)
    elif raw_want:
        errors.setdefault(WANT, []).append(f"unknown option '{raw_want}'")
    return PageInput(
        selection=selection,
        errors=errors,
        rejected=rejected,
        step=state.get(STEP, ""),
        want=want,
        action=state.get(ACTION, ""),
        live=state.get(LIVE, "") if product.text(state.get(LIVE, "")) is not None else "",
        estimates=read_estimates(product, state, selection),
        fill=state.get(FILL, ""),
        confirm=state.get(CONFIRM, ""),
        seen=frozenset(code for code in state.get(SEEN, "").split(",") if code),
        suggested=suggestions_read(product, state.get(SUGGESTED, "")),
        guided=state.get(GUIDED, "")[:500],
    )
