"""The notices answering the page's actions: the services' typed changes, worded by the presenter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from catalog.selectors import version_latest_for
from configurator.engine.model import Group, Option, Parameter, Product
from configurator.engine.resolving import Change
from configurator.engine.selection import Selection
from configurator.pages.notices import wanted_notice
from configurator.services import configuration_apply_wanted, version_engine

WIDTH = Parameter("width", "Width", "cm", Decimal(30), Decimal(60), Decimal("0.5"))
STRAP = Group("strap", "Strap", "choice", True, (Option("short", "Short"), Option("long", "Long")))
BAG = Product(code="bag", name="Bag", currency="EUR", base_price=Decimal(10), groups=(STRAP,), parameters=(WIDTH,))


def test_choose_anyway_names_each_change_with_measurements_in_the_shoppers_language() -> None:
    changes = (Change(("group", "strap"), ("short",), ("long",)), Change(("parameter", "width"), ("40.5",), ("41",)))
    with translation.override("it"):
        level, text = wanted_notice(BAG, STRAP.options[1], changes, "it")
    assert level == "success"
    assert text.endswith("Strap: Short → Long; Width: 40,5 cm → 41 cm.")


def test_an_option_no_configuration_has_is_an_error_notice() -> None:
    notice = wanted_notice(BAG, STRAP.options[0], None, "en")
    assert notice == ("error", "Short cannot be built with any configuration.")


@pytest.mark.django_db
def test_the_service_returns_the_engines_changes_not_sentences() -> None:
    call_command("load_demo", stdout=None)
    version = version_latest_for("city-car")
    assert version is not None
    selection = Selection(choices={"trim": frozenset({"essential"}), "engine": frozenset({"petrol70"})})
    new, changes = configuration_apply_wanted(version_engine(version), selection, "engine", "hybrid130")
    assert new is not None and new.choices["trim"] == {"style"}
    assert changes == (Change(("group", "trim"), ("essential",), ("style",)),)
