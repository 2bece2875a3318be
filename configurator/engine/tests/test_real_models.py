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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pysat.solvers import Solver

from catalog.formats.dimacs import read_dimacs
from catalog.formats.xcsp import read_xcsp
from configurator.engine.compiler import compile_product
from configurator.engine.diagram import compile_diagram
from configurator.engine.model import Product, product_from_dict
from configurator.engine.selection import Selection
from configurator.engine.session import Propagation, Session

BENCHMARKS = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks"
RENAULT = BENCHMARKS / "renault-megane"
ORACLE_SOLVER = "m22"
# Renault walks to a complete configuration take ~1.5 s each (20-35 steps, one `propagate` each);
# checking a prefix against the independent encoding takes ~1 s.
WALKS, WALK_SEED = 12, 3000
PREFIXES, PREFIX_SEED, MAX_PREFIX = 25, 2000, 30  # partial selections cut from those walks
COMPLETIONS = 6  # prefixes given to `complete`

pytestmark = [
    pytest.mark.benchmarks,
    pytest.mark.skipif(not BENCHMARKS.is_dir(), reason=f"benchmark data not found at {BENCHMARKS}"),
]

Option = tuple[str, str]  # (group code, option code)


# -- the independent oracle ------------------------------------------------------------------
class Oracle:
    """MiniSat over an independently built CNF whose variables 1..`values` are the value literals."""

    def __init__(self, clauses: list[list[int]], values: int) -> None:
        self.solver = Solver(name=ORACLE_SOLVER, bootstrap_with=clauses)
        self.values = values

    def satisfiable(self, assumptions: Iterable[int]) -> bool:
        return bool(self.solver.solve(assumptions=list(assumptions)))

    def solution(self, assumptions: Iterable[int]) -> set[int] | None:
        """Return the value literals true in a solution extending `assumptions`, or None if none."""
        if not self.solver.solve(assumptions=list(assumptions)):
            return None
        return {lit for lit in (self.solver.get_model() or [])[: self.values] if lit > 0}

    def possible(self, context: list[int], candidates: Iterable[int], seen: Iterable[int] = ()) -> set[int]:
        """Return the `candidates` true in some solution extending `context` (`seen`: value
        literals already known to be true in one).

        Each call asks for a solution making some candidate not witnessed yet true (a clause
        switched on by a fresh literal, then off for good); each solution witnesses every
        candidate it makes true, and "impossible" proves all the others out at once.
        """
        todo = set(candidates)
        found = todo & set(seen)
        todo -= found
        while len(todo) > 1:
            switch = self.solver.nof_vars() + 1
            self.solver.add_clause([-switch, *sorted(todo)])
            self.solver.set_phases([lit if lit in todo else -lit for lit in range(1, self.values + 1)])
            solution = self.solution([*context, switch])
            self.solver.add_clause([-switch])
            if solution is None:
                break
            found |= todo & solution
            todo -= solution
        if len(todo) == 1 and self.satisfiable([*context, *todo]):  # no model needed for the last one
            found |= todo
        return found


@dataclass
class RenaultCnf:
    """The independent CNF of megane.xml: `literal[(variable, value index)]`, numbered first."""

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
    for var, domain in values.items():  # exactly one value per variable
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
        if relation.get("semantics") == "conflicts":  # each forbidden tuple: not all of its values
            clauses.extend([-lit for lit in row] for row in rows)
            continue
        # supports: selector -> its row's values; some selector; value -> some selector of a row with it
        selectors_of: dict[int, list[int]] = {literal[(var, i)]: [] for var in scope for i in range(len(values[var]))}
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


# -- fixtures ----------------------------------------------------------------------------------
@dataclass
class Renault:
    session: Session
    product: Product
    oracle: Oracle
    names: dict[str, list[str]]
    #: engine (group, option) -> independent value literal (the reader keeps value order)
    literal: dict[Option, int]

    def assumptions(self, selection: Selection, skip: str | None = None) -> list[int]:
        """Return the value literals of `selection`'s choices (all but group `skip`)."""
        return [
            self.literal[(group, option)]
            for group, chosen in selection.choices.items()
            if group != skip
            for option in chosen
        ]

    def code(self, var: str, name: str) -> str:
        """Return the option code the reader gives value `name` of variable `var` (by value index)."""
        group = next(g for g in self.product.groups if g.code == f"v{var}")
        return group.options[self.names[var].index(name)].code


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
        literal.update({(f"v{var}", option.code): cnf.literal[(var, i)] for i, option in enumerate(options)})
    return Renault(session, product, Oracle(cnf.clauses, len(cnf.literal)), names, literal)


@pytest.fixture(scope="module")
def renault_diagram(renault: Renault) -> Session:
    """A session of the same model whose availability comes from its compiled diagram."""
    model = renault.session.model
    diagram = compile_diagram(model, max_nodes=2_000_000, seconds=120)
    assert diagram is not None, "Renault's solution space must compile"
    return Session(model, diagram=diagram)


