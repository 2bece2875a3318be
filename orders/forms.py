"""The checkout form: who the order is for (guest checkout)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CheckoutForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    address = forms.CharField(
        label=_("Delivery address"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Street and number, postcode, city, country."),
    )
    notes = forms.CharField(
        label=_("Notes for the workshop"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # One key per checkout page: a double click or a resubmitted form places one order.
    idempotency = forms.UUIDField(widget=forms.HiddenInput)
    # What the page showed: an order is placed only at the catalog version and total the shopper saw.
    quoted_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quoted_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=14, decimal_places=2)

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
