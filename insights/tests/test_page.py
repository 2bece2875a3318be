"""The admin's Insights page: who may see it, its filters, its empty states and its CSV downloads (decision 30)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone, translation

from catalog.models import CatalogVersion, OptionGroup, Product, Rule
from catalog.services import catalog_publish
from insights.admin import ProductInsightAdmin
from insights.exports import TABLES, table_rows
from insights.figures import Filters, product_insights
from insights.models import (
    DailyBlock,
    DailyConfiguration,
    DailyGuided,
    DailyHour,
    DailyOption,
    DailyStage,
    DailyVisits,
    ProductInsight,
)
from insights.tests.samples import demo_rollups

pytestmark = pytest.mark.django_db

PAGE = "/admin/insights/productinsight/bike/"
LIST = "/admin/insights/productinsight/"
DAY = datetime.date(2026, 11, 3)
PERIOD = {"since": "2026-11-01", "until": "2026-11-30"}


def _key(day: datetime.date = DAY, *, simulated: bool = False) -> dict[str, Any]:
    return {"day": day, "product": "bike", "version": 1, "simulated": simulated}


@pytest.fixture
def figures(bike: CatalogVersion) -> None:
    """November 2026: 8 real visits (3 orders) and 20 simulated ones; 50 real visits in October."""
    DailyVisits.objects.create(**_key(), visits=8, visitors=7, saved=2, checkouts=4, orders=3)
    DailyVisits.objects.create(**_key(simulated=True), visits=20, visitors=20, orders=6)
    DailyVisits.objects.create(**_key(datetime.date(2026, 10, 30)), visits=50, visitors=50, orders=1)
    for position, (stage, reached, left) in enumerate([("look", 8, 2), ("summary", 6, 1), ("checkout", 4, 1)]):
        DailyStage.objects.create(
            **_key(), stage=stage, position=position, reached=reached, left_here=left, seconds={"30": reached}
        )
    DailyStage.objects.create(**_key(), stage="order", position=3, reached=3, left_here=0, seconds={})
    DailyOption.objects.create(**_key(), group="frame", option="blue", chosen=6, chosen_ordered=3, ordered=3)
    DailyBlock.objects.create(**_key(), rule="R1", group="basket", option="wicker", times=3, other_option=2, left=1)
    DailyHour.objects.create(**_key(), hour=9, visits=8, orders=3)
    DailyConfiguration.objects.create(**_key(), kind="ordered", choices="frame=blue", count=3)
    DailyGuided.objects.create(**_key(), question="ride", answered=4, skipped=2, overridden=1)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    """Return the words of the page's content, as a reader sees them (no tags, one space between words)."""
    content = response.content.decode().split('id="content-main"', 1)[-1]
    content = re.sub(r"<script.*?</script>", " ", content, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def _page_view(request: Any) -> Any:
    """Serve the page to a request made by hand (to choose its language: the admin's addresses have no prefix)."""
    model_admin = admin.site._registry[ProductInsight]
    assert isinstance(model_admin, ProductInsightAdmin)
    return model_admin.page_view(request, "bike")


def _csv(response: Any) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# -- who may see it --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["merchandiser", "viewer"])
def test_merchandisers_and_viewers_see_the_list_and_the_page(persona: str, request: Any, figures: None) -> None:
    client = _client(request.getfixturevalue(persona))
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert f'href="{PAGE}"' in listing.content.decode()
    assert client.get(PAGE, PERIOD).status_code == 200
    assert client.get(PAGE, {**PERIOD, "format": "csv", "table": "funnel"}).status_code == 200


def test_staff_without_the_permission_get_403_everywhere(operator: Any, figures: None) -> None:
    client = _client(operator)
    for address in (LIST, PAGE, f"{PAGE}?format=csv&table=funnel"):
        assert client.get(address).status_code == 403, address


def test_shoppers_and_strangers_are_sent_to_sign_in(shopper: Any, outsider: Client, figures: None) -> None:
    for client in (_client(shopper), outsider):
        response = client.get(PAGE)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_permission_is_a_real_one_named_for_people(merchandiser: Any) -> None:
    permission = Permission.objects.get(codename="view_productinsight")
    assert permission.name == "Can view insights"
    assert merchandiser.has_perm("insights.view_productinsight")


def test_the_product_page_links_to_its_insights_for_those_who_may_see_them(
    merchandiser: Any, django_user_model: Any, bike: CatalogVersion
) -> None:
    change = f"/admin/catalog/product/{bike.product.pk}/change/"
    assert f'href="{PAGE}"' in _client(merchandiser).get(change).content.decode()
    editor = django_user_model.objects.create_user(username="editor", password="pw-editor-123", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_product"))
    page = _client(editor).get(change)
    assert page.status_code == 200 and f'href="{PAGE}"' not in page.content.decode()


def test_a_product_s_entry_in_the_list_leads_to_its_page(merchandiser: Any, bike: CatalogVersion) -> None:
    response = _client(merchandiser).get(f"{LIST}{bike.product.pk}/change/")
    assert response.status_code == 302 and response["Location"] == PAGE
    assert _client(merchandiser).get("/admin/insights/productinsight/no-such-product/").status_code == 404


# -- the page --------------------------------------------------------------------------------------------------


def test_the_page_shows_the_period_s_real_figures_and_says_how_many_were_simulated(
    merchandiser: Any, figures: None
) -> None:
    text = _text(_client(merchandiser).get(PAGE, PERIOD))
    assert "Visits 8" in text and "Orders 3" in text and "Conversion 37.5%" in text
    assert "20 simulated visits in this period are not counted" in text
    assert "Funnel" in text and "Take rates" in text and "Blocked choices" in text
    assert re.search(r"R1 ?: Baskets come on blue frames\. Basket: Wicker 3 0 2 0 1", text)
    assert "Download as CSV" in text


def test_the_filters_choose_the_traffic_and_the_period(merchandiser: Any, figures: None) -> None:
    client = _client(merchandiser)
    assert "Visits 28" in _text(client.get(PAGE, {**PERIOD, "traffic": "all"}))
    assert "Visits 20" in _text(client.get(PAGE, {**PERIOD, "traffic": "simulated"}))
    assert "Visits 50" in _text(client.get(PAGE, {"since": "2026-10-01", "until": "2026-10-31"}))
    assert "Visits 58" in _text(client.get(PAGE, {"since": "2026-10-01", "until": "2026-11-30"}))


def test_without_real_visits_the_page_shows_all_traffic_and_says_so(merchandiser: Any, bike: CatalogVersion) -> None:
    DailyVisits.objects.create(**_key(timezone.localdate(), simulated=True), visits=12, orders=2)
    client = _client(merchandiser)
    text = _text(client.get(PAGE))  # the default: the last 30 days, real traffic
    assert "No real shopper visited in this period" in text
    assert "Visits 12" in text and "12 of the visits are simulated" in text
    chosen = _text(client.get(PAGE, {"traffic": "real"}))  # asked for: no fallback
    assert "No visits in this period." in chosen and "12 simulated visits in this period are not counted" in chosen


def test_an_empty_period_says_so_in_words(merchandiser: Any, bike: CatalogVersion) -> None:
    text = _text(_client(merchandiser).get(PAGE))
    assert "No visits in this period." in text
    assert "Funnel" not in text and "Download as CSV" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-13-45"}, "Since: Enter a valid date."),
        ({"until": "yesterday"}, "Until: Enter a valid date."),
        ({"since": "2026-11-30", "until": "2026-11-01"}, "Until: The end of the period must not be before its start."),
        ({"version": "7"}, "Catalog version: Select a valid choice."),
        ({"traffic": "bots"}, "Traffic: Select a valid choice."),
        ({"orders": "0"}, "Next orders: Ensure this value is greater than or equal to 1."),
        ({"orders": "many"}, "Next orders: Enter a whole number."),
    ],
)
def test_a_bad_filter_names_its_field_and_the_page_still_shows(
    merchandiser: Any, figures: None, query: dict[str, str], message: str
) -> None:
    client = _client(merchandiser)
    page = client.get(PAGE, query)
    assert page.status_code == 200
    assert message in _text(page)
    download = client.get(PAGE, {**query, "format": "csv", "table": "funnel"})
    assert download.status_code == 400 and message in download.content.decode()


