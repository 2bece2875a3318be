"""Reading the Insights page's filters: catalog version, period, traffic and the demand's order count.

A hand-edited address must never break the page: each bad value gets a message naming its
field and falls back to its default, so the merchandiser still sees figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insights.figures import Filters, Traffic
from insights.figures.filtering import DEFAULT_DAYS

#: "For the next N orders" when the merchandiser did not say how many.
DEFAULT_ORDERS = 100
MAX_ORDERS = 1_000_000
TRAFFIC: list[tuple[str, Any]] = [
    ("real", _("Real shoppers")),
    ("simulated", _("Simulated shoppers")),
    ("all", _("All")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class FiltersForm(forms.Form):
    version = forms.TypedChoiceField(
        label=_("Catalog version"), required=False, coerce=int, empty_value=None, choices=[]
    )
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    traffic = forms.ChoiceField(label=_("Traffic"), required=False, choices=TRAFFIC)
    orders = forms.IntegerField(
        label=_("Next orders"), required=False, min_value=1, max_value=MAX_ORDERS, widget=forms.NumberInput()
    )

    def __init__(self, data: QueryDict | dict[str, Any], *, versions: list[int]) -> None:
        super().__init__(data)
        field = self.fields["version"]
        assert isinstance(field, forms.TypedChoiceField)
        numbered = ((str(n), _("Version %(number)d") % {"number": n}) for n in versions)
        field.choices = [("", _("All versions")), *numbered]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period must not be before its start."))
        return cleaned


@dataclass(frozen=True)
class Query:
    """What the page was asked for, every bad value replaced by its default."""

    filters: Filters
    orders: int
    #: Whether the address named the traffic (else "real", or all traffic when there is no real visit).
    traffic_chosen: bool
    #: "Field: message" for each value set aside.
    errors: list[str]


def read_query(data: QueryDict, *, product: str, versions: list[int], today: date | None = None) -> Query:
    """Read the filters of the page's address; never raises on bad input."""
    form = FiltersForm(data, versions=versions)
    form.is_valid()
    cleaned = form.cleaned_data
    today = today or timezone.localdate()
    until = cleaned.get("until") or today
    since = cleaned.get("since") or _days_before(until, DEFAULT_DAYS - 1)
    if since > until:  # only the start was given, after the default end
        until = since
    traffic: Traffic = cleaned.get("traffic") or "real"
    errors = [f"{_label(form, name)}: {' '.join(str(m) for m in messages)}" for name, messages in form.errors.items()]
    return Query(
        filters=Filters(product=product, version=cleaned.get("version"), since=since, until=until, traffic=traffic),
        orders=cleaned.get("orders") or DEFAULT_ORDERS,
        traffic_chosen=bool(cleaned.get("traffic")),
        errors=errors,
    )


def _days_before(day: date, days: int) -> date:
    """Return the day `days` before `day`, or the first day there is (an end typed as year 1)."""
    return day - timedelta(days=days) if day - date.min > timedelta(days=days) else date.min


def _label(form: FiltersForm, name: str) -> str:
    field = form.fields.get(name)
    return str(field.label) if field is not None else str(_("Filters"))


def filters_form(query: Query, *, versions: list[int]) -> FiltersForm:
    """Return the form as the page shows it: the filters in effect, after defaults and fallbacks."""
    f = query.filters
    data = {
        "version": "" if f.version is None else str(f.version),
        "since": f.since.isoformat(),
        "until": f.until.isoformat(),
        "traffic": f.traffic,
        "orders": str(query.orders),
    }
    form = FiltersForm(data, versions=versions)
    form.is_valid()
    return form
