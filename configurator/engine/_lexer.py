"""Read rule text at word level: tokens, names, option codes and linear sums.

This private helper of ``rules`` knows the vocabulary but no AST; every problem
is raised as a located ``RuleError``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, localcontext
from typing import Literal

KEYWORDS = frozenset({"and", "or", "not", "in", "has", "count", "true", "false"})
COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
CMP_HINT = "a comparison (=, !=, <, <=, >, >=)"
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_OPERATORS = ("<->", "->", "!=", "<=", ">=", "=", "<", ">", "(", ")", "{", "}", ",", "+", "-", "*")
_WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_LIKE = re.compile(r"\d[\d.]*")
_HINTS = {"&": ": use 'and'", "|": ": use 'or'", "!": ": use 'not'"}
_DASH = "\u2014"

TokenKind = Literal["word", "keyword", "op", "end"]
Terms = tuple[tuple[str, Decimal], ...]


class RuleError(ValueError):
    """Report the first problem found in a rule, located by column for a UI."""

    def __init__(self, message: str, column: int, length: int = 1, suggestion: str | None = None) -> None:
        """Store the message, the 1-based column, the length (>= 1) and a suggested code."""
        super().__init__(message)
        self.message = message
        self.column = column
        self.length = max(length, 1)
        self.suggestion = suggestion

    def __str__(self) -> str:
        """Return the message prefixed by its column."""
        return f"column {self.column}: {self.message}"


@dataclass(frozen=True)
class GroupInfo:
    """Describe an option group: one ('choice') or several ('multi') selections."""

    kind: Literal["choice", "multi"]
    required: bool
    options: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Name the groups, parameters and text fields a rule may mention."""

    groups: Mapping[str, GroupInfo]
    parameters: frozenset[str]
    texts: frozenset[str]


@dataclass(frozen=True)
class Token:
    """A lexical token at a 1-based column; the end token has empty text."""

    kind: TokenKind
    text: str
    column: int

    @property
    def length(self) -> int:
        """Return how many characters to underline (at least 1)."""
        return max(len(self.text), 1)

    def describe(self) -> str:
        """Return the token as a message fragment, e.g. "keyword 'and'"."""
        if self.kind == "end":
            return "the end of the rule"
        return f"keyword '{self.text}'" if self.kind == "keyword" else f"'{self.text}'"

    def is_op(self, *texts: str) -> bool:
        """Return whether this is an operator spelled as one of ``texts``."""
        return self.kind == "op" and self.text in texts

    def is_keyword(self, *texts: str) -> bool:
        """Return whether this is one of the keywords ``texts``."""
        return self.kind == "keyword" and self.text in texts


