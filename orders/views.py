"""Shopper pages: the checkout, the order page with its data download and erasure, and the privacy notice."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_for
from config import media
from config.throttling import throttle, throttle_wait
from configurator import preview
from configurator.engine.model import Product
from configurator.engine.selection import Selection, data_from_pairs
from configurator.loading import version_model, version_serving
from insights import tracking
from insights.models import Event
from orders import selectors, services
from orders.forms import CheckoutForm, OrderEraseForm
from orders.models import Order
from personalisation import returning

if TYPE_CHECKING:
    from configurator.engine.model import Product


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _pairs(request: HttpRequest) -> list[tuple[str, str]]:
    return [(key, value) for key, values in request.GET.lists() for value in values]


def _configurator_url(code: str, pairs: list[tuple[str, str]], keep: tuple[str, ...] = ()) -> str:
    """Return the configurator page of `code` with the same pairs and page state `keep`, in the active language."""
    query = urlencode([(k, v) for k, v in pairs if not k.startswith("_") or k in keep])
    return reverse("configurator:product_list") + f"p/{code}/" + (f"?{query}" if query else "")


def _unconfirmed_estimates(product: Product, pairs: list[tuple[str, str]], language: str) -> str:
    """Name the measurements the page state still marks as estimates (`_estimated`), or ""."""
    codes = [code for key, value in pairs if key == "_estimated" for code in value.split(",") if code.strip()]
    names = [p.label(language) for p in product.parameters if p.code in codes]
    return ", ".join(names or codes)


@throttle("pages")
@throttle("orders", methods=("POST",))
def checkout(request: HttpRequest, code: str) -> HttpResponse:
    """Show what is ordered and the customer form; on a valid POST place the order and redirect to it."""
    latest = version_latest_for(code)
    if latest is None or not latest.product.active:
        raise Http404(_("There is no such product."))
    # The version whose session is ready, as on the configurator page: a version published a moment
    # ago compiles in the background, never in this request. The quote names the version it was
    # made on, so an order is placed only on the version the page showed (`requote`).
    version = version_serving(latest)
    language = _language()
    pairs = _pairs(request)
    product = version_model(version)
    data = data_from_pairs(product, pairs)
    context: dict[str, Any] = {
        "product": product,
        "product_name": product.label(language),
        "back_url": _configurator_url(code, pairs),
    }
    unconfirmed = _estimates_page(request, product, pairs, context)
    if unconfirmed is not None:
        return unconfirmed
    selection = _checked(request, version, data, pairs, context)
    if isinstance(selection, HttpResponse):
        return selection
    quote = selectors.checkout_quote(version, selection, language)
    quoted = {"quoted_version": str(version.number), "quoted_total": quote["price"]["total"]}
    context["picture"] = _picture(request, product, selection)
    visit = _checkout_visit(request, product, version.number, context)
    if request.method == "POST":
        form = CheckoutForm(request.POST, measured=bool(product.parameters))
        # A catalog republished since the page was shown: never charge what the shopper did not see.
        if form.is_valid() and not form.requote(quoted, currency=quote["price"]["currency"]):
            customer = services.Customer(
                name=form.cleaned_data["name"], email=form.cleaned_data["email"], address=form.cleaned_data["address"]
            )
            try:
                placement = services.order_place(
                    version=version,
                    data=data,
                    customer=customer,
                    language=language,
                    notes=form.cleaned_data["notes"],
                    idempotency_key=f"web:{form.cleaned_data['idempotency']}",
                    fingerprint=services.request_fingerprint({"pairs": pairs, "customer": customer}),
                )
            except services.IdempotencyConflict:
                form.add_error(None, _("This form was already used for another order: please check and send again."))
                form.data_replace({"idempotency": str(uuid.uuid4())})
            except services.ConfigurationRejected as error:
                problems = [v["message"] for v in error.violations]
                return render(request, "orders/checkout_invalid.html", {**context, "problems": problems}, status=400)
            else:
                if placement.created:
                    tracking.checkout_reached(visit, Event.Kind.ORDER, selection, placement.order.total)
                    _remember(request, placement.order, form)
                messages.success(request, _("Thank you: your order is placed."))
                return HttpResponseRedirect(placement.order.get_absolute_url())
    else:
        form = CheckoutForm(initial={"idempotency": uuid.uuid4(), **quoted}, measured=bool(product.parameters))
        tracking.checkout_reached(visit, Event.Kind.CHECKOUT, selection, Decimal(quote["price"]["total"]))
    return render(request, "orders/checkout.html", {**context, **quote, "form": form})


def _remember(request: HttpRequest, order: Order, form: CheckoutForm) -> None:
    """Keep the order's measurements for a returning shopper, or mail the link the shopper asked for."""
    if returning.order_placed(request, order, remember=form.cleaned_data.get("remember", False)):
        messages.info(request, _("We sent you a link by e-mail: follow it to keep your measurements."))


def _estimates_page(
    request: HttpRequest, product: Product, pairs: list[tuple[str, str]], context: dict[str, Any]
) -> HttpResponse | None:
    """Return the page that sends the shopper back to check the measurements still estimated, or None."""
    estimates = _unconfirmed_estimates(product, pairs, _language())
    if not estimates:
        return None
    # Values filled in from a standard size are the shop's guess, not the shopper's body.
    problem = _("Some measurements are still estimates from a standard size: check %(names)s, then order.")
    context["back_url"] = _configurator_url(product.code, pairs, keep=("_estimated", "_size"))
    context["problems"] = [problem % {"names": estimates}]
    return render(request, "orders/checkout_invalid.html", context, status=400)


