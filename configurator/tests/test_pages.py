"""The configurator page as the presenter builds it: layouts, hidden options, words, finish, numbers, steps."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Product
from catalog.services import catalog_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=None)


def _layout(code: str, layout: str) -> None:
    Product.objects.filter(code=code).update(layout=layout)
    catalog_publish(Product.objects.get(code=code))


def test_the_steps_layout_shows_one_step_at_a_time(client: Client, demo: None) -> None:
    _layout("city-car", "steps")
    page = client.get("/p/city-car/").text
    assert 'class="step-block"' not in page
    assert 'id="o-engine-' in page and 'id="o-body_colour-red"' not in page  # the exterior is the next step
    assert ">Next</button>" in page
    assert re.search(r'href="(/p/city-car/\?[^"#]*_step=exterior)" hx-get="\1"', page)


def test_the_single_layout_shows_every_step_on_one_page(client: Client, demo: None) -> None:
    _layout("city-car", "single")
    page = client.get("/p/city-car/?body_colour=red&_seen=version").text  # page state: no suggestions
    blocks = re.findall(r'<section class="step-block" aria-labelledby="h-([a-z_]+)">', page)
    assert blocks == ["version", "exterior", "interior", "packs"]
    assert 'id="o-body_colour-red"' in page and 'id="o-wheels-w16"' in page
    assert ">Next</button>" not in page and ">Review</button>" in page
    # The stepper's links lead to each block of this same page, not to another step.
    seen = "_seen=version,exterior,interior,packs"
    assert f'<a href="/p/city-car/?body_colour=red&amp;{seen.replace(",", "%2C")}#h-exterior">' in page
    response = client.get("/p/city-car/?body_colour=red&wheels=w16", headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == f"/p/city-car/?body_colour=red&wheels=w16&{seen.replace(',', '%2C')}"


def test_an_option_no_choice_can_make_possible_is_hidden(client: Client, demo: None) -> None:
    product = Product.objects.get(code="city-car")
    product.rules.create(code="NOYELLOW", kind="constraint", expr="body_colour != yellow", message="Out of stock.")
    catalog_publish(product)
    page = client.get("/p/city-car/?_step=exterior").text
    assert 'id="o-body_colour-red"' in page
    assert 'id="o-body_colour-yellow"' not in page and "Never available" not in page and "Out of stock" not in page
    # An option only the shopper's own choices exclude stays, with its reason and "choose anyway".
    page = client.get("/p/city-car/?body_colour=black&_step=exterior").text
    assert 'id="o-roof-contrast_black"' in page and 'name="_want" value="roof:contrast_black"' in page


def test_reasons_and_conflicts_are_in_words_without_rule_codes(client: Client, demo: None) -> None:
    page = client.get("/p/city-car/?body_colour=black&_step=exterior").text
    reason = re.search(r'<p class="reason" id="why-roof-contrast_black">([^<]*)</p>', page)
    assert reason and reason.group(1).startswith("Not with Onyx Black (Body colour): ")
    assert not re.search(r"\(rule [A-Z0-9]+\)", page)
    page = client.get("/p/shirt/?fit=slim&waist=140&chest=80&_step=measurements").text
    conflict = re.search(r'<p class="notice notice-error" role="alert">([^<]*)</p>', page)
    assert conflict and "Involved: " in conflict.group(1) and "80 cm (Chest)" in conflict.group(1)
    assert not re.search(r"\(rule [A-Z0-9]+\)", conflict.group(1))
    italian = client.get("/it/p/city-car/?body_colour=black&_step=exterior").text
    assert "Non con Nero Onice (Colore carrozzeria): " in italian
    # The API keeps the codes.
    answer = client.post(
        "/api/v1/products/city-car/configure", {"selections": {"body_colour": "black"}}, content_type="application/json"
    ).json()
    roof = next(g for g in answer["groups"] if g["code"] == "roof")
    blocked = next(o for o in roof["options"] if o["code"] == "contrast_black")
    assert any(r.get("rule") for r in blocked["reasons"])


MEASUREMENTS = ("neck", "chest", "waist", "sleeve", "arm", "shirt_length")


def _field_value(page: str, code: str) -> str:
    field = re.search(rf'<input [^>]*id="p-{code}"[^>]*>', page)
    assert field, code
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else ""


def test_finish_for_me_on_an_empty_shirt_leaves_every_measurement_empty_and_offers_no_order(
    client: Client, demo: None
) -> None:
    response = client.get("/p/shirt/?_action=finish")
    assert response.status_code == 302
    assert not any(f"{code}=" in response["Location"] for code in MEASUREMENTS)
    page = client.get(response["Location"]).text
    assert "fabric=" in response["Location"] and "Still to fill in: Neck, Chest" in page
    assert "/orders/checkout/" not in page and ">Order</a>" not in page
    measurements = client.get(response["Location"].replace("_step=summary", "_step=measurements")).text
    assert all(_field_value(measurements, code) == "" for code in MEASUREMENTS)


def test_finish_for_me_keeps_a_mistyped_measurement_as_typed_with_its_error(client: Client, demo: None) -> None:
    query = "fit=slim&waist=88&sleeve=64&arm=62&shirt_length=78&chest=102&neck=405&_step=measurements"
    response = client.get(f"/p/shirt/?{query}&_action=finish")
    assert response.status_code == 302 and "neck=405" in response["Location"]
    page = client.get(response["Location"].replace("_step=summary", "_step=measurements")).text
    within = "Enter a value from 34 to 48.5 cm with your other choices."  # chest 102 narrows the neck
    assert _field_value(page, "neck") == "405" and within in page
    assert _field_value(page, "chest") == "102"
    assert ">Order</a>" not in page
    fragment = client.get(f"/p/shirt/?{query}&_action=finish", headers={"HX-Request": "true"}).text
    assert f"Neck: {within}" in fragment and ">Order</a>" not in fragment


def test_a_complete_shirt_with_every_measurement_given_offers_order(client: Client, demo: None) -> None:
    query = "fit=regular&waist=88&sleeve=64&arm=62&shirt_length=78&chest=102&neck=40.5"
    response = client.get(f"/p/shirt/?{query}&_action=finish")
    page = client.get(response["Location"]).text
    assert "Your configuration is complete and can be built." in page and ">Order</a>" in page


def test_an_italian_page_reads_and_shows_the_decimal_comma(client: Client, demo: None) -> None:
    response = client.get("/it/p/shirt/?neck=40,5&_step=measurements", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/it/p/shirt/?neck=40.5&_seen=measurements&_step=measurements"  # dot-only
    assert _field_value(response.text, "neck") == "40,5" and 'id="err-neck"' not in response.text
    assert "Da 34 a 50 cm, a passi di 0,5" in response.text
    page = client.get("/it/p/shirt/?neck=40.5&_step=summary").text  # the page's own addresses read too
    assert "<dt>Collo</dt><dd>40,5 cm</dd>" in page
    page = client.get("/it/p/shirt/?neck=40,7&_step=measurements").text
    assert _field_value(page, "neck") == "40,7" and "Usa passi di 0,5 cm." in page


def test_an_english_page_shows_points_and_refuses_a_comma(client: Client, demo: None) -> None:
    page = client.get("/p/shirt/?neck=40.5&_step=measurements").text
    assert _field_value(page, "neck") == "40.5" and "From 34 to 50 cm, in steps of 0.5" in page
    field = re.search(r'<input [^>]*id="p-neck"[^>]*>', page)
    assert field and 'type="text"' in field.group(0) and 'inputmode="decimal"' in field.group(0)
    page = client.get("/p/shirt/?neck=40,5&_step=measurements").text
    assert _field_value(page, "neck") == "40,5" and "Enter a number, like 34." in page


def _done(page: str) -> tuple[str, list[str]]:
    """Return the stepper's "N of M steps done" and the names of the steps it ticks."""
    progress = re.search(r'<p class="progress-text" id="progress-label">([^<]*)</p>', page)
    assert progress
    ticked = re.findall(r'<li class="done">.*?</span>\s*([^<]+?)<span class="visually-hidden">', page, re.S)
    return progress.group(1), ticked


