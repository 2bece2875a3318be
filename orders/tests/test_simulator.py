"""The factory simulator answers 4xx (never 5xx) to bad requests and drops duplicates by webhook-id."""

from __future__ import annotations

import json
import time
from pathlib import Path

import requests

from orders import webhooks
from orders.simulator import Behaviour, Factory, serve
from orders.tests.conftest import SECRET

BODY = json.dumps({"build_order_id": "b-1", "order_number": "MF-1", "bom_lines": []}).encode()


def test_a_signed_build_order_is_recorded_once(tmp_path: Path) -> None:
    factory = Factory(secret=SECRET, record=tmp_path / "got.jsonl")
    headers = webhooks.signed_headers(SECRET, "msg_1", BODY)
    assert factory.receive(BODY, headers) == (200, {"received": "b-1"})
    assert factory.receive(BODY, webhooks.signed_headers(SECRET, "msg_1", BODY)) == (200, {"duplicate": True})
    assert len((tmp_path / "got.jsonl").read_text().splitlines()) == 1
    # A restarted factory remembers what it received.
    assert Factory(secret=SECRET, record=tmp_path / "got.jsonl").receive(BODY, headers)[1] == {"duplicate": True}


def test_bad_requests_get_4xx() -> None:
    factory = Factory(secret=SECRET)
    good = webhooks.signed_headers(SECRET, "msg_2", BODY)
    cases = [
        (BODY, {**good, "webhook-signature": "garbage"}),  # malformed header: ValueError in the library
        (b"\xff\xfe", webhooks.signed_headers(SECRET, "msg_3", b"\xff\xfe")),  # not UTF-8
        (BODY + b" ", good),  # tampered
        (BODY, {**good, "webhook-timestamp": str(int(time.time()) - 600)}),  # too old
        (BODY, {k: v for k, v in good.items() if k != "webhook-id"}),
        (b"[1]", webhooks.signed_headers(SECRET, "msg_4", b"[1]")),  # not a build order
    ]
    for body, headers in cases:
        status, _ = factory.receive(body, headers)
        assert 400 <= status < 500, (body, headers, status)
    assert factory.counts["rejected"] == len(cases) and factory.counts["received"] == 0


def test_failures_and_control_over_http(tmp_path: Path) -> None:
    factory = Factory(secret=SECRET, behaviour=Behaviour(fail_rate=1.0))
    server = serve(factory, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        headers = webhooks.signed_headers(SECRET, "msg_5", BODY)
        assert requests.post(f"{base}/", data=BODY, headers=headers, timeout=5).status_code == 500
        assert requests.post(f"{base}/_control", json={"fail_rate": 0}, timeout=5).json()["fail_rate"] == 0
        assert requests.post(f"{base}/", data=BODY, headers=headers, timeout=5).status_code == 200
        assert requests.post(f"{base}/_control", json={"fail_rate": "x"}, timeout=5).status_code == 400
        stats = requests.get(f"{base}/_stats", timeout=5).json()
        assert stats["received"] == 1 and stats["failed"] == 1
    finally:
        server.shutdown()
        server.server_close()
