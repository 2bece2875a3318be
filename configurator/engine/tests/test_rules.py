"""Tests for the rule language: parsing, printing, errors, references and evaluation."""

from __future__ import annotations

import ast
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from configurator.engine.rules import (
    And,
    Assignment,
    CmpOp,
    Compare,
    Const,
    Count,
    Expr,
    GroupInfo,
    Has,
    Iff,
    Implies,
    IsSet,
    Linear,
    Not,
    OptionIs,
    Or,
    References,
    RuleError,
    Vocabulary,
    evaluate,
    parse_expression,
    parse_linear,
    references,
)

DASH = "\u2014"
BODY = ("red", "blue", "black")
PACKS = ("sport", "comfort", "17")
PARAMS = ("arm", "chest", "sleeve", "waist")
OPS: tuple[CmpOp, ...] = ("=", "!=", "<", "<=", ">", ">=")

VOCABULARY = Vocabulary(
    groups={
        "engine": GroupInfo("choice", True, ("e_hybrid", "e-hybrid", "diesel")),
        "wheels": GroupInfo("choice", True, ("w16", "w17", "w18", "17")),
        "roof": GroupInfo("choice", False, ("contrast", "plain")),
        "body": GroupInfo("choice", True, BODY),
        "collar": GroupInfo("choice", True, ("mandarin", "classic")),
        "fit": GroupInfo("choice", True, ("slim", "regular")),
        "packs": GroupInfo("multi", False, PACKS),
    },
    parameters=frozenset(PARAMS),
    texts=frozenset({"monogram"}),
)


def parse(text: str) -> Expr:
    return parse_expression(text, VOCABULARY)


def lin(constant: str = "0", **terms: str) -> Linear:
    return Linear(tuple((k, Decimal(v)) for k, v in terms.items()), Decimal(constant))


def assignment(
    selections: dict[str, set[str]] | None = None,
    texts: dict[str, str] | None = None,
    **parameters: str,
) -> Assignment:
    return Assignment(
        selections={k: frozenset(v) for k, v in (selections or {}).items()},
        parameters={k: Decimal(v) for k, v in parameters.items()},
        texts=texts or {},
    )


def body(*options: str) -> OptionIs:
    return OptionIs("body", frozenset(options))


ROOF = IsSet("roof", "group")
MONOGRAM = IsSet("monogram", "text")


# -- parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "engine = e_hybrid -> wheels in {w17, w18}",
            Implies(
                OptionIs("engine", frozenset({"e_hybrid"})),
                OptionIs("wheels", frozenset({"w17", "w18"})),
            ),
        ),
        (
            "roof = contrast -> body != black",
            Implies(OptionIs("roof", frozenset({"contrast"})), Not(body("black"))),
        ),
        (
            "collar = mandarin -> not monogram",
            Implies(OptionIs("collar", frozenset({"mandarin"})), Not(MONOGRAM)),
        ),
        (
            "fit = slim -> chest - waist >= 8",
            Implies(
                OptionIs("fit", frozenset({"slim"})),
                Compare(lin(chest="1", waist="-1"), ">=", lin("8")),
            ),
        ),
        ("sleeve <= arm + 4", Compare(lin(sleeve="1"), "<=", lin("4", arm="1"))),
        (
            "packs has sport -> count(packs) <= 2",
            Implies(Has("packs", "sport"), Count("packs", "<=", 2)),
        ),
        ("2*chest - 3.5 > waist", Compare(lin("-3.5", chest="2"), ">", lin(waist="1"))),
    ],
)
def test_documented_examples_parse_to_the_expected_tree(text: str, expected: Expr) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not roof and monogram", And((Not(ROOF), MONOGRAM))),
        ("roof and monogram or true", Or((And((ROOF, MONOGRAM)), Const(True)))),
        ("roof or monogram -> true", Implies(Or((ROOF, MONOGRAM)), Const(True))),
        ("roof -> monogram -> true", Implies(ROOF, Implies(MONOGRAM, Const(True)))),
        ("roof -> monogram <-> true", Iff(Implies(ROOF, MONOGRAM), Const(True))),
        ("roof <-> monogram -> true", Iff(ROOF, Implies(MONOGRAM, Const(True)))),
        ("not not roof", Not(Not(ROOF))),
        ("roof and monogram and true", And((ROOF, MONOGRAM, Const(True)))),
        ("roof and (monogram and true)", And((ROOF, And((MONOGRAM, Const(True)))))),
        ("(roof -> monogram) -> true", Implies(Implies(ROOF, MONOGRAM), Const(True))),
        ("not body = red", Not(body("red"))),
    ],
)
def test_operators_bind_not_and_or_implies_iff_with_implies_to_the_right(text: str, expected: Expr) -> None:
    assert parse(text) == expected


