"""The demo questionnaires (personalisation/demo/guided.json), loaded by `load_demo`."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from catalog.models import Product
from personalisation.guided import questionnaire_forget
from personalisation.models.guided import Answer, Question

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "guided.json"


@transaction.atomic
def guided_demo_load() -> list[str]:
    """Create or update the demo questions of the demo products present; return their codes.

    Idempotent: questions and answers are matched by code and updated in place; the ones the
    merchandiser added beside them are left alone.
    """
    loaded = []
    for product_code, questions in json.loads(DEMO_FILE.read_text()).items():
        product = Product.objects.filter(code=product_code).first()
        if product is None:
            continue
        for position, data in enumerate(questions):
            question, _created = Question.objects.update_or_create(
                product=product,
                code=data["code"],
                defaults={"text": data["text"], "text_it": data["text_it"], "position": position},
            )
            for index, answer in enumerate(data["answers"]):
                Answer.objects.update_or_create(
                    question=question,
                    code=answer["code"],
                    defaults={
                        "text": answer["text"],
                        "text_it": answer["text_it"],
                        "prefer": answer["prefer"],
                        "limit": answer.get("limit", ""),
                        "position": index,
                    },
                )
        questionnaire_forget(product_code)
        loaded.append(product_code)
    return loaded
