"""Delivering build orders: signatures (checked by `standardwebhooks`), retries, leases, the sweep, SSRF."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from catalog.models import CatalogVersion
from orders import services, webhooks
from orders.models import Delivery, DeliveryState, FactoryEndpoint, OutboxMessage
from orders.simulator import Behaviour, Factory, serve
from orders.tests.conftest import CUSTOMER, SECRET


def test_signature_verifies_with_standardwebhooks() -> None:
    body = json.dumps({"build_order_id": "x", "name": "Camicia è su misura"}, ensure_ascii=False).encode()
    headers = webhooks.signed_headers(SECRET, "msg_1", body)
    assert Webhook(SECRET).verify(body, headers)["name"] == "Camicia è su misura"
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 32).verify(body, headers)


def test_signature_is_the_spec_example() -> None:
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert webhooks.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!!", "whsec_c2hvcnQ="])
def test_malformed_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        webhooks.secret_bytes(secret)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9000/", "http://localhost/", "http://10.1.2.3/", "http://169.254.169.254/", "http://[::1]/"],
)
def test_private_and_loopback_addresses_need_an_internal_endpoint(url: str) -> None:
    with pytest.raises(webhooks.UnsafeAddress):
        webhooks.check_address(url, internal=False)
    webhooks.check_address(url, internal=True)


@pytest.mark.parametrize(
    "host",
    [
        "64:ff9b::7f00:1",  # NAT64 (RFC 6052) of 127.0.0.1: counted as global by `ipaddress`
        "64:ff9b::a01:203",  # NAT64 of 10.1.2.3
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the cloud metadata address
        "::7f00:1",  # IPv4-compatible (deprecated) 127.0.0.1: also counted as global
        "64:ff9b:1::7f00:1",  # local-use NAT64 (RFC 8215)
        "::ffff:127.0.0.1",  # IPv4-mapped
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    ],
)
def test_ipv6_addresses_embedding_a_private_ipv4_one_need_an_internal_endpoint(host: str) -> None:
    url = f"http://[{host}]:9000/"
    with pytest.raises(webhooks.UnsafeAddress):
        webhooks.check_address(url, internal=False)  # at send time
    with pytest.raises(ValidationError, match="loopback or private"):
        FactoryEndpoint(name="plant", url=url, internal=False).clean()  # at save time
    webhooks.check_address(url, internal=True)
    FactoryEndpoint(name="plant", url=url, internal=True).clean()


def test_nat64_of_a_public_ipv4_address_is_public() -> None:
    url = "https://[64:ff9b::5db8:d70e]/hook"  # 93.184.215.14
    webhooks.check_address(url, internal=False)
    FactoryEndpoint(name="plant", url=url, internal=False).clean()


def test_public_addresses_and_schemes() -> None:
    webhooks.check_address("https://93.184.215.14/hook", internal=False)
    with pytest.raises(webhooks.UnsafeAddress):
        webhooks.check_address("ftp://93.184.215.14/", internal=True)


def test_retry_delay_doubles_with_jitter_and_a_cap() -> None:
    with override_settings(ORDERS_RETRY_BASE_SECONDS=10, ORDERS_RETRY_CAP_SECONDS=3600):
        for attempts, full in [(1, 10), (2, 20), (5, 160), (30, 3600)]:
            delays = {services.retry_delay(attempts) for _ in range(50)}
            assert all(full / 2 <= d <= full for d in delays) and len(delays) > 1


# -- against a running simulated factory -----------------------------------------------------
@pytest.fixture
def factory(tmp_path: Path) -> Iterator[tuple[Factory, str]]:
    simulated = Factory(secret=SECRET, record=tmp_path / "received.jsonl")
    server = serve(simulated, "127.0.0.1", 0)
    yield simulated, f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()
    server.server_close()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record the tasks enqueued instead of sending them to a broker."""
    from orders import tasks

    calls: list[tuple[str, int]] = []
    for name in ("outbox_fan_out", "delivery_send"):
        monkeypatch.setattr(getattr(tasks, name), "delay", lambda pk, name=name: calls.append((name, pk)))
    return calls