def test_an_unknown_table_is_refused_by_name(merchandiser: Any, figures: None) -> None:
    response = _client(merchandiser).get(PAGE, {"format": "csv", "table": "secrets"})
    assert response.status_code == 400
    assert "Table: 'secrets' is not one of funnel, options" in response.content.decode()


def test_never_chosen_options_and_blocking_rules_link_to_the_catalog(merchandiser: Any, figures: None) -> None:
    html = _client(merchandiser).get(PAGE, PERIOD).content.decode()
    frame = OptionGroup.objects.get(product__code="bike", code="frame")
    rule = Rule.objects.get(product__code="bike", code="R1")
    assert f'href="/admin/catalog/optiongroup/{frame.pk}/change/"' in html  # black: never chosen
    assert f'href="/admin/catalog/rule/{rule.pk}/change/"' in html


def test_the_demand_form_keeps_the_filters(merchandiser: Any, figures: None) -> None:
    html = _client(merchandiser).get(PAGE, {**PERIOD, "traffic": "all", "orders": "250"}).content.decode()
    assert 'name="orders" id="id_orders" value="250"' in html
    assert '<input type="hidden" name="traffic" value="all">' in html
    assert '<input type="hidden" name="since" value="2026-11-01">' in html


# -- CSV ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(TABLES))
def test_each_csv_holds_the_figures_the_page_shows(merchandiser: Any, figures: None, table: str) -> None:
    response = _client(merchandiser).get(PAGE, {**PERIOD, "orders": "40", "format": "csv", "table": table})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="bike-{table}-2026-11-01-2026-11-30.csv"'
    rows = _csv(response)
    insights = product_insights(
        Filters("bike", None, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)), demand_orders=40
    )
    header, expected = table_rows(insights, table)
    assert rows[0] == header
    assert rows[1:] == [[str(value) for value in row] for row in expected]
    assert len(rows) > 1