def is_number(word: str) -> bool:
    """Return whether ``word`` has the shape of a NUMBER."""
    return _NUMBER.fullmatch(word) is not None


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, the last one an end token; raise RuleError on a stray character."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if word := _WORD.match(text, i):
            end = word.end()
            # Give back a trailing '-' that starts '->', so 'a->b' reads as 'a', '->', 'b'.
            if word.group().endswith("-") and text.startswith(">", end) and end - i > 1:
                end -= 1
            code = text[i:end]
            tokens.append(Token("keyword" if code in KEYWORDS else "word", code, i + 1))
            i = end
            continue
        if text.startswith("==", i):
            raise RuleError("unexpected '==': use '=' to compare", i + 1, 2, "=")
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is None:
            raise RuleError(f"unexpected character '{text[i]}'{_HINTS.get(text[i], '')}", i + 1)
        tokens.append(Token("op", op, i + 1))
        i += len(op)
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _guess(word: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _did_you_mean(guess: str | None) -> str:
    return f" {_DASH} did you mean '{guess}'?" if guess else ""


class TokenStream:
    """Consume the tokens of one rule and read the word-level parts of the grammar."""

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        """Tokenize ``text`` for ``vocabulary``; raise RuleError on a stray character."""
        self.text = text
        self.vocabulary = vocabulary
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self, offset: int = 0) -> Token:
        """Return the token ``offset`` places ahead without consuming it."""
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the current token (never past the end token)."""
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def at_comparison(self) -> bool:
        """Return whether the current token is a comparison operator."""
        return self.peek().kind == "op" and self.peek().text in COMPARISONS

    def error(self, token: Token, message: str, suggestion: str | None = None) -> RuleError:
        """Return a RuleError underlining ``token``."""
        return RuleError(message, token.column, token.length, suggestion)

    def expected(self, what: str, start: Token | None = None) -> RuleError:
        """Return "expected WHAT after 'SOURCE', found X" at the current token.

        SOURCE is the rule text from ``start`` (default: the last consumed token)
        through the last consumed token; ", found X" is left out at the end.
        """
        token = self.peek()
        message = f"expected {what}"
        if self.pos > 0:
            last = self.tokens[self.pos - 1]
            first = start or last
            message += f" after '{self.text[first.column - 1 : last.column - 1 + len(last.text)]}'"
        if token.kind != "end":
            message += f", found {token.describe()}"
        return self.error(token, message)

    def sample_option(self, info: GroupInfo) -> str:
        """Return the option the author probably meant, for a corrective hint."""
        for offset in (1, 2):
            if self.peek(offset).kind == "word":
                return self.peek(offset).text
        return info.options[0] if info.options else "..."

    def option(self, group: Token) -> str:
        """Consume an option code of ``group``, validated against its options."""
        token = self.peek()
        if token.kind != "word":
            raise self.expected("an option code", group)
        self.advance()
        options = self.vocabulary.groups[group.text].options
        if token.text not in options:
            guess = _guess(token.text, options)
            message = f"unknown option '{token.text}' in group '{group.text}'"
            raise self.error(token, message + _did_you_mean(guess), guess)
        return token.text

    def option_list(self, group: Token) -> frozenset[str]:
        """Consume '{' OPTION (',' OPTION)* '}' and return the options, deduplicated."""
        brace = self.peek()
        if not brace.is_op("{"):
            raise self.expected("'{'", group)
        self.advance()
        if self.peek().is_op("}"):
            raise self.error(self.peek(), f"the option list after '{group.text} in' is empty")
        options = {self.option(group)}
        while not self.peek().is_op("}"):
            if self.peek().kind == "end":
                message = f"unbalanced braces: '{{' at column {brace.column} is never closed"
                raise self.error(brace, message)
            if not self.peek().is_op(","):
                raise self.expected("',' or '}'", group)
            self.advance()
            options.add(self.option(group))
        self.advance()
        return frozenset(options)

    def linear(self) -> tuple[Terms, Decimal]:
        """Consume ``["-"] term (("+" | "-") term)*``; return the terms and the constant."""
        negative = self.peek().is_op("-")
        if negative:
            self.advance()
        terms: list[tuple[str, Decimal]] = []
        constants: list[Decimal] = []
        while True:
            name, value = self._term()
            value = value.copy_negate() if negative else value
            if name is None:
                constants.append(value)
            else:
                terms.append((name, value))
            if not self.peek().is_op("+", "-"):
                break
            negative = self.advance().text == "-"
        with localcontext(EXACT):
            return tuple(terms), sum(constants, Decimal(0))

    def _term(self) -> tuple[str | None, Decimal]:
        token = self.peek()
        if token.kind != "word":
            raise self.expected("a number or a parameter")
        numeric = is_number(token.text)
        if not numeric and token.text not in self.vocabulary.parameters:
            raise self.not_a_parameter(token)
        self.advance()
        if not self.peek().is_op("*"):
            return (None, Decimal(token.text)) if numeric else (token.text, Decimal(1))
        self.advance()
        factor = self.peek()
        if factor.kind != "word" or is_number(factor.text) == numeric:
            if factor.kind == "word" and factor.text in self.vocabulary.parameters:
                raise self._nonlinear(token.text, factor)
            raise self.expected("a parameter" if numeric else "a number", token)
        if numeric and factor.text not in self.vocabulary.parameters:
            raise self.not_a_parameter(factor)
        self.advance()
        name, value = (factor.text, token.text) if numeric else (token.text, factor.text)
        if self.peek().is_op("*"):
            if self.peek(1).text in self.vocabulary.parameters:
                raise self._nonlinear(name, self.peek(1))
            message = "a term multiplies one parameter by one number, e.g. '2 * chest'"
            raise self.error(self.peek(), message)
        return name, Decimal(value)

    def _nonlinear(self, name: str, factor: Token) -> RuleError:
        message = f"'{name} * {factor.text}' is not linear: multiply a parameter only by a number"
        return self.error(factor, message)

    def not_a_parameter(self, token: Token) -> RuleError:
        """Return the error for a word that should be a parameter but is not."""
        for kind, names in (("group", self.vocabulary.groups), ("text field", self.vocabulary.texts)):
            if token.text in names:
                message = f"{kind} '{token.text}' is not a number: it cannot be used in arithmetic"
                return self.error(token, message)
        return self.unknown(token, "parameter")

    def unknown(self, token: Token, what: str) -> RuleError:
        """Return the error for an unknown name, with a did-you-mean over all names."""
        word = token.text
        if _NUMBER_LIKE.fullmatch(word):
            return self.error(token, f"malformed number '{word}': use digits with at most one '.'")
        parts = word.split("-")
        params = self.vocabulary.parameters
        if len(parts) > 1 and all(p in params or is_number(p) for p in parts) and set(parts) & params:
            fix = " - ".join(parts)
            message = f"unknown {what} '{word}': put spaces around '-' to subtract, e.g. '{fix}'"
            return self.error(token, message, fix)
        v = self.vocabulary
        guess = _guess(word, {*v.groups, *v.parameters, *v.texts})
        return self.error(token, f"unknown {what} '{word}'{_did_you_mean(guess)}", guess)
