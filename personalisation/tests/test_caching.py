"""The shared cache as personalisation uses it: a failing cache costs one timeout, then is left alone."""

from __future__ import annotations

from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from personalisation import caching


class _Down:
    """A cache whose every call fails, counting the calls."""

    def __init__(self) -> None:
        self.calls = 0

    def _fail(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        raise RedisConnectionError("down")

    get = set = add = delete = _fail


def test_a_failing_cache_is_asked_once_then_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    down = _Down()
    monkeypatch.setattr(caching, "cache", down)
    computed = []

    def compute() -> list[int]:
        computed.append(1)
        return [1, 2]

    assert caching.cached("k", 60, compute) == [1, 2]
    assert caching.cached("k", 60, compute) == [1, 2]
    assert len(computed) == 2, "the database answers each time the cache cannot"
    assert down.calls == 1, "after the first failure the cache is left alone for a while"

    monkeypatch.setattr(caching.pause, "until", 0.0)  # the pause is over
    assert caching.cache_read("k") is None
    assert down.calls == 2, "and asked again once the pause is over"