ALL_MEASURED = "neck=40&chest=102&waist=88&sleeve=64&arm=62&shirt_length=78"


def test_the_stepper_ticks_only_visited_steps_whose_decisions_are_made_and_valid(client: Client, demo: None) -> None:
    assert _done(client.get("/p/city-car/").text) == ("0 of 4 steps done", [])
    # Decided but never visited: not done.
    assert _done(client.get("/p/shirt/?fabric=linen_natural&_step=style").text) == ("0 of 4 steps done", [])
    page = client.get("/p/shirt/?fabric=linen_natural&_seen=fabric&_step=style").text
    assert _done(page) == ("1 of 4 steps done", ["Fabric"])
    assert "_seen=fabric%2Cstyle" in page  # the step shown is now visited too
    measured = client.get(f"/p/shirt/?{ALL_MEASURED}&_step=measurements").text
    assert _done(measured) == ("1 of 4 steps done", ["Measurements"])
    # A value set aside or a conflict keeps the step from being done.
    typo = client.get(f"/p/shirt/?{ALL_MEASURED.replace('neck=40', 'neck=405')}&_step=measurements").text
    assert _done(typo) == ("0 of 4 steps done", [])
    conflict = client.get(f"/p/shirt/?fit=slim&{ALL_MEASURED.replace('waist=88', 'waist=99')}&_step=measurements")
    assert _done(conflict.text) == ("0 of 4 steps done", [])


