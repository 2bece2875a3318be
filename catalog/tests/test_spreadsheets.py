"""Spreadsheet export and import in the admin: round trip, dry run, row and column problems, permissions."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.models import Option, Parameter, PriceRule, Product
from catalog.services import catalog_import
from catalog.spreadsheets import CHANGE_REASON
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture
def bike() -> Product:
    catalog_import(small_catalog())
    return Product.objects.get(code="bike")


@pytest.fixture
def staff(client: Client, merchandiser: Any) -> Client:
    client.force_login(merchandiser)
    return client


def _export(client: Client, model: str, file_format: str = CSV_FORMAT) -> bytes:
    response = client.post(reverse(f"admin:catalog_{model}_export"), {"format": file_format, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return bytes(response.content)


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _dry_run(client: Client, model: str, content: bytes, name: str = "sheet.csv", file_format: str = CSV_FORMAT) -> Any:
    upload = SimpleUploadedFile(name, content)
    return client.post(
        reverse(f"admin:catalog_{model}_import"), {"import_file": upload, "format": file_format, "resource": "0"}
    )


def _confirm(client: Client, model: str, dry_run: Any) -> Any:
    confirm = dry_run.context["confirm_form"]
    return client.post(reverse(f"admin:catalog_{model}_process_import"), confirm.initial)


def test_export_has_the_catalog_columns(staff: Client, bike: Product) -> None:
    rows = _rows(_export(staff, "option"))
    assert list(rows[0]) == [
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
    black = next(row for row in rows if row["code"] == "black")
    assert (black["product"], black["group"], black["price"], black["default"]) == ("bike", "frame", "20.00", "0")


@pytest.mark.parametrize("model", ["option", "pricerule", "parameter"])
def test_an_unchanged_export_imports_as_no_change(staff: Client, bike: Product, model: str) -> None:
    dry_run = _dry_run(staff, model, _export(staff, model))
    report = dry_run.context["report"]
    assert report.problems == () and report.created == () and report.updated == ()
    assert report.unchanged >= 1
    assert "0 new rows, 0 changed rows" in dry_run.text


def test_a_changed_price_is_shown_then_written_with_history(staff: Client, bike: Product, merchandiser: Any) -> None:
    rows = _rows(_export(staff, "option"))
    next(row for row in rows if row["code"] == "black")["price"] = "24.50"
    dry_run = _dry_run(staff, "option", _csv(rows))
    (changed,) = dry_run.context["report"].updated
    assert changed.key == "bike / frame / black"
    assert [(c.column, c.old, c.new) for c in changed.changes] == [("price", "20.00", "24.50")]
    black = Option.objects.get(code="black")
    assert str(black.price) == "20.00", "the dry run writes nothing"

    response = _confirm(staff, "option", dry_run)
    assert response.status_code == 302
    black.refresh_from_db()
    assert str(black.price) == "24.50"
    record = black.history.first()
    assert (record.history_change_reason, record.history_user) == (CHANGE_REASON, merchandiser)
    assert Option.objects.filter(code="blue").get().history.count() == 1, "unchanged rows are not rewritten"


def test_a_new_row_is_added_and_an_omitted_column_is_kept(staff: Client, bike: Product) -> None:
    sheet = b"product,group,code,name,price\nbike,basket,steel,Steel,12.00\nbike,frame,black,Black,21.00\n"
    dry_run = _dry_run(staff, "option", sheet)
    report = dry_run.context["report"]
    assert [row.key for row in report.created] == ["bike / basket / steel"]
    assert _confirm(staff, "option", dry_run).status_code == 302
    steel = Option.objects.get(code="steel")
    assert (steel.group.code, str(steel.price)) == ("basket", "12.00")
    assert Option.objects.get(code="black").part_number == "BK-FR-BLK"


def test_each_bad_cell_is_reported_by_row_and_column(staff: Client, bike: Product) -> None:
    sheet = (
        b"product,group,code,price,active\n"
        b"bike,frame,blue,abc,1\n"
        b"bike,frame,black,1.234,1\n"
        b"bike,frame,dark red,5.00,1\n"
        b"bike,collar,white,5.00,1\n"
        b"car,frame,blue,5.00,1\n"
        b"bike,basket,wicker,5.00,maybe\n"
    )
    dry_run = _dry_run(staff, "option", sheet)
    problems = dry_run.context["report"].problems
    assert "row 2, column price: 'abc' is not an amount" in problems
    assert "row 3, column price: Ensure that there are no more than 2 decimal places." in problems
    assert any(p.startswith("row 4, column code: Use letters") for p in problems)
    assert "row 5, column group: no group 'collar' in product 'bike'" in problems
    assert "row 6, column product: no product 'car'" in problems
    assert "row 7, column active: 'maybe' is not yes or no (write 1 or 0)" in problems
    assert "confirm_form" not in dry_run.context
    assert "row 2, column price: &#x27;abc&#x27; is not an amount" in dry_run.text


def test_an_xlsx_sheet_with_a_bad_row_writes_nothing(staff: Client, bike: Product) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_export(staff, "option", XLSX_FORMAT)))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    price = headers.index("price") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=price).value = 99
    sheet.cell(row=3, column=price).value = -5.125
    content = io.BytesIO()
    book.save(content)
    dry_run = _dry_run(staff, "option", content.getvalue(), "sheet.xlsx", XLSX_FORMAT)
    report = dry_run.context["report"]
    assert report.problems == ("row 3, column price: Ensure that there are no more than 2 decimal places.",)
    assert "confirm_form" not in dry_run.context
    assert sorted(str(p) for p in Option.objects.values_list("price", flat=True)) == ["0.00", "20.00", "35.00"]


def test_a_price_condition_is_checked_against_the_draft(staff: Client, bike: Product) -> None:
    sheet = b"product,code,when,amount,label\nbike,P1,frame = pink,5.00,Bundle\n"
    problems = _dry_run(staff, "pricerule", sheet).context["report"].problems
    assert len(problems) == 1 and problems[0].startswith("row 2, column when: ")
    assert "unknown option 'pink' in group 'frame'" in problems[0]


def test_parameters_are_checked_by_the_model(staff: Client, bike: Product) -> None:
    sheet = b"product,code,name,unit,min,max,step,default\nbike,height,Rider height,cm,150,200,1,250\n"
    problems = _dry_run(staff, "parameter", sheet).context["report"].problems
    assert problems == ("row 2, column default: The default must lie between the minimum and the maximum.",)
    assert str(Parameter.objects.get(code="height").default) == "175.0000"


def test_an_unknown_column_is_refused(staff: Client, bike: Product) -> None:
    sheet = b"product,group,code,prise\nbike,frame,black,30.00\n"
    problems = _dry_run(staff, "option", sheet).context["report"].problems
    assert problems[0].startswith("Unknown columns 'prise'")


def test_a_viewer_can_export_but_not_import(client: Client, viewer: Any, bike: Product) -> None:
    client.force_login(viewer)
    assert _rows(_export(client, "pricerule"))[0]["code"] == "P1"
    response = _dry_run(client, "pricerule", b"product,code,amount\nbike,P1,-20.00\n")
    assert response.status_code == 403
    assert str(PriceRule.objects.get(code="P1").amount) == "-10.00"


def test_an_editor_without_add_permission_may_change_but_not_add(
    client: Client, django_user_model: Any, bike: Product
) -> None:
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user(username="editor", password="pw-editor-123", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_option", "change_option"]))
    client.force_login(editor)
    sheet = b"product,group,code,price\nbike,frame,black,25.00\nbike,basket,steel,12.00\n"
    problems = _dry_run(client, "option", sheet).context["report"].problems
    assert problems == ("row 3: This row adds a new option; you may only change existing ones.",)
    changed = _dry_run(client, "option", sheet.rsplit(b"\n", 2)[0] + b"\n")
    assert _confirm(client, "option", changed).status_code == 302
    assert str(Option.objects.get(code="black").price) == "25.00"
    assert not Option.objects.filter(code="steel").exists()
