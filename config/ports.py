"""Choose a port for a helper process of `make run` (the simulated factory), and wait for one to listen.

`python -m config.ports choose --prefer 9000 --avoid 8000` prints a port: FACTORY_PORT when set
(refused, naming it, when something already holds it), else the preferred port when it is free and
not one the web server is about to take, else a free port the system picks. No Django inside: the
Makefile runs it before anything else starts.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from collections.abc import Iterable


class PortError(Exception):
    """A port asked for that cannot be used; the message names where it came from."""


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Return whether `port` can be bound on `host` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _system_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def choose_port(*, requested: str | None, prefer: int, avoid: Iterable[int] = (), host: str = "127.0.0.1") -> int:
    """Return the port to use: `requested` (FACTORY_PORT) if given, else `prefer` if free, else any free one.

    Ports in `avoid` are never chosen (the web server's, not listening yet when this runs).
    """
    avoided = set(avoid)
    if requested is not None and requested.strip():
        try:
            port = int(requested)
        except ValueError:
            raise PortError(f"FACTORY_PORT={requested!r} is not a port number") from None
        if not 1 <= port <= 65535:
            raise PortError(f"FACTORY_PORT={port} is not a port number (1-65535)")
        if port in avoided:
            raise PortError(f"FACTORY_PORT={port} is the web server's port (PORT): choose another")
        if not is_free(port, host):
            raise PortError(f"FACTORY_PORT={port} is already in use on {host}: choose another or leave it unset")
        return port
    if prefer not in avoided and is_free(prefer, host):
        return prefer
    while True:
        port = _system_port(host)
        if port not in avoided:
            return port


def wait_for(port: int, host: str = "127.0.0.1", timeout: float = 300.0) -> bool:
    """Return True once something accepts connections on host:port, False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.25)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.ports", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    choose = commands.add_parser("choose", help="print the port to use (FACTORY_PORT, else --prefer, else a free one)")
    choose.add_argument("--prefer", type=int, default=9000)
    choose.add_argument("--avoid", type=int, action="append", default=[], help="a port never to choose")
    choose.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    try:
        port = choose_port(
            requested=os.environ.get("FACTORY_PORT"), prefer=args.prefer, avoid=args.avoid, host=args.host
        )
    except PortError as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    print(port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
