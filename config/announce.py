"""`python -m config.announce`: print where the shop answers, last, once the web server listens.

A process of `make run` and `make serve` (Procfile, Procfile.production): it waits for the web
server's port and for a Celery worker to answer a ping, so Celery's banners and the start-up lines
come first, then says where to go and how to sign in. It then stays up (doing nothing), because
honcho stops every process when one of them ends.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from config.ports import wait_for


def credentials(var_dir: Path) -> str:
    """Return how to sign in to the admin: the user and password `ensure_admin` generated, or where they come from."""
    username = os.environ.get("ADMIN_USERNAME", "admin")
    if os.environ.get("ADMIN_PASSWORD"):
        return f"user {username}, the password in ADMIN_PASSWORD"
    saved = var_dir / "admin-password.txt"
    try:
        user, _, password = saved.read_text().strip().partition(" ")
    except OSError:
        return f"user {username} (its password was set before this run; `manage.py changepassword {username}`)"
    return f"user {user}, password {password}  (kept in {saved})"


def announcement(*, port: int, var_dir: Path, factory_port: int | None) -> str:
    """Return the lines printed once the server listens."""
    base = f"http://127.0.0.1:{port}"
    lines = [
        "",
        f"  Shop:   {base}/   (Italian: {base}/it/)",
        f"  Admin:  {base}/admin/   {credentials(var_dir)}",
        f"  API:    {base}/api/docs/",
    ]
    if factory_port is not None:
        lines.append(f"  Simulated factory: http://127.0.0.1:{factory_port}/_stats")
    lines += ["  Ctrl-C stops everything.", ""]
    return "\n".join(lines)


def wait_for_worker(timeout: float) -> bool:
    """Return True once a Celery worker answers a ping (its banner is out), False after `timeout` seconds."""
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if app.control.ping(timeout=1.0):
                return True
        except Exception:  # noqa: BLE001 - a broker not up yet: ask again
            time.sleep(1.0)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.announce", description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="the web server's port")
    parser.add_argument("--factory-port", type=int, help="the simulated factory's port, if one runs")
    parser.add_argument("--var-dir", type=Path, default=Path(os.environ.get("VAR_DIR", "var")))
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the server")
    args = parser.parse_args(argv)
    if not wait_for(args.port, timeout=args.timeout):
        print(f"nothing listens on 127.0.0.1:{args.port} after {args.timeout:.0f} s: see web lines above", flush=True)
    else:
        if not wait_for_worker(timeout=60.0):
            print("no Celery worker answered within 60 s: orders and previews wait for it (see its lines above)")
        print(announcement(port=args.port, var_dir=args.var_dir, factory_port=args.factory_port), flush=True)
    signal.pause()  # until honcho stops everything
    return 0


if __name__ == "__main__":
    sys.exit(main())