def test_finish_for_me_counts_the_steps_it_decided_as_done(client: Client, demo: None) -> None:
    response = client.get("/p/city-car/?body_colour=red&_seen=version&_step=version&_action=finish")
    page = client.get(response["Location"]).text
    assert "Your configuration is complete and can be built." in page
    assert _done(page)[0] == "4 of 4 steps done"
    fragment = client.get(
        "/p/city-car/?body_colour=red&_seen=version&_step=version&_action=finish", headers={"HX-Request": "true"}
    ).text
    assert _done(fragment)[0] == "4 of 4 steps done"
    # The shirt's measurements are the shopper's to give: Finish leaves their step undone.
    shirt = client.get(client.get("/p/shirt/?_seen=fabric&_step=fabric&_action=finish")["Location"]).text
    assert _done(shirt) == ("3 of 4 steps done", ["Fabric", "Style", "Monogram"])


def _preview_key(page: str) -> str:
    found = re.search(r"/preview/([0-9a-f]+)-", page)
    assert found
    return found.group(1)


def test_arriving_opens_on_a_complete_suggested_look_matching_the_home_card(client: Client, demo: None) -> None:
    home = client.get("/").text
    page = client.get("/p/city-car/").text
    checked = re.findall(r'<input type="radio" id="o-([a-z_]+)-[^"]+"[^>]*checked', page)
    assert {"engine", "gearbox", "trim"} <= set(checked)
    assert page.count('<span class="badge-suggested">Suggested</span>') == len(checked)
    assert page.count("marked “Suggested”") == 1
    assert _done(page) == ("0 of 4 steps done", [])  # suggestions are not the shopper's decisions
    carried = re.search(r'name="_suggested" value="([^"]*)"', page)
    assert carried and "engine:" in carried.group(1) and "wheels:" in carried.group(1)
    card = home.split('id="product-city-car"')[1].split("</article>")[0] if "</article>" in home else home
    assert _preview_key(card) == _preview_key(page)


def test_the_first_look_never_fills_measurements(client: Client, demo: None) -> None:
    page = client.get("/p/shirt/").text
    assert 'name="fabric" value="' in page and "_suggested" in page
    assert not any(re.search(rf'name="{code}" value="[^"]', page) for code in MEASUREMENTS)


