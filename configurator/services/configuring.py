"""The configurator's operations in the API's wire format, and the page's actions.

Each API function takes a published `CatalogVersion` and request-shaped data, runs the
engine through the cached session of that version (`answers.configuration_check`), and
returns the answer in the shape of the configure contract (DESIGN §4), numbers as
strings and every text in the asked language. The page's actions ("choose anyway",
"finish for me") return engine types; the page words them (configurator/pages/notices.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from catalog.models import CatalogVersion
from configurator.engine.checking import Price
from configurator.engine.model import Product
from configurator.engine.plausibility import MeasurementWarning
from configurator.engine.resolving import Change
from configurator.engine.search import Completion
from configurator.engine.selection import Selection, SelectionError, read_selection
from configurator.engine.session import Reason
from configurator.loading import version_model, version_session
from configurator.services.answers import ConfigurationAnswer, VersionEngine, configuration_check, version_engine


def _multi(product: Product) -> frozenset[str]:
    return frozenset(g.code for g in product.groups if g.kind == "multi")


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def reason_message(product: Product, reason: Reason, selection: Selection, language: str) -> str:
    """Word one reason in `language`: the rule's message, or the shopper's decision it names.

    "Body colour: Onyx Black", "Chest: 101.5 cm", or the rule's own message.
    """
    if reason.rule is not None:
        rule = product.rule(reason.rule)
        return rule.text(language) if rule else reason.rule
    if reason.selection is None:
        raise ValueError(f"a reason names a rule or a selection, this one neither: {reason!r}")
    kind, code = reason.selection
    if kind == "group":
        group = product.group(code)
        chosen = sorted(selection.choices.get(code, ()))
        labels = [o.label(language) for o in group.options if o.code in chosen] if group else chosen
        name = group.label(language) if group else code
        return f"{name}: {', '.join(labels) or '—'}"
    if kind == "parameter":
        parameter = product.parameter(code)
        value = selection.parameters.get(code)
        name, unit = (parameter.label(language), parameter.unit) if parameter else (code, "")
        return f"{name}: {_number(value)} {unit}".strip()
    text = product.text(code)
    return text.label(language) if text else code


def reason_data(product: Product, reason: Reason, selection: Selection, language: str) -> dict[str, Any]:
    """Return a reason as data with its message in `language`."""
    message = reason_message(product, reason, selection, language)
    if reason.rule is not None or reason.selection is None:
        return {"rule": reason.rule, "message": message}
    kind, code = reason.selection
    value: Any
    if kind == "group":
        value = sorted(selection.choices.get(code, ()))
    elif kind == "parameter":
        value = _number(selection.parameters.get(code))
    else:
        value = selection.texts.get(code, "")
    return {"selection": code, "value": value, "message": message}


def price_data(price: Price) -> dict[str, Any]:
    """Return itemised price lines and the total as data (amounts as strings with two decimals)."""
    return {
        "currency": price.currency,
        "total": _money(price.total),
        "lines": [
            {
                "kind": line.kind,
                "code": line.code,
                "group": line.group or None,
                "label": line.label,
                "amount": _money(line.amount),
            }
            for line in price.lines
        ],
    }


def _violations_data(product: Product, answer: ConfigurationAnswer, language: str) -> list[dict[str, Any]]:
    """Return the conflict's reasons or, once complete, the validation's violations, as data."""
    if answer.validation is None:
        return [reason_data(product, r, answer.selection, language) for r in answer.propagation.conflict]
    rules = {r.code: r for r in product.rules}
    return [
        {
            "rule": v.code if v.kind == "rule" else None,
            "field": v.code,
            "kind": v.kind,
            "message": rules[v.code].text(language) if v.kind == "rule" and v.code in rules else v.message,
        }
        for v in answer.validation.violations
    ]


def _groups_data(product: Product, answer: ConfigurationAnswer, language: str) -> list[dict[str, Any]]:
    selection = answer.selection
    # The engine lists groups and options in the product's order: pair them up, then show the
    # options in the language's order.
    return [
        {
            "code": group.code,
            "name": group.label(language),
            "kind": group.kind,
            "required": group.required,
            "selected": list(state.selected),
            "options": [
                {
                    "code": option.code,
                    "name": option.label(language),
                    "price": _money(option.price),
                    "available": option_state.available,
                    **(
                        {"reasons": [reason_data(product, r, selection, language) for r in option_state.reasons]}
                        if not option_state.available
                        else {}
                    ),
                }
                for option, option_state in group.arrange(
                    list(zip(group.options, state.options, strict=True)), language
                )
            ],
        }
        for group, state in zip(product.groups, answer.propagation.groups, strict=False)
    ]


def answer_data(product: Product, answer: ConfigurationAnswer, language: str) -> dict[str, Any]:
    """Return the configure answer (DESIGN §4) in the wire format: the API's shape, strings for numbers."""
    parameters = {p.code: p for p in product.parameters}
    selection = answer.selection
    return {
        "valid": answer.valid,
        "complete": answer.complete,
        "groups": _groups_data(product, answer, language),
        "parameters": [
            {
                "code": state.code,
                "name": parameters[state.code].label(language),
                "unit": parameters[state.code].unit,
                "step": _number(parameters[state.code].step),
                "min": _number(state.min),
                "max": _number(state.max),
                "value": _number(selection.parameters.get(state.code)),
            }
            for state in answer.propagation.parameters
        ],
        "texts": [
            {
                "code": t.code,
                "name": t.label(language),
                "max_length": t.max_length,
                "charset": t.charset,
                "value": selection.texts.get(t.code),
            }
            for t in product.texts
        ],
        "violations": _violations_data(product, answer, language),
        "warnings": warnings_data(answer.warnings, language),
        "price": price_data(answer.price),
    }


