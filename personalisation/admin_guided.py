"""The merchandisers' pages for guided questions: a question with its answers inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog.models import Product
from personalisation.forms import AnswerForm, AnswerFormSet
from personalisation.guided import questionnaire_forget
from personalisation.models.guided import Answer, Question


class AnswerInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Answer
    form = AnswerForm
    formset = AnswerFormSet
    extra = 2


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["text", "product", "code", "position"]
    list_filter = ["product"]
    ordering = ["product", "position"]
    search_fields = ["text", "code", "product__code"]
    inlines = [AnswerInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The shop reads questionnaires from the cache: forget the old one (and the old product's).
        questionnaire_forget(form.instance.product.code)
        if change and "product" in form.changed_data and form.initial.get("product"):
            old = Product.objects.filter(pk=form.initial["product"]).first()
            if old is not None:
                questionnaire_forget(old.code)

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        super().delete_model(request, obj)
        questionnaire_forget(obj.product.code)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        codes = set(queryset.values_list("product__code", flat=True))
        super().delete_queryset(request, queryset)
        for code in codes:
            questionnaire_forget(code)
