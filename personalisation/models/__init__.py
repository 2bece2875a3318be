"""The app's models, one module per feature; each is imported here so Django finds it."""

from personalisation.models.cooccurrence import OptionPair  # noqa: F401
from personalisation.models.guided import Answer, Question  # noqa: F401
from personalisation.models.popular import PinnedPreset, StartingPoint  # noqa: F401
from personalisation.models.returning import ShopperConfiguration, ShopperMeasurements, ShopperProfile, SignInLink  # noqa: F401
