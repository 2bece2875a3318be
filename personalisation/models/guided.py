"""Guided questions: a short questionnaire per product whose answers propose a configuration.

Each answer carries a soft preference in the rule language (like a default rule's
`prefer`) and, where the merchandiser says so, a hard limit the proposal must satisfy.
The admin checks both against the product's draft (personalisation/admin_guided.py); the
shop uses only those that still parse on the published version (personalisation/guided.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import CodeField, Product


class Question(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="guided_questions")
    code = CodeField()
    text = models.CharField(_("question"), max_length=200)
    text_it = models.CharField(_("question (Italian)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["product", "position", "pk"]
        verbose_name = _("guided question")
        verbose_name_plural = _("guided questions")
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="guided_question_code")]

    def __str__(self) -> str:
        return f"{self.product.code}: {self.text}"

    def label(self, language: str) -> str:
        """Return the question in `language` (English when it has no Italian)."""
        return self.text_it if language == "it" and self.text_it else self.text


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    code = CodeField()
    text = models.CharField(_("answer"), max_length=200)
    text_it = models.CharField(_("answer (Italian)"), max_length=200, blank=True)
    prefer = models.TextField(
        _("preference"),
        help_text=_("What the proposal prefers, in the rule language, e.g. fit = slim and collar = button_down."),
    )
    limit = models.TextField(
        _("limit"),
        blank=True,
        help_text=_("Optional: what the proposal must satisfy, in the rule language, e.g. engine != electric."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="guided_answer_code")]

    def __str__(self) -> str:
        return self.text

    def label(self, language: str) -> str:
        """Return the answer in `language` (English when it has no Italian)."""
        return self.text_it if language == "it" and self.text_it else self.text