def configuration_answer(version: CatalogVersion, selection: Selection, language: str) -> dict[str, Any]:
    """Answer the configure contract for an already checked `selection` (the API's wire format)."""
    engine = version_engine(version)
    answer = answer_data(engine.product, configuration_check(engine, selection, language), language)
    answer["version"] = version.number
    return answer


def warnings_data(warnings: tuple[MeasurementWarning, ...], language: str) -> list[dict[str, Any]]:
    """Return plausibility warnings as data: the rule's code, the parameters it names, its message."""
    return [{"rule": w.code, "parameters": list(w.fields), "message": w.text(language)} for w in warnings]


def configuration_propagate(version: CatalogVersion, data: Mapping[str, Any], language: str) -> dict[str, Any]:
    """Answer a configure request; raise SelectionError for input naming unknown things."""
    selection = read_selection(version_model(version), data)
    return configuration_answer(version, selection, language)


def configuration_complete(version: CatalogVersion, data: Mapping[str, Any], language: str) -> dict[str, Any]:
    """Complete the selection (defaults, then first available options) and answer for it."""
    product = version_model(version)
    selection = read_selection(product, data)
    completion = version_session(version).complete(selection)
    if completion.configuration is None:
        answer = configuration_answer(version, selection, language)
        answer["configuration"] = None
        return answer
    answer = configuration_answer(version, completion.configuration, language)
    answer["configuration"] = completion.configuration.as_data(_multi(product))
    answer["texts_needed"] = list(completion.texts_needed)
    return answer


def _with_wanted(
    version: CatalogVersion, data: Mapping[str, Any], group: str, option: str
) -> tuple[Product, Selection]:
    """Read the selection and check that the wanted option exists (400 otherwise)."""
    product = version_model(version)
    selection = read_selection(product, data)
    target = product.group(group)
    if target is None or target.option(option) is None:
        raise SelectionError({"wanted": [f"unknown option '{option}' in group '{group}'"]})
    return product, selection


