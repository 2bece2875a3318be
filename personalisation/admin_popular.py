"""Pinned presets: curated starting points, checked against the latest catalog version on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from personalisation.models.popular import PinnedPreset
from personalisation.popular import starting_points_enqueue
from personalisation.presets import preset_problems


class PinnedPresetForm(forms.ModelForm):  # type: ignore[type-arg]
    languages = forms.MultipleChoiceField(
        label=capfirst(PinnedPreset._meta.get_field("languages").verbose_name),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every language."),
    )

    class Meta:
        model = PinnedPreset
        fields = ["product", "name", "name_it", "choices", "languages", "position", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        product = cleaned.get("product")
        if product is not None and "choices" in cleaned:
            for problem in preset_problems(product, cleaned["choices"]):
                self.add_error("choices", problem)
        return cleaned


@admin.register(PinnedPreset)
class PinnedPresetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = PinnedPresetForm
    list_display = ["name", "product", "position", "active"]
    list_filter = ["product", "active"]
    list_editable = ["position", "active"]
    ordering = ["product", "position", "id"]

    def save_model(self, request: HttpRequest, obj: PinnedPreset, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Re-validated and offered (or withdrawn) by the worker, as after a publish.
        starting_points_enqueue(obj.product.code)

    def delete_model(self, request: HttpRequest, obj: PinnedPreset) -> None:
        code = obj.product.code
        super().delete_model(request, obj)
        starting_points_enqueue(code)