def test_codes_may_contain_dots_and_dashes_and_arrows_need_no_spaces() -> None:
    assert parse("engine=e-hybrid->wheels=17") == Implies(
        OptionIs("engine", frozenset({"e-hybrid"})), OptionIs("wheels", frozenset({"17"}))
    )


def test_duplicate_options_in_a_set_are_merged() -> None:
    assert parse("body in {red, blue, red}") == body("red", "blue")


def test_same_parameter_terms_are_merged_and_sorted() -> None:
    assert parse("chest - waist >= 8") == parse("-waist + chest >= 8")
    assert parse("chest + 2 * chest - 3 * chest = 0") == Compare(lin(), "=", lin())
    assert parse("chest * 2 > 1") == parse("2 * chest > 1")


def test_nodes_record_their_start_column_outside_equality() -> None:
    tree = parse("roof = contrast -> body != black")
    assert isinstance(tree, Implies)
    assert (tree.column, tree.antecedent.column, tree.consequent.column) == (1, 1, 20)
    assert tree == Implies(OptionIs("roof", frozenset({"contrast"}), column=99), Not(body("black")))
    assert hash(tree) == hash(parse("roof=contrast->body!=black"))


def test_parse_linear_reads_bill_of_materials_formulas() -> None:
    vocabulary = Vocabulary({}, frozenset({"shirt_length"}), frozenset())
    quantity = parse_linear("shirt_length * 2 + 20", vocabulary)
    assert quantity == Linear((("shirt_length", Decimal(2)),), Decimal(20))
    assert str(quantity) == "2 * shirt_length + 20"
    assert quantity.evaluate({"shirt_length": Decimal("80.5")}) == Decimal("181.0")
    assert parse_linear("-3 + 1.5", vocabulary) == Linear((), Decimal("-1.5"))


# -- printing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("body != black", "body != black"),
        ("not body = black", "body != black"),
        ("not body in {red,blue}", "not body in {blue, red}"),
        ("body in {red}", "body = red"),
        ("(roof or monogram) and true", "(roof or monogram) and true"),
        ("not (roof and monogram)", "not (roof and monogram)"),
        ("-chest + 0.5*waist - 0.0000001 < -2", "-chest + 0.5 * waist - 0.0000001 < -2"),
        ("count(packs) != 0", "count(packs) != 0"),
        ("packs and not packs has 17", "packs and not packs has 17"),
        ("(roof <-> monogram) <-> false", "(roof <-> monogram) <-> false"),
    ],
)
def test_str_prints_canonical_text_that_parses_back_to_the_same_tree(text: str, canonical: str) -> None:
    tree = parse(text)
    assert str(tree) == canonical
    assert parse(str(tree)) == tree


_decimals = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
_linears = st.builds(
    Linear,
    st.lists(st.tuples(st.sampled_from(PARAMS), _decimals), max_size=3).map(tuple),
    _decimals,
)
_atoms: st.SearchStrategy[Expr] = st.one_of(
    st.builds(Const, st.booleans()),
    st.frozensets(st.sampled_from(BODY), min_size=1).map(lambda o: OptionIs("body", o)),
    st.sampled_from(PACKS).map(lambda o: Has("packs", o)),
    st.builds(Count, st.just("packs"), st.sampled_from(OPS), st.integers(0, 5)),
    st.sampled_from([ROOF, MONOGRAM, IsSet("packs", "group")]),
    st.builds(Compare, _linears, st.sampled_from(OPS), _linears),
)
_trees: st.SearchStrategy[Expr] = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
        st.builds(Implies, inner, inner),
        st.builds(Iff, inner, inner),
    ),
    max_leaves=12,
)


