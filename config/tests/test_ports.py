"""`make run`'s port chooser (config/ports.py): the simulated factory never collides with what holds a port."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.ports import PortError, choose_port, is_free, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port something else listens on, held for the whole test.

    It is a port of the test's own rather than 9000: two suites run side by side in CI, and one
    suite's holder closing 9000 would free it under the other's feet.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port: int = holder.getsockname()[1]
        assert not is_free(port)
        yield port


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_with_the_preferred_port_taken_another_free_port_is_chosen(held_port: int) -> None:
    port = choose_port(requested=None, prefer=held_port)
    assert port != held_port and is_free(port)


def test_the_preferred_port_is_kept_when_free() -> None:
    free = _free_port()
    assert choose_port(requested=None, prefer=free) == free


def test_the_web_servers_port_is_never_chosen_even_before_it_listens() -> None:
    # README's `PORT=9000 make run`: the web server takes 9000, so the factory must not.
    free = _free_port()
    port = choose_port(requested=None, prefer=free, avoid=[free])
    assert port != free


def test_factory_port_is_taken_as_given() -> None:
    free = _free_port()
    assert choose_port(requested=str(free), prefer=9000) == free


@pytest.mark.parametrize(
    ("requested", "message"),
    [("nine", "FACTORY_PORT='nine' is not a port number"), ("70000", "FACTORY_PORT=70000 is not a port number")],
)
def test_a_bad_factory_port_is_refused_naming_it(requested: str, message: str) -> None:
    with pytest.raises(PortError, match=message):
        choose_port(requested=requested, prefer=9000)


def test_a_factory_port_in_use_is_refused_naming_it(held_port: int) -> None:
    with pytest.raises(PortError, match=f"FACTORY_PORT={held_port} is already in use"):
        choose_port(requested=str(held_port), prefer=9000)


def test_the_command_prints_the_port_or_says_why_not(held_port: int) -> None:
    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "config.ports", "choose", *args],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    chosen = run("--prefer", str(held_port), "--avoid", "8000", env={})
    assert chosen.returncode == 0 and int(chosen.stdout) not in (held_port, 8000)
    refused = run("--prefer", "9000", env={"FACTORY_PORT": str(held_port)})
    assert refused.returncode == 2 and f"FACTORY_PORT={held_port} is already in use" in refused.stderr


def test_wait_for_sees_a_listening_port_and_gives_up_on_a_silent_one(held_port: int) -> None:
    assert wait_for(held_port, timeout=2)
    assert not wait_for(_free_port(), timeout=0.5)