@dataclass
class Live:
    """A placed order fanned out to a running simulated factory, with the tasks it enqueued."""

    shirt: CatalogVersion
    config: dict[str, Any]
    factory: Factory
    url: str
    sent: list[tuple[str, int]]
    capture: Any

    def delivery(self, *, internal: bool = True) -> int:
        services.endpoint_save(name="factory", url=self.url, secret=SECRET, internal=True)
        # A public endpoint whose host resolves to a private address only at send time (as a
        # DNS name may): saved unchecked, so the request-time guard is what refuses it.
        FactoryEndpoint.objects.filter(name="factory").update(internal=internal)
        with self.capture(execute=True):
            order = services.order_place(version=self.shirt, data=self.config, customer=CUSTOMER, language="en").order
        with self.capture(execute=True):
            services.outbox_fan_out(message_id=order.build_order.outbox.pk)
        return Delivery.objects.get(message__build_order__order=order).pk


@pytest.fixture
def live(
    shirt: CatalogVersion,
    config: dict[str, Any],
    factory: tuple[Factory, str],
    sent: list[tuple[str, int]],
    django_capture_on_commit_callbacks: Any,
) -> Live:
    return Live(shirt, config, factory[0], factory[1], sent, django_capture_on_commit_callbacks)


def test_delivery_reaches_the_factory_once(live: Live) -> None:
    simulated = live.factory
    delivery_id = live.delivery()
    assert live.sent == [("outbox_fan_out", OutboxMessage.objects.get().pk), ("delivery_send", delivery_id)]
    assert services.delivery_attempt(delivery_id=delivery_id) == "delivered"
    assert services.delivery_attempt(delivery_id=delivery_id) == "skipped"  # a duplicate task changes nothing
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1 and delivery.last_status_code == 200
    assert simulated.counts["received"] == 1
    entry = json.loads(simulated.record.read_text())  # type: ignore[union-attr]
    assert entry["webhook_id"] == delivery.message.webhook_id


def test_failures_are_retried_on_the_row_then_delivered(live: Live) -> None:
    simulated = live.factory
    simulated.behaviour = Behaviour(fail_rate=1.0)
    delivery_id = live.delivery()
    before = timezone.now()
    assert services.delivery_attempt(delivery_id=delivery_id) == "retry"
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.attempts == 1 and delivery.last_status_code == 500 and "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at > before and delivery.lease_until is None
    assert services.delivery_attempt(delivery_id=delivery_id) == "skipped"  # not due yet
    live.sent.clear()
    assert services.outbox_sweep()["deliveries"] == 0
    Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())
    with live.capture(execute=True):
        assert services.outbox_sweep()["deliveries"] == 1
    assert live.sent == [("delivery_send", delivery_id)]
    simulated.behaviour = Behaviour()
    assert services.delivery_attempt(delivery_id=delivery_id) == "delivered"
    codes = list(
        Delivery.objects.get(pk=delivery_id).attempt_log.order_by("number").values_list("status_code", flat=True)
    )
    assert codes == [500, 200]


def test_after_the_retry_window_a_delivery_is_dead_lettered_and_replayable(live: Live) -> None:
    simulated = live.factory
    simulated.behaviour = Behaviour(fail_rate=1.0)
    delivery_id = live.delivery()
    Delivery.objects.filter(pk=delivery_id).update(first_attempt_at=timezone.now() - datetime.timedelta(hours=72))
    assert services.delivery_attempt(delivery_id=delivery_id) == "dead"
    assert Delivery.objects.get(pk=delivery_id).state == DeliveryState.DEAD
    assert services.outbox_sweep()["deliveries"] == 0  # dead letters wait for an operator
    simulated.behaviour = Behaviour()
    with live.capture(execute=True):
        assert services.delivery_replay(delivery_id=delivery_id)
    assert services.delivery_attempt(delivery_id=delivery_id) == "delivered"
    assert Delivery.objects.get(pk=delivery_id).first_attempt_at is not None


