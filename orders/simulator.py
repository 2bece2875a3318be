"""A simulated factory: receives build-order webhooks the way a real factory should.

It verifies every request with the `standardwebhooks` library (not our own signing
code), drops duplicates by `webhook-id`, appends what it accepted to a JSON-lines
record, and reports status back through the factory API (accepted, then in
production). It can be told to fail a share of requests or to answer slowly, at
start or at run time (`POST /_control`), to exercise the shop's retries.

Plain standard library plus `standardwebhooks` and `requests`: no Django, so it runs
beside the shop like a separate system would.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

log = logging.getLogger("factory_simulator")


@dataclass
class Behaviour:
    """How the factory misbehaves: `fail_rate` of requests answer 500; each waits `delay` seconds."""

    fail_rate: float = 0.0
    delay: float = 0.0


@dataclass
class Factory:
    """The simulator's state, shared by the request threads."""

    secret: str
    record: Path | None = None
    callback: str = ""
    token: str = ""
    status_delay: float = 1.0
    behaviour: Behaviour = field(default_factory=Behaviour)
    seen: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(
        default_factory=lambda: {"received": 0, "duplicates": 0, "rejected": 0, "failed": 0, "callbacks": 0}
    )
    lock: threading.Lock = field(default_factory=threading.Lock)
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=4))

    def __post_init__(self) -> None:
        self.webhook = Webhook(self.secret)
        if self.record is not None and self.record.exists():
            # A restarted factory still knows what it built.
            for line in self.record.read_text().splitlines():
                if line.strip():
                    self.seen.add(json.loads(line)["webhook_id"])

    def receive(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Handle one webhook request; return the status code and JSON answer."""
        behaviour = self.behaviour
        if behaviour.delay:
            time.sleep(behaviour.delay)
        if behaviour.fail_rate and random.random() < behaviour.fail_rate:
            self._count("failed")
            return 500, {"error": "simulated failure"}
        try:
            payload = self.webhook.verify(body, headers)
        except WebhookVerificationError as error:
            self._count("rejected")
            return 401, {"error": f"signature: {error}"}
        except (ValueError, UnicodeDecodeError) as error:
            # A malformed signature header (ValueError) or a body that is not UTF-8.
            self._count("rejected")
            return 400, {"error": f"malformed request: {type(error).__name__}"}
        if not isinstance(payload, dict) or "build_order_id" not in payload:
            self._count("rejected")
            return 400, {"error": "not a build order"}
        webhook_id = headers.get("webhook-id", "")
        with self.lock:
            if webhook_id in self.seen:
                self.counts["duplicates"] += 1
                return 200, {"duplicate": True}
            self.seen.add(webhook_id)
            self.counts["received"] += 1
            if self.record is not None:
                entry = {
                    "webhook_id": webhook_id,
                    "build_order_id": payload["build_order_id"],
                    "order_number": payload.get("order_number"),
                    "received_at": time.time(),
                    "bom_lines": len(payload.get("bom_lines", [])),
                }
                with self.record.open("a") as out:
                    out.write(json.dumps(entry) + "\n")
        log.info("build order %s (order %s) received", payload["build_order_id"], payload.get("order_number"))
        if self.callback and self.token:
            self.pool.submit(self._report, payload["build_order_id"])
        return 200, {"received": payload["build_order_id"]}

    def _count(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1

    def _report(self, build_order_id: str) -> None:
        """Post "accepted" then "in_production" back to the shop, retrying a few times each."""
        url = f"{self.callback.rstrip('/')}/api/v1/factory/orders/{build_order_id}/status"
        for status in ("accepted", "in_production"):
            time.sleep(self.status_delay)
            for attempt in range(6):
                try:
                    response = requests.post(
                        url, json={"status": status}, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
                    )
                except requests.RequestException as error:
                    log.warning("status %s for %s: %s", status, build_order_id, error)
                else:
                    if response.status_code < 500:
                        if response.status_code >= 400:
                            log.warning("status %s for %s: HTTP %s", status, build_order_id, response.status_code)
                        else:
                            self._count("callbacks")
                        break
                time.sleep(min(30, 2**attempt))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def do_GET(self) -> None:
        factory = self.server.factory
        if self.path.startswith("/_stats"):
            with factory.lock:
                counts = dict(factory.counts)
            self._answer(200, {**counts, "fail_rate": factory.behaviour.fail_rate, "delay": factory.behaviour.delay})
        else:
            self._answer(404, {"error": "POST build orders to any path; GET /_stats"})

    def do_POST(self) -> None:
        factory = self.server.factory
        body = self._body()
        if self.path.startswith("/_control"):
            try:
                change = json.loads(body or b"{}")
                factory.behaviour = Behaviour(
                    fail_rate=float(change.get("fail_rate", factory.behaviour.fail_rate)),
                    delay=float(change.get("delay", factory.behaviour.delay)),
                )
            except (ValueError, TypeError, AttributeError) as error:
                self._answer(400, {"error": str(error)})
                return
            self._answer(200, {"fail_rate": factory.behaviour.fail_rate, "delay": factory.behaviour.delay})
            return
        status, data = factory.receive(body, {k.lower(): v for k, v in self.headers.items()})
        try:
            self._answer(status, data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up waiting (a simulated slow factory): it will retry

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], factory: Factory) -> None:
        super().__init__(address, _Handler)
        self.factory = factory


def serve(factory: Factory, host: str, port: int) -> _Server:
    """Return a started server (in a daemon thread); call `shutdown()` to stop it."""
    server = _Server((host, port), factory)
    threading.Thread(target=server.serve_forever, name="factory-simulator", daemon=True).start()
    return server
