"""What the shopper's configurator stores: saved, shareable configurations."""

from __future__ import annotations

import hashlib
import json
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogVersion, Product

#: Crockford's base32 without the look-alikes I, L, O and U: codes are read aloud and typed.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 16 symbols of 32 = 80 bits: at the share throttle's rate (60 an hour), even a million
#: saved codes leave an expected guessing time of over 10^12 years per address. Codes
#: saved before were 8 symbols (40 bits) and keep opening; both lengths fit the column.
CODE_LENGTH = 16


def new_code() -> str:
    """Return a random configuration code (80 bits: guessing one is hopeless)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """Return `raw` as a stored code would be: upper case, no dashes or spaces, look-alikes mapped."""
    table = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})
    return raw.upper().translate(table)


def _number(value: Any) -> str:
    """Return a measurement as one spelling per number ("40.50" and "40.5" alike)."""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except InvalidOperation:
        return str(value)


def configuration_fingerprint(version_id: int, data: dict[str, Any]) -> str:
    """Return the hash that makes one configuration on one catalog version one saved code.

    `data` is the request shape (DESIGN §4). Unset groups and empty texts count as absent,
    an option set is unordered, and a number has one spelling, so two saves of what the
    shopper sees as the same configuration hash alike.
    """
    selections = {}
    for group, value in (data.get("selections") or {}).items():
        options = sorted(value) if isinstance(value, list) else [value] if value else []
        if options:
            selections[group] = options
    canonical = {
        "version": version_id,
        "selections": selections,
        "parameters": {code: _number(v) for code, v in (data.get("parameters") or {}).items() if v not in (None, "")},
        "texts": {code: text for code, text in (data.get("texts") or {}).items() if text},
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class SavedConfiguration(models.Model):
    """A configuration a shopper saved to come back to or share, as it was on one catalog version."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, default=new_code)
    #: The catalog version and the canonical configuration, hashed (`configuration_fingerprint`):
    #: saving the same configuration again returns this row's code. Empty on rows saved before it existed.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True, null=True, blank=True, editable=False)
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        CatalogVersion, verbose_name=_("catalog version"), on_delete=models.PROTECT, related_name="+"
    )
    #: The request shape of DESIGN §4: {"selections": …, "parameters": …, "texts": …}.
    data = models.JSONField(_("configuration"))
    total = models.DecimalField(_("price when saved"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("saved configuration")
        verbose_name_plural = _("saved configurations")

    def __str__(self) -> str:
        return self.display_code

    def get_absolute_url(self) -> str:
        return reverse("configurator:saved", args=[self.code])

    @property
    def display_code(self) -> str:
        """The code as shown to people: groups of four (four groups, or two for an old code)."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