def test_a_lease_held_by_a_dead_worker_runs_out_then_the_sweep_resends(live: Live) -> None:
    simulated = live.factory
    delivery_id = live.delivery()
    # A worker claimed it and was killed mid-request: the lease is held, the task gone.
    Delivery.objects.filter(pk=delivery_id).update(
        lease_until=timezone.now() + datetime.timedelta(seconds=60), enqueued_at=None
    )
    assert services.delivery_attempt(delivery_id=delivery_id) == "skipped"
    assert services.outbox_sweep()["deliveries"] == 0
    Delivery.objects.filter(pk=delivery_id).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert services.outbox_sweep()["deliveries"] == 1
    assert services.delivery_attempt(delivery_id=delivery_id) == "delivered"
    assert simulated.counts["received"] == 1


def test_the_sweep_recovers_a_message_whose_task_was_lost(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint, sent: list[tuple[str, int]]
) -> None:
    services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en")  # on_commit never runs here
    message = OutboxMessage.objects.get()
    # Its task is young (maybe still queued): left alone; the sweep gives it its feed position.
    assert services.outbox_sweep() == {"messages": 0, "deliveries": 0, "positioned": 1}
    OutboxMessage.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.outbox_sweep() == {"messages": 1, "deliveries": 0, "positioned": 0}
    assert services.outbox_fan_out(message_id=message.pk) and not services.outbox_fan_out(message_id=message.pk)
    assert Delivery.objects.filter(message=message).count() == 1


def test_a_public_endpoint_may_not_target_loopback(live: Live) -> None:
    simulated = live.factory
    delivery_id = live.delivery(internal=False)
    assert services.delivery_attempt(delivery_id=delivery_id) == "retry"
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.last_error.startswith("refused:") and delivery.last_status_code is None
    assert simulated.counts["received"] == 0


def test_a_slow_factory_times_out_and_is_retried(live: Live) -> None:
    simulated = live.factory
    simulated.behaviour = Behaviour(delay=1.5)
    delivery_id = live.delivery()
    with override_settings(ORDERS_HTTP_READ_TIMEOUT=0.5):
        assert services.delivery_attempt(delivery_id=delivery_id) == "retry"
    assert "Timeout" in Delivery.objects.get(pk=delivery_id).last_error


def test_a_broken_secret_is_recorded_as_a_failed_attempt() -> None:
    outcome = webhooks.send("http://127.0.0.1:9/", secret="whsec_", webhook_id="msg_1", body=b"{}", internal=True)
    assert not outcome.ok and outcome.error.startswith("refused:") and "secret" in outcome.error


def test_a_send_that_outlasts_its_lease_never_undoes_another_workers_delivery(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivery_id = live.delivery()

    def slow_failed_send(*args: Any, **kwargs: Any) -> webhooks.Outcome:
        # Meanwhile the lease ran out, a second worker claimed the delivery and sent it.
        Delivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.DELIVERED, delivered_at=timezone.now(), lease_until=None, attempts=1
        )
        return webhooks.Outcome(ok=False, status_code=None, error="read timed out", duration_ms=70_000)

    monkeypatch.setattr(webhooks, "send", slow_failed_send)
    assert services.delivery_attempt(delivery_id=delivery_id) == "late"
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2
    assert list(delivery.attempt_log.values_list("number", "error")) == [(2, "read timed out")]
    assert services.outbox_sweep()["deliveries"] == 0  # nothing rescheduled


def test_a_send_that_outlasts_its_lease_leaves_the_new_claim_alone(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    delivery_id = live.delivery()
    other_lease = timezone.now() + datetime.timedelta(seconds=60)

    def slow_failed_send(*args: Any, **kwargs: Any) -> webhooks.Outcome:
        Delivery.objects.filter(pk=delivery_id).update(lease_until=other_lease)  # a second worker's claim
        return webhooks.Outcome(ok=False, status_code=500, error="HTTP 500", duration_ms=70_000)

    monkeypatch.setattr(webhooks, "send", slow_failed_send)
    assert services.delivery_attempt(delivery_id=delivery_id) == "late"
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.state == DeliveryState.PENDING and delivery.lease_until == other_lease