@given(_trees)
def test_any_tree_survives_a_print_and_parse_round_trip(tree: Expr) -> None:
    assert parse(str(tree)) == tree


# -- evaluation ------------------------------------------------------------------------


def test_evaluate_follows_the_selection() -> None:
    rule = parse("engine = e_hybrid -> wheels in {w17, w18}")
    assert evaluate(rule, assignment({"engine": {"e_hybrid"}, "wheels": {"w18"}}))
    assert not evaluate(rule, assignment({"engine": {"e_hybrid"}, "wheels": {"w16"}}))
    assert evaluate(rule, assignment({"engine": {"diesel"}, "wheels": {"w16"}}))


def test_evaluate_treats_unset_groups_and_empty_texts_as_not_set() -> None:
    contrast = parse("roof = contrast -> body != black")
    assert evaluate(contrast, assignment({"body": {"black"}}))
    assert not evaluate(contrast, assignment({"roof": {"contrast"}, "body": {"black"}}))
    no_monogram = parse("collar = mandarin -> not monogram")
    assert evaluate(no_monogram, assignment({"collar": {"mandarin"}}, {"monogram": ""}))
    assert not evaluate(no_monogram, assignment({"collar": {"mandarin"}}, {"monogram": "AB"}))
    assert not evaluate(parse("packs"), assignment({"packs": set()}))


def test_evaluate_counts_and_tests_multi_groups() -> None:
    rule = parse("packs has sport -> count(packs) <= 2")
    assert evaluate(rule, assignment({"packs": {"sport", "comfort"}}))
    assert not evaluate(rule, assignment({"packs": {"sport", "comfort", "17"}}))
    assert evaluate(parse("packs and count(packs) = 3"), assignment({"packs": set(PACKS)}))


def test_evaluate_compares_parameters_exactly() -> None:
    assert evaluate(parse("chest + waist = 0.3"), assignment(chest="0.1", waist="0.2"))
    slim = parse("fit = slim -> chest - waist >= 8")
    assert evaluate(slim, assignment({"fit": {"slim"}}, chest="100", waist="92"))
    assert not evaluate(slim, assignment({"fit": {"slim"}}, chest="100", waist="92.5"))
    huge = "1000000000000000000000000000000"
    tiny_gap = parse("chest - waist = 0.1")
    assert evaluate(tiny_gap, assignment(chest=huge + ".1", waist=huge))


def test_evaluate_combines_with_iff_and_or() -> None:
    rule = parse("roof <-> (monogram or body = red)")
    assert evaluate(rule, assignment({"roof": {"plain"}, "body": {"red"}}))
    assert not evaluate(rule, assignment({"body": {"red"}}))
    assert evaluate(parse("false -> true"), assignment())


def test_evaluate_refuses_a_missing_parameter() -> None:
    with pytest.raises(ValueError, match=r"^parameter 'waist' has no value$"):
        evaluate(parse("chest > waist"), assignment(chest="1"))


# -- references ------------------------------------------------------------------------


def test_references_lists_what_a_rule_mentions() -> None:
    rule = parse("body in {red, blue} and packs has sport -> chest > 2 * waist or monogram")
    assert references(rule) == References(
        groups=frozenset({"body", "packs"}),
        options=frozenset({("body", "red"), ("body", "blue"), ("packs", "sport")}),
        parameters=frozenset({"chest", "waist"}),
        texts=frozenset({"monogram"}),
    )
    assert references(parse("count(packs) > 1 or roof")).groups == {"packs", "roof"}


# -- errors ----------------------------------------------------------------------------