@pytest.fixture(scope="module")
def renault_expected() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((RENAULT / "expected.json").read_text())
    return result


@dataclass
class Walk:
    """A seeded walk: each step picks a random available option of a random open group.

    `steps` holds each selection (the picks so far) with its propagation. An open group with
    a single available option is forced (every solution extending the selection has it), so no
    step is spent on it; when every open group is forced, `configuration` is the picks plus the
    forced options and `final` its propagation. A dead end leaves `configuration` None.
    """

    seed: int
    steps: list[tuple[Selection, Propagation]]
    configuration: Selection | None = None
    final: Propagation | None = None

    @property
    def dead_end(self) -> bool:
        return self.final is None or not (
            self.final.valid and self.final.complete and all(g.decided for g in self.final.groups)
        )


def _walk(session: Session, seed: int) -> Walk:
    rng = random.Random(seed)
    walk = Walk(seed, [])
    selection = Selection()
    while True:
        result = session.propagate(selection, reasons=False)
        walk.steps.append((selection, result))
        open_groups = [(g.code, [o.code for o in g.options if o.available]) for g in result.groups if not g.decided]
        if not result.valid or any(not options for _, options in open_groups):
            return walk
        choices = [(group, options) for group, options in open_groups if len(options) > 1]
        if not choices:
            break
        group, options = rng.choice(choices)
        selection = Selection(choices={**selection.choices, group: frozenset([rng.choice(options)])})
    forced = {group: frozenset(options) for group, options in open_groups}
    walk.configuration = Selection(choices={**selection.choices, **forced})
    walk.final = session.propagate(walk.configuration, reasons=False)
    return walk


@pytest.fixture(scope="module")
def renault_walks(renault: Renault) -> list[Walk]:
    # A fresh session (same compiled model) per walk: a long-lived session slows down as its
    # solver accumulates one variable per availability call (about 2x after 40 walks).
    return [_walk(Session(renault.session.model), WALK_SEED + n) for n in range(WALKS)]


@pytest.fixture(scope="module")
def renault_prefixes(renault_walks: list[Walk]) -> list[tuple[Selection, Propagation]]:
    """Seeded partial selections: the first 0..30 steps of the walks, valid at every step."""
    rng = random.Random(PREFIX_SEED)
    prefixes = []
    for n in range(PREFIXES):
        walk = renault_walks[n % len(renault_walks)]
        depth = rng.randint(0, min(MAX_PREFIX, len(walk.steps) - 1))
        assert all(result.valid for _, result in walk.steps[: depth + 1]), f"walk {walk.seed}: invalid step"
        prefixes.append(walk.steps[depth])
    return prefixes


# -- Renault against expected.json -----------------------------------------------------------
@pytest.mark.parametrize("scenario", ["empty", "fix1", "fix3", "fix10", "fix20"])
def test_renault_unselectable_values_match_the_measured_scenarios(
    renault: Renault, renault_expected: dict[str, Any], scenario: str
) -> None:
    """For each measured scenario, the unavailable values of the free variables are exactly the
    expected `unselectable` ones, the available ones number `selectable_values_of_free_variables`,
    and every unavailable option carries at least one reason."""
    facts = renault_expected["scenarios"][scenario]
    fixed = {f"v{var}": frozenset([renault.code(var, name)]) for var, name in facts["fixed"].items()}
    result = renault.session.propagate(Selection(choices=fixed))
    assert result.valid
    free = [g for g in result.groups if g.code not in fixed]
    unavailable = {(g.code, o.code) for g in free for o in g.options if not o.available}
    expected = {(f"v{var}", renault.code(var, name)) for var, names in facts["unselectable"].items() for name in names}
    assert unavailable == expected
    assert sum(len(g.options) for g in free) == facts["values_of_free_variables"]
    assert sum(o.available for g in free for o in g.options) == facts["selectable_values_of_free_variables"]
    no_reason = [(g.code, o.code) for g in free for o in g.options if not o.available and not o.reasons]
    assert no_reason == []


# -- Renault against the independent SAT encoding ---------------------------------------------
def test_renault_independent_encoding_finds_the_measured_dead_values(
    renault: Renault, renault_expected: dict[str, Any]
) -> None:
    """Sanity of the oracle itself: at the empty selection the independent encoding makes exactly
    the four values of expected.json impossible (so agreeing with it means something)."""
    possible = renault.oracle.possible([], renault.literal.values())
    dead = {key for key, lit in renault.literal.items() if lit not in possible}
    facts = renault_expected["scenarios"]["empty"]["unselectable"]
    assert dead == {(f"v{var}", renault.code(var, name)) for var, names in facts.items() for name in names}


