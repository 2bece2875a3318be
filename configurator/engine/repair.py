"""Derive new solutions from known ones by changing one choice, checked against the rules.

A solution (the true variables the session watches) is a complete valid configuration.
Changing the option of one choice group can only break the rules that mention that
group, so checking those few rules decides whether the changed configuration is still
valid: a witness for the new option without a solver call (a rule that compiles to one
clause of option literals, as every rule of a feature model does, is checked with a few
set look-ups instead of evaluating it). This settles most
availability questions on table models, where a SAT call costs milliseconds and each
option of a large group otherwise needs its own solution. It never decides that
something is impossible; a failed repair just leaves the question to the solver.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction

from configurator.engine.checking import Checker
from configurator.engine.compiler import CompiledModel
from configurator.engine.rules import Assignment, Expr, evaluate, references


class _Chosen(Mapping[str, frozenset[str]]):
    """The options of each group in a solution with some groups changed, read on demand (rules touch few groups)."""

    def __init__(
        self,
        lits: Mapping[str, frozenset[int]],
        code_of: Mapping[int, str],
        found: frozenset[int],
        changes: Mapping[str, str],
    ) -> None:
        self._lits, self._code_of, self._found, self._changes = lits, code_of, found, changes

    def __getitem__(self, group: str) -> frozenset[str]:
        if group in self._changes:
            return frozenset((self._changes[group],))
        return frozenset(self._code_of[lit] for lit in self._lits[group] & self._found)

    def __iter__(self) -> Iterator[str]:
        return iter(self._lits)

    def __len__(self) -> int:
        return len(self._lits)


class _Values(Mapping[str, Decimal]):
    """The parameter values of a solution, read on demand."""

    def __init__(self, model: CompiledModel, found: frozenset[int]) -> None:
        self._model, self._found = model, found

    def __getitem__(self, code: str) -> Decimal:
        var = self._model.parameters[code]
        value: Fraction = var.values[var.index_of(self._found)]
        return Decimal(value.numerator) / Decimal(value.denominator)

    def __iter__(self) -> Iterator[str]:
        return iter(self._model.parameters)

    def __len__(self) -> int:
        return len(self._model.parameters)


class _Texts(Mapping[str, str]):
    """Whether each text field is set in a solution (a stand-in text when it is)."""

    def __init__(self, model: CompiledModel, found: frozenset[int]) -> None:
        self._model, self._found = model, found

    def __getitem__(self, code: str) -> str:
        return "x" if self._model.texts[code] in self._found else ""

    def __iter__(self) -> Iterator[str]:
        return iter(self._model.texts)

    def __len__(self) -> int:
        return len(self._model.texts)


class Repairer:
    """Move a solution of a model to another option of one choice group, when the rules allow."""

    def __init__(self, model: CompiledModel, checker: Checker) -> None:
        self.model = model
        product = model.product
        #: option literal -> (group, option) for the active options of choice groups (the only ones moved)
        self._movable: dict[int, tuple[str, str]] = {
            model.options[g.code][o.code]: (g.code, o.code)
            for g in product.groups
            if g.kind == "choice"
            for o in g.options
            if o.active
        }
        self._code_of = {lit: code for lit, (_group, code) in model.option_of.items()}
        #: option literal of a choice group -> (group, option), to read a solution's choices
        self._choice_of = {
            lit: (g.code, code)
            for g in product.groups
            if g.kind == "choice"
            for code, lit in model.options[g.code].items()
        }
        self._others = {g: frozenset(lits.values()) for g, lits in model.options.items()}
        self._tables: dict[str, list[tuple[tuple[str, ...], frozenset[tuple[str, ...]]]]] = {}
        choice = {g.code for g in product.groups if g.kind == "choice"}
        for _code, _message, columns, rows in checker.tables:
            if not choice.issuperset(columns):  # a row then names one of several ticked options: never move
                unmovable = set(columns)
                self._movable = {lit: go for lit, go in self._movable.items() if go[0] not in unmovable}
            table = (tuple(columns), rows)
            for group in dict.fromkeys(columns):
                self._tables.setdefault(group, []).append(table)
        self._constraints: dict[str, list[Expr]] = {}
        #: group -> the constraints on it that compile to one clause of option literals, as
        #: (options of which one must be in, options of which one must be out): checked with
        #: two set operations instead of evaluating the rule (feature models are all clauses)
        self._clauses: dict[str, list[tuple[frozenset[int], frozenset[int]]]] = {}
        for code, _message, expr in checker.constraints:
            clauses = model.rule_clauses.get(code, ())
            if len(clauses) == 1 and all(abs(lit) in model.option_of for lit in clauses[0]):
                (clause,) = clauses
                check = (frozenset(lit for lit in clause if lit > 0), frozenset(-lit for lit in clause if lit < 0))
                for group in {model.option_of[abs(lit)][0] for lit in clause}:
                    self._clauses.setdefault(group, []).append(check)
                continue
            for group in references(expr).groups:
                self._constraints.setdefault(group, []).append(expr)
        #: group -> (columns before it, columns after it, allowed rows) of each table on it
        self._around: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], frozenset[tuple[str, ...]]]]] = {
            group: [
                (columns[: columns.index(group)], columns[columns.index(group) + 1 :], rows) for columns, rows in tables
            ]
            for group, tables in self._tables.items()
        }
        self._kept: dict[int, tuple[frozenset[int], dict[str, str]]] = {}  # see _choices
        rules = (self._tables, self._constraints, self._clauses)
        self._cost = {
            literal: 1 + sum(len(by_group.get(group, ())) for by_group in rules)
            for literal, (group, _option) in self._movable.items()
        }

    @property
    def costs(self) -> Mapping[int, int]:
        """How many rule checks moving a solution to each literal takes (absent: it cannot be moved)."""
        return self._cost

    def move_all(self, found: frozenset[int], literals: Iterable[int]) -> frozenset[int] | None:
        """Return `found` moved to each of `literals` in turn (choice options), or None if a move fails."""
        for literal in literals:
            moved = self.move(found, literal)
            if moved is None:
                return None
            found = moved
        return found

    def move(self, found: frozenset[int], literal: int) -> frozenset[int] | None:
        """Return `found` with `literal`'s group switched to it, or None if a rule (or its kind) forbids that.

        `found` must be a solution (a complete valid configuration, as the session's
        watched variables). The result is one too, and contains `literal`.
        """
        target = self._movable.get(literal)
        if target is None:
            return None
        if literal in found:
            return found
        return self._shift(found, {target[0]: target[1]})

    def move_options(self, found: frozenset[int], literals: Iterable[int]) -> dict[int, frozenset[int]]:
        """Return `found` moved to each of `literals` that it can be moved to, by literal.

        The same as `move` for each literal, but the rows a table would have with each
        candidate option are built from one reading of `found` per group: a click often
        asks for many options of one large group (Renault's tables), and reading the
        other columns again for every candidate was most of the cost of a move.
        """
        by_group: dict[str, list[tuple[int, str]]] = {}
        for literal in literals:
            target = self._movable.get(literal)
            if target is not None:
                by_group.setdefault(target[0], []).append((literal, target[1]))
        out: dict[int, frozenset[int]] = {}
        codes = self._choices(found) if self._tables else {}
        for group, candidates in by_group.items():
            # (columns before the group, columns after it, allowed rows) of each table on the group
            rows_around = [
                (tuple(codes.get(c, "") for c in before), tuple(codes.get(c, "") for c in after), rows)
                for before, after, rows in self._around.get(group, ())
            ]
            for literal, code in candidates:
                if literal in found:
                    out[literal] = found
                elif all((*before, code, *after) in rows for before, after, rows in rows_around):
                    moved = self._shift(found, {group: code}, tables=False)
                    if moved is not None:
                        out[literal] = moved
        return out

    def _choices(self, found: frozenset[int]) -> dict[str, str]:
        """Return the option of each choice group in `found`; kept for the last few solutions (bases recur)."""
        kept = self._kept.get(id(found))
        if kept is not None and kept[0] is found:
            return kept[1]
        choice_of = self._choice_of
        codes = dict(choice_of[lit] for lit in found if lit in choice_of)
        if len(self._kept) >= 16:
            self._kept.pop(next(iter(self._kept)))
        self._kept[id(found)] = (found, codes)
        return codes

    # Solver hot path, tuned against measured figures (decision 16); complexity 15.
    def _shift(  # noqa: C901
        self, found: frozenset[int], changes: Mapping[str, str], *, tables: bool = True
    ) -> frozenset[int] | None:
        """Return `found` with each group of `changes` set to its option, or None if a rule forbids it.

        `tables=False` skips the table rules, for a caller that has checked them.
        """
        model = self.model
        added: set[int] = set()
        removed: set[int] = set()
        for group, option in changes.items():
            literal = model.options[group][option]
            if (group, option) != self._movable.get(literal):
                return None  # an inactive option, or a group that is not a choice
            removed |= self._others[group]
            added.add(literal)
            # "The group is set" may be a negated gate; the watched variables are the positive ones.
            is_set = model.group_set[group]
            if is_set > 1:
                added.add(is_set)
            elif is_set < -1:
                removed.add(-is_set)
        removed -= added
        for group in changes:
            for must_in, must_out in self._clauses.get(group, ()):
                # The clause fails when none of must_in and all of must_out are in the moved solution.
                if not any(lit in added or (lit in found and lit not in removed) for lit in must_in) and all(
                    lit in added or (lit in found and lit not in removed) for lit in must_out
                ):
                    return None
        checked: set[int] = set()
        codes: dict[str, str] | None = None
        for group in changes if tables else ():
            for table in self._tables.get(group, ()):
                if id(table) not in checked:
                    checked.add(id(table))
                    if codes is None:
                        codes = {**self._choices(found), **changes}
                    if tuple(codes.get(c, "") for c in table[0]) not in table[1]:
                        return None
        expressions = [e for g in changes for e in self._constraints.get(g, ())]
        if expressions:
            chosen = _Chosen(self._others, self._code_of, found, changes)
            assignment = Assignment(selections=chosen, parameters=_Values(model, found), texts=_Texts(model, found))
            if not all(evaluate(expr, assignment) for expr in expressions):
                return None
        return (found - removed) | added
