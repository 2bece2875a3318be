"""The engine on real configuration knowledge bases (../shared/benchmarks), checked against oracles.

Oracles: the facts measured in each benchmark's `expected.json`, and an independent SAT
encoding built here straight from the raw files (never through the engine's compiler),
solved by a different solver (MiniSat 2.2, "m22"; the engine uses Glucose 4).

- Renault Megane (XCSP 2.1, 99 variables, 113 tables): one boolean per (variable, value),
  exactly-one per variable, each "supports" table as a tuple-selector encoding (one selector
  per allowed row), each "conflicts" table as forbidden-tuple clauses.
- DIMACS feature models: the raw CNF, parsed here.

Run with: pytest -m benchmarks configurator/engine/tests/test_real_models.py
"""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pysat.solvers import Solver

from catalog.formats.dimacs import read_dimacs
from catalog.formats.xcsp import read_xcsp
from configurator.engine.compiler import compile_product
from configurator.engine.model import Product, product_from_dict
from configurator.engine.selection import Selection
from configurator.engine.session import Propagation, Session

BENCHMARKS = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks"
RENAULT = BENCHMARKS / "renault-megane"
ORACLE_SOLVER = "m22"

pytestmark = [
    pytest.mark.benchmarks,
    pytest.mark.skipif(not BENCHMARKS.is_dir(), reason=f"benchmark data not found at {BENCHMARKS}"),
]

Option = tuple[str, str]  # (group code, option code)


# -- the independent oracle ------------------------------------------------------------------
@dataclass
class Oracle:
    """A MiniSat solver over an independently built CNF, asked with assumptions."""

    clauses: list[list[int]]
    solver: Solver = field(init=False)

    def __post_init__(self) -> None:
        self.solver = Solver(name=ORACLE_SOLVER, bootstrap_with=self.clauses)

    def model(self, assumptions: Iterable[int]) -> set[int] | None:
        """Return the true literals of a solution extending `assumptions`, or None if none."""
        if not self.solver.solve(assumptions=list(assumptions)):
            return None
        return {lit for lit in self.solver.get_model() or () if lit > 0}

    def satisfiable(self, assumptions: Iterable[int]) -> bool:
        return bool(self.solver.solve(assumptions=list(assumptions)))

    def available(self, assumptions: list[int], candidates: Iterable[int]) -> set[int]:
        """Return the candidates true in some solution extending `assumptions`.

        One call per candidate not yet seen true; every solution found is a witness for
        all the candidates it makes true, every "impossible" is a proof.
        """
        todo = set(candidates)
        found: set[int] = set()
        for candidate in sorted(todo):
            if candidate in found:
                continue
            solution = self.model([*assumptions, candidate])
            if solution is not None:
                found |= solution & todo
        return found


@dataclass
class RenaultCnf:
    """The independent CNF of megane.xml: `literal[(variable, value index)]`."""

    literal: dict[tuple[str, int], int]
    sizes: dict[str, int]
    clauses: list[list[int]]


def _domain(text: str) -> list[int]:
    values: list[int] = []
    for part in text.split():
        low, _, high = part.partition("..")
        values.extend(range(int(low), int(high or low) + 1))
    return values


def renault_cnf(path: Path) -> RenaultCnf:
    """Encode megane.xml as CNF: tuple selectors for supports, forbidden tuples for conflicts."""
    root = ET.parse(path).getroot()
    domains = {d.get("name"): _domain(d.text or "") for d in root.iterfind("domains/domain")}
    values = {v.get("name") or "": domains[v.get("domain")] for v in root.iterfind("variables/variable")}
    literal: dict[tuple[str, int], int] = {}
    clauses: list[list[int]] = []
    for var, domain in values.items():
        lits = [literal.setdefault((var, i), len(literal) + 1) for i in range(len(domain))]
        clauses.append(lits)
        clauses.extend([-a, -b] for n, a in enumerate(lits) for b in lits[n + 1 :])
    top = len(literal)
    relations = {r.get("name"): r for r in root.iterfind("relations/relation")}
    for constraint in root.iterfind("constraints/constraint"):
        scope = (constraint.get("scope") or "").split()
        relation = relations[constraint.get("reference")]
        index = [{value: i for i, value in enumerate(values[var])} for var in scope]
        rows = [
            [literal[(var, index[k][int(v)])] for k, (var, v) in enumerate(zip(scope, chunk.split(), strict=True))]
            for chunk in (relation.text or "").split("|")
            if chunk.strip()
        ]
        if relation.get("semantics") == "conflicts":
            clauses.extend([-lit for lit in row] for row in rows)
            continue
        selectors_of: dict[int, list[int]] = {lit: [] for var in scope for lit in _lits(literal, var, values)}
        selectors = []
        for row in rows:
            top += 1
            selectors.append(top)
            for lit in row:
                clauses.append([-top, lit])
                selectors_of[lit].append(top)
        clauses.append(selectors)
        clauses.extend([-lit, *support] for lit, support in selectors_of.items())
    return RenaultCnf(literal, {var: len(domain) for var, domain in values.items()}, clauses)


