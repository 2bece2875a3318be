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
def port_9000_held() -> Iterator[None]:
    """Something else listening on 127.0.0.1:9000 (or already there: then it is held anyway)."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("127.0.0.1", 9000))
        holder.listen()
    except OSError:
        pass
    assert not is_free(9000)
    yield
    holder.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_with_9000_taken_another_free_port_is_chosen(port_9000_held: None) -> None:
    port = choose_port(requested=None, prefer=9000)
    assert port != 9000 and is_free(port)


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


def test_a_factory_port_in_use_is_refused_naming_it(port_9000_held: None) -> None:
    with pytest.raises(PortError, match="FACTORY_PORT=9000 is already in use"):
        choose_port(requested="9000", prefer=9000)


def test_the_command_prints_the_port_or_says_why_not(port_9000_held: None) -> None:
    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "config.ports", "choose", *args],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    chosen = run("--prefer", "9000", "--avoid", "8000", env={})
    assert chosen.returncode == 0 and int(chosen.stdout) not in (9000, 8000)
    refused = run("--prefer", "9000", env={"FACTORY_PORT": "9000"})
    assert refused.returncode == 2 and "FACTORY_PORT=9000 is already in use" in refused.stderr


def test_wait_for_sees_a_listening_port_and_gives_up_on_a_silent_one(port_9000_held: None) -> None:
    assert wait_for(9000, timeout=2)
    assert not wait_for(_free_port(), timeout=0.5)
