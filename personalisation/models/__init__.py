"""The app's models, one module per feature; each is imported here so Django finds it."""

from personalisation.models.cooccurrence import OptionPair  # noqa: F401