def _lits(literal: dict[tuple[str, int], int], var: str, values: dict[str, list[int]]) -> list[int]:
    return [literal[(var, i)] for i in range(len(values[var]))]


# -- fixtures ----------------------------------------------------------------------------------
@dataclass
class Renault:
    session: Session
    product: Product
    cnf: RenaultCnf
    oracle: Oracle
    names: dict[str, list[str]]
    #: engine (group, option) -> independent literal, by value index
    literal: dict[Option, int]

    def assumptions(self, selection: Selection, skip: str | None = None) -> list[int]:
        return [
            self.literal[(group, option)]
            for group, chosen in selection.choices.items()
            if group != skip
            for option in chosen
        ]


@pytest.fixture(scope="module")
def renault() -> Renault:
    names: dict[str, list[str]] = json.loads((RENAULT / "renault_value_names.json").read_text())
    data = read_xcsp(RENAULT / "megane.xml", code="megane", value_names=names)
    product = product_from_dict(data["products"][0])
    session = Session(compile_product(product))
    cnf = renault_cnf(RENAULT / "megane.xml")
    groups = {g.code: g for g in product.groups}
    assert set(groups) == {f"v{var}" for var in cnf.sizes}, "the reader names variable x group 'v<x>'"
    literal: dict[Option, int] = {}
    for var, size in cnf.sizes.items():
        options = groups[f"v{var}"].options
        assert len(options) == size == len(names[var])
        for i, option in enumerate(options):  # the reader keeps value order: option i is value i
            literal[(f"v{var}", option.code)] = cnf.literal[(var, i)]
    return Renault(session, product, cnf, Oracle(cnf.clauses), names, literal)


@pytest.fixture(scope="module")
def renault_expected() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((RENAULT / "expected.json").read_text())
    return result


# -- helpers -----------------------------------------------------------------------------------
def _choose(selection: Selection, group: str, option: str) -> Selection:
    return Selection(choices={**selection.choices, group: frozenset([option])})


def _open_available(result: Propagation) -> list[tuple[str, list[str]]]:
    """Return (group, available options) of each open group, in product order."""
    return [(g.code, [o.code for o in g.options if o.available]) for g in result.groups if not g.decided]


def _walk(session: Session, rng: random.Random, steps: int | None) -> Iterator[tuple[Selection, Propagation]]:
    """Pick a random available option of a random open group, `steps` times (None: until done).

    Yields each selection with its propagation, the first being the empty selection; stops
    early at a dead end (an invalid selection or an open group with nothing available).
    """
    selection = Selection()
    taken = 0
    while True:
        result = session.propagate(selection, reasons=False)
        yield selection, result
        open_groups = _open_available(result)
        if not result.valid or not open_groups or any(not options for _, options in open_groups):
            return
        if steps is not None and taken == steps:
            return
        group, options = rng.choice(open_groups)
        selection = _choose(selection, group, rng.choice(options))
        taken += 1


def _random_selections(session: Session, count: int, seed: int, max_steps: int = 30) -> list[Selection]:
    """Return `count` seeded walk prefixes of 0..`max_steps` steps, each valid at every step."""
    out = []
    for n in range(count):
        rng = random.Random(seed + n)
        steps = rng.randint(0, max_steps)
        visited = list(_walk(session, rng, steps))
        assert all(result.valid for _, result in visited), f"walk {seed + n}: an engine-chosen step is invalid"
        selection = visited[-1][0]
        assert len(selection.choices) == steps, f"walk {seed + n}: stopped early at a dead end"
        out.append(selection)
    return out