def test_the_guided_questions_table_has_its_csv(merchandiser: Any, figures: None) -> None:
    page = _client(merchandiser).get(PAGE, PERIOD)
    section = page.content.decode().split('id="guided"', 1)[1].split("</section>", 1)[0]
    link = re.search(r'<a href="([^"]+)" download>', section)
    assert link is not None
    rows = _csv(_client(merchandiser).get(html.unescape(link.group(1))))
    assert rows == [
        ["question", "label", "answered", "skipped", "overridden", "share_overridden"],
        ["ride", "ride", "4", "2", "1", "0.25"],
    ]


def test_csv_numbers_are_not_localised(rf: Any, merchandiser: Any, figures: None) -> None:
    request = rf.get(PAGE, {**PERIOD, "format": "csv", "table": "funnel"})
    request.user = merchandiser
    with translation.override("it"):
        rows = _csv(_page_view(request))
    visits, look = (dict(zip(rows[0], row, strict=True)) for row in rows[1:3])
    assert visits == {
        "stage": "visits",  # the page's first row: every visit of the period
        "label": "Visite",
        "reached": "8",
        "share_of_visits": "1",
        "left_here": "",
        "share_leaving": "",
        "median_seconds": "",
    }
    assert look == {
        "stage": "look",
        "label": "Aspetto",  # labels in the merchandiser's language, numbers the same in every one
        "reached": "8",
        "share_of_visits": "1",
        "left_here": "2",
        "share_leaving": "0.25",
        "median_seconds": "30",
    }


def test_the_list_counts_the_last_30_days(merchandiser: Any, bike: CatalogVersion) -> None:
    today = timezone.localdate()
    DailyVisits.objects.create(**_key(today), visits=5, orders=1)
    DailyVisits.objects.create(**_key(today, simulated=True), visits=7, orders=2)
    DailyVisits.objects.create(**_key(today - datetime.timedelta(days=40)), visits=100, orders=9)
    html = _client(merchandiser).get(LIST).content.decode()
    assert '<td class="field-visits_recent">12</td>' in html
    assert '<td class="field-simulated_recent">7</td>' in html
    assert '<td class="field-orders_recent">3</td>' in html


def test_the_demo_rows_fill_every_section(merchandiser: Any, bike: CatalogVersion) -> None:
    demo_rollups("bike", until=timezone.localdate())
    text = _text(_client(merchandiser).get(PAGE))
    for heading in ("Funnel", "Take rates", "Blocked choices", "When", "Top configurations", "Demand", "filled"):
        assert heading in text
    assert "No visits in this period." not in text