def _checkout_visit(
    request: HttpRequest, product: Product, version: int, context: dict[str, Any]
) -> tracking.Visit | None:
    """Return the visit the checkout belongs to, and put it in the form's `context` (Insights).

    The form keeps the visit, so the order joins it (a checkout opened without one starts its own).
    """
    visit = tracking.visit_for(request, product, version)
    context["visit"] = visit.id if visit is not None else ""
    return visit


def _checked(
    request: HttpRequest,
    version: CatalogVersion,
    data: dict[str, Any],
    pairs: list[tuple[str, str]],
    context: dict[str, Any],
) -> Selection | HttpResponse:
    """Return the selection the checkout's address carries, or the page that says what is wrong with it."""
    product: Product = context["product"]
    language = _language()
    try:
        return services.order_check(version=version, data=data, language=language)
    except services.SelectionError as error:
        # The address was altered or damaged: name each field in words, and go back without its value.
        bad = {field.rsplit(".", 1)[-1]: "; ".join(texts) for field, texts in error.errors.items()}
        problems = [_field_problem(product, field, detail, language) for field, detail in sorted(bad.items())]
        back = _configurator_url(product.code, [(k, v) for k, v in pairs if k not in bad])
        context = {**context, "back_url": back}
    except services.ConfigurationRejected as error:
        problems = [v["message"] for v in error.violations]
    return render(request, "orders/checkout_invalid.html", {**context, "problems": problems}, status=400)


def _field_problem(product: Product, field: str, detail: str, language: str) -> str:
    """Say that a field of the checkout's address is wrong, named as the shopper knows it (not by its code).

    A value's `detail` (what is wrong with it, from the engine) is kept; a group's names only codes.
    """
    thing = product.group(field) or product.parameter(field) or product.text(field)
    if thing is None:
        return _("The link asks for something this product does not have (it may be damaged). Choose again.")
    name = thing.label(language)
    if product.group(field) is not None:
        return _("%(name)s: this choice is not one we offer (the link may be damaged). Choose again.") % {"name": name}
    text = _("%(name)s: this value cannot be read (%(detail)s; the link may be damaged). Enter it again.")
    return text % {"name": name, "detail": detail}


def _picture(request: HttpRequest, product: Product, selection: Selection) -> preview.PreviewUrls | None:
    """Return the addresses of the configuration's picture, or None when storing a new look is throttled."""
    recipe = preview.preview_recipe(product, selection)
    if not preview.recipe_stored(recipe) and throttle_wait(request, "preview_recipe") is not None:
        return None  # the checkout works without its picture
    return preview.preview_urls(recipe)


def _order_or_404(number: str, key: str) -> Order:
    order = selectors.order_for_shopper(number, key)
    if order is None:
        raise Http404(_("There is no such order, or the link is incomplete."))
    return order


def _order_context(order: Order) -> dict[str, Any]:
    return {
        "order": order,
        "events": selectors.order_events(order),
        "summary": order.summary,
        "can_erase": services.shopper_can_erase(order),
        "poll_seconds": selectors.order_poll_seconds(order),
    }


@never_cache  # personal data at a secret address: no browser or proxy keeps a copy
@require_safe
@throttle("pages")
def order_detail(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """Show an order to whoever holds its secret link: what was ordered, its status and history."""
    order = _order_or_404(number, key)
    return render(request, "orders/order_detail.html", _order_context(order))


@require_safe
@throttle("preview")
def order_picture(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """Serve the order's picture to whoever holds its secret link (from the media store, any server)."""
    order = _order_or_404(number, key)
    name = order.preview_image.name if order.preview_image else None
    if not name:
        raise Http404(_("This order has no picture."))
    return media.stored_file_response(request, order.preview_image.storage, name, media.PRIVATE)


@never_cache
@require_safe
@throttle("pages")
def order_status(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """Answer the order page's poll: 204 while the status is still `?since=`, else its new status and history.

    The fragment stops the polling once the order is final (shipped, rejected or erased).
    """
    order = _order_or_404(number, key)
    if request.GET.get("since") == order.status and selectors.order_is_moving(order):
        return HttpResponse(status=204)
    return render(request, "orders/order_detail.html#progress", {**_order_context(order), "oob": True})


@never_cache
@require_safe
@throttle("pages")
def order_data(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """Download what the shop holds about this order, as JSON.

    The secret link proves access to this one order, not to every order of its e-mail
    address: the download holds this order only.
    """
    order = _order_or_404(number, key)
    body = json.dumps(services.order_data_export(order=order), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="order-{order.number}.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@throttle("pages")
def order_erase(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """Ask for confirmation, then erase this order's personal data; the order page then says what was kept."""
    order = _order_or_404(number, key)
    if not services.shopper_can_erase(order):
        # Already erased, or still being made (the shop needs the address to deliver it): the page explains.
        return HttpResponseRedirect(order.get_absolute_url())
    form = OrderEraseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.order_anonymise(order=order, actor="shopper")
        messages.success(request, _("Your personal data on this order was erased."))
        return HttpResponseRedirect(order.get_absolute_url())
    context = {"order": order, "summary": order.summary, "form": form, "contact_email": settings.SHOP_CONTACT_EMAIL}
    return render(request, "orders/order_erase.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: what is kept, why, for how long, who receives it, and how to get it or erase it."""
    return render(
        request,
        "privacy.html",
        {
            "retention_days": settings.ORDERS_PERSONAL_DATA_RETENTION_DAYS,
            "insights_enabled": settings.INSIGHTS_ENABLED,
            "insights_events_days": settings.INSIGHTS_EVENTS_DAYS,
            "insights_rollups_days": settings.INSIGHTS_ROLLUPS_DAYS,
            "contact_email": settings.SHOP_CONTACT_EMAIL,
            "my_data_url": reverse("personalisation:my_data"),
            **selectors.privacy_processors(),
        },
    )
