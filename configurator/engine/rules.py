"""Parse, inspect and evaluate rules written in the configurator's rule language.

Grammar (keywords are case-sensitive and reserved)::

    expr     := implies ("<->" implies)?
    implies  := or_expr ("->" implies)?
    or_expr  := and_expr ("or" and_expr)*
    and_expr := not_expr ("and" not_expr)*
    not_expr := "not" not_expr | atom
    atom     := "(" expr ")" | "true" | "false" | GROUP ("=" | "!=") OPTION
              | GROUP "in" "{" OPTION ("," OPTION)* "}" | GROUP "has" OPTION
              | "count" "(" GROUP ")" CMP INT | NAME | linear CMP linear
    linear   := ["-"] term (("+" | "-") term)*
    term     := NUMBER | PARAM | NUMBER "*" PARAM | PARAM "*" NUMBER
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Literal, assert_never, cast

from ._lexer import (
    CMP_HINT,
    EXACT,
    KEYWORDS,
    GroupInfo,
    RuleError,
    TokenStream,
    Vocabulary,
    is_number,
)

__all__ = [
    "KEYWORDS",
    "And",
    "Assignment",
    "CmpOp",
    "Compare",
    "Const",
    "Count",
    "Expr",
    "GroupInfo",
    "Has",
    "Iff",
    "Implies",
    "IsSet",
    "Linear",
    "Not",
    "OptionIs",
    "Or",
    "References",
    "RuleError",
    "Vocabulary",
    "evaluate",
    "parse_expression",
    "parse_linear",
    "references",
]

CmpOp = Literal["=", "!=", "<", "<=", ">", ">="]
_COMPARE: dict[str, Callable[[Decimal | int, Decimal | int], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Assignment:
    """Hold a configuration: chosen options per group, parameter values, texts."""

    selections: Mapping[str, frozenset[str]]
    parameters: Mapping[str, Decimal]
    texts: Mapping[str, str]


@dataclass(frozen=True)
class References:
    """List what an expression mentions."""

    groups: frozenset[str] = frozenset()
    options: frozenset[tuple[str, str]] = frozenset()
    parameters: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()


def _number(value: Decimal) -> str:
    # Format "f" because str() may give exponent notation ('1E-7'), which is no NUMBER.
    return format(value, "f")


@dataclass(frozen=True)
class Linear:
    """Represent ``sum(coefficient * parameter) + constant``.

    On construction terms are merged by parameter, zero coefficients dropped
    and the rest sorted by parameter, so equal sums compare equal.
    """

    terms: tuple[tuple[str, Decimal], ...]
    constant: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        """Normalise the terms."""
        merged: dict[str, Decimal] = {}
        with localcontext(EXACT):
            for name, coefficient in self.terms:
                merged[name] = merged.get(name, Decimal(0)) + coefficient
        terms = tuple(sorted((n, c) for n, c in merged.items() if c != 0))
        object.__setattr__(self, "terms", terms)

    def evaluate(self, parameters: Mapping[str, Decimal]) -> Decimal:
        """Return the exact value; raise ValueError if a parameter has no value."""
        with localcontext(EXACT):
            total = self.constant
            for name, coefficient in self.terms:
                if name not in parameters:
                    raise ValueError(f"parameter '{name}' has no value")
                total += coefficient * parameters[name]
            return total

    def __str__(self) -> str:
        """Return canonical text such as '2 * chest - waist + 3'."""
        text = ""
        for name, coefficient in self.terms:
            size = coefficient.copy_abs()
            term = name if size == 1 else f"{_number(size)} * {name}"
            sign = "-" if coefficient < 0 else "+"
            text += f" {sign} {term}" if text else f"{sign.strip('+')}{term}"
        if not text:
            return _number(self.constant)
        if self.constant != 0:
            sign = "-" if self.constant < 0 else "+"
            text += f" {sign} {_number(self.constant.copy_abs())}"
        return text


# Every node records its 1-based start column; it takes no part in equality or hashing.


@dataclass(frozen=True)
class Const:
    """Represent the literal ``true`` or ``false``."""

    value: bool
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class OptionIs:
    """Test that a choice group's selected option is one of ``options``."""

    group: str
    options: frozenset[str]
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        if len(self.options) == 1:
            return f"{self.group} = {next(iter(self.options))}"
        return f"{self.group} in {{{', '.join(sorted(self.options))}}}"


