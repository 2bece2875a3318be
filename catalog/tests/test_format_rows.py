"""The draft's rows agree with the field table (configurator.engine.fields)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import models

from catalog.models import (
    Option,
    OptionGroup,
    Parameter,
    PreviewLayer,
    PriceRule,
    Product,
    Rule,
    Section,
    Size,
    TextField,
)
from catalog.services import catalog_import, catalog_parse
from catalog.spreadsheets import COLUMNS
from configurator.engine.fields import PARTS
from configurator.engine.kinds import SectionCode

DEMO = Path(__file__).resolve().parents[1] / "demo"
ROWS: dict[str, type[models.Model]] = {
    "product": Product,
    "preview": Product,
    "section": Section,
    "group": OptionGroup,
    "option": Option,
    "parameter": Parameter,
    "text": TextField,
    "rule": Rule,
    "price": PriceRule,
    "size": Size,
    "layer": PreviewLayer,
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_stored_key_has_a_column_with_the_same_default(name: str) -> None:
    model = ROWS[name]
    for field in PARTS[name].fields:
        if field.model_attr is None:
            continue
        column = model._meta.get_field(field.model_attr)
        if field.required or isinstance(field.kind, SectionCode):
            continue
        assert isinstance(column, models.Field)
        assert column.get_default() == field.kind.store(field.default), f"{model.__name__}.{field.model_attr}"


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_no_row() -> None:
    """Values read through the table compare equal to what the rows hold, so nothing is rewritten."""
    path = DEMO / "shirt.json"
    catalog_import(catalog_parse(path.read_bytes()), base_dir=path.parent)
    parts = (Section, OptionGroup, Option, Parameter, TextField, Rule, PriceRule, Size)
    before = {model: model.history.count() for model in parts}
    catalog_import(catalog_parse(path.read_bytes()), base_dir=path.parent)
    assert {model: model.history.count() for model in parts} == before


@pytest.mark.parametrize(("model", "part"), [(Option, "option"), (PriceRule, "price"), (Parameter, "parameter")])
def test_spreadsheet_columns_named_like_a_key_store_its_attribute(model: type[models.Model], part: str) -> None:
    table = {field.key: field.model_attr for field in PARTS[part].fields}
    named = [column for column in COLUMNS[model] if column.name in table and column.kind != "translation"]
    assert named
    assert {column.name: column.attribute for column in named} == {column.name: table[column.name] for column in named}