def test_the_page_reads_in_italian(rf: Any, merchandiser: Any, figures: None) -> None:
    """The admin is served in English today (unprefixed addresses); the page's own words are ready in Italian."""
    request = rf.get(PAGE, PERIOD)
    request.user = merchandiser
    with translation.override("it"):
        response = _page_view(request)
        text = _text(response.render())
    assert "Imbuto: dove si fermano i clienti" in text
    assert "Visite 8" in text and "Conversione 37,5%" in text and "Visitatori giornalieri, sommati 7" in text
    assert "Solo clienti reali: 20 visite simulate in questo periodo non sono contate." in text


def test_the_version_filter_keeps_one_catalog_version(merchandiser: Any, figures: None) -> None:
    product = CatalogVersion.objects.get(product__code="bike").product
    product.base_price += 1
    product.save()
    assert catalog_publish(product).version.number == 2
    DailyVisits.objects.create(**{**_key(), "version": 2}, visits=5, orders=1)
    client = _client(merchandiser)
    assert "Visits 13" in _text(client.get(PAGE, PERIOD))
    assert "Visits 5" in _text(client.get(PAGE, {**PERIOD, "version": "2"}))
    one = _text(client.get(PAGE, {**PERIOD, "version": "1"}))
    assert "Visits 8" in one and "catalog version 1." in one


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"until": "0001-01-01"}, "No visits in this period."),
        ({"since": "9999-12-31"}, "No visits in this period."),
        ({"since": "0001-01-01", "until": "9999-12-31"}, "Visits 58"),
    ],
)
def test_a_period_at_the_calendar_s_ends_still_answers(
    merchandiser: Any, figures: None, query: dict[str, str], shown: str
) -> None:
    client = _client(merchandiser)
    assert shown in _text(client.get(PAGE, query))
    assert client.get(PAGE, {**query, "format": "csv", "table": "hours"}).status_code == 200


def test_a_product_never_published_has_an_empty_page(merchandiser: Any, db: None) -> None:
    Product.objects.create(code="draft-only", name="Draft only")
    response = _client(merchandiser).get("/admin/insights/productinsight/draft-only/")
    assert response.status_code == 200 and "No visits in this period." in _text(response)


def test_a_product_deleted_from_the_catalog_still_has_its_page(merchandiser: Any, db: None) -> None:
    DailyVisits.objects.create(day=DAY, product="gone-bike", version=4, visits=9, visitors=6, orders=2)
    DailyOption.objects.create(day=DAY, product="gone-bike", version=4, group="frame", option="teal", chosen=3)
    client = _client(merchandiser)
    response = client.get("/admin/insights/productinsight/gone-bike/", PERIOD)
    assert response.status_code == 200
    text = _text(response)
    assert "This product is no longer in the catalog." in text
    assert "Visits 9" in text and "Orders 2" in text
    assert "Group Option Chosen Take rate Ordered Share of orders Lift Saved frame teal 3 33.3%" in text  # codes
    assert "<title>Insights: gone-bike" in response.content.decode()
    assert '<option value="4">Version 4</option>' in response.content.decode()
    csv_response = client.get(
        "/admin/insights/productinsight/gone-bike/", {**PERIOD, "format": "csv", "table": "options"}
    )
    assert csv_response.status_code == 200 and "teal" in csv_response.content.decode()


def test_the_visitors_headline_says_it_sums_daily_visitors(merchandiser: Any, figures: None) -> None:
    text = _text(_client(merchandiser).get(PAGE, PERIOD))
    assert "Daily visitors, summed 7" in text
    assert "a visitor who comes back another day counts again" in text


def test_the_version_filter_lists_versions_with_figures_that_left_the_catalog(merchandiser: Any, figures: None) -> None:
    DailyVisits.objects.create(**{**_key(), "version": 7}, visits=5, orders=1)
    client = _client(merchandiser)
    page = client.get(PAGE, PERIOD).content.decode()
    assert '<option value="7">Version 7</option>' in page and '<option value="1">Version 1</option>' in page
    seven = client.get(PAGE, {**PERIOD, "version": "7"})
    assert "Visits 5" in _text(seven) and "catalog version 7." in _text(seven)
    assert "insights-errors" not in seven.content.decode()  # the version was not set aside
