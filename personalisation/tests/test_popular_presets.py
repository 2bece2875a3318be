"""Pinned presets: merchandisers pin them in the admin, checked against the latest version; offered first."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Product
from personalisation.models.popular import PinnedPreset, StartingPoint
from personalisation.popular import starting_points_refresh
from personalisation.tests.popular_orders import place_shirts, withdraw_option

ADD = "/admin/personalisation/pinnedpreset/add/"


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def _form(**extra: str) -> dict[str, str]:
    shirt = Product.objects.get(code="shirt")
    data = {"product": str(shirt.pk), "name": "Office classic", "name_it": "Classica da ufficio", "position": "0"}
    return {**data, "active": "on", **extra}


def test_a_merchandiser_pins_a_preset(demo: None, merchandiser, client: Client) -> None:
    client.force_login(merchandiser)

    response = client.post(ADD, _form(choices='{"fabric": "oxford_blue", "collar": "button_down"}'))

    assert response.status_code == 302
    preset = PinnedPreset.objects.get()
    assert preset.choices == {"fabric": "oxford_blue", "collar": "button_down"}
    assert preset.languages == []


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ('{"fabric": "tartan"}', "Fabric has no option “tartan”."),
        ('{"colour": "red"}', "There is no group “colour” in this product."),
        ('{"collar": ["classic", "wing"]}', "Collar takes one option, not 2."),
        ('{"sleeves": "short", "cuffs": "double"}', "These choices do not go together"),
        ('["fabric"]', "Give the choices as an object of group codes"),
    ],
)
def test_a_preset_that_cannot_be_built_is_refused_naming_the_problem(
    demo: None, merchandiser, client: Client, choices: str, message: str
) -> None:
    client.force_login(merchandiser)

    response = client.post(ADD, _form(choices=choices))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PinnedPreset.objects.exists()


def test_presets_come_first_in_their_languages_then_popular_builds(demo: None, client: Client) -> None:
    shirt = Product.objects.get(code="shirt")
    PinnedPreset.objects.create(product=shirt, name="Office classic", name_it="Classica", choices={"collar": "cutaway"})
    PinnedPreset.objects.create(product=shirt, name="Solo in italiano", choices={"collar": "wing"}, languages=["it"])
    place_shirts(2, collar="button_down")

    starting_points_refresh("shirt")

    english = client.get("/p/shirt/").content.decode()
    italian = client.get("/it/p/shirt/").content.decode()
    assert english.index("Office classic") < english.index("Ordered by 2 people")
    assert "Why you see this: our team picked it as a good place to start." in english
    assert "Solo in italiano" not in english
    assert "Classica" in italian and "Solo in italiano" in italian


def test_a_preset_is_repaired_after_a_republish_and_says_so(demo: None) -> None:
    shirt = Product.objects.get(code="shirt")
    PinnedPreset.objects.create(product=shirt, name="Pink", choices={"fabric": "endonend_pink", "collar": "cutaway"})
    withdraw_option("fabric", "endonend_pink")

    starting_points_refresh("shirt")

    point = StartingPoint.objects.get(kind="preset")
    assert point.choices["collar"] == "cutaway"
    assert point.choices["fabric"] != "endonend_pink"
    assert point.adapted["en"] and point.adapted["en"][0].endswith("is no longer offered")