# -- Renault against expected.json -----------------------------------------------------------
@pytest.mark.parametrize("scenario", ["empty", "fix1", "fix3", "fix10", "fix20"])
def test_renault_unselectable_values_match_the_measured_scenarios(
    renault: Renault, renault_expected: dict[str, Any], scenario: str
) -> None:
    """For each measured scenario, the unavailable values of the free variables are exactly the
    expected `unselectable` ones, the available ones number `selectable_values_of_free_variables`,
    and every unavailable option carries at least one reason."""
    facts = renault_expected["scenarios"][scenario]
    groups = {g.code: g for g in renault.product.groups}

    def code(var: str, name: str) -> str:  # value names -> option codes by value index, as the reader does
        return groups[f"v{var}"].options[renault.names[var].index(name)].code

    selection = Selection(choices={f"v{var}": frozenset([code(var, name)]) for var, name in facts["fixed"].items()})
    result = renault.session.propagate(selection)
    assert result.valid
    free = [g for g in result.groups if g.code not in selection.choices]
    unavailable = {(g.code, o.code) for g in free for o in g.options if not o.available}
    expected = {(f"v{var}", code(var, name)) for var, names in facts["unselectable"].items() for name in names}
    assert unavailable == expected
    assert sum(len(g.options) for g in free) == facts["values_of_free_variables"]
    assert sum(o.available for g in free for o in g.options) == facts["selectable_values_of_free_variables"]
    no_reason = [(g.code, o.code) for g in free for o in g.options if not o.available and not o.reasons]
    assert no_reason == []


# -- Renault against the independent SAT encoding ---------------------------------------------
def test_renault_independent_encoding_has_the_measured_dead_values(
    renault: Renault, renault_expected: dict[str, Any]
) -> None:
    """Sanity of the oracle itself: at the empty selection the independent encoding finds exactly
    the four dead values of expected.json (so agreement with the engine means something)."""
    everything = list(renault.literal.values())
    dead = set(everything) - renault.oracle.available([], everything)
    by_literal = {lit: key for key, lit in renault.literal.items()}
    groups = {g.code: g for g in renault.product.groups}
    expected = {
        (f"v{var}", groups[f"v{var}"].options[renault.names[var].index(name)].code)
        for var, names in renault_expected["scenarios"]["empty"]["unselectable"].items()
        for name in names
    }
    assert {by_literal[lit] for lit in dead} == expected


def test_renault_availability_agrees_with_an_independent_sat_encoding_on_random_selections(
    renault: Renault,
) -> None:
    """On 25 seeded walk prefixes (0..30 engine-chosen steps, each reported valid), every option of
    every open group is available in the engine iff the independent encoding is satisfiable with
    the selection plus that option; and for every decided group, each of its other options is
    available iff satisfiable with the selection minus that group plus that option."""
    session, oracle = renault.session, renault.oracle
    mismatches: list[str] = []
    for n, selection in enumerate(_random_selections(session, 25, seed=2000)):
        result = session.propagate(selection, reasons=False)
        assert result.valid
        base = renault.assumptions(selection)
        open_lits = [renault.literal[(g.code, o.code)] for g in result.groups if not g.decided for o in g.options]
        truth = oracle.available(base, open_lits)
        for group in result.groups:
            if group.decided:
                context = renault.assumptions(selection, skip=group.code)
                others = [renault.literal[(group.code, o.code)] for o in group.options if not o.selected]
                group_truth = oracle.available(context, others)
            else:
                group_truth = truth
            for option in group.options:
                if option.selected:
                    assert option.available
                    continue
                expected = renault.literal[(group.code, option.code)] in group_truth
                if option.available != expected:
                    mismatches.append(
                        f"walk {n}: {dict(selection.choices)} {group.code}={option.code}: "
                        f"engine {option.available}, independent SAT {expected}"
                    )
    assert mismatches == []


# -- walks to the end ----------------------------------------------------------------------------
def test_renault_random_walks_of_available_choices_never_reach_a_dead_end(renault: Renault) -> None:
    """20 seeded walks that always pick an available option of an open group all end in a complete
    configuration: the engine reports valid at every step, no open group ever has nothing
    available (0 dead ends), and the end is a solution of the independent encoding."""
    dead_ends = []
    for n in range(20):
        visited = list(_walk(renault.session, random.Random(3000 + n), None))
        selection, last = visited[-1]
        if not all(result.valid for _, result in visited) or any(not g.decided for g in last.groups):
            dead_ends.append((n, dict(selection.choices)))
            continue
        assert last.complete
        assert renault.oracle.satisfiable(renault.assumptions(selection)), f"walk {n} ends in a non-solution"
    assert len(dead_ends) == 0, dead_ends


