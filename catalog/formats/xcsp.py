"""Read XCSP 2.1 extensional instances (tables) into the catalog exchange format.

This is how the Renault Megane knowledge base (CLib) and similar industrial models
come in: variables become single-choice groups, values become options (named from an
optional value-names file), and each table constraint becomes a table rule. Tables
given as "conflicts" (forbidden tuples) are turned into their allowed complement.
Pure Python (no Django), so benchmarks can use it directly.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as ET

from catalog.formats import catalog_of

_CODE = re.compile(r"[^A-Za-z0-9_.-]")
MAX_COMPLEMENT = 1_000_000


class XcspError(ValueError):
    """The file is not an XCSP 2.1 instance this reader understands."""


def _domain_values(text: str) -> list[int]:
    values: list[int] = []
    for part in (text or "").split():
        if ".." in part:
            low, high = part.split("..")
            values.extend(range(int(low), int(high) + 1))
        else:
            values.append(int(part))
    return values


def _option_code(name: str) -> str:
    code = _CODE.sub("_", name)
    return code if code and code[0] not in ".-" else f"v{code}"


def read_xcsp(
    path: Path, *, code: str, name: str = "", value_names: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Return a catalog file (one product `code`) built from an XCSP 2.1 instance."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise XcspError(f"{path}: not XML: {error}") from None
    except DefusedXmlException as error:  # entities (billion laughs, external files) or a fetched DTD
        raise XcspError(f"{path}: XML entities and external references are not accepted ({error})") from None
    if root is None:
        raise XcspError(f"{path}: no root element")
    domains = {d.get("name"): _domain_values(d.text or "") for d in root.iterfind("domains/domain")}
    variables: dict[str, list[int]] = {}
    for element in root.iterfind("variables/variable"):
        if element.get("domain") not in domains:
            raise XcspError(f"{path}: variable {element.get('name')} has unknown domain {element.get('domain')}")
        variables[element.get("name") or ""] = domains[element.get("domain")]
    relations: dict[str, tuple[str, int, list[tuple[int, ...]]]] = {}
    for rel in root.iterfind("relations/relation"):
        arity = int(rel.get("arity") or 0)
        rows = [tuple(int(v) for v in chunk.split()) for chunk in (rel.text or "").split("|") if chunk.strip()]
        relations[rel.get("name") or ""] = (rel.get("semantics") or "supports", arity, rows)
    if not variables:
        raise XcspError(f"{path}: no variables")

    def group_code(var: str) -> str:
        return f"v{_option_code(var)}" if not var[:1].isalpha() else _option_code(var)

    labels: dict[str, list[str]] = {}
    groups: list[dict[str, Any]] = []
    for var, values in variables.items():
        names = (value_names or {}).get(var)
        if names is not None and len(names) != len(values):
            raise XcspError(f"value names of variable {var}: {len(names)} names for {len(values)} values")
        labels[var] = [_option_code(n) for n in names] if names else [str(v) for v in values]
        groups.append(
            {
                "code": group_code(var),
                "name": f"Variable {var}",
                "kind": "choice",
                "required": True,
                "display": "select",
                "options": [
                    {"code": label, "name": (names[i] if names else label)} for i, label in enumerate(labels[var])
                ],
            }
        )
    rules: list[dict[str, Any]] = []
    for constraint in root.iterfind("constraints/constraint"):
        scope = (constraint.get("scope") or "").split()
        reference = constraint.get("reference") or ""
        if reference not in relations:
            raise XcspError(f"{path}: constraint {constraint.get('name')} refers to unknown relation {reference}")
        semantics, arity, rows = relations[reference]
        if arity != len(scope):
            raise XcspError(f"{path}: constraint {constraint.get('name')} has arity {len(scope)}, relation {arity}")
        index = [{value: i for i, value in enumerate(variables[var])} for var in scope]
        if semantics == "conflicts":
            size = 1
            for var in scope:
                size *= len(variables[var])
            if size > MAX_COMPLEMENT:
                raise XcspError(f"constraint {constraint.get('name')}: {size} tuples are too many to complement")
            forbidden = set(rows)
            rows = [row for row in itertools.product(*(variables[v] for v in scope)) if row not in forbidden]
        rules.append(
            {
                "code": constraint.get("name") or f"C{len(rules)}",
                "kind": "table",
                "groups": [group_code(var) for var in scope],
                "rows": [
                    [labels[var][index[i][v]] for i, (var, v) in enumerate(zip(scope, row, strict=True))]
                    for row in rows
                ],
                "message": f"Allowed combinations of {', '.join(scope)} ({reference})",
            }
        )
    return catalog_of(code, name, groups, rules)
