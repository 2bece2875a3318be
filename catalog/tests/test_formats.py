"""Importing real knowledge bases: XCSP 2.1 tables and DIMACS feature models."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.models import CatalogVersion, Product, Rule
from catalog.services import catalog_lint
from conftest import SHARED

pytestmark = pytest.mark.django_db

XCSP = """<?xml version="1.0"?>
<instance>
<presentation format="XCSP 2.1" type="CSP"/>
<domains nbDomains="2"><domain name="D0" nbValues="3">0..2</domain><domain name="D1" nbValues="2">0 1</domain></domains>
<variables nbVariables="2"><variable name="1" domain="D0"/><variable name="2" domain="D1"/></variables>
<relations nbRelations="2">
<relation name="R0" arity="2" nbTuples="3" semantics="supports">0 0|1 1|2 1</relation>
<relation name="R1" arity="2" nbTuples="1" semantics="conflicts">2 1</relation>
</relations>
<constraints nbConstraints="2">
<constraint name="C0" arity="2" scope="1 2" reference="R0"/>
<constraint name="C1" arity="2" scope="1 2" reference="R1"/>
</constraints>
</instance>
"""


def test_xcsp_instance_imports_with_value_names(tmp_path: Path) -> None:
    (tmp_path / "tiny.xml").write_text(XCSP)
    (tmp_path / "tiny_value_names.json").write_text(
        json.dumps({"1": ["petrol", "diesel", "electric"], "2": ["manual", "auto"]})
    )
    call_command("import_catalog", "--format", "xcsp", str(tmp_path / "tiny.xml"), "--publish", stdout=StringIO())
    product = Product.objects.get(code="tiny")
    assert [g.code for g in product.groups.all()] == ["v1", "v2"]
    assert list(product.groups.get(code="v1").options.values_list("code", flat=True)) == [
        "petrol",
        "diesel",
        "electric",
    ]
    conflicts = Rule.objects.get(code="C1")
    assert ["electric", "auto"] not in conflicts.rows and len(conflicts.rows) == 5
    assert CatalogVersion.objects.filter(product=product).exists()
    # electric needs auto (C0) but electric+auto is forbidden (C1): electric is dead
    assert [f.subject for f in catalog_lint(product)] == ["groups.v1.electric"]


def test_broken_xcsp_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.xml").write_text("<instance><variables>")
    with pytest.raises(CommandError, match="not XML"):
        call_command("import_catalog", "--format", "xcsp", str(tmp_path / "bad.xml"))


def test_dimacs_feature_model_imports(tmp_path: Path) -> None:
    (tmp_path / "fm.dimacs").write_text("c 1 Root\nc 2 Engine Type\nc 3 and\np cnf 3 2\n1 0\n-2 3 0\n")
    call_command("import_catalog", "--format", "dimacs", str(tmp_path / "fm.dimacs"), "--code", "fm", stdout=StringIO())
    product = Product.objects.get(code="fm")
    assert list(product.groups.values_list("code", "name")) == [
        ("Root", "Root"),
        ("Engine_Type", "Engine Type"),
        ("f_and", "and"),
    ]
    assert list(product.rules.values_list("expr", flat=True)) == ["Root = yes", "Engine_Type = no or f_and = yes"]


@pytest.mark.benchmarks
def test_berkeleydb_imports_and_publishes() -> None:
    path = SHARED / "benchmarks" / "berkeleydb" / "berkeleydb.dimacs"
    if not path.exists():
        pytest.skip("../shared/benchmarks is absent: the real models are not available here")
    call_command("import_catalog", "--format", "dimacs", str(path), "--publish", stdout=StringIO())
    assert Product.objects.get(code="berkeleydb").groups.count() == 117


def test_xcsp_with_xml_entities_is_refused(tmp_path: Path) -> None:
    # bandit B314: entities are how "billion laughs" and external-file reads get in; no XCSP file needs them.
    laughs = '<!DOCTYPE instance [<!ENTITY d "D0"><!ENTITY dd "&d;&d;&d;&d;&d;&d;&d;&d;">]>\n'
    (tmp_path / "laughs.xml").write_text(
        XCSP.replace("<instance>", laughs + "<instance>", 1).replace('"D0"/>', '"&d;"/>')
    )
    with pytest.raises(CommandError, match="XML entities and external references are not accepted"):
        call_command("import_catalog", "--format", "xcsp", str(tmp_path / "laughs.xml"))
    assert not Product.objects.exists()
