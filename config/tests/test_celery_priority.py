"""Celery's work yields the cores to shoppers' requests where both share a machine."""

from __future__ import annotations

import os

import pytest

from config import celery


def test_each_worker_process_lowers_its_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    niced: list[int] = []
    monkeypatch.setattr(os, "nice", niced.append)
    monkeypatch.delenv("CELERY_WORKER_NICE", raising=False)
    celery.background_priority()
    assert niced == [5]


@pytest.mark.parametrize(("setting", "expected"), [("0", []), ("12", [12])])
def test_the_priority_is_a_setting(monkeypatch: pytest.MonkeyPatch, setting: str, expected: list[int]) -> None:
    niced: list[int] = []
    monkeypatch.setattr(os, "nice", niced.append)
    monkeypatch.setenv("CELERY_WORKER_NICE", setting)
    celery.background_priority()
    assert niced == expected