UNKNOWN_NAME = "unknown group, parameter or text field"
EXPECTED_JOIN = "expected 'and', 'or', '->', '<->' or the end of the rule"


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("", "the rule is empty", 1),
        ("body = blu", f"unknown option 'blu' in group 'body' {DASH} did you mean 'blue'?", 8),
        ("bodi = red", f"{UNKNOWN_NAME} 'bodi' {DASH} did you mean 'body'?", 1),
        ("body has red", "group 'body' is a single choice: use 'body = red'", 6),
        ("packs = sport", "group 'packs' allows several options: use 'packs has sport'", 7),
        ("packs != sport", "group 'packs' allows several options: use 'not packs has sport'", 7),
        (
            "fit = slim -> chest-waist >= 8",
            f"{UNKNOWN_NAME} 'chest-waist': put spaces around '-' to subtract, e.g. 'chest - waist'",
            15,
        ),
        ("body =", "expected an option code after 'body ='", 7),
        ("body = and", "expected an option code after 'body =', found keyword 'and'", 8),
        ("(body = red", "unbalanced parentheses: '(' at column 1 is never closed", 1),
        ("body = red)", "unbalanced parentheses: ')' has no matching '('", 11),
        ("body in {}", "the option list after 'body in' is empty", 10),
        ("body in {red", "unbalanced braces: '{' at column 9 is never closed", 9),
        ("body in {red blue}", "expected ',' or '}' after 'body in {red', found 'blue'", 14),
        ("body = red red", f"unexpected 'red': {EXPECTED_JOIN}", 12),
        (
            "chest * waist > 3",
            "'chest * waist' is not linear: multiply a parameter only by a number",
            9,
        ),
        ("chest and roof", "parameter 'chest' needs a comparison, e.g. 'chest >= 90'", 1),
        ("body", "group 'body' is required, so it is always set", 1),
        ("1.2.3 < chest", "malformed number '1.2.3': use digits with at most one '.'", 1),
        ("count(packs) <= 1.5", "expected a whole number after 'count(packs) <=', found '1.5'", 17),
        (
            "count(body) > 1",
            "group 'body' is a single choice: count() needs a group that allows several options",
            7,
        ),
        ("chest + body > 2", "group 'body' is not a number: it cannot be used in arithmetic", 9),
        ("monogram = AB", "text field 'monogram' can only be tested for being set, e.g. 'not monogram'", 1),
        ("chest > wiast", f"unknown parameter 'wiast' {DASH} did you mean 'waist'?", 9),
        ("chest < waist < arm", "comparisons cannot be chained: join them with 'and'", 15),
        ("chest + 2", "expected a comparison (=, !=, <, <=, >, >=) after 'chest + 2'", 10),
        ("roof and", "expected a condition after 'and'", 9),
        ("chest == 3", "unexpected '==': use '=' to compare", 7),
        ("roof & monogram", "unexpected character '&': use 'and'", 6),
        ("roof <-> roof <-> roof", "'<->' cannot be chained: add parentheses", 15),
    ],
)
def test_malformed_rules_are_rejected_with_a_located_message(text: str, message: str, column: int) -> None:
    with pytest.raises(RuleError) as caught:
        parse(text)
    assert (caught.value.message, caught.value.column) == (message, column)
    assert str(caught.value) == f"column {column}: {message}"


def test_rule_errors_carry_length_and_suggestion_for_the_ui() -> None:
    with pytest.raises(RuleError) as caught:
        parse("roof = contrast -> body = blu")
    error = caught.value
    assert (error.column, error.length, error.suggestion) == (27, 3, "blue")
    assert isinstance(error, ValueError)
    with pytest.raises(RuleError) as caught:
        parse("chest-waist >= 8")
    assert caught.value.suggestion == "chest - waist"
    assert caught.value.length == len("chest-waist")


def test_parse_linear_rejects_non_linear_and_trailing_input() -> None:
    with pytest.raises(RuleError, match=r"^column 9: 'chest \* waist' is not linear"):
        parse_linear("chest * waist", VOCABULARY)
    with pytest.raises(RuleError, match=r"expected '\+', '-' or the end of the expression$"):
        parse_linear("chest > 2", VOCABULARY)
    with pytest.raises(RuleError, match=r"^column 1: the expression is empty$"):
        parse_linear("  ", VOCABULARY)


# -- dependencies ----------------------------------------------------------------------


def test_rule_modules_import_only_the_standard_library() -> None:
    engine = Path(__file__).resolve().parents[1]
    for module in ("rules.py", "_lexer.py"):
        tree = ast.parse((engine / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    assert node.module == "_lexer", f"{module} imports .{node.module}"
                    continue
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names or root == "__future__", (module, root)
