"""gunicorn's configuration: `gunicorn -c config/gunicorn.conf.py config.wsgi` (docs/deployment.md).

gthread workers, 2 processes x 4 threads by default: the best measured on 2 cores (issue 17).
The app is loaded in the master and every listed product's latest published version is compiled
there before the first fork, so each worker starts warm and shares those pages copy-on-write;
no shopper's request waits for a compile after a start.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number") from None
    if number < 1:
        raise SystemExit(f"{name}={value!r} must be 1 or more")
    return number


bind = os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("THREADS", 4)
# Above the slowest compile measured (Automotive02: 29.5 s), should a version still compile in a
# request (published since the start); a worker killed mid-compile would compile again forever.
timeout = _int("GUNICORN_TIMEOUT", 120)
# Requests in flight get this long to finish on a restart or deploy (SIGTERM) before workers are killed.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
preload_app = True
accesslog = "-"
errorlog = "-"
# The proxy in front (docs/deployment.md) passes the client's address and scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def on_starting(server: Any) -> None:
    """Compile the catalog in the master, before the port opens and before any worker forks.

    preload_app has already loaded Django. Database (and cache) connections are closed
    afterwards so no worker inherits the master's socket, then everything alive is frozen out
    of the garbage collector: the compiled sessions are never scanned again, and the pages
    holding them stay shared between workers instead of being copied by a collection.
    """
    if os.environ.get("WARM_CATALOGS", "1").strip().lower() in ("0", "false", "no", "off"):
        server.log.info("WARM_CATALOGS is off: catalog versions compile on their first request")
        return
    from django.core.cache import caches
    from django.db import connections

    from configurator.warming import warm_published

    logging.getLogger("configurator.warming").setLevel(logging.INFO)
    warmed = warm_published()
    server.log.info("catalog warm before forking: %s", ", ".join(warmed) or "nothing published")
    connections.close_all()
    caches.close_all()
    gc.collect()
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    """Forget the master's multiprocessing fork server in a new worker.

    Warming compiles decision diagrams in a child of a fork server (configurator/engine/diagram),
    which the master starts. A worker inherits the master's record of that server, whose process
    is not its child: the worker's next compile (a version published since the start) failed with
    ChildProcessError and a 500 (bench/serving.py). The worker starts its own server when it
    needs one; the master keeps its own.
    """
    from multiprocessing import forkserver

    state = forkserver._forkserver  # the module's singleton, which multiprocessing keeps private
    alive = getattr(state, "_forkserver_alive_fd", None)
    if alive is not None:
        try:
            os.close(alive)
        except OSError:
            pass
    for name in ("_forkserver_alive_fd", "_forkserver_pid", "_forkserver_address"):
        setattr(state, name, None)
