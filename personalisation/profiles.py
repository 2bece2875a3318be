"""A returning shopper's profile: what it keeps, and the writes on it (remember, export, delete, switch).

Measurements are kept per product as the configurator's address carries them (code -> text),
from an order the shopper asked to remember, or from later orders while they are signed in
with personalisation on. Nothing here reads the request: returning.py does that.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count

from configurator.models import SavedConfiguration
from orders.models import Order
from personalisation.models.returning import ShopperConfiguration, ShopperMeasurements, ShopperProfile, SignInLink


def measurements_remember_order(*, profile: ShopperProfile, order: Order) -> bool:
    """Keep the measurements of `order` as the profile's for its product; False when it has none."""
    raw = order.configuration.get("parameters") or {}
    values = {str(code): str(value) for code, value in raw.items() if value not in (None, "")}
    if not values:
        return False
    ShopperMeasurements.objects.update_or_create(
        profile=profile,
        product_code=order.product_code,
        defaults={"values": values, "taken_at": order.placed_at, "order_number": order.number},
    )
    return True


def configuration_remember(*, profile: ShopperProfile, saved: SavedConfiguration) -> None:
    """Add a saved configuration to the profile's list (once)."""
    ShopperConfiguration.objects.get_or_create(profile=profile, configuration=saved)


def profile_personalise_set(*, profile: ShopperProfile, on: bool) -> None:
    """Switch personalisation on or off for the profile."""
    profile.personalise = on
    profile.save(update_fields=["personalise"])


@transaction.atomic
def profile_delete(*, profile: ShopperProfile) -> None:
    """Delete the profile, its measurements, its sign-in links and the configurations it saved.

    A saved configuration is one row per configuration (configurator.services.saving), so
    one that another profile also saved stays for that profile; the others are deleted and
    their share links stop working.
    """
    ids = list(profile.configurations.values_list("configuration_id", flat=True))
    shared = set(
        ShopperConfiguration.objects.filter(configuration_id__in=ids)
        .values("configuration_id")
        .annotate(holders=Count("profile_id"))
        .filter(holders__gt=1)
        .values_list("configuration_id", flat=True)
    )
    SignInLink.objects.filter(email=profile.email).delete()
    profile.delete()
    SavedConfiguration.objects.filter(pk__in=[pk for pk in ids if pk not in shared]).delete()


def profile_export(profile: ShopperProfile) -> dict[str, Any]:
    """Return everything kept about the profile, as JSON-ready data."""
    return {
        **_profile_part(profile),
        "sign_in_links": _links_export(SignInLink.objects.filter(email=profile.email)),
    }


def _links_export(links: Any) -> list[dict[str, Any]]:
    return [
        {
            "requested_at": link.created_at.isoformat(),
            "sent_at": link.sent_at.isoformat() if link.sent_at else None,
            "used_at": link.used_at.isoformat() if link.used_at else None,
            "order": link.order.number if link.order else None,
        }
        for link in links.select_related("order").order_by("created_at", "id")
    ]


def shopper_data_export(email: str) -> dict[str, Any] | None:
    """Return the profile and sign-in links kept for `email` (any letter case); None when there are none.

    Registered with orders' `shopper_export` (personalisation.apps), so `manage.py shopper_data export` holds it.
    """
    profile = ShopperProfile.objects.filter(email__iexact=email.strip()).first()
    if profile is not None:
        return profile_export(profile)
    # A link asked for but not (yet) followed: no profile, but the address is kept until the link expires.
    links = _links_export(SignInLink.objects.filter(email__iexact=email.strip()))
    return {"profile": None, "measurements": [], "saved_configurations": [], "sign_in_links": links} if links else None


@transaction.atomic
def shopper_data_erase(email: str) -> int:
    """Delete the profile kept for `email` (any letter case) and its sign-in links; return how many rows went."""
    links = SignInLink.objects.filter(email__iexact=email.strip())
    deleted = links.count()
    for profile in ShopperProfile.objects.filter(email__iexact=email.strip()):
        deleted += 1 + profile.measurements.count() + profile.configurations.count()
        profile_delete(profile=profile)
    links.delete()  # a link for an address with no profile (not followed yet)
    return deleted


def _profile_part(profile: ShopperProfile) -> dict[str, Any]:
    return {
        "profile": {
            "email": profile.email,
            "created_at": profile.created_at.isoformat(),
            "signed_in_at": profile.signed_in_at.isoformat() if profile.signed_in_at else None,
            "personalisation": profile.personalise,
        },
        "measurements": [
            {
                "product": m.product_code,
                "values": m.values,
                "taken_at": m.taken_at.isoformat(),
                "order": m.order_number,
            }
            for m in profile.measurements.order_by("product_code")
        ],
        "saved_configurations": [
            {
                "code": link.configuration.display_code,
                "product": link.configuration.product.code,
                "configuration": link.configuration.data,
                "saved_at": link.saved_at.isoformat(),
            }
            for link in profile.configurations.select_related("configuration__product")
        ],
    }