@dataclass(frozen=True)
class Has:
    """Test that a multi group's selection includes ``option``."""

    group: str
    option: str
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return f"{self.group} has {self.option}"


@dataclass(frozen=True)
class Count:
    """Compare the number of options selected in a multi group with ``value``."""

    group: str
    op: CmpOp
    value: int
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return f"count({self.group}) {self.op} {self.value}"


@dataclass(frozen=True)
class IsSet:
    """Test that an optional group has a selection or a text field is non-empty."""

    name: str
    kind: Literal["group", "text"]
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Compare:
    """Compare two linear expressions over parameters."""

    left: Linear
    op: CmpOp
    right: Linear
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Not:
    """Negate ``operand``; ``group != option`` parses to ``Not(OptionIs(...))``."""

    operand: Expr
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        inner = self.operand
        if isinstance(inner, OptionIs) and len(inner.options) == 1:
            return f"{inner.group} != {next(iter(inner.options))}"
        return f"not {_wrap(inner, 5)}"


@dataclass(frozen=True)
class And:
    """Require all ``operands`` (at least two)."""

    operands: tuple[Expr, ...]
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return " and ".join(_wrap(o, 5) for o in self.operands)


@dataclass(frozen=True)
class Or:
    """Require at least one of ``operands`` (at least two)."""

    operands: tuple[Expr, ...]
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return " or ".join(_wrap(o, 4) for o in self.operands)


@dataclass(frozen=True)
class Implies:
    """Require ``consequent`` whenever ``antecedent`` holds."""

    antecedent: Expr
    consequent: Expr
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return f"{_wrap(self.antecedent, 3)} -> {_wrap(self.consequent, 2)}"


@dataclass(frozen=True)
class Iff:
    """Require ``left`` and ``right`` to be both true or both false."""

    left: Expr
    right: Expr
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        return f"{_wrap(self.left, 2)} <-> {_wrap(self.right, 2)}"


type Expr = Const | OptionIs | Has | Count | IsSet | Compare | Not | And | Or | Implies | Iff
_BINDING: dict[type, int] = {Iff: 1, Implies: 2, Or: 3, And: 4, Not: 5}


def _wrap(expr: Expr, minimum: int) -> str:
    """Return ``str(expr)``, in parentheses if it binds looser than ``minimum``."""
    text = str(expr)
    return text if _BINDING.get(type(expr), 6) >= minimum else f"({text})"


# One case per kind of expression node: a dispatch, branchy by nature (complexity 13).
def evaluate(expr: Expr, configuration: Assignment) -> bool:  # noqa: C901
    """Return whether ``expr`` holds in ``configuration``.

    Raise ValueError if a comparison needs a parameter that has no value.
    """
    chosen = configuration.selections
    match expr:
        case Const(value=value):
            return value
        case OptionIs(group=group, options=options):
            return bool(chosen.get(group, frozenset()) & options)
        case Has(group=group, option=option):
            return option in chosen.get(group, frozenset())
        case Count(group=group, op=op, value=value):
            return _COMPARE[op](len(chosen.get(group, frozenset())), value)
        case IsSet(name=name, kind="group"):
            return bool(chosen.get(name))
        case IsSet(name=name):
            return bool(configuration.texts.get(name))
        case Compare(left=left, op=op, right=right):
            values = configuration.parameters
            return _COMPARE[op](left.evaluate(values), right.evaluate(values))
        case Not(operand=operand):
            return not evaluate(operand, configuration)
        case And(operands=operands):
            return all(evaluate(o, configuration) for o in operands)
        case Or(operands=operands):
            return any(evaluate(o, configuration) for o in operands)
        case Implies(antecedent=first, consequent=second):
            return not evaluate(first, configuration) or evaluate(second, configuration)
        case Iff(left=first, right=second):
            return evaluate(first, configuration) == evaluate(second, configuration)
        case _:
            assert_never(expr)


