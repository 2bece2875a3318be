"""A complete configuration of the demo shirt, as an order's API body states it.

Shared by the order tests, the two-server test and the order benchmarks: one place to
change when the demo catalog (catalog/demo/shirt.json) changes.
"""

from __future__ import annotations

import copy
from typing import Any

_SHIRT: dict[str, Any] = {
    "selections": {
        "fabric": "oxford_blue",
        "collar": "classic",
        "sleeves": "long",
        "cuffs": "double",
        "buttons": "white",
        "fit": "regular",
        "pocket": None,
        "monogram_position": "chest",
        "monogram_colour": "navy",
    },
    "parameters": {"neck": "40", "chest": "102", "waist": "90", "sleeve": "64", "arm": "62", "shirt_length": "78"},
    "texts": {"monogram": "JS"},
}


def shirt_configuration(**extra: Any) -> dict[str, Any]:
    """Return a fresh copy of the demo shirt's configuration, with `extra` top-level keys added or replaced."""
    return {**copy.deepcopy(_SHIRT), **extra}
