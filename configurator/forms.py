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
    #: The codes of the steps the shopper has visited.
    seen: frozenset[str] = frozenset()
    #: group code -> the options suggested for it (a suggestion stands while the group holds them).
    suggested: Mapping[str, frozenset[str]] = field(default_factory=dict)


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
        seen=frozenset(code for code in state.get(SEEN, "").split(",") if code),
        suggested=suggestions_read(product, state.get(SUGGESTED, "")),
    )