def _walk(expr: Expr) -> Iterator[Expr]:
    yield expr
    match expr:
        case Not(operand=operand):
            yield from _walk(operand)
        case And(operands=operands) | Or(operands=operands):
            for operand in operands:
                yield from _walk(operand)
        case Implies(antecedent=first, consequent=second) | Iff(left=first, right=second):
            yield from _walk(first)
            yield from _walk(second)


def references(expr: Expr) -> References:
    """Return the groups, options, parameters and text fields ``expr`` mentions."""
    groups: set[str] = set()
    options: set[tuple[str, str]] = set()
    parameters: set[str] = set()
    texts: set[str] = set()
    for node in _walk(expr):
        match node:
            case OptionIs(group=group, options=codes):
                groups.add(group)
                options.update((group, code) for code in codes)
            case Has(group=group, option=code):
                groups.add(group)
                options.add((group, code))
            case Count(group=group) | IsSet(name=group, kind="group"):
                groups.add(group)
            case IsSet(name=name):
                texts.add(name)
            case Compare(left=left, right=right):
                parameters.update(name for name, _ in left.terms + right.terms)
    return References(frozenset(groups), frozenset(options), frozenset(parameters), frozenset(texts))


def parse_expression(text: str, vocabulary: Vocabulary) -> Expr:
    """Parse a rule against ``vocabulary``; raise RuleError on the first problem."""
    return _Parser(text, vocabulary).rule()


def parse_linear(text: str, vocabulary: Vocabulary) -> Linear:
    """Parse a bare linear expression such as 'shirt_length * 2 + 20'.

    Raise RuleError on the first problem.
    """
    s = TokenStream(text, vocabulary)
    if s.peek().kind == "end":
        raise RuleError("the expression is empty", 1)
    linear = Linear(*s.linear())
    if s.peek().kind != "end":
        expected = "'+', '-' or the end of the expression"
        raise s.error(s.peek(), f"unexpected {s.peek().describe()}: expected {expected}")
    return linear


