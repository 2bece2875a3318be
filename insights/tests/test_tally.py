"""The pure parts of the counting (insights/tally.py): no database."""

from __future__ import annotations

from insights.tally import choice_pairs, rule_codes, stage_order


def test_choices_keys_are_read_as_group_option_pairs() -> None:
    assert choice_pairs("frame=black;basket=wicker+bell") == (
        ("frame", "black"),
        ("basket", "wicker"),
        ("basket", "bell"),
    )
    assert choice_pairs("") == ()
    assert choice_pairs("frame=;basket") == ()


def test_a_block_counts_once_for_each_distinct_rule_and_under_no_rule_when_none_was_named() -> None:
    assert rule_codes("R1, T1,R1,") == ["R1", "T1"]
    assert rule_codes("") == [""]


def test_the_funnel_is_the_catalog_steps_then_steps_it_no_longer_has_then_the_closing_stages() -> None:
    seen = dict.fromkeys(["summary", "old", "look"])
    assert stage_order(["look", "fit", "summary", "checkout", "order"], seen) == [
        "look",
        "fit",
        "old",
        "summary",
        "checkout",
        "order",
    ]
    assert stage_order(None, seen) == ["old", "look", "summary", "checkout", "order"]
