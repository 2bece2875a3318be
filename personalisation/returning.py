"""The returning shopper on the shop's pages: who is signed in, and their measurements on the configurator.

A signed-in shopper is a key in the session (`SESSION_KEY`), never a Django user. The
configurator asks this module for two things: `measurements_prefill` on arrival fills the
measurements the address does not give from the shopper's own (only values the current
catalog version accepts), and `measurements_view` marks each field whose value is still
theirs ("your measurement from 12 Nov"). Theirs are not estimates: they need no checking
before ordering, and "Finish for me" still never fills a measurement in.

Nothing is prefilled when the shopper switched personalisation off or the browser sends
Do-Not-Track or Global Privacy Control (`history_off`).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest

from configurator.engine.model import Product
from configurator.forms import PageInput, read_page_input
from configurator.models import SavedConfiguration
from insights.privacy import tracking_refused
from orders.models import Order
from personalisation import profiles
from personalisation.models.returning import ShopperMeasurements, ShopperProfile
from personalisation.signin import signin_link_request

SESSION_KEY = "personalisation.profile"
_CACHED = "_personalisation_profile"


@dataclass(frozen=True)
class TheirMeasurement:
    """A measurement field whose value is the signed-in shopper's own."""

    code: str
    taken_at: datetime.datetime


@dataclass(frozen=True)
class ReturningView:
    """What the configurator shows of a returning shopper's data: the fields that hold theirs."""

    measurements: tuple[TheirMeasurement, ...]


def signed_in(request: HttpRequest) -> ShopperProfile | None:
    """Return the profile the session is signed in to, or None (once per request)."""
    if hasattr(request, _CACHED):
        return getattr(request, _CACHED)  # type: ignore[no-any-return]
    session = getattr(request, "session", None)
    pk = session.get(SESSION_KEY) if session is not None else None
    profile = ShopperProfile.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    setattr(request, _CACHED, profile)
    return profile


def sign_in(request: HttpRequest, profile: ShopperProfile) -> None:
    """Sign the session in to `profile`, under a new session key (no fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = profile.pk
    setattr(request, _CACHED, profile)


def sign_out(request: HttpRequest) -> None:
    """Sign the session out of its profile (a staff member's own sign-in stays)."""
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    setattr(request, _CACHED, None)


def history_off(request: HttpRequest) -> bool:
    """Say whether nothing may be prefilled or suggested from history: DNT/GPC, or switched off by the shopper."""
    if tracking_refused(request):
        return True
    profile = signed_in(request)
    return profile is not None and not profile.personalise


def _personalising(request: HttpRequest) -> ShopperProfile | None:
    profile = signed_in(request)
    return profile if profile is not None and not history_off(request) else None


def _stored(profile: ShopperProfile, product: Product) -> ShopperMeasurements | None:
    return ShopperMeasurements.objects.filter(profile=profile, product_code=product.code).first()


def measurements_prefill(request: HttpRequest, product: Product, page: PageInput) -> PageInput:
    """Fill the measurements `page` does not give from the signed-in shopper's own, where still valid.

    A value the current catalog version no longer accepts (a range narrowed, a field gone) is
    left out: the shopper types it, as anyone would.
    """
    profile = _personalising(request) if product.parameters else None
    stored = _stored(profile, product) if profile is not None else None
    if stored is None:
        return page
    given = page.selection.parameters.keys() | page.rejected.keys() | set(page.estimates.fields)
    pairs = [(code, str(value)) for code, value in stored.values.items() if code not in given]
    valid = read_page_input(product, pairs).selection.parameters
    if not valid:
        return page
    selection = dataclasses.replace(page.selection, parameters={**page.selection.parameters, **valid})
    return dataclasses.replace(page, selection=selection)


def _same(stored: object, value: Decimal) -> bool:
    try:
        return Decimal(str(stored)) == value
    except InvalidOperation:
        return False


def measurements_view(
    request: HttpRequest, product: Product, parameters: Mapping[str, Decimal]
) -> ReturningView | None:
    """Return the fields of `parameters` that still hold the signed-in shopper's own values, or None."""
    if not product.parameters or not parameters:
        return None
    profile = _personalising(request)
    stored = _stored(profile, product) if profile is not None else None
    if stored is None:
        return None
    theirs = tuple(
        TheirMeasurement(code, stored.taken_at)
        for code, value in parameters.items()
        if code in stored.values and _same(stored.values[code], value)
    )
    return ReturningView(theirs) if theirs else None


def order_placed(request: HttpRequest, order: Order, *, remember: bool) -> bool:
    """Keep the order's measurements for a signed-in shopper, or e-mail a "remember" link; True if a link went.

    Signed in with personalisation on, the order's measurements replace their earlier ones
    for the product; otherwise, only when the shopper ticked "remember my measurements".
    """
    profile = _personalising(request)
    if profile is not None:
        profiles.measurements_remember_order(profile=profile, order=order)
        return False
    if remember:
        return signin_link_request(email=order.customer_email, language=order.language, order=order) is not None
    return False


def configuration_saved(request: HttpRequest, saved: SavedConfiguration) -> None:
    """Add a configuration the shopper saved to their profile, when signed in with personalisation on."""
    profile = _personalising(request)
    if profile is not None:
        profiles.configuration_remember(profile=profile, saved=saved)
