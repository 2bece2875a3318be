"""Saving a configuration: the same configuration on the same catalog version has one code (issue 14 item 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from catalog.models import CatalogVersion
from catalog.services import catalog_publish
from configurator.engine.selection import Selection, read_selection
from configurator.loading import version_model
from configurator.models import SavedConfiguration, configuration_fingerprint
from configurator.services import saving

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def shirt() -> CatalogVersion:
    call_command("load_demo", stdout=None)
    return CatalogVersion.objects.filter(product__code="shirt").latest("number")


def _selection(version: CatalogVersion, data: dict[str, Any]) -> Selection:
    return read_selection(version_model(version), data)


def test_saving_the_same_configuration_twice_gives_the_same_code(client: Client) -> None:
    call_command("load_demo", stdout=None)
    first = client.post("/p/shirt/save", {"fabric": "oxford_blue", "neck": "40.5"})
    again = client.post("/p/shirt/save", {"neck": "40.50", "fabric": "oxford_blue"})
    assert first["Location"] == again["Location"]
    assert SavedConfiguration.objects.count() == 1
    other = client.post("/p/shirt/save", {"fabric": "oxford_blue", "neck": "41"})
    assert other["Location"] != first["Location"]
    assert SavedConfiguration.objects.count() == 2


def test_a_save_that_loses_a_race_returns_the_winners_code(shirt: CatalogVersion, monkeypatch: Any) -> None:
    selection = _selection(shirt, {"selections": {"fabric": "oxford_blue"}})
    winner = saving.configuration_save(shirt, selection)
    real_filter = SavedConfiguration.objects.filter
    calls = {"n": 0}

    def late_filter(*args: Any, **kwargs: Any) -> Any:
        # The first look finds nothing (the other request had not committed yet); the insert then clashes.
        calls["n"] += 1
        return real_filter(pk=None) if calls["n"] == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(SavedConfiguration.objects, "filter", late_filter)
    assert saving.configuration_save(shirt, selection).code == winner.code
    assert SavedConfiguration.objects.count() == 1


def test_the_fingerprint_ignores_spelling_but_not_the_version() -> None:
    data = {"selections": {"packs": ["b", "a"], "collar": None}, "parameters": {"neck": "40.50"}, "texts": {"m": ""}}
    same = {"selections": {"packs": ["a", "b"]}, "parameters": {"neck": "40.5"}}
    assert configuration_fingerprint(1, data) == configuration_fingerprint(1, same)
    assert configuration_fingerprint(1, data) != configuration_fingerprint(2, data)
    assert configuration_fingerprint(1, data) != configuration_fingerprint(1, {**same, "texts": {"m": "JS"}})


def test_reopening_after_the_catalog_changed_says_so_in_words(client: Client, shirt: CatalogVersion) -> None:
    saved = saving.configuration_save(shirt, _selection(shirt, {"selections": {"fabric": "oxford_blue"}}))
    product = shirt.product
    product.base_price += 10
    product.save()
    catalog_publish(product)
    page = client.get(saved.get_absolute_url()).text
    assert "Our catalog has changed since this configuration was saved." in page
    assert "version" not in page.split('id="notices"')[1].split("</div>")[0]


def test_the_fingerprint_field_is_named_in_italian_in_the_admin() -> None:
    field = SavedConfiguration._meta.get_field("fingerprint")
    with translation.override("it"):
        assert str(field.verbose_name) == "impronta"  # not the request's "impronta della richiesta"


def test_the_italian_catalog_has_no_fuzzy_entry() -> None:
    with (ROOT / "locale/it/LC_MESSAGES/django.po").open("rb") as po:
        catalog = read_po(po)
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