def test_a_suggestion_ends_when_changed_and_counts_as_decided_once_its_step_is_left(client: Client, demo: None) -> None:
    first = client.get("/p/city-car/").text
    state = re.search(r'name="_suggested" value="([^"]+)"', first)
    assert state
    suggested = state.group(1)
    look = {k: v.split("+") for k, v in (item.split(":") for item in suggested.split(","))}
    query = {**look, "body_colour": ["black"], "_suggested": suggested, "_step": "exterior"}
    changed = client.get("/p/city-car/", query).text
    assert not re.search(r'id="o-body_colour-black"[^>]*checked>\s*<label[^>]*>.*?badge-suggested', changed, re.S)
    carried = re.search(r'name="_suggested" value="([^"]*)"', changed)
    assert carried and "body_colour:" not in carried.group(1) and "wheels:" in carried.group(1)
    # Moving on from the first step makes its suggestions the shopper's: the step is done.
    query = {**look, "_suggested": suggested, "_seen": "version", "_step": "exterior"}
    left = client.get("/p/city-car/", query)
    assert _done(left.text) == ("1 of 4 steps done", ["Version &amp; powertrain"])


def test_suggestions_give_way_to_the_shoppers_choice(client: Client, demo: None) -> None:
    first = client.get("/p/city-car/?_step=exterior&_seen=version").text  # page state: not an arrival
    assert "badge-suggested" not in first
    arrival = client.get("/p/city-car/").text
    state = re.search(r'name="_suggested" value="([^"]+)"', arrival)
    assert state
    look = {k: v.split("+") for k, v in (item.split(":") for item in state.group(1).split(","))}
    offered = client.get("/p/city-car/", {**look, "_suggested": state.group(1), "_step": "exterior"}).text
    wheels = re.search(r'<input type="radio" id="o-wheels-w18"[^>]*>', offered)
    assert wheels and "disabled" not in wheels.group(0)  # only the suggested trim excluded it
    query = {**look, "wheels": ["w18"], "_suggested": state.group(1), "_step": "exterior"}
    chosen = client.get("/p/city-car/", query).text
    assert "These choices do not go together" not in chosen
    assert re.search(r'id="o-wheels-w18"[^>]*checked', chosen)
    carried = re.search(r'name="_suggested" value="([^"]*)"', chosen)
    assert carried and "wheels:" not in carried.group(1) and "trim:" in carried.group(1)  # trim suggested anew
    assert f"trim:{look['trim'][0]}," not in carried.group(1)


def _suggested_state(page: str) -> dict[str, str]:
    """Return the suggestions the page carries (`_suggested`), group -> options, or {} for none."""
    state = re.search(r'name="_suggested" value="([^"]*)"', page)
    return dict(item.split(":") for item in state.group(1).split(",")) if state else {}


def test_a_link_to_the_measurements_opens_on_the_suggested_look_with_measurements_open(
    client: Client, demo: None
) -> None:
    page = client.get("/p/shirt/?_step=measurements").text
    assert "badge-suggested" in page or "marked “Suggested”" in page
    assert _suggested_state(page)["fabric"]  # the preview shows a shirt, not a thin strip
    assert re.search(r'id="p-neck" name="neck" value=""', page)  # measurements never suggested


def test_a_link_with_some_choices_keeps_them_and_suggests_the_rest(client: Client, demo: None) -> None:
    page = client.get("/p/city-car/?trim=essential&engine=petrol70").text
    suggested = _suggested_state(page)
    assert "trim" not in suggested and "engine" not in suggested  # the link's decisions are the shopper's
    assert suggested["wheels"] and f'name="wheels" value="{suggested["wheels"]}"' in page  # held for its step
    assert re.search(r'id="o-trim-essential"[^>]*checked', page)
    assert re.search(r'id="o-engine-petrol70"[^>]*checked', page)


def test_a_link_with_a_conflict_gets_no_suggestions(client: Client, demo: None) -> None:
    page = client.get("/p/city-car/?engine=electric&wheels=w18").text
    assert "These choices do not go together" in page
    assert _suggested_state(page) == {} and "badge-suggested" not in page


def test_a_change_without_page_state_by_htmx_is_not_an_arrival(client: Client, demo: None) -> None:
    page = client.get("/p/city-car/?trim=essential", headers={"HX-Request": "true"}).text
    assert _suggested_state(page) == {}
