"""The app's models, one module per feature; each is imported here so Django finds it."""

from personalisation.models.guided import Answer, Question  # noqa: F401
