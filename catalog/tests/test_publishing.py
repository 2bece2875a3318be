"""Publishing: an immutable version that later edits of the draft never touch."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from catalog.models import CatalogVersion, Option, Product, Rule
from catalog.services import CatalogError, catalog_import, catalog_publish
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def bike() -> Product:
    catalog_import(small_catalog())
    return Product.objects.get(code="bike")


def test_publish_freezes_the_draft_as_version_one(bike: Product, merchandiser) -> None:
    result = catalog_publish(bike, user=merchandiser)
    assert result.created
    version = result.version
    assert (version.number, version.published_by) == (1, merchandiser)
    assert version.snapshot["groups"][0]["options"][1]["price"] == "20.00"


def test_editing_the_draft_after_publishing_leaves_the_version_unchanged(bike: Product) -> None:
    version = catalog_publish(bike).version
    frozen = version.snapshot
    black = Option.objects.get(code="black")
    black.price = 99
    black.save(update_fields=["price"])
    Rule.objects.filter(code="R1").update(expr="basket -> frame = black")

    again = CatalogVersion.objects.get(pk=version.pk)
    assert again.snapshot == frozen
    assert again.snapshot["groups"][0]["options"][1]["price"] == "20.00"
    second = catalog_publish(bike).version
    assert second.number == 2
    assert second.snapshot["groups"][0]["options"][1]["price"] == "99.00"
    assert CatalogVersion.objects.get(pk=version.pk).snapshot == frozen


def test_a_version_cannot_be_changed_or_deleted(bike: Product) -> None:
    version = catalog_publish(bike).version
    version.note = "tampered"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    assert CatalogVersion.objects.get(pk=version.pk).note == ""


def test_publishing_an_unchanged_draft_creates_nothing(bike: Product) -> None:
    first = catalog_publish(bike).version
    result = catalog_publish(bike)
    assert not result.created and result.version == first
    assert CatalogVersion.objects.count() == 1


def test_publish_refuses_a_draft_whose_rules_do_not_parse(bike: Product) -> None:
    Option.objects.filter(code="blue").update(code="navy")  # R1 still says frame = blue
    with pytest.raises(CatalogError) as caught:
        catalog_publish(bike)
    [problem] = [p for p in caught.value.problems if p.path.endswith("rules[0].expr")]
    assert "unknown option 'blue' in group 'frame'" in problem.message
    assert not CatalogVersion.objects.exists()


def test_publish_refuses_a_product_with_no_valid_configuration(bike: Product) -> None:
    Rule.objects.filter(code="R1").update(expr="frame = blue and frame = black")
    with pytest.raises(CatalogError) as caught:
        catalog_publish(bike)
    assert "no configuration satisfies all rules (conflict: R1)" in str(caught.value.problems[0])
    assert not CatalogVersion.objects.exists()


def test_publish_shows_warnings_but_publishes(bike: Product) -> None:
    Rule.objects.filter(code="R1").update(expr="frame != black")
    result = catalog_publish(bike)
    assert result.created
    assert [f"{w.subject}: {w.message}" for w in result.warnings] == [
        "groups.frame.blue: is in every valid configuration (always forced)",
        "groups.frame.black: can never be selected (because of R1)",
    ]


def test_lint_command_prints_findings_and_fails_on_errors(bike: Product) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("lint_catalog", "bike", stdout=out)
    assert "bike: no problems" in out.getvalue()
    Rule.objects.filter(code="R1").update(expr="frame = blue and frame = black")
    with pytest.raises(CommandError, match="1 error"):
        call_command("lint_catalog", "bike", stdout=out)
    assert "error: product: no configuration satisfies all rules" in out.getvalue()
