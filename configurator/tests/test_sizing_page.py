"""The configurator page's made-to-measure help, without a browser: sizes, estimates, guides, warnings."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.services import catalog_import, catalog_publish
from catalog.tests.factories import small_catalog
from insights.tests.shopping import FROM_SHOP, hidden

pytestmark = pytest.mark.django_db

STYLE = {
    "fabric": "oxford_blue",
    "collar": "classic",
    "sleeves": "long",
    "cuffs": "double",
    "buttons": "white",
    "fit": "regular",
    "pocket": "",
    "monogram_position": "",
    "monogram_colour": "",
}
SIZE_M = {"neck": "40", "chest": "102", "waist": "88", "sleeve": "64", "arm": "62", "shirt_length": "78"}
ESTIMATED = "neck,chest,waist,sleeve,arm,shirt_length"


@pytest.fixture(autouse=True)
def demo() -> None:
    call_command("load_demo", stdout=None)


def _get(client: Client, language: str = "", **query: str) -> str:
    response = client.get(f"{language}/p/shirt/?{urlencode(query)}", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _estimated_fields(page: str) -> list[str]:
    return re.findall(r'class="field parameter[^"]*\bestimated\b[^"]*">\s*<label for="p-([a-z_]+)"', page)


def test_starting_from_a_size_fills_every_measurement_as_an_estimate(client: Client) -> None:
    response = client.get("/p/shirt/?" + urlencode({"_step": "measurements", "_fill": "M"}), follow=True)
    final = response.redirect_chain[-1][0]
    assert "_size=M" in final and "_estimated=neck%2Cchest%2Cwaist%2Csleeve%2Carm%2Cshirt_length" in final
    page = response.content.decode()
    assert _estimated_fields(page) == list(SIZE_M)
    assert re.search(r'id="p-chest" name="chest" value="102"', page)
    assert "From size M (collar 40) — check each one." in page


def test_a_measurement_the_shopper_gave_is_kept_and_is_not_an_estimate(client: Client) -> None:
    response = client.get("/p/shirt/?" + urlencode({"_step": "measurements", "neck": "41", "_fill": "L"}), follow=True)
    final = response.redirect_chain[-1][0]
    assert "neck=41" in final and "_estimated=chest%2C" in final
    assert "neck" not in _estimated_fields(response.content.decode())


def test_no_order_while_an_estimate_is_unconfirmed(client: Client) -> None:
    complete = {**STYLE, **SIZE_M, "_step": "summary"}
    assert "Order</a>" not in _get(client, **complete, _size="M", _estimated=ESTIMATED)
    pending = _get(client, **complete, _size="M", _estimated="waist")
    assert "Order</a>" not in pending
    assert "can be built" not in pending and "Check the measurements marked as estimates" in pending
    assert "Order</a>" in _get(client, **complete)


def test_confirming_all_or_one_or_editing_settles_estimates(client: Client) -> None:
    state = {"_step": "measurements", "_size": "M", "_estimated": ESTIMATED, **SIZE_M}
    assert _estimated_fields(_get(client, **state, _confirm="*")) == []
    assert "neck" not in _estimated_fields(_get(client, **state, _confirm="neck"))
    edited = _estimated_fields(_get(client, **{**state, "chest": "104"}))
    assert edited == ["neck", "waist", "sleeve", "arm", "shirt_length"]


def test_an_unknown_size_or_a_damaged_state_never_fails(client: Client) -> None:
    page = _get(client, _step="measurements", _fill="XXL Free shirts: call 555")
    assert "This size does not exist." in page
    assert "Free shirts" not in page  # a link's text is never the shop's word
    assert _estimated_fields(_get(client, _step="measurements", _size="Q", _estimated="neck,,elbow")) == []


def test_each_measurement_has_its_guide_in_the_shoppers_language(client: Client) -> None:
    page = _get(client, "/it", _step="measurements")
    assert page.count('<details class="guide"') == len(SIZE_M)
    assert 'src="/static/guides/shirt/neck.svg"' in page
    assert "Passa il metro intorno alla base del collo" in page


def test_an_unusual_combination_is_a_warning_beside_each_field_it_names(client: Client) -> None:
    page = _get(
        client, **{**STYLE, **SIZE_M, "sleeves": "short", "cuffs": "short_none", "sleeve": "70"}, _step="measurements"
    )
    message = "The sleeve is much longer than the arm: check both measurements."
    assert page.count(message) == 2
    assert 'id="warn-sleeve-W1"' in page and 'id="warn-arm-W1"' in page


def test_a_warning_never_blocks_the_order_once_the_estimates_are_checked(client: Client) -> None:
    # 66 cm on a 62 cm arm: unusual (the warning), yet a long sleeve the workshop can make.
    state = {**STYLE, **SIZE_M, "sleeve": "66", "_size": "M", "_estimated": "neck,chest,waist,arm,shirt_length"}
    message = "The sleeve is much longer than the arm: check both measurements."
    checked = client.get("/p/shirt/?" + urlencode({**state, "_step": "measurements", "_confirm": "*"}), follow=True)
    measurements = checked.content.decode()
    assert _estimated_fields(measurements) == [] and measurements.count(message) == 2  # the warning stands
    summary_url = checked.redirect_chain[-1][0].replace("_step=measurements", "_step=summary")
    summary = client.get(summary_url).content.decode()
    assert "Your configuration is complete and can be built." in summary and ">Order</a>" in summary


def test_the_sizing_help_speaks_italian(client: Client) -> None:
    response = client.get("/it/p/shirt/?" + urlencode({"_step": "measurements", "_fill": "M"}), follow=True)
    page = response.content.decode()
    assert "Dalla taglia M (collo 40) — controlla ogni misura." in page
    assert "Stima dalla taglia M (collo 40): controllala." in page
    assert "Parti dalla tua taglia abituale" in page and "Le ho controllate" in page and "Come misurare" in page
    assert "Abbiamo compilato 6 misure dalla taglia M (collo 40)" in page


def test_saving_never_passes_an_estimate_off_as_a_measurement(client: Client) -> None:
    data = {**STYLE, **SIZE_M, "neck": "41", "_size": "M", "_estimated": "chest,waist,sleeve,arm,shirt_length"}
    response = client.post("/p/shirt/save", data, follow=True)
    page = response.content.decode()
    assert "Saved without the estimates still to check: Chest, Waist, Sleeve length, Arm length, Shirt length." in page
    assert "Saved as" not in page and "Not saved" not in page  # one message, not two that contradict
    rows = dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:<a [^>]+>)?([^<]+)", page))
    assert rows["Neck"].startswith("41") and rows["Chest"] == "Not entered yet"


def test_saving_with_estimates_says_so_in_italian(client: Client) -> None:
    data = {**STYLE, **SIZE_M, "neck": "41", "_size": "M", "_estimated": "chest,waist"}
    page = client.post("/it/p/shirt/save", data, follow=True).content.decode()
    assert "Salvata senza le stime ancora da controllare: Torace, Vita." in page
    assert "Salvata come" not in page


def test_a_warning_that_names_only_choices_is_shown_among_the_notices(client: Client) -> None:
    data = small_catalog()
    data["products"][0]["rules"].append(
        {
            "code": "W9",
            "kind": "warning",
            "expr": "not basket",
            "message": "Wicker baskets fade in the sun.",
            "translations": {"it": {"message": "I cestini di vimini sbiadiscono al sole."}},
        }
    )
    (result,) = catalog_import(data)
    catalog_publish(result.product)
    query = urlencode({"frame": "blue", "basket": "wicker", "height": "170", "tag": "Ada"})
    notices = re.search(r'<div id="notices"[^>]*>(.*?)</div>', client.get(f"/p/bike/?{query}").text, re.S)
    assert notices and "Wicker baskets fade in the sun." in notices.group(1)
    italian = client.get(f"/it/p/bike/?{query}").text
    assert "I cestini di vimini sbiadiscono al sole." in italian
    quiet = client.get(f"/p/bike/?{urlencode({'frame': 'blue', 'height': '170'})}").text
    assert "fade in the sun" not in quiet


def test_a_refused_save_keeps_the_estimates_still_to_check_and_the_visit(client: Client) -> None:
    visit = hidden(client.get("/p/shirt/?_step=measurements", headers=FROM_SHOP), "_visit")
    assert visit
    state = {"_size": "M", "_estimated": "chest,waist,sleeve,arm,shirt_length", "_visit": visit}
    data = {**STYLE, **SIZE_M, "neck": "99", **state, "_step": "measurements"}
    response = client.post("/p/shirt/save", data, headers=FROM_SHOP)
    address = dict(parse_qsl(urlsplit(response["Location"]).query))
    assert response.status_code == 302 and address["neck"] == "99"
    assert address["_size"] == "M" and address["_estimated"] == state["_estimated"]
    assert address["_visit"] == visit, "the page it opens continues the visit"
    page = client.get(response["Location"]).content.decode()
    assert "Not saved: fix these values first. Neck: Enter a value from 34 to 50 cm." in page
    # Measurements filled from the size are still estimates to check, never passed off as the shopper's own.
    assert _estimated_fields(page) == ["chest", "waist", "sleeve", "arm", "shirt_length"]
