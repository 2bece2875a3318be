"""Importing catalog files: all or nothing, every error with its JSON path."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.models import CatalogVersion, Option, OptionGroup, Parameter, Product, Rule
from catalog.services import CatalogError, catalog_import, catalog_parse
from catalog.snapshots import product_as_dict
from catalog.tests.factories import large_catalog, small_catalog

pytestmark = pytest.mark.django_db


def _table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Product, OptionGroup, Option, Parameter, Rule, CatalogVersion)
    }


def test_import_creates_a_product_with_all_its_parts() -> None:
    [result] = catalog_import(small_catalog())
    assert result.created
    product = Product.objects.get(code="bike")
    assert product.translations == {"it": {"name": "Bici da città"}}
    assert [g.code for g in product.groups.all()] == ["frame", "basket"]
    assert Option.objects.get(group__code="frame", code="black").part_number == "BK-FR-BLK"
    assert Option.objects.get(group__code="frame", code="blue").is_default
    assert product.rules.get(code="T1").rows == [["blue"], ["black"]]
    assert CatalogVersion.objects.count() == 0


def test_reimport_updates_in_place_and_removes_what_the_file_dropped() -> None:
    catalog_import(small_catalog())
    blue_id = Option.objects.get(code="blue").pk
    data = small_catalog()
    product = data["products"][0]
    product["groups"][0]["options"][1]["price"] = "25.00"
    product["groups"].pop(1)  # the basket group goes away ...
    product["rules"] = [r for r in product["rules"] if r["code"] != "R1"]  # ... and the rule using it
    product["prices"] = []
    [result] = catalog_import(data)
    assert not result.created
    assert Option.objects.get(code="black").price == 25
    assert Option.objects.get(code="blue").pk == blue_id
    assert not OptionGroup.objects.filter(code="basket").exists()
    assert list(Rule.objects.values_list("code", flat=True)) == ["T1"]


def test_bad_file_reports_every_error_with_its_path_and_changes_nothing() -> None:
    catalog_import(small_catalog(), publish=True)
    before = _table_counts()
    draft_before = product_as_dict(Product.objects.get(code="bike"))

    data = small_catalog()
    product = data["products"][0]
    product["name"] = "Renamed bike"  # a valid change that must not land either
    product["groups"][0]["options"][1]["code"] = "blue"  # duplicate option code
    product["groups"][0]["options"][0]["price"] = "twelve"  # price that is not a number
    product["parameters"][0]["min"] = "210"  # min > max
    product["rules"][0]["expr"] = "basket -> frme = blue"  # unknown group
    product["rules"][1]["rows"].append(["blu"])  # unknown option in a table

    with pytest.raises(CatalogError) as caught:
        catalog_import(data, publish=True)

    problems = {p.path: p.message for p in caught.value.problems}
    assert problems["$.products[0].groups[0].options[1].code"] == "duplicate option code 'blue'"
    assert "'twelve' is not a decimal number" in problems["$.products[0].groups[0].options[0].price"]
    assert problems["$.products[0].parameters[0].min"] == "min (210) is greater than max (200)"
    assert "unknown group, parameter or text field 'frme'" in problems["$.products[0].rules[0].expr"]
    assert "did you mean 'frame'?" in problems["$.products[0].rules[0].expr"]
    assert problems["$.products[0].rules[1].rows[2][0]"].startswith("unknown option 'blu' in group 'frame'")
    assert _table_counts() == before
    assert product_as_dict(Product.objects.get(code="bike")) == draft_before


def test_unknown_keys_and_wrong_types_are_named() -> None:
    data = small_catalog()
    data["products"][0]["groups"][0]["options"][0]["prise"] = "1.00"
    data["products"][0]["texts"][0]["max_length"] = "three"
    with pytest.raises(CatalogError) as caught:
        catalog_import(data)
    messages = [str(p) for p in caught.value.problems]
    assert "$.products[0].groups[0].options[0].prise: unknown key 'prise' — did you mean 'price'?" in messages
    assert "$.products[0].texts[0].max_length: must be a whole number, not a string" in messages
    assert not Product.objects.exists()


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(CatalogError) as caught:
        catalog_parse('{"format": "configurator-catalog/1",\n "products": [}')
    assert str(caught.value.problems[0]).startswith("$: invalid JSON at line 2, column 15")


def test_float_prices_are_read_exactly() -> None:
    data = catalog_parse(json.dumps(small_catalog()).replace('"20.00"', "20.1"))
    catalog_import(data)
    assert str(Option.objects.get(code="black").price) == "20.10"


def test_command_reports_errors_and_exits_non_zero(tmp_path: Path) -> None:
    data = small_catalog()
    data["products"][0]["base_price"] = "cheap"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    stderr = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_catalog", str(path), stderr=stderr)
    assert "$.products[0].base_price: 'cheap' is not a decimal number" in stderr.getvalue()
    assert not Product.objects.exists()


def test_command_publishes_with_flag(tmp_path: Path) -> None:
    path = tmp_path / "bike.json"
    path.write_text(json.dumps(small_catalog()))
    stdout = StringIO()
    call_command("import_catalog", str(path), "--publish", stdout=stdout)
    assert "bike: created, published version 1" in stdout.getvalue()
    call_command("import_catalog", str(path), "--publish", stdout=stdout)
    assert "bike: updated, unchanged since version 1" in stdout.getvalue()
    assert CatalogVersion.objects.count() == 1


def test_large_tables_import_whole() -> None:
    data = catalog_parse(json.dumps(large_catalog(tables=2, rows=50_000)))
    catalog_import(data, publish=True)
    rule = Rule.objects.get(code="T1")
    assert len(rule.rows) == 50_000
    version = CatalogVersion.objects.get()
    assert len(version.snapshot["rules"][0]["rows"]) == 50_000
