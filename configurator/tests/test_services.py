"""The configurator's services as other code calls them: reasons as data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from configurator.engine.model import Parameter, Product
from configurator.engine.selection import Selection
from configurator.engine.session import Reason
from configurator.loading import version_model
from configurator.services.configuring import reason_data

WIDTH = Parameter("width", "Width", "cm", Decimal(30), Decimal(60), Decimal(1))
BAG = Product(code="bag", name="Bag", currency="EUR", base_price=Decimal(10), parameters=(WIDTH,))


def test_a_reason_on_a_parameter_reads_name_value_and_unit() -> None:
    selection = Selection(parameters={"width": Decimal(45)})
    data = reason_data(BAG, Reason(selection=("parameter", "width")), selection, "en")
    assert data == {"selection": "width", "value": "45", "message": "Width: 45 cm"}


def test_a_reason_on_a_parameter_the_product_no_longer_has_names_its_code() -> None:
    # Was an assert: an AssertionError (a 500) or, under python -O, an AttributeError on None.
    selection = Selection(parameters={"depth": Decimal(12)})
    data = reason_data(BAG, Reason(selection=("parameter", "depth")), selection, "en")
    assert data == {"selection": "depth", "value": "12", "message": "depth: 12"}


def test_a_reason_naming_nothing_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="names a rule or a selection"):
        reason_data(BAG, Reason(), Selection(), "en")


@pytest.mark.django_db
def test_finish_for_me_fills_style_choices_and_leaves_measurements_to_the_shopper() -> None:
    from django.core.management import call_command

    from catalog.selectors import version_latest_for
    from configurator.services import configuration_finish

    call_command("load_demo", stdout=None)
    version = version_latest_for("shirt")
    assert version is not None
    given = Selection(parameters={"neck": Decimal("40.5")})
    finished = configuration_finish(version, given).configuration
    assert finished is not None
    assert finished.parameters == {"neck": Decimal("40.5")} and finished.choices["fabric"] == {"poplin_white"}
    # The API's /complete (DESIGN §4) still fills every measurement: the same call with parameters=True.
    filled = configuration_finish(version, given, parameters=True).configuration
    assert filled is not None and set(filled.parameters) == {p.code for p in version_model(version).parameters}
    assert filled.parameters["neck"] == Decimal("40.5") and filled.choices == finished.choices


@pytest.mark.django_db
def test_choose_anyway_through_the_service_gives_style_twenty_times_in_a_row() -> None:
    from django.core.management import call_command

    from catalog.selectors import version_latest_for
    from configurator.services import configuration_resolve

    call_command("load_demo", stdout=None)
    version = version_latest_for("city-car")
    assert version is not None
    data = {"selections": {"trim": "essential", "engine": "petrol70"}}
    other = {"selections": {"trim": "essential", "engine": "petrol70", "gearbox": "manual5"}}
    answers = []
    for _ in range(20):
        configuration_resolve(version, other, "engine", "electric", "en")  # another shopper's click in between
        answers.append(configuration_resolve(version, data, "engine", "hybrid130", "en"))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["changes"] == [{"kind": "group", "code": "trim", "from": ["essential"], "to": ["style"]}]
