"""Rolling back publishes a copy of an older version; `catalog_diff` and `catalog_rollback` on the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.models import CatalogVersion, Option, Product, Rule
from catalog.services import CatalogError, catalog_import, catalog_publish, catalog_rollback
from catalog.snapshots import product_as_dict
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def bike() -> Product:
    """The bike published twice: v1, then v2 with black at 25.00 and a new rule R2."""
    catalog_import(small_catalog())
    bike = Product.objects.get(code="bike")
    catalog_publish(bike)
    Option.objects.filter(code="black").update(price="25.00")
    Rule.objects.create(product=bike, code="R2", kind="constraint", expr="frame = black -> not basket", position=5)
    catalog_publish(bike)
    return bike


def test_rollback_publishes_the_old_snapshot_as_the_newest_version(bike: Product, merchandiser) -> None:
    result = catalog_rollback(bike, to=1, user=merchandiser, note="wrong price")
    v1 = CatalogVersion.objects.get(product=bike, number=1)
    assert result.created and result.version.number == 3
    assert result.version.snapshot == v1.snapshot and result.version.checksum == v1.checksum
    assert (result.version.note, result.version.published_by) == ("rollback to v1: wrong price", merchandiser)
    # The draft agrees with the shop: the price is back and the rule is gone.
    assert product_as_dict(bike) == v1.snapshot
    assert Option.objects.get(code="black").price == 20
    assert not Rule.objects.filter(code="R2").exists()


def test_rollback_history_says_which_version_it_rolled_back_to(bike: Product, merchandiser) -> None:
    catalog_rollback(bike, to=1, user=merchandiser)
    price = Option.objects.get(code="black").history.first()
    assert (price.history_change_reason, price.history_user) == ("rollback to v1", merchandiser)
    assert price.price == 20
    removed = Rule.history.filter(code="R2").first()
    assert (removed.history_type, removed.history_change_reason) == ("-", "rollback to v1")
    assert removed.history_user == merchandiser
    assert bike.history.first().history_change_reason == "rollback to v1"


def test_rolling_back_to_an_unknown_version_changes_nothing(bike: Product) -> None:
    Option.objects.filter(code="blue").update(price="5.00")  # an unpublished draft change
    with pytest.raises(CatalogError, match="bike has no version 9"):
        catalog_rollback(bike, to=9)
    assert CatalogVersion.objects.filter(product=bike).count() == 2
    assert Option.objects.get(code="blue").price == 5


def test_a_rollback_the_checks_refuse_leaves_the_draft_as_it_was(bike: Product) -> None:
    # v1 as stored, made unreadable: the rollback must be refused whole.
    CatalogVersion.objects.filter(product=bike, number=1).update(snapshot={"code": "bike", "name": "Broken"})
    with pytest.raises(CatalogError):
        catalog_rollback(bike, to=1)
    assert CatalogVersion.objects.filter(product=bike).count() == 2
    assert Rule.objects.filter(code="R2").exists()


def test_catalog_diff_prints_the_changes_by_part() -> None:
    catalog_import(small_catalog())
    bike = Product.objects.get(code="bike")
    catalog_publish(bike)
    Option.objects.filter(code="black").update(price="25.00")
    catalog_publish(bike)
    Rule.objects.filter(code="R1").update(message="Blue frames only.")
    out = StringIO()
    call_command("catalog_diff", "bike", "1", "2", stdout=out)
    assert out.getvalue().splitlines() == [
        "bike 1 → 2: 1 option",
        "",
        "Options",
        "  Option Frame colour › Black (black): price 20.00 → 25.00",
    ]
    out = StringIO()
    call_command("catalog_diff", "bike", "v2", "draft", stdout=out)
    assert "Rule R1: message to shoppers Baskets come on blue frames. → Blue frames only." in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "1", "2"], "unknown product 'nope'"),
        (["bike", "1", "7"], "bike has no version 7"),
        (["bike", "one", "2"], "'one' is not a version"),
    ],
)
def test_catalog_diff_refuses_unknown_products_and_versions(bike: Product, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        call_command("catalog_diff", *args)
    assert raised.value.returncode == 1


def test_catalog_rollback_prints_the_new_version_number(bike: Product) -> None:
    out = StringIO()
    call_command("catalog_rollback", "bike", "--to", "1", stdout=out)
    assert out.getvalue() == "3\n"
    assert CatalogVersion.objects.get(product=bike, number=3).note == "rollback to v1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--to", "1"], "unknown product 'nope'"),
        (["bike", "--to", "5"], "bike has no version 5"),
        (["bike", "--to", "x"], "--to: 'x' is not a version number"),
    ],
)
def test_catalog_rollback_refuses_bad_input(bike: Product, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("catalog_rollback", *args)
    assert CatalogVersion.objects.filter(product=bike).count() == 2
