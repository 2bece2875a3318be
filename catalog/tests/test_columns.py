"""The spreadsheets' columns come from the field table: a field added there gets its column."""

from __future__ import annotations

import dataclasses

import pytest
import tablib
from django.db import models

from catalog.columns import COLUMNS, SHEETS, sheet_columns
from catalog.models import Option, Parameter, PriceRule, Product
from catalog.services import catalog_import
from catalog.spreadsheets import import_report, sheet_resource
from catalog.tests.factories import small_catalog
from configurator.engine.fields import PARTS, TEXT, Field, Part
from configurator.engine.kinds import Choice
from configurator.engine.spreadsheets import columns

OPTION_HEADERS = [
    "product",
    "group",
    "code",
    "name",
    "name_it",
    "price",
    "part_number",
    "bom_quantity",
    "bom_unit",
    "swatch",
    "default",
    "active",
    "position",
]


@pytest.fixture
def bike() -> Product:
    catalog_import(small_catalog())
    return Product.objects.get(code="bike")


def _with_option_field(monkeypatch: pytest.MonkeyPatch, field: Field) -> None:
    """Declare one more option key in the field table, as adding a field does (here backed by an existing column)."""
    option = PARTS["option"]
    monkeypatch.setitem(PARTS, "option", Part("option", (*option.fields, field)))


@pytest.mark.parametrize(("model", "part"), [(Option, "option"), (PriceRule, "price"), (Parameter, "parameter")])
def test_every_stored_table_key_is_a_column_unless_left_out(model: type[models.Model], part: str) -> None:
    stored = {column.key for column in columns(part) if column.model is not None}
    left_out = SHEETS[model].left_out
    assert left_out <= stored, "only keys the table has are left out"
    assert stored - left_out <= {column.name for column in COLUMNS[model]}


@pytest.mark.django_db
def test_a_field_added_to_the_table_is_exported_and_read_back(monkeypatch: pytest.MonkeyPatch, bike: Product) -> None:
    Option.objects.filter(code="black").update(description="Matt black")
    _with_option_field(monkeypatch, Field("summary", TEXT, "", model="description"))
    resource = sheet_resource(Option)()

    exported = resource.export()
    assert exported.headers == [*OPTION_HEADERS, "summary"], "a new column comes after today's"
    black = next(row for row in exported.dict if row["code"] == "black")
    assert black["summary"] == "Matt black"

    sheet = tablib.Dataset(headers=["product", "group", "code", "summary"])
    sheet.append(["bike", "frame", "black", "Gloss black"])
    dry_run = import_report(resource.import_data(sheet, dry_run=True))
    assert dry_run.problems == ()
    assert [(c.column, c.old, c.new) for row in dry_run.updated for c in row.changes] == [
        ("summary", "Matt black", "Gloss black")
    ]
    assert Option.objects.get(code="black").description == "Matt black", "the dry run writes nothing"

    resource.import_data(sheet, dry_run=False)
    assert Option.objects.get(code="black").description == "Gloss black"


@pytest.mark.django_db
def test_a_bad_cell_of_an_added_field_is_refused_by_row_and_column(
    monkeypatch: pytest.MonkeyPatch, bike: Product
) -> None:
    _with_option_field(monkeypatch, Field("finish", Choice(("matt", "gloss")), "matt", model="description"))
    resource = sheet_resource(Option)()
    sheet = tablib.Dataset(headers=["product", "group", "code", "finish"])
    sheet.append(["bike", "frame", "black", "gloss"])
    sheet.append(["bike", "frame", "blue", "satin"])
    report = import_report(resource.import_data(sheet, dry_run=True))
    assert report.problems == ("row 3, column finish: 'satin' is not 'matt' or 'gloss'",)


def test_a_table_key_no_cell_reads_must_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    model: type[models.Model] = Parameter
    monkeypatch.setitem(SHEETS, model, dataclasses.replace(SHEETS[model], left_out=frozenset({"description"})))
    with pytest.raises(TypeError, match=r"SectionCode \(section\)"):
        sheet_columns(Parameter)


@pytest.mark.django_db
def test_a_text_the_model_refuses_gets_the_models_message(bike: Product) -> None:
    sheet = tablib.Dataset(headers=["product", "group", "code", "swatch"])
    sheet.append(["bike", "frame", "black", "red"])
    report = import_report(sheet_resource(Option)().import_data(sheet, dry_run=True))
    assert report.problems == ("row 2, column swatch: Use a colour like #c0392b.",)
