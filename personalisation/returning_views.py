"""A returning shopper's pages: asking for a sign-in link, following it, and "My data".

Every write is a POST; the link in the e-mail opens a page with a button, so a mail
scanner that fetches links never uses a shopper's one-time link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.selectors import version_latest_for
from config.throttling import throttle
from configurator.loading import version_model
from configurator.templatetags.measures import measure
from insights.privacy import tracking_refused
from orders import selectors as order_selectors
from personalisation import profiles, returning, signin
from personalisation.models.returning import ShopperProfile
from personalisation.returning_forms import ProfileDeleteForm, SignInForm


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _my_data_url() -> str:
    return reverse("personalisation:my_data")


@never_cache
@require_http_methods(["GET", "POST"])
@throttle("pages")
@throttle("signin", methods=("POST",))
def signin_request(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link by e-mail; it goes only to an address that has a profile, and says the same either way."""
    form = SignInForm(request.POST if request.method == "POST" else None)
    sent = False
    if form.is_valid():
        address = signin.email_normalise(form.cleaned_data["email"])
        if ShopperProfile.objects.filter(email=address).exists():
            signin.signin_link_request(email=address, language=_language())
        sent = True  # the same answer for every address: the page never tells who has a profile
    return render(request, "personalisation/signin.html", {"form": form, "sent": sent, "minutes": signin.LINK_MINUTES})


@never_cache
@require_http_methods(["GET", "POST"])
@throttle("pages")
@throttle("signin", methods=("POST",))
def signin_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show the sign-in button for a valid link; on POST use the link once and sign in."""
    if request.method == "POST":
        done = signin.signin_link_redeem(token=token)
        if done is not None:
            returning.sign_in(request, done.profile)
            text = _("You are signed in.")
            if done.kept_order:
                text += " " + _("We keep the measurements of your order for next time.")
            messages.success(request, text)
            return HttpResponseRedirect(_my_data_url())
    elif signin.signin_link_check(token) is not None:
        return render(request, "personalisation/signin_confirm.html", {"token": token})
    return render(request, "personalisation/signin_refused.html", {"minutes": signin.LINK_MINUTES}, status=400)


@require_POST
@throttle("signin")
def remember(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """From the order page: e-mail the order's address a link that keeps this order's measurements."""
    order = order_selectors.order_for_shopper(number, key)
    if order is None or order.anonymised_at is not None or not order.configuration.get("parameters"):
        return render(request, "personalisation/signin_refused.html", {"minutes": signin.LINK_MINUTES}, status=404)
    if signin.signin_link_request(email=order.customer_email, language=_language(), order=order) is None:
        messages.warning(request, _("We sent you several links just now: use the newest one, or try again later."))
    else:
        messages.success(request, _("We sent you a link by e-mail: follow it to keep your measurements."))
    return HttpResponseRedirect(order.get_absolute_url())


def _signed_in_or_redirect(request: HttpRequest) -> ShopperProfile | HttpResponse:
    profile = returning.signed_in(request)
    if profile is None:
        messages.info(request, _("Sign in to see the data we keep for you."))
        return HttpResponseRedirect(reverse("personalisation:signin"))
    return profile


@dataclass(frozen=True)
class MeasurementRow:
    name: str
    value: str


@dataclass(frozen=True)
class ProductMeasurements:
    product_name: str
    product_url: str
    taken_at: Any
    order_number: str
    rows: list[MeasurementRow]


def _measurements(profile: ShopperProfile, language: str) -> list[ProductMeasurements]:
    """Name each kept measurement as the current catalog does (the code, for a product no longer offered)."""
    found = []
    for kept in profile.measurements.order_by("product_code"):
        version = version_latest_for(kept.product_code)
        product = version_model(version) if version is not None else None
        rows = []
        for code, value in kept.values.items():
            parameter = product.parameter(code) if product is not None else None
            name = parameter.label(language) if parameter is not None else code
            rows.append(MeasurementRow(name, measure(value, parameter.unit if parameter else "")))
        url = reverse("configurator:configure", args=[kept.product_code]) if product is not None else ""
        name = product.label(language) if product is not None else kept.product_code
        found.append(ProductMeasurements(name, url, kept.taken_at, kept.order_number, rows))
    return found


@never_cache
@require_safe
@throttle("pages")
def my_data(request: HttpRequest) -> HttpResponse:
    """Show everything kept for the signed-in shopper, with download, delete, the switch and sign-out."""
    profile = _signed_in_or_redirect(request)
    if isinstance(profile, HttpResponse):
        return profile
    context = {
        "profile": profile,
        "measurements": _measurements(profile, _language()),
        "configurations": profile.configurations.select_related("configuration__product"),
        "tracking_refused": tracking_refused(request),
    }
    return render(request, "personalisation/my_data.html", context)


@never_cache
@require_safe
@throttle("pages")
def my_data_download(request: HttpRequest) -> HttpResponse:
    """Download everything kept for the signed-in shopper, as JSON."""
    profile = _signed_in_or_redirect(request)
    if isinstance(profile, HttpResponse):
        return profile
    body = json.dumps(profiles.profile_export(profile), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@throttle("pages")
def my_data_delete(request: HttpRequest) -> HttpResponse:
    """Ask for confirmation, then delete the profile and everything it holds, and sign out."""
    profile = _signed_in_or_redirect(request)
    if isinstance(profile, HttpResponse):
        return profile
    form = ProfileDeleteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        profiles.profile_delete(profile=profile)
        returning.sign_out(request)
        messages.success(request, _("Your profile, your measurements and your saved configurations are deleted."))
        return HttpResponseRedirect(reverse("personalisation:signin"))
    return render(request, "personalisation/my_data_delete.html", {"profile": profile, "form": form})


@require_POST
@throttle("pages")
def my_data_personalise(request: HttpRequest) -> HttpResponse:
    """Switch personalisation on or off (`on` = "1" or "0")."""
    profile = _signed_in_or_redirect(request)
    if isinstance(profile, HttpResponse):
        return profile
    on = request.POST.get("on") == "1"
    profiles.profile_personalise_set(profile=profile, on=on)
    if on:
        messages.success(request, _("Personalisation is on: your measurements open with your products."))
    else:
        messages.success(request, _("Personalisation is off: nothing is prefilled or suggested from your history."))
    return HttpResponseRedirect(_my_data_url())


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign the shopper out; their data stays kept for their next sign-in."""
    returning.sign_out(request)
    messages.success(request, _("You are signed out."))
    return HttpResponseRedirect(reverse("personalisation:signin"))