def configuration_resolve(
    version: CatalogVersion, data: Mapping[str, Any], group: str, option: str, language: str
) -> dict[str, Any]:
    """Propose the fewest changes to the selection that make `group = option` possible."""
    product, selection = _with_wanted(version, data, group, option)
    resolution = version_session(version).resolve(selection, group, option)
    if not resolution.possible or resolution.selection is None:
        return {"possible": False, "changes": [], "configuration": None}
    changes = []
    for change in resolution.changes:
        kind, code = change.key
        changes.append({"kind": kind, "code": code, "from": list(change.before), "to": list(change.after)})
    return {"possible": True, "changes": changes, "configuration": resolution.selection.as_data(_multi(product))}


def configuration_explain(
    version: CatalogVersion, data: Mapping[str, Any], group: str, option: str, language: str
) -> dict[str, Any]:
    """Return a minimal set of rules and choices that exclude `group = option`."""
    product, selection = _with_wanted(version, data, group, option)
    reasons = version_session(version).explain(selection, group, option)
    return {
        "group": group,
        "option": option,
        "available": not reasons,
        "reasons": [reason_data(product, r, selection, language) for r in reasons],
    }


def configuration_apply_wanted(
    engine: VersionEngine, selection: Selection, group: str, option: str
) -> tuple[Selection | None, tuple[Change, ...]]:
    """Choose `group = option` anyway: return the new selection and what else it changed.

    The selection None means no configuration at all has that option (the rules exclude it for
    everyone). The changes are the engine's, in catalog order; the page words them (pages/notices.py).
    """
    resolution = engine.session.resolve(selection, group, option)
    if not resolution.possible or resolution.selection is None:
        return None, ()
    return resolution.selection, resolution.changes


def configuration_finish(version: CatalogVersion, selection: Selection, *, parameters: bool = False) -> Completion:
    """Complete the shopper's choices with defaults, then the first available options ("finish for me").

    Measurements (parameters) are the shopper's body: by default none is filled in, and the
    ones given are kept as given; the choices made still leave values for the open ones
    (no dead end). `parameters=True` fills them too, as the API's /complete does.
    """
    return version_session(version).complete(selection, parameters=parameters)


def configuration_first_look(version: CatalogVersion) -> Selection | None:
    """Return the look a shopper first sees: the catalog's defaults, completed; measurements left open.

    The same look is the product's picture on the home page. None when no configuration exists.
    """
    return configuration_finish(version, Selection(), parameters=False).configuration


def configuration_first_look_around(
    engine: VersionEngine, selection: Selection
) -> tuple[Selection, dict[str, frozenset[str]]]:
    """Return the first look for a link that decides some groups: the selection and its suggestions.

    Every decision the link carries is kept; each group it leaves undecided gets the catalog's
    default completion as a suggestion (measurements never). A link whose decisions conflict
    gets none: it opens as it is, with its conflict explained.
    """
    completion = engine.session.complete(selection, parameters=False)
    if completion.configuration is None:
        return selection, {}
    suggested = {g: o for g, o in completion.configuration.choices.items() if g not in selection.choices}
    return (completion.configuration, suggested) if suggested else (selection, {})


def configuration_refit(
    engine: VersionEngine, selection: Selection, suggested: Mapping[str, frozenset[str]]
) -> tuple[Selection, dict[str, frozenset[str]]]:
    """Let suggestions give way to the shopper: return the selection and the suggestions that stand.

    When a choice of the shopper's conflicts with suggested choices, those suggestions are
    made again around it (defaults first, measurements never); the shopper's own choices
    are never changed. Without a conflict, nothing changes.
    """
    standing = {g: o for g, o in suggested.items() if selection.choices.get(g) == o}
    if not standing:
        return selection, {}
    result = engine.session.propagate(selection)
    involved = {r.selection[1] for r in result.conflict if r.selection and r.selection[0] == "group"}
    for drop in (involved & standing.keys(), standing.keys()):
        if result.valid or not drop:
            continue
        own = selection
        for group in drop:
            own = own.without(("group", group))
        completion = engine.session.complete(own, parameters=False)
        if completion.configuration is not None:
            renewed = {g: completion.configuration.choices.get(g, frozenset()) for g in drop}
            return completion.configuration, {**standing, **renewed}
    return selection, standing
