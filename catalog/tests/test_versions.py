"""The diff of two snapshots: every part added, removed and changed, named so people can read it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import translation

from catalog.tests.factories import small_catalog
from catalog.versions import Action, changes_by_part, diff_summary, snapshot_diff
from configurator.engine.model import product_from_dict, product_to_dict


@pytest.fixture
def old() -> dict[str, Any]:
    return product_to_dict(product_from_dict(small_catalog()["products"][0]))


@pytest.fixture
def new(old: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(old)


def _texts(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [str(change) for change in snapshot_diff(old, new)]


def test_equal_snapshots_have_no_changes(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert snapshot_diff(old, new) == []
    assert diff_summary([]) == "no changes"


def test_an_option_price_change_names_group_option_and_code(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["groups"][0]["options"][1]["price"] = "25.00"
    assert _texts(old, new) == ["Option Frame colour › Black (black): price 20.00 → 25.00"]


def test_an_added_rule_shows_its_expression(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["rules"].append({**new["rules"][0], "code": "R15", "expr": "frame = black -> not basket"})
    [change] = snapshot_diff(old, new)
    assert (change.part, change.action) == ("rule", Action.ADDED)
    assert str(change) == "Rule R15 added: frame = black -> not basket"


def test_removed_parts_of_every_kind(old: dict[str, Any], new: dict[str, Any]) -> None:
    for key in ("sections", "parameters", "texts", "rules", "prices"):
        new[key] = []
    new["groups"][0]["options"].pop()
    texts = _texts(old, new)
    for expected in (
        "Section Look (look) removed",
        "Option Frame colour › Black (black) removed",
        "Parameter Rider height (height) removed",
        "Text field Name tag (tag) removed",
        "Rule R1 removed",
        "Rule T1 removed",
        "Price rule P1 (Bundle) removed",
    ):
        assert expected in texts


def test_a_removed_group_removes_its_options_with_it(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["groups"].pop()  # basket
    assert _texts(old, new) == ["Group Basket (basket) removed", "Option Basket › Wicker (wicker) removed"]


def test_changed_fields_of_product_parameter_text_price_and_translation(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    new["base_price"] = "549.00"
    new["preview"]["background"] = "#000000"
    new["parameters"][0]["max"] = "210"
    new["texts"][0]["max_length"] = 12
    new["prices"][0]["amount"] = "-15.00"
    new["sections"][0]["translations"] = {"it": {"name": "Stile"}}
    new["groups"][1]["required"] = True
    texts = _texts(old, new)
    assert texts == [
        "Product City bike (bike): base price 499.00 → 549.00",
        "Product City bike (bike): preview background #ffffff → #000000",
        "Section Look (look): name (it) Aspetto → Stile",
        "Group Basket (basket): required no → yes",
        "Parameter Rider height (height): maximum 200 → 210",
        "Text field Name tag (tag): maximum length 10 → 12",
        "Price rule P1 (Bundle): amount -10.00 → -15.00",
    ]


def test_table_rows_and_sizes_and_layers(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["rules"][1]["rows"] = [["blue"]]
    new["sizes"] = [{"code": "m", "name": "Medium", "translations": {}, "values": {"height": "175"}}]
    new["preview"]["layers"] = [{"image": "preview/base.png", "z": 0, "tint": ""}]
    new["groups"][0]["options"][0]["layers"] = [{"image": "preview/blue.png", "z": 2, "tint": "#0000ff"}]
    texts = _texts(old, new)
    assert "Rule T1: table rows (blue), (black) → (blue)" in texts
    assert "Size Medium (m) added" in texts
    assert "Layer preview/base.png of base picture added: z-order 0" in texts
    assert "Layer preview/blue.png of Option Frame colour › Blue (blue) added: z-order 2, tint #0000ff" in texts


def test_a_moved_option_is_an_order_change(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["groups"][0]["options"].reverse()
    assert _texts(old, new) == ["Options of Frame colour: order blue, black → black, blue"]


def test_summary_counts_parts_and_grouping_follows_the_part_order(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["groups"][0]["options"][0]["price"] = "1.00"
    new["groups"][0]["options"][1]["price"] = "2.00"
    new["groups"][0]["options"][1]["name"] = "Jet black"
    new["rules"][0]["message"] = "Baskets need blue."
    changes = snapshot_diff(old, new)
    assert diff_summary(changes) == "2 options, 1 rule"
    assert [label for label, _ in changes_by_part(changes)] == ["Options", "Rules"]


def test_a_field_the_diff_does_not_know_is_still_compared(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["groups"][0]["options"][0]["weight_grams"] = 120
    assert _texts(old, new) == ["Option Frame colour › Blue (blue): weight grams — → 120"]


def test_labels_are_translated(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["groups"][0]["options"][1]["price"] = "25.00"
    with translation.override("it"):
        [text] = _texts(old, new)
        summary = diff_summary(snapshot_diff(old, new))
    assert text.startswith("Opzione ") and "prezzo 20.00 → 25.00" in text
    assert summary == "1 opzione"
