"""Options, price rules and parameters as spreadsheet rows (CSV, XLSX): the columns and the import.

The columns (`COLUMNS`, `catalog.columns`) come from the field table: a field added
there gets its column, read and written by the widget of its kind, with no change here.

A row finds its draft row by natural key (product code, the group's code for options,
its own code); a row that finds none adds one; an import never deletes (a part is removed
in the admin, whose deletion page shows what depends on it). Columns left out of a sheet
keep their values, so a sheet of product, group, code and price changes prices only.

An import runs twice (django-import-export's admin flow): first as a dry run, rolled back,
whose report lists every change (old -> new per column) and every problem by spreadsheet
row and column; then, once confirmed, for real, in one transaction, with history
("spreadsheet import", by the user). It writes the draft only: publishing stays a step of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import Result, RowResult

from catalog.cells import cell_text
from catalog.columns import COLUMNS as COLUMNS
from catalog.columns import Column, sheet_columns, sheet_field
from catalog.forms import draft_vocabulary
from catalog.models import Option, Parameter, PriceRule, Product
from configurator.engine.rules import Vocabulary
from configurator.engine.schema import Problem, check_price, check_quantity

#: The change reason of the history records an import writes.
CHANGE_REASON = "spreadsheet import"


# -- the import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChanges:
    """What one spreadsheet row changes (or adds), with the row's number as the spreadsheet shows it."""

    row: int
    key: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class ImportReport:
    """What an import does: new rows, changed rows (old -> new per column), problems, unchanged rows."""

    created: tuple[RowChanges, ...]
    updated: tuple[RowChanges, ...]
    problems: tuple[str, ...]
    unchanged: int


class SheetResource(resources.ModelResource):  # type: ignore[misc]
    """The import and export of one kind of part, by its columns."""

    columns: ClassVar[tuple[Column, ...]] = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._vocabularies: dict[int, Vocabulary] = {}
        # Errors come keyed by model field (full_clean) or by the field's attribute (cells that do not read).
        self._columns_of: dict[str, str] = {}
        for field in self.get_import_fields():
            self._columns_of.setdefault(field.attribute, field.column_name)
        for field in self.get_import_fields():
            self._columns_of.setdefault(field.attribute.split("__")[0], field.column_name)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Refuse a sheet without its key columns or with a column no part has (a typo would change nothing)."""
        headers = [cell_text(header) for header in dataset.headers or []]
        names = [column.name for column in self.columns]
        unknown = [header for header in headers if header not in names]
        missing = [column.name for column in self.columns if column.key and column.name not in headers]
        if unknown or missing:
            problems = []
            if missing:
                problems.append(_("The sheet needs the columns %(columns)s.") % {"columns": ", ".join(missing)})
            if unknown:
                problems.append(
                    _("Unknown columns %(unknown)s; the columns are %(columns)s.")
                    % {
                        "unknown": ", ".join(repr(header) for header in unknown),
                        "columns": ", ".join(names),
                    }
                )
            raise ValueError(" ".join(problems))

    def get_instance(self, instance_loader: Any, row: Mapping[str, Any]) -> models.Model | None:
        """Find the draft row with the row's natural key, by the cells' text."""
        lookup = {}
        for column in self.columns:
            if column.key:
                if column.name not in row:
                    return None
                lookup[column.lookup] = cell_text(row[column.name])
        return self._meta.model._default_manager.filter(**lookup).first()  # type: ignore[no-any-return]

    def after_init_instance(self, instance: Any, new: bool, row: Any, **kwargs: Any) -> None:
        user = kwargs.get("user")
        opts = self._meta.model._meta
        if new and user is not None and not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            raise ValidationError(
                _("This row adds a new %(kind)s; you may only change existing ones.") % {"kind": opts.verbose_name}
            )

    def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        instance._change_reason = CHANGE_REASON
        if kwargs.get("user") is not None:
            instance._history_user = kwargs["user"]

    def validate_instance(
        self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        """Check a row as the model (full_clean), the admin's forms (formulas, conditions) and the field table do.

        The table's check of a text's form ("'satin' is not 'matt' or 'gloss'") reports only on a
        field the others pass, so the model's own (translated) message comes first.
        """
        errors: dict[str, Any] = {}
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field, message in [*self.domain_problems(instance), *self.form_problems(instance)]:
            if field not in errors:
                errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def form_problems(self, instance: Any) -> list[tuple[str, str]]:
        """Return (model field, message) for each text the kind of its table field refuses."""
        problems = []
        for column in self.columns:
            if column.kind != "text" or column.form is None:
                continue
            value = getattr(instance, column.attribute)
            if not value:
                continue
            try:
                column.form.from_cell(str(value))
            except ValueError as error:
                problems.append((column.attribute, str(error)))
        return problems

    def domain_problems(self, instance: Any) -> list[tuple[str, str]]:
        """Return (model field, message) for what the catalog's own checks refuse in `instance`."""
        return []

    def vocabulary(self, product: Product) -> Vocabulary:
        if product.pk not in self._vocabularies:
            self._vocabularies[product.pk] = draft_vocabulary(product)
        return self._vocabularies[product.pk]

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> RowResult:
        result = super().import_row(row, instance_loader, **kwargs)
        line = kwargs["row_number"] + 1  # the spreadsheet's row 1 holds the headers
        result.sheet_row = line
        result.problems = []
        if result.validation_error is not None:
            result.problems = self.cell_problems(line, result.validation_error)
        for error in result.errors:
            result.problems.append(_("row %(row)d: %(message)s") % {"row": line, "message": error.error})
        return result

    def cell_problems(self, line: int, error: ValidationError) -> list[str]:
        """Return each problem of a row as "row 7, column price: 'abc' is not an amount"."""
        problems = []
        by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for field, messages in by_field.items():
            column = self._columns_of.get(field)
            for message in messages:
                if column:
                    text = _("row %(row)d, column %(column)s: %(message)s")
                    problems.append(text % {"row": line, "column": column, "message": message})
                else:
                    problems.append(_("row %(row)d: %(message)s") % {"row": line, "message": message})
        return problems

    def after_import_row(self, row: Any, row_result: RowResult, **kwargs: Any) -> None:
        instance, original = row_result.instance, row_result.original
        key = " / ".join(cell_text(row.get(column.name)) for column in self.columns if column.key)
        changes = []
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            new = str(field.export(instance))
            old = str(field.export(original)) if original is not None else ""
            if original is None or old != new:
                changes.append(Change(field.column_name, old, new))
        row_result.sheet_changes = RowChanges(kwargs["row_number"] + 1, key, tuple(changes))