def test_renault_complete_extends_walk_prefixes_to_solutions(renault: Renault) -> None:
    """`complete` on seeded walk prefixes returns a configuration that keeps the prefix and decides
    every group with one option; the engine finds it valid and complete, and it is a solution of
    the independent encoding."""
    session = renault.session
    for n, selection in enumerate(_random_selections(session, 6, seed=4000)):
        configuration = session.complete(selection).configuration
        assert configuration is not None, f"prefix {n}"
        assert all(configuration.choices[g] == chosen for g, chosen in selection.choices.items())
        assert {g.code for g in renault.product.groups} <= set(configuration.choices)
        assert all(len(configuration.choices[g.code]) == 1 for g in renault.product.groups)
        result = session.propagate(configuration, reasons=False)
        assert result.valid and result.complete
        assert all(g.decided for g in result.groups)
        assert renault.oracle.satisfiable(renault.assumptions(configuration)), f"prefix {n}"


# -- DIMACS feature models ------------------------------------------------------------------------
@dataclass
class FeatureModel:
    name: str
    session: Session
    variables: int
    clauses: list[list[int]]
    expected: dict[str, Any]


def parse_dimacs(path: Path) -> tuple[int, list[list[int]]]:
    """Return (variable count, clauses) of a DIMACS CNF file."""
    variables = 0
    clauses: list[list[int]] = []
    current: list[int] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.startswith("c"):
            continue
        if line.startswith("p"):
            variables = int(line.split()[2])
            continue
        for token in line.split():
            if token == "0":
                clauses.append(current)
                current = []
            else:
                current.append(int(token))
    if current:
        clauses.append(current)
    return max([variables, *(abs(lit) for clause in clauses for lit in clause)]), clauses


FEATURE_MODELS = {
    "berkeleydb": "berkeleydb/berkeleydb.dimacs",
    "pc-richmond": "pc-richmond/Sprey2020.dimacs",
    "automotive01": "automotive01/automotive01.dimacs",
}


@pytest.fixture(scope="module", params=list(FEATURE_MODELS))
def feature_model(request: pytest.FixtureRequest) -> FeatureModel:
    path = BENCHMARKS / FEATURE_MODELS[request.param]
    product = product_from_dict(read_dimacs(path, code=request.param)["products"][0])
    variables, clauses = parse_dimacs(path)
    expected = json.loads((path.parent / "expected.json").read_text(), parse_float=Decimal)
    return FeatureModel(request.param, Session(compile_product(product)), variables, clauses, expected)


def test_feature_model_dead_and_core_features_match_one_sat_call_per_literal(feature_model: FeatureModel) -> None:
    """At the empty selection, the features whose "yes" is unavailable (dead) and whose "no" is
    unavailable (core) are exactly those found by one MiniSat call per literal on the raw DIMACS
    CNF, and their numbers match expected.json (measured and published statistics)."""
    result = feature_model.session.propagate(Selection(), reasons=False)
    assert result.valid
    groups = result.groups  # the reader makes variable i the i-th group, with options yes / no
    assert len(groups) == feature_model.variables
    assert all([o.code for o in g.options] == ["yes", "no"] for g in groups)
    dead = {i + 1 for i, g in enumerate(groups) if not g.options[0].available}
    core = {i + 1 for i, g in enumerate(groups) if not g.options[1].available}
    with Solver(name=ORACLE_SOLVER, bootstrap_with=feature_model.clauses) as solver:
        variables = range(1, feature_model.variables + 1)
        never_true = {v for v in variables if not solver.solve(assumptions=[v])}
        never_false = {v for v in variables if not solver.solve(assumptions=[-v])}
    assert dead == never_true
    assert core == never_false
    measured = feature_model.expected["measured_here"]
    assert (feature_model.variables, len(feature_model.clauses)) == (measured["cnf_variables"], measured["cnf_clauses"])
    assert (len(dead), len(core)) == (measured["variables_never_true"], measured["variables_never_false"])
    published = feature_model.expected.get("benchmark_statistics_csv", {})
    if "dead" in published and "core" in published:
        assert (len(dead), len(core)) == (published["dead"], published["core"])
