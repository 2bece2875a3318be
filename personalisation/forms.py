"""The merchandisers' forms for guided questions: answers checked against the product's draft."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from catalog.forms import draft_vocabulary
from catalog.models import Product
from configurator.engine.guiding import limit_leaves_configuration
from configurator.engine.rules import RuleError, parse_expression, references
from configurator.engine.schema import check_rule
from configurator.services.drafts import draft_engine
from personalisation.models.guided import Answer, Question


def _draft_problems(product: Product, key: str, text: str) -> list[str]:
    """Return what is wrong with `text` as a preference (`prefer`) or a limit (`expr`) on the draft."""
    vocabulary = draft_vocabulary(product)
    rule = {"code": "answer", "kind": "default" if key == "prefer" else "constraint", key: text}
    problems = [p.message for p in check_rule(rule, vocabulary)]
    if problems:
        return problems
    try:
        found = references(parse_expression(text, vocabulary))
    except RuleError as error:  # check_rule reported it already; kept for the type checker's sake
        return [str(error)]
    named = sorted(found.parameters | found.texts)
    if named:
        return [
            _("An answer sets choices only, never a measurement or a text; this names: %(names)s.")
            % {"names": ", ".join(named)}
        ]
    return []


class AnswerForm(forms.ModelForm):  # type: ignore[type-arg]
    """An answer: its preference and limit must parse on the product's draft; a limit must leave a configuration."""

    class Meta:
        model = Answer
        fields = ["code", "text", "text_it", "prefer", "limit", "position"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2, "cols": 50, "style": "font-family: monospace"})
            for name in ("prefer", "limit")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        product = self._product()
        if product is None:
            return data
        for key, name in (("prefer", "prefer"), ("expr", "limit")):
            text = (data.get(name) or "").strip()
            if text:
                for problem in _draft_problems(product, key, text):
                    self.add_error(name, problem)
        limit = (data.get("limit") or "").strip()
        if limit and "limit" not in self.errors:
            engine = draft_engine(product).engine
            if engine is not None and not limit_leaves_configuration(engine.product, limit):
                self.add_error("limit", _("No valid configuration of the product satisfies this limit."))
        return data

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The question being edited with it (not saved yet when both are added at once).
        self.question = question

    def _product(self) -> Product | None:
        """Return the product of the answer's question, if the question form says which."""
        question = self.question
        if question is None:
            try:
                question = self.instance.question
            except ObjectDoesNotExist:
                return None
        return question.product if question.product_id else None


class AnswerFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """Hand each answer form its question, so that it is checked against that question's product."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "question": self.instance}
