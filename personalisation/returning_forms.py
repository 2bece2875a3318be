"""The returning shopper's forms: asking for a sign-in link, and confirming the deletion of their data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileDeleteForm(forms.Form):
    """The confirmation of "Delete all my data" on the "My data" page."""

    confirm = forms.BooleanField(
        label=_("I understand that my profile, my measurements and my saved configurations are deleted for good."),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )
