"""The table encoding against brute force: its solutions are exactly the table's rows."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from pysat.solvers import Solver

from configurator.engine.encoding import Encoder, table_clauses


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[str]], list[tuple[str, ...]]]:
    """Return (values of each column, allowed rows) of a random table of 1-4 columns."""
    domains = [[f"c{c}v{v}" for v in range(draw(st.integers(1, 3)))] for c in range(draw(st.integers(1, 4)))]
    every = list(itertools.product(*domains))
    rows = draw(st.lists(st.sampled_from(every), max_size=len(every), unique=True))
    return domains, rows


@given(tables())
@settings(max_examples=300, deadline=None)
def test_table_solutions_are_exactly_its_rows(table: tuple[list[list[str]], list[tuple[str, ...]]]) -> None:
    """Every way to give each column at most one value is satisfiable iff it is an allowed row,
    and each value literal is possible iff some row uses it (what availability reads)."""
    domains, rows = table
    encoder = Encoder()
    columns = [{value: encoder.new_var() for value in domain} for domain in domains]
    own = table_clauses(encoder, columns, rows)
    with Solver(name="g4", bootstrap_with=encoder.clauses + own) as solver:
        for column in columns:  # single-choice columns: at most one value each
            for a, b in itertools.combinations(column.values(), 2):
                solver.add_clause([-a, -b])
        for pick in itertools.product(*([None, *domain] for domain in domains)):
            assumptions = [
                lit if value == chosen else -lit
                for column, chosen in zip(columns, pick, strict=True)
                for value, lit in column.items()
            ]
            assert solver.solve(assumptions=assumptions) == (pick in set(rows)), pick
        for c, column in enumerate(columns):
            for value, lit in column.items():
                assert solver.solve(assumptions=[lit]) == any(row[c] == value for row in rows), value