class _Parser:
    """Parse by recursive descent, one method per production of the grammar."""

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.s = TokenStream(text, vocabulary)
        self.v = vocabulary

    def rule(self) -> Expr:
        s = self.s
        if s.peek().kind == "end":
            raise RuleError("the rule is empty", 1)
        expr = self.iff()
        token = s.peek()
        if token.is_op(")"):
            raise s.error(token, "unbalanced parentheses: ')' has no matching '('")
        if token.kind != "end":
            expected = "'and', 'or', '->', '<->' or the end of the rule"
            raise s.error(token, f"unexpected {token.describe()}: expected {expected}")
        return expr

    def iff(self) -> Expr:
        left = self.implies()
        if not self.s.peek().is_op("<->"):
            return left
        self.s.advance()
        right = self.implies()
        if self.s.peek().is_op("<->"):
            raise self.s.error(self.s.peek(), "'<->' cannot be chained: add parentheses")
        return Iff(left, right, left.column)

    def implies(self) -> Expr:
        left = self.junction("or")
        if not self.s.peek().is_op("->"):
            return left
        self.s.advance()
        return Implies(left, self.implies(), left.column)

    def junction(self, keyword: Literal["or", "and"]) -> Expr:
        """Parse or_expr or and_expr, flattening a run of the same keyword."""
        operand: Callable[[], Expr] = self.conjunction if keyword == "or" else self.negation
        operands = [operand()]
        while self.s.peek().is_keyword(keyword):
            self.s.advance()
            operands.append(operand())
        if len(operands) == 1:
            return operands[0]
        node = Or if keyword == "or" else And
        return node(tuple(operands), operands[0].column)

    def conjunction(self) -> Expr:
        return self.junction("and")

    def negation(self) -> Expr:
        token = self.s.peek()
        if token.is_keyword("not"):
            self.s.advance()
            return Not(self.negation(), token.column)
        return self.atom()

    def atom(self) -> Expr:
        s = self.s
        token = s.peek()
        if token.is_op("("):
            s.advance()
            inner = self.iff()
            close = s.advance()
            if close.is_op(")"):
                return inner
            where = f"'(' at column {token.column}"
            if close.kind == "end":
                raise s.error(token, f"unbalanced parentheses: {where} is never closed")
            message = f"expected ')' to close {where}, found {close.describe()}"
            raise s.error(close, message)
        if token.is_keyword("true", "false"):
            s.advance()
            return Const(token.text == "true", token.column)
        if token.is_keyword("count"):
            return self.count()
        if token.kind == "word":
            if token.text in self.v.groups:
                return self.group_atom()
            if token.text in self.v.parameters or is_number(token.text):
                return self.comparison()
            if token.text in self.v.texts:
                return self.text_atom()
            raise s.unknown(token, "group, parameter or text field")
        if token.is_op("-"):
            return self.comparison()
        raise s.expected("a condition")

    def group_atom(self) -> Expr:
        s = self.s
        group = s.advance()
        name, info, after = group.text, self.v.groups[group.text], s.peek()
        if after.is_op("=", "!=") or after.is_keyword("in"):
            if info.kind == "multi":
                use = f"{name} has {s.sample_option(info)}"
                use = f"not {use}" if after.text == "!=" else use
                message = f"group '{name}' allows several options: use '{use}'"
                raise s.error(after, message)
            s.advance()
            if after.text == "in":
                atom = OptionIs(name, s.option_list(group), group.column)
            else:
                atom = OptionIs(name, frozenset({s.option(group)}), group.column)
            return Not(atom, group.column) if after.text == "!=" else atom
        if after.is_keyword("has"):
            if info.kind == "choice":
                use = f"{name} = {s.sample_option(info)}"
                raise s.error(after, f"group '{name}' is a single choice: use '{use}'")
            s.advance()
            return Has(name, s.option(group), group.column)
        if after.is_op("+", "-", "*", "<", "<=", ">", ">="):
            raise s.not_a_parameter(group)
        if info.kind == "choice" and info.required:
            raise s.error(group, f"group '{name}' is required, so it is always set")
        return IsSet(name, "group", group.column)

    def text_atom(self) -> Expr:
        s = self.s
        token = s.advance()
        after = s.peek()
        if s.at_comparison() or after.is_op("+", "-", "*") or after.is_keyword("in", "has"):
            name = token.text
            message = f"text field '{name}' can only be tested for being set, e.g. 'not {name}'"
            raise s.error(token, message)
        return IsSet(token.text, "text", token.column)

    def count(self) -> Expr:
        s = self.s
        keyword = s.advance()
        if not s.peek().is_op("("):
            raise s.expected("'('", keyword)
        s.advance()
        group = s.peek()
        if group.kind != "word":
            raise s.expected("a group", keyword)
        info = self.v.groups.get(group.text)
        if info is None and group.text not in self.v.parameters | self.v.texts:
            raise s.unknown(group, "group")
        if info is None or info.kind == "choice":
            what = f"group '{group.text}' is a single choice" if info else f"'{group.text}' is not a group"
            raise s.error(group, f"{what}: count() needs a group that allows several options")
        s.advance()
        if not s.peek().is_op(")"):
            raise s.expected("')'", keyword)
        s.advance()
        op = s.peek()
        if not s.at_comparison():
            raise s.expected(CMP_HINT, keyword)
        s.advance()
        value = s.peek()
        if value.kind != "word" or not value.text.isdigit():
            raise s.expected("a whole number", keyword)
        s.advance()
        return Count(group.text, cast(CmpOp, op.text), int(value.text), keyword.column)

    def comparison(self) -> Expr:
        s = self.s
        start, start_pos = s.peek(), s.pos
        left = Linear(*s.linear())
        op = s.peek()
        if not s.at_comparison():
            if s.pos == start_pos + 1 and start.text in self.v.parameters:
                example = f"{start.text} >= 90"
                message = f"parameter '{start.text}' needs a comparison, e.g. '{example}'"
                raise s.error(start, message)
            raise s.expected(CMP_HINT, start)
        s.advance()
        right = Linear(*s.linear())
        if s.at_comparison():
            message = "comparisons cannot be chained: join them with 'and'"
            raise s.error(s.peek(), message)
        return Compare(left, cast(CmpOp, op.text), right, start.column)
