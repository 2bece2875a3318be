"""Sending one signed webhook (Standard Webhooks) to one factory endpoint.

The signature is HMAC-SHA256 over `webhook-id.webhook-timestamp.body` with the
base64-decoded part of the `whsec_` secret, sent as `v1,<base64>`. The bytes signed
are the bytes sent. The timestamp is taken at each attempt (receivers reject
messages older than five minutes); the id is the outbox message's, stable across
retries, so a receiver drops duplicates by it.

Outgoing requests refuse loopback, private, link-local and other non-public
addresses, and IPv6 addresses that embed one (NAT64, IPv4-mapped or -compatible,
6to4, Teredo), unless the endpoint is marked internal (SSRF), never follow
redirects, and have connect and read timeouts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings


def secret_bytes(secret: str) -> bytes:
    """Return the key of a `whsec_<base64>` secret; raise ValueError when it is malformed."""
    if not secret.startswith("whsec_"):
        raise ValueError("a webhook secret starts with 'whsec_'")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from None
    if len(key) < 16:
        raise ValueError("a webhook secret needs at least 16 bytes of key")
    return key


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """Return the `webhook-signature` header value for `body`."""
    signed = webhook_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, webhook_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Return the headers of a Standard Webhooks request carrying `body`."""
    when = int(time.time()) if timestamp is None else timestamp
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(when),
        "webhook-signature": signature(secret, webhook_id, when, body),
    }


#: Prefixes whose addresses carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052) and the
#: deprecated IPv4-compatible form. `ipaddress` counts both as global whatever they carry.
_IPV4_IN_LAST_32_BITS = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::/96"))
#: Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the operator's prefix length.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Return the IPv4 addresses an IPv6 address carries: IPv4-mapped, NAT64, IPv4-compatible, 6to4, Teredo."""
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if any(address in network for network in _IPV4_IN_LAST_32_BITS):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [ipv4 for ipv4 in found if ipv4 is not None]


def address_is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Return whether `address`, and every IPv4 address it embeds, is a global unicast address."""
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address in _LOCAL_NAT64:
            return False
        candidates += embedded_ipv4(address)
    return all(candidate.is_global and not candidate.is_multicast for candidate in candidates)


class UnsafeAddress(ValueError):
    """The URL resolves to an address that only an internal endpoint may target."""


def check_address(url: str, *, internal: bool) -> None:
    """Raise UnsafeAddress unless every address `url`'s host resolves to is public (or `internal`)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeAddress(f"not an http(s) URL: {url}")
    if internal:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as error:
        raise UnsafeAddress(f"cannot resolve {parts.hostname}: {error}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address_is_public(address):
            raise UnsafeAddress(
                f"{parts.hostname} resolves to {address}, a non-public address: mark the endpoint internal to allow it"
            )


@dataclass(frozen=True)
class Outcome:
    """The result of one attempt: a status code, or an error without one."""

    ok: bool
    status_code: int | None
    error: str
    duration_ms: int


_session = requests.Session()


def send(url: str, *, secret: str, webhook_id: str, body: bytes, internal: bool) -> Outcome:
    """POST `body` signed to `url`; any 2xx is success, anything else (or no answer) a failure."""
    start = time.monotonic()

    def outcome(ok: bool, status: int | None, error: str) -> Outcome:
        return Outcome(ok, status, error, int((time.monotonic() - start) * 1000))

    try:
        check_address(url, internal=internal)
        response = _session.post(
            url,
            data=body,
            headers=signed_headers(secret, webhook_id, body),
            timeout=(settings.ORDERS_HTTP_CONNECT_TIMEOUT, settings.ORDERS_HTTP_READ_TIMEOUT),
            allow_redirects=False,
        )
    except ValueError as error:  # an address only internal endpoints may use, or a broken secret
        return outcome(False, None, f"refused: {error}")
    except requests.RequestException as error:
        return outcome(False, None, f"{type(error).__name__}: {error}"[:1000])
    if 200 <= response.status_code < 300:
        return outcome(True, response.status_code, "")
    return outcome(False, response.status_code, f"HTTP {response.status_code}: {response.text[:500]}")
