"""Settings of the API check (`.ci/schemathesis`): production settings, throttles made generous.

The fuzzer sends thousands of requests from one address in a few minutes; what it
checks is the answers, not the limits, so every throttle rate is raised far above them.
"""

from __future__ import annotations

from typing import Any

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

_rates: dict[str, Any] = dict(REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES") or {})  # type: ignore[call-overload]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {scope: "100000/minute" for scope in _rates}}
