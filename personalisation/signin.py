"""Sign-in by e-mailed link, no password: asking for a link, sending it, following it.

`signin_link_request` writes one `SignInLink` row in the caller's transaction and enqueues
its sending task after commit. `signin_link_send` claims the row by compare-and-set, makes a
fresh random token, stores only its SHA-256 and e-mails the link: the token exists nowhere
but in that e-mail. `signin_link_redeem` accepts a token once, within `LINK_LIFETIME` of its
sending, by an atomic update on its hash (two clicks at once sign in once).

Each address gets at most `LINKS_PER_ADDRESS` links per `LINK_LIFETIME`, whoever asks and from
wherever: the per-client throttle (scope "signin") cannot protect an inbox from many clients.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.models import Order
from personalisation.models.returning import ShopperProfile, SignInLink
from personalisation.profiles import measurements_remember_order

#: How long a sent link signs in.
LINK_MINUTES = 30
LINK_LIFETIME = datetime.timedelta(minutes=LINK_MINUTES)
#: Links one address may be sent per LINK_LIFETIME.
LINKS_PER_ADDRESS = 3
#: How long a sending task holds its row (longer than an SMTP conversation takes).
CLAIM_SECONDS = 120
#: Rows older than this are deleted when a new link is asked for: they can no longer sign in.
KEEP_ROWS = datetime.timedelta(days=1)


def email_normalise(email: str) -> str:
    """Return an e-mail address as profiles are keyed: trimmed, in lower case."""
    return email.strip().lower()


def token_hash(token: str) -> str:
    """Return the SHA-256 (hex) a token is stored as."""
    return hashlib.sha256(token.encode()).hexdigest()


def signin_link_request(*, email: str, language: str, order: Order | None = None) -> SignInLink | None:
    """Record a link for `email` and send it after commit; None when the address had its share of links.

    With `order`, following the link keeps that order's measurements (and creates the profile);
    without, the link signs in to an existing profile only (the caller checks it exists).
    """
    address = email_normalise(email)
    now = timezone.now()
    with transaction.atomic():
        signin_links_expire()
        recent = SignInLink.objects.filter(email=address, created_at__gte=now - LINK_LIFETIME).count()
        if recent >= LINKS_PER_ADDRESS:
            return None
        link = SignInLink.objects.create(email=address, order=order, language=language)
        transaction.on_commit(partial(_enqueue, link.pk), robust=True)
    return link


def signin_links_expire() -> int:
    """Delete the links that can no longer sign in (older than `KEEP_ROWS`); return how many."""
    deleted, _kinds = SignInLink.objects.filter(created_at__lt=timezone.now() - KEEP_ROWS).delete()
    return deleted


def _enqueue(link_id: int) -> None:
    from personalisation import tasks

    tasks.signin_link_send.delay(link_id)


def _claim(link_id: int) -> bool:
    now = timezone.now()
    return bool(
        SignInLink.objects.filter(pk=link_id, sent_at__isnull=True, used_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS))
    )


def signin_link_send(*, link_id: int) -> str:
    """Send one sign-in link unless it was sent or is being sent; return what happened.

    Raise the mail backend's error (after recording it) so the task retries with a new token.
    """
    if not _claim(link_id):
        return "skipped"
    link = SignInLink.objects.get(pk=link_id)
    token = secrets.token_urlsafe(32)
    try:
        signin_message(link, token).send()
    except Exception as error:
        SignInLink.objects.filter(pk=link_id).update(
            attempts=link.attempts + 1, last_error=type(error).__name__, claimed_until=None
        )
        raise
    SignInLink.objects.filter(pk=link_id).update(
        token_hash=token_hash(token), attempts=link.attempts + 1, last_error="", sent_at=timezone.now()
    )
    return "sent"


def signin_url(token: str, language: str) -> str:
    """Return the absolute address of the sign-in page for `token`, in `language`."""
    with translation.override(language):
        path = reverse("personalisation:signin_confirm", args=[token])
    return settings.SITE_URL.rstrip("/") + path


def signin_message(link: SignInLink, token: str) -> EmailMultiAlternatives:
    """Return the e-mail that carries `token`, in the link's language: plain text with an HTML alternative."""
    with translation.override(link.language):
        context = {
            "link": signin_url(token, link.language),
            "minutes": LINK_MINUTES,
            "remember": link.order_id is not None,
        }
        message = EmailMultiAlternatives(
            subject=_("Your sign-in link"),
            body=render_to_string("personalisation/email/signin.txt", context),
            to=[link.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(render_to_string("personalisation/email/signin.html", context), "text/html")
    return message


@dataclass(frozen=True)
class SignIn:
    """A link followed: the profile it signs in to, and whether it kept an order's measurements."""

    profile: ShopperProfile
    kept_order: bool


def signin_link_check(token: str) -> SignInLink | None:
    """Return the unused, unexpired link `token` opens, or None (wrong, forged, used or expired)."""
    if not token or len(token) > 100:
        return None
    now = timezone.now()
    return SignInLink.objects.filter(
        token_hash=token_hash(token), used_at__isnull=True, sent_at__gt=now - LINK_LIFETIME
    ).first()


@transaction.atomic
def signin_link_redeem(*, token: str) -> SignIn | None:
    """Use the link `token` opens, once: sign in to its profile (made for a "remember" link); None if refused.

    A link without an order signs in only to a profile that still exists (deleted since: refused).
    """
    link = signin_link_check(token)
    if link is None:
        return None
    now = timezone.now()
    # Compare-and-set: of two clicks at once, one uses the link.
    if not SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        return None
    if link.order is None:
        profile = ShopperProfile.objects.filter(email=link.email).first()
        if profile is None:
            return None
    else:
        profile, _created = ShopperProfile.objects.get_or_create(email=link.email)
    profile.signed_in_at = now
    profile.save(update_fields=["signed_in_at"])
    kept = link.order is not None and measurements_remember_order(profile=profile, order=link.order)
    return SignIn(profile=profile, kept_order=kept)