def test_renault_availability_agrees_with_an_independent_sat_encoding_on_random_selections(
    renault: Renault, renault_prefixes: list[tuple[Selection, Propagation]]
) -> None:
    """See `_independent_mismatches`."""
    assert _independent_mismatches(renault, renault_prefixes) == []


def test_renault_diagram_path_agrees_with_an_independent_sat_encoding_on_random_selections(
    renault: Renault, renault_diagram: Session, renault_prefixes: list[tuple[Selection, Propagation]]
) -> None:
    """The same check with availability from the compiled diagram, on the same prefixes and after undo and
    switch: each prefix is asked after a longer one (undo) and after the same walk with another option."""
    answered = [(selection, renault_diagram.propagate(selection)) for selection, _ in reversed(renault_prefixes)]
    assert _independent_mismatches(renault, answered) == []


@pytest.mark.parametrize("scenario", ["empty", "fix1", "fix3", "fix10", "fix20"])
def test_renault_diagram_path_matches_the_measured_scenarios(
    renault: Renault, renault_diagram: Session, renault_expected: dict[str, Any], scenario: str
) -> None:
    """The measured scenarios on the diagram path: the same unavailable values, each with a reason."""
    facts = renault_expected["scenarios"][scenario]
    fixed = {f"v{var}": frozenset([renault.code(var, name)]) for var, name in facts["fixed"].items()}
    result = renault_diagram.propagate(Selection(choices=fixed))
    free = [g for g in result.groups if g.code not in fixed]
    unavailable = {(g.code, o.code) for g in free for o in g.options if not o.available}
    expected = {(f"v{var}", renault.code(var, name)) for var, names in facts["unselectable"].items() for name in names}
    assert unavailable == expected
    assert [(g.code, o.code) for g in free for o in g.options if not o.available and not o.reasons] == []


def _independent_mismatches(renault: Renault, answered: list[tuple[Selection, Propagation]]) -> list[str]:
    """On 25 seeded walk prefixes (0..30 engine-chosen steps, each valid), every option of
    every open group is available in the engine iff the independent encoding is satisfiable with
    the selection plus that option; and for every decided group, each of its other options is
    available iff satisfiable with the selection minus that group plus that option."""
    oracle, literal = renault.oracle, renault.literal
    mismatches: list[str] = []
    for n, (selection, result) in enumerate(answered):
        assert result.valid
        base = renault.assumptions(selection)
        witness = oracle.solution(base)
        assert witness is not None, f"prefix {n}: the independent encoding finds {selection} impossible"
        open_lits = [literal[(g.code, o.code)] for g in result.groups if not g.decided for o in g.options]
        possible = oracle.possible(base, open_lits, witness) | set(base)
        for group in result.groups:
            if group.decided:
                context = renault.assumptions(selection, skip=group.code)
                others = [literal[(group.code, o.code)] for o in group.options if not o.selected]
                possible |= oracle.possible(context, others)
        for group in result.groups:
            for option in group.options:
                expected = literal[(group.code, option.code)] in possible
                if option.available != expected:
                    mismatches.append(
                        f"prefix {n} {dict(selection.choices)}: {group.code}={option.code} "
                        f"engine {option.available}, independent SAT {expected}"
                    )
    return mismatches


# -- walks to the end ----------------------------------------------------------------------------
def test_renault_random_walks_of_available_choices_never_reach_a_dead_end(
    renault: Renault, renault_walks: list[Walk]
) -> None:
    """20 seeded walks that always pick an available option of an open group all end in a complete
    configuration: valid at every step, no open group ever left with nothing available (0 dead
    ends); the final configuration propagates valid and complete with every group decided, and
    it is a solution of the independent encoding."""
    dead_ends = [walk.seed for walk in renault_walks if walk.dead_end]
    assert len(renault_walks) == WALKS
    assert len(dead_ends) == 0, f"dead ends in the walks with seeds {dead_ends}"
    for walk in renault_walks:
        assert all(result.valid for _, result in walk.steps)
        assert walk.configuration is not None
        assert renault.oracle.satisfiable(renault.assumptions(walk.configuration)), f"walk {walk.seed}"


def test_renault_complete_extends_walk_prefixes_to_solutions(
    renault: Renault, renault_prefixes: list[tuple[Selection, Propagation]]
) -> None:
    """`complete` on seeded walk prefixes returns a configuration that keeps the prefix and decides
    every group with one option; the engine finds it valid and complete, and it is a solution of
    the independent encoding."""
    session = renault.session
    for n, (selection, _) in enumerate(renault_prefixes[:COMPLETIONS]):
        configuration = session.complete(selection).configuration
        assert configuration is not None, f"prefix {n}"
        assert all(configuration.choices[g] == chosen for g, chosen in selection.choices.items())
        assert all(len(configuration.choices.get(g.code, ())) == 1 for g in renault.product.groups)
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
