"""The merchandisers' pages for guided questions: a question with its answers inline."""

from __future__ import annotations

from django.contrib import admin

from personalisation.forms import AnswerForm, AnswerFormSet
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
