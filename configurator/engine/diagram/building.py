"""Compile a model's whole solution space into a binary decision diagram (CUDD, via `dd`).

The diagram speaks of the decisions only: option variables, each parameter's order
literals over its exact value grid, and text variables. Every other CNF variable (gates,
counters, partial sums, table nodes) is an auxiliary defined by its clauses, and is
existentially quantified away as soon as no clause left to conjoin mentions it.

Tables are built straight from their rows (a row is one path: each column's option,
then the next column), not from their CNF, whose node variables would all stay alive
until the last support clause. The other clauses are clustered by the auxiliaries they
share; each cluster is conjoined on its own and its auxiliaries quantified, then the
pieces, which now mention decisions only, are conjoined in the order of the variables
they start at. The variables of one decision (a group's options, a parameter's order
literals) are kept adjacent, and CUDD's group sifting reorders the groups while
building; the build gives up past a node or time budget.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dd import cudd

from configurator.engine.compiler import CompiledModel
from configurator.engine.diagram.ordering import force_order

Key = tuple[str, str]  # ("group" | "parameter" | "text", code)


class OverBudget(Exception):
    """The diagram grew past its node budget or took longer than its time budget."""


@dataclass(frozen=True)
class Decisions:
    """Which CNF variables the diagram keeps, and the decision each belongs to."""

    #: decision -> its variables (positive ints), in catalog order
    variables: dict[Key, tuple[int, ...]]

    @classmethod
    def of(cls, model: CompiledModel) -> Decisions:
        variables: dict[Key, tuple[int, ...]] = {}
        for group, options in model.options.items():
            variables[("group", group)] = tuple(dict.fromkeys(abs(lit) for lit in options.values()))
        for code, var in model.parameters.items():
            variables[("parameter", code)] = tuple(abs(var.ge(j)) for j in range(1, len(var.values)))
        for code, lit in model.texts.items():
            variables[("text", code)] = (abs(lit),)
        return cls({key: vars_ for key, vars_ in variables.items() if vars_})

    def all(self) -> list[int]:
        return [var for vars_ in self.variables.values() for var in vars_]


def name(var: int) -> str:
    return f"v{var}"


class Builder:
    """Conjoin a compiled model's constraints into one BDD over its decision variables."""

    def __init__(self, model: CompiledModel, *, max_nodes: int, seconds: float, sift_swaps: int = 0) -> None:
        self.model = model
        self.sift_swaps = sift_swaps
        self.tables: frozenset[str] = frozenset()
        self.decisions = Decisions.of(model)
        self.max_nodes = max_nodes
        self.deadline = time.process_time() + seconds
        self.bdd = cudd.BDD()
        self.bdd.configure(reordering=False)

    # -- the budget ------------------------------------------------------------------------
    def check(self, f: cudd.Function) -> None:
        if time.process_time() > self.deadline:
            raise OverBudget("time")
        if f.dag_size > self.max_nodes:
            raise OverBudget("nodes")

    # -- the whole build -------------------------------------------------------------------
    def build(self) -> cudd.Function:
        tables, clauses = self._split_tables()
        self.tables = frozenset(tables)
        aux_of = self._declare(clauses)
        pieces = [self._table(rule_code) for rule_code in tables]
        pieces += self._clusters(clauses, aux_of)
        result = self._conjoin(pieces)
        if self.sift_swaps:
            # Group sifting of the finished diagram, bounded in swaps: CUDD cannot be stopped by a clock.
            self.bdd.configure(max_swaps=self.sift_swaps)
            cudd.reorder(self.bdd)
            self.check(result)
        return result

    def _split_tables(self) -> tuple[list[str], list[list[int]]]:
        """Return the table rules built from rows, and every other clause (constants folded)."""
        decision = set(self.decisions.all())
        table_codes: list[str] = []
        node_vars: set[int] = set()
        for rule in self.model.product.rules:
            own = self.model.rule_clauses.get(rule.code)
            if rule.kind != "table" or own is None or not rule.rows:
                continue
            table_codes.append(rule.code)
            node_vars.update(abs(lit) for clause in own for lit in clause if abs(lit) not in decision)
        node_vars.discard(1)
        out: list[list[int]] = []
        sources = [self.model.clauses, *(c for code, c in self.model.rule_clauses.items() if code not in table_codes)]
        for source in sources:
            for clause in source:
                if 1 in clause or any(abs(lit) in node_vars for lit in clause):
                    continue
                lits = sorted(set(clause) - {-1})
                if any(-lit in lits for lit in lits if lit > 0):
                    continue  # a tautology
                out.append(lits)
        return table_codes, out

    def _declare(self, clauses: list[list[int]]) -> dict[int, int]:
        """Declare the variables in a first order; return each auxiliary's cluster root.

        Decisions come in catalog order, a decision's variables together; an auxiliary
        sits right after the latest decision variable its clauses mention.
        """
        decision_vars = self._decision_order(clauses)
        position = {var: index for index, var in enumerate(decision_vars)}
        parent: dict[int, int] = {}

        def find(var: int) -> int:
            while parent[var] != var:
                parent[var] = parent[parent[var]]
                var = parent[var]
            return var

        anchor: dict[int, int] = {}
        for clause in clauses:
            aux = [abs(lit) for lit in clause if abs(lit) not in position]
            for var in aux:
                parent.setdefault(var, var)
            for var in aux[1:]:
                parent[find(var)] = find(aux[0])
            late = max((position[abs(lit)] for lit in clause if abs(lit) in position), default=-1)
            for var in aux:
                anchor[var] = max(anchor.get(var, -1), late)
        after: dict[int, list[int]] = {}
        for var in sorted(anchor):
            after.setdefault(anchor[var], []).append(var)
        order = list(after.get(-1, []))
        for index, var in enumerate(decision_vars):
            order.append(var)
            order += after.get(index, [])
        self.bdd.declare(*(name(var) for var in order))
        for vars_ in self.decisions.variables.values():
            if len(vars_) > 1:
                self.bdd.group({name(vars_[0]): len(vars_)})
        return {var: find(var) for var in parent}

    def _decision_order(self, clauses: list[list[int]]) -> list[int]:
        """Return the decision variables, a decision's together, decisions in FORCE order."""
        variables = self.decisions.variables
        key_of = {var: key for key, vars_ in variables.items() for var in vars_}
        edges = [[("group", g) for g in rule.groups] for rule in self.model.product.rules if rule.code in self.tables]
        edges += [[key_of[abs(lit)] for lit in clause if abs(lit) in key_of] for clause in clauses]
        keys = force_order(list(variables), edges)
        return [var for key in keys for var in variables[key]]

    # -- pieces ----------------------------------------------------------------------------
    def _literal(self, lit: int) -> cudd.Function:
        var = self.bdd.var(name(abs(lit)))
        return var if lit > 0 else ~var

    def _clause(self, clause: Sequence[int]) -> cudd.Function:
        f = self.bdd.false
        for lit in clause:
            f = f | self._literal(lit)
        return f

    def _one_of(self, lits: dict[str, int], chosen: int) -> cudd.Function:
        f = self._literal(chosen)
        for lit in set(lits.values()) - {chosen, -chosen}:
            f = f & ~self._literal(lit)
        return f

    def _table(self, code: str) -> cudd.Function:
        """Return the table's rows as a BDD: each column's option, then the rest of the row."""
        rule = next(r for r in self.model.product.rules if r.code == code)
        columns = [self.model.options[g] for g in rule.groups]
        memo: dict[tuple[int, frozenset[tuple[str, ...]]], cudd.Function] = {}
        # A value is "this option and no other of its column": the same under the column's
        # "at most one", and without it an OR of values would track every subset set so far.
        cubes = [{value: self._one_of(column, lit) for value, lit in column.items()} for column in columns]

        # `rows` are the rows' remaining columns, from `layer` on.
        def rows_from(layer: int, rows: frozenset[tuple[str, ...]]) -> cudd.Function:
            if layer == len(columns):
                return self.bdd.true
            found = memo.get((layer, rows))
            if found is None:
                by_value: dict[str, set[tuple[str, ...]]] = {}
                for row in rows:
                    by_value.setdefault(row[0], set()).add(row[1:])
                found = self.bdd.false
                for value, rest in sorted(by_value.items()):
                    found = found | (cubes[layer][value] & rows_from(layer + 1, frozenset(rest)))
                memo[(layer, rows)] = found
            return found

        table = rows_from(0, frozenset(tuple(row) for row in rule.rows))
        self.check(table)
        return table

    def _clusters(self, clauses: list[list[int]], aux_of: dict[int, int]) -> list[cudd.Function]:
        """Conjoin the clauses that share auxiliaries, quantifying each after its last clause."""
        clusters: dict[int, list[list[int]]] = {}
        plain: list[cudd.Function] = []
        for clause in clauses:
            roots = {aux_of[abs(lit)] for lit in clause if abs(lit) in aux_of}
            if roots:
                clusters.setdefault(roots.pop(), []).append(clause)
            else:
                plain.append(self._clause(clause))
                if len(plain) % 1024 == 0:
                    self.check(plain[-1])
        for members in clusters.values():
            last: dict[int, int] = {}
            for index, clause in enumerate(members):
                for lit in clause:
                    if abs(lit) in aux_of:
                        last[abs(lit)] = index
            done: dict[int, list[str]] = {}
            for var, index in last.items():
                done.setdefault(index, []).append(name(var))
            f = self.bdd.true
            for index, clause in enumerate(members):
                f = cudd.and_exists(f, self._clause(clause), done.get(index, []))
                self.check(f)
            plain.append(f)
        return plain

    def _conjoin(self, pieces: Iterable[cudd.Function]) -> cudd.Function:
        """Conjoin pieces pairwise, in rounds (a balanced tree), neighbours in variable order first.

        Conjoining one growing product with each piece in turn was far slower: the
        product carries every constraint seen so far through each step.
        """
        todo = []
        for piece in pieces:
            if piece == self.bdd.false:
                return piece
            if piece != self.bdd.true:
                todo.append(piece)
        todo.sort(key=lambda piece: piece.level)
        while len(todo) > 1:
            paired = []
            for index in range(0, len(todo) - 1, 2):
                both = todo[index] & todo[index + 1]
                self.check(both)
                if both == self.bdd.false:
                    return both
                paired.append(both)
            if len(todo) % 2:
                paired.append(todo[-1])
            todo = paired
        return todo[0] if todo else self.bdd.true
