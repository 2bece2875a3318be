"""A group's option order by language: the order shown, the checker's messages, the round trip."""

from __future__ import annotations

import copy
from typing import Any

from configurator.engine.model import product_from_dict, product_to_dict
from configurator.engine.schema import check_order, check_product

PRODUCT: dict[str, Any] = {
    "code": "car",
    "name": "Car",
    "currency": "EUR",
    "base_price": "100.00",
    "groups": [
        {
            "code": "body",
            "name": "Body colour",
            "display": "swatch",
            "order": {"it": ["red", "yellow"]},
            "options": [
                {"code": "white", "name": "White"},
                {"code": "black", "name": "Black"},
                {"code": "red", "name": "Red"},
                {"code": "yellow", "name": "Yellow"},
            ],
        }
    ],
}


def _product(**group: Any) -> dict[str, Any]:
    data = copy.deepcopy(PRODUCT)
    data["groups"][0].update(group)
    return data


def test_named_options_come_first_in_their_language_and_the_rest_keep_catalog_order() -> None:
    group = product_from_dict(PRODUCT).groups[0]
    assert [o.code for o in group.options_in("it")] == ["red", "yellow", "white", "black"]
    assert [o.code for o in group.options_in("en")] == ["white", "black", "red", "yellow"]
    assert group.arrange(["w", "b", "r", "y"], "it") == ("r", "y", "w", "b")


def test_an_order_naming_one_option_moves_only_that_one() -> None:
    group = product_from_dict(_product(order={"it": ["black"]})).groups[0]
    assert [o.code for o in group.options_in("it")] == ["black", "white", "red", "yellow"]


def test_the_order_round_trips_and_an_empty_one_is_left_out() -> None:
    assert check_product(PRODUCT) == []
    assert product_to_dict(product_from_dict(PRODUCT))["groups"][0]["order"] == {"it": ["red", "yellow"]}
    empties: tuple[dict[str, Any] | None, ...] = ({}, None)
    for empty in empties:
        written = product_to_dict(product_from_dict(_product(order=empty)))["groups"][0]
        assert "order" not in written and list(written)[-3:] == ["display", "default", "options"]


def test_the_checker_names_unknown_and_repeated_codes_and_bad_languages() -> None:
    problems = check_product(_product(order={"it": ["red", "yelow", "red"], "Italian": ["black"], "fr": "red"}))
    assert [str(p) for p in problems] == [
        "$.groups[0].order.it[1]: unknown option 'yelow' — did you mean 'yellow'?",
        "$.groups[0].order.it[2]: option 'red' is named twice",
        "$.groups[0].order.Italian: 'Italian' is not a language code such as 'it'",
        "$.groups[0].order.fr: must be an array, not a string",
    ]


def test_the_checker_refuses_an_order_that_is_not_an_object() -> None:
    (problem,) = check_product(_product(order=["red"]))
    assert str(problem) == "$.groups[0].order: must be an object of languages, not an array"


def test_check_order_gives_paths_relative_to_the_order() -> None:
    (problem,) = check_order({"it": ["green"]}, ["white", "black"])
    assert (problem.path, problem.message) == ("it[0]", "unknown option 'green'")
