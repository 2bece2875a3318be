"""config/gunicorn.conf.py: gthread 2 x 4 by default, from the environment, warm before forking."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def _load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("WEB_CONCURRENCY", "THREADS", "BIND", "PORT", "GUNICORN_TIMEOUT", "WARM_CATALOGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_defaults_are_two_gthread_workers_of_four_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _load(monkeypatch)
    assert (conf["worker_class"], conf["workers"], conf["threads"]) == ("gthread", 2, 4)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["timeout"] == 120 and conf["timeout"] > 29.5  # the slowest compile measured
    assert conf["graceful_timeout"] == 30
    assert conf["preload_app"] is True
    assert conf["accesslog"] == "-"


def test_the_environment_sizes_and_binds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _load(monkeypatch, WEB_CONCURRENCY="5", THREADS="8", PORT="8123")
    assert (conf["workers"], conf["threads"], conf["bind"]) == (5, 8, "127.0.0.1:8123")
    assert _load(monkeypatch, BIND="0.0.0.0:8000")["bind"] == "0.0.0.0:8000"


@pytest.mark.parametrize("value", ["two", "0"])
def test_a_bad_number_stops_the_start_naming_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        _load(monkeypatch, WEB_CONCURRENCY=value)


def _server() -> SimpleNamespace:
    return SimpleNamespace(log=mock.Mock())


def test_the_master_warms_then_closes_connections_then_freezes(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _load(monkeypatch)
    calls: list[str] = []

    def warm() -> list[str]:
        calls.append("warm")
        return ["car v1"]

    with (
        mock.patch("configurator.warming.warm_published", side_effect=warm),
        mock.patch("django.db.connections.close_all", side_effect=lambda: calls.append("close")),
        mock.patch("gc.freeze", side_effect=lambda: calls.append("freeze")),
    ):
        conf["on_starting"](_server())
    assert calls == ["warm", "close", "freeze"]


def test_warming_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _load(monkeypatch, WARM_CATALOGS="0")
    with mock.patch("configurator.warming.warm_published") as warm:
        conf["on_starting"](_server())
    warm.assert_not_called()


def _square(number: int) -> int:
    return number * number


def test_a_worker_forked_after_a_compile_can_still_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The master warms (a fork server child compiles), forks a worker; the worker's own compile works."""
    import multiprocessing
    import os

    conf = _load(monkeypatch)
    context = multiprocessing.get_context("forkserver")
    with context.Pool(1) as pool:  # the master's fork server is running now
        assert pool.apply(_square, (3,)) == 9
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            conf["post_fork"](_server(), None)
            with context.Pool(1) as pool:
                code = 0 if pool.apply(_square, (4,)) == 16 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