def _domain_problems(problems: list[Problem], fields_of: Mapping[str, str]) -> list[tuple[str, str]]:
    found = []
    for problem in problems:
        head = problem.path.split(".")[0].split("[")[0]
        field = fields_of.get(head)
        found.append((field, problem.message) if field else (NON_FIELD_ERRORS, str(problem)))
    return found


class _OptionChecks(SheetResource):
    def domain_problems(self, instance: Any) -> list[tuple[str, str]]:
        if instance.group_id is None or not instance.bom_quantity:
            return []
        problems = check_quantity(instance.bom_quantity, self.vocabulary(instance.group.product))
        return _domain_problems(problems, {"bom_quantity": "bom_quantity"})


class _PriceRuleChecks(SheetResource):
    def domain_problems(self, instance: Any) -> list[tuple[str, str]]:
        if instance.product_id is None or instance.amount is None:
            return []
        price = {"code": instance.code, "amount": str(instance.amount), "when": instance.when, "per": instance.per}
        return _domain_problems(check_price(price, self.vocabulary(instance.product)), {"when": "when", "per": "per"})


def sheet_resource(model: type[models.Model], base: type[SheetResource] = SheetResource) -> type[SheetResource]:
    """Return the import and export of `model`'s parts: a field per column of `sheet_columns(model)`.

    Rows are matched by natural key, unchanged rows are skipped, each row is full_clean'ed,
    and an import runs in one transaction.
    """
    columns = sheet_columns(model)
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": tuple(column.name for column in columns),
            "import_id_fields": [column.name for column in columns if column.key],
            "skip_unchanged": True,
            "report_skipped": False,
            "store_instance": True,
            "clean_model_instances": True,
            "use_transactions": True,
        },
    )
    fields_by_name = {column.name: sheet_field(column) for column in columns}
    return type(f"{model.__name__}Resource", (base,), {"columns": columns, "Meta": meta, **fields_by_name})


OptionResource = sheet_resource(Option, _OptionChecks)
PriceRuleResource = sheet_resource(PriceRule, _PriceRuleChecks)
ParameterResource = sheet_resource(Parameter)


def import_report(result: Result) -> ImportReport:
    """Summarise an import's result for the page that shows it."""
    problems = [str(error.error) for error in result.base_errors]
    created, updated = [], []
    for row in result.rows:
        problems += getattr(row, "problems", [])
        changes = getattr(row, "sheet_changes", None)
        if changes is not None and row.import_type == RowResult.IMPORT_TYPE_NEW:
            created.append(changes)
        elif changes is not None and row.import_type == RowResult.IMPORT_TYPE_UPDATE:
            updated.append(changes)
    return ImportReport(
        created=tuple(created),
        updated=tuple(updated),
        problems=tuple(problems),
        unchanged=result.totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
    )
