"""A live delivery pipeline in separate processes, for the reliability test and the benchmark.

A private Redis (no persistence, so a restart loses queued tasks as in production
without AOF), a Celery worker with embedded beat, and a factory simulator, each
started in its own process group so that it can be killed with SIGKILL and started
again. The worker runs supervised, as in production (systemd `Restart=always`, a
Kubernetes pod): a Celery worker can exit on its own when the broker drops its
connection (kombu's Redis transport sometimes fails to reconnect with "Unrecoverable
error: AttributeError"), and the supervisor starts it again; only a deliberate kill
keeps it down. Nothing here touches the machine's shared Redis or another test's
database.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent

#: Fast schedules for a pipeline that must recover in seconds, not minutes.
FAST_SETTINGS = {
    "ORDERS_SWEEP_SECONDS": "1",
    "ORDERS_RETRY_BASE_SECONDS": "1",
    "ORDERS_RETRY_CAP_SECONDS": "4",
    "ORDERS_REQUEUE_SECONDS": "5",
    "ORDERS_HTTP_CONNECT_TIMEOUT": "1",
    "ORDERS_HTTP_READ_TIMEOUT": "2",
    "ORDERS_DELIVERY_LEASE_SECONDS": "4",
    "CELERY_VISIBILITY_TIMEOUT": "30",
    "CELERY_TASK_TIME_LIMIT": "20",
    "CELERY_TASK_SOFT_TIME_LIMIT": "15",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll `check` until it holds; raise TimeoutError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


@dataclass
class Process:
    """A command in its own process group, restartable."""

    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    #: start the process again whenever it exits without being killed here (a supervisor)
    supervised: bool = False
    #: how many times the supervisor started it again
    restarts: int = 0
    _down: bool = True  # killed on purpose (or never started): the supervisor leaves it down
    _closed: bool = False
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _watcher: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            self._down = False
            self._spawn()
        if self.supervised and self._watcher is None:
            self._watcher = threading.Thread(target=self._supervise, name=f"supervise {self.argv[0]}", daemon=True)
            self._watcher.start()

    def _spawn(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def _supervise(self) -> None:
        while not self._closed:
            time.sleep(0.5)
            with self._lock:
                if self._down or self._closed or self.popen is None or self.popen.poll() is None:
                    continue
                code = self.popen.returncode
                with self.log.open("ab") as out:
                    out.write(f"[supervisor] exited with code {code} on its own: starting it again\n".encode())
                self.restarts += 1
                self._spawn()

    def close(self, sig: int = signal.SIGTERM) -> None:
        """Stop the process for good (the supervisor too)."""
        self._closed = True
        self.kill(sig)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to this process's whole group (the worker and its pool children) and reap it."""
        with self._lock:
            self._down = True
            self._kill(sig)

    def _kill(self, sig: int) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def children(self) -> list[int]:
        """Return the pids of this process's direct children (the worker's pool processes)."""
        if self.popen is None:
            return []
        path = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []


@dataclass
class Pipeline:
    """Redis, a Celery worker (+beat) and a factory simulator around one database."""

    workdir: Path
    database_url: str
    secret: str
    concurrency: int = 2
    settings: dict[str, str] = field(default_factory=lambda: dict(FAST_SETTINGS))
    redis_port: int = field(default_factory=free_port)
    factory_port: int = field(default_factory=free_port)
    redis: Process | None = None
    worker: Process | None = None
    factory: Process | None = None

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def factory_url(self) -> str:
        return f"http://127.0.0.1:{self.factory_port}/"

    @property
    def record(self) -> Path:
        return self.workdir / "received.jsonl"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            **self.settings,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "VAR_DIR": str(self.workdir / "var"),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        return env

    def start(self) -> None:
        (self.workdir / "var").mkdir(parents=True, exist_ok=True)
        self.start_redis()
        self.factory = Process(
            [
                sys.executable,
                "manage.py",
                "factory_simulator",
                "--port",
                str(self.factory_port),
                "--secret",
                self.secret,
                "--record",
                str(self.record),
            ],
            self.env(),
            self.workdir / "factory.log",
        )
        self.factory.start()
        wait_until(self._factory_up, 30, "the factory simulator")
        self.worker = Process(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--beat",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--schedule",
                str(self.workdir / "var" / "beat-schedule"),
            ],
            self.env(),
            self.workdir / "worker.log",
            supervised=True,
        )
        self.worker.start()

    def start_redis(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not on the PATH")
        self.redis = Process(
            [
                binary,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            self.env(),
            self.workdir / "redis.log",
        )
        self.redis.start()
        wait_until(self._redis_up, 15, "the private Redis")

    def restart_redis(self) -> None:
        """Kill Redis (queued and unacked tasks are lost with it) and start it again, empty."""
        if self.redis is None:
            raise RuntimeError("Redis was not started")
        self.redis.kill()
        self.start_redis()

    def restart_worker(self) -> None:
        if self.worker is None:
            raise RuntimeError("the worker was not started")
        self.worker.kill()
        self.worker.start()

    def stop(self) -> None:
        for process in (self.worker, self.factory, self.redis):
            if process is not None:
                process.close(signal.SIGTERM)

    def _redis_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _factory_up(self) -> bool:
        try:
            return requests.get(f"{self.factory_url}_stats", timeout=0.5).ok
        except requests.RequestException:
            return False

    def factory_stats(self) -> dict[str, Any]:
        return dict(requests.get(f"{self.factory_url}_stats", timeout=5).json())

    def factory_control(self, **behaviour: float) -> None:
        requests.post(f"{self.factory_url}_control", json=behaviour, timeout=5).raise_for_status()

    def received(self) -> list[dict[str, Any]]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line.strip()]
