"""The shopper's forms: who the order is for (guest checkout), and erasing an order's personal data."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from configurator.money import format_money

#: The largest total worth repeating back: anything larger was not on any page of ours.
_MONEY_LIMIT = Decimal("1e12")


def _money_or_none(text: str) -> Decimal | None:
    """Return `text` as an amount of money to 2 places, or None when it cannot be one.

    The value comes back from a hidden field, so it may be forged: NaN, infinity or 1e1000 would
    make formatting raise, and only an amount the page could have shown (in cents) is worth repeating.
    """
    try:
        value = Decimal(text)
        # A total is never negative; "-0" would read "-€0.00".
        if not value.is_finite() or value.is_signed() or value >= _MONEY_LIMIT:
            return None
        cents = value.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return cents if cents == value else None


class CheckoutForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(
        label=_("Delivery address"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        help_text=_("Street and number, postcode, city, country."),
    )
    notes = forms.CharField(
        label=_("Notes for the workshop"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    remember = forms.BooleanField(
        label=_("Remember my measurements for next time"),
        required=False,
        help_text=_(
            "We e-mail you a sign-in link; following it keeps this order's measurements for your next visit. "
            "Without it, nothing is remembered."
        ),
    )
    # One key per checkout page: a double click or a resubmitted form places one order.
    idempotency = forms.UUIDField(widget=forms.HiddenInput)
    # What the page showed: an order is placed only at the catalog version and total the shopper saw.
    # Compared as text, so a missing or altered value is simply "not what is on offer now".
    quoted_version = forms.CharField(widget=forms.HiddenInput, required=False)
    quoted_total = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, measured: bool = True, **kwargs: Any) -> None:
        """`measured` False: the product takes no measurements, so there are none to remember."""
        super().__init__(*args, **kwargs)
        if not measured:
            del self.fields["remember"]

    def requote(self, quote: dict[str, str], *, currency: str) -> bool:
        """Return True (and show the current quote) when the page showed another version or total.

        The message states the total the page showed and the one on offer now, when they differ.
        """
        if all(self.cleaned_data.get(key) == value for key, value in quote.items()):
            return False
        then = _money_or_none(self.cleaned_data.get("quoted_total") or "")
        now = Decimal(quote["quoted_total"])
        if then is not None and then != now:
            message = _(
                "The catalog changed while you were ordering: the total is now %(now)s instead of %(then)s. "
                "Please check your order and place it again."
            ) % {"now": format_money(now, currency), "then": format_money(then, currency)}
        else:
            message = str(_("The catalog changed while you were ordering: please check your order and place it again."))
        self.add_error(None, message)
        self.data_replace(quote)
        return True

    def data_replace(self, values: Mapping[str, str]) -> None:
        """Re-render the form with `values` in place of what was sent (its hidden fields)."""
        data = QueryDict(mutable=True)
        for key in self.data:
            data.setlist(key, self.data.getlist(key) if isinstance(self.data, QueryDict) else [self.data[key]])
        for key, value in values.items():
            data[key] = value
        self.data = data

    def clean(self) -> dict[str, Any] | None:
        """Turn an error of a hidden field, which the shopper cannot see or correct, into one they can act on.

        The page gets a fresh idempotency key, so sending the form again places the order.
        """
        cleaned = super().clean()
        hidden = [name for name, field in self.fields.items() if field.widget.is_hidden and name in self.errors]
        if hidden:
            for name in hidden:
                del self.errors[name]
            self.add_error(
                None, _("This form was altered or is out of date: please check your details and send it again.")
            )
            self.data_replace({"idempotency": str(uuid.uuid4())})
        return cleaned

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_address(self) -> str:
        address: str = self.cleaned_data["address"].strip()
        if len(address) < 10:
            raise forms.ValidationError(_("Please enter a full delivery address."))
        return address


class OrderEraseForm(forms.Form):
    """The confirmation of "Erase my personal data" on the order page."""

    confirm = forms.BooleanField(
        label=_("I understand that my name, e-mail, address, notes, texts and picture are erased for good."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
