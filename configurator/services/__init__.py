"""The configurator's operations, as the views, the API and other apps call them."""

from configurator.engine.selection import SelectionError
from configurator.services.answers import ConfigurationAnswer, VersionEngine, configuration_check, version_engine
from configurator.services.configuring import (
    configuration_answer,
    configuration_apply_wanted,
    configuration_complete,
    configuration_explain,
    configuration_finish,
    configuration_first_look,
    configuration_first_look_around,
    configuration_propagate,
    configuration_refit,
    configuration_resolve,
    price_data,
    reason_message,
)
from configurator.services.proposing import configuration_propose
from configurator.services.saving import SavedState, configuration_restore, configuration_save

__all__ = [
    "ConfigurationAnswer",
    "SavedState",
    "SelectionError",
    "VersionEngine",
    "configuration_answer",
    "configuration_apply_wanted",
    "configuration_check",
    "configuration_complete",
    "configuration_explain",
    "configuration_finish",
    "configuration_first_look",
    "configuration_first_look_around",
    "configuration_propagate",
    "configuration_propose",
    "configuration_refit",
    "configuration_resolve",
    "configuration_restore",
    "configuration_save",
    "price_data",
    "reason_message",
    "version_engine",
]
