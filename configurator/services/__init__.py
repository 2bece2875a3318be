"""The configurator's operations, as the views, the API and other apps call them."""

from configurator.engine.selection import SelectionError
from configurator.services.configuring import (
    configuration_answer,
    configuration_apply_wanted,
    configuration_complete,
    configuration_explain,
    configuration_finish,
    configuration_propagate,
    configuration_resolve,
    conflict_sentence,
    price_data,
    reason_sentence,
)
from configurator.services.saving import SavedState, configuration_restore, configuration_save

__all__ = [
    "SavedState",
    "SelectionError",
    "configuration_answer",
    "configuration_apply_wanted",
    "configuration_complete",
    "configuration_explain",
    "configuration_finish",
    "configuration_propagate",
    "configuration_resolve",
    "configuration_restore",
    "configuration_save",
    "conflict_sentence",
    "price_data",
    "reason_sentence",
]
