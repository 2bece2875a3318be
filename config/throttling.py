"""Rate limits per client: one throttle class for the API and for the shop's own views.

DRF's `ScopedRateThrottle` counts requests per scope and client in the shared cache
(settings.CACHES); this subclass reads the rates and the on/off switch from settings at
each request (so tests and deployments can change them) and names the client by
`client_ip`. Django views use it through `throttle(scope)`, which answers 429 with
`Retry-After`: a translated page, or for htmx a notice swapped into the page.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from rest_framework.throttling import ScopedRateThrottle

View = Callable[..., HttpResponse]


def _address(value: str) -> str | None:
    """Return `value` as the client it names: an IPv4 address, or the /64 network of an IPv6 one.

    One IPv6 subscriber routinely holds a whole /64 (2^64 addresses), so counting single
    addresses would give one client endless budgets.
    """
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_ip(request: HttpRequest) -> str:
    """Return the address a request came from, as far as it can be trusted (an IPv6 client is its /64).

    Without `CLIENT_IP_HEADER` it is REMOTE_ADDR. Behind proxies, each appends the
    address it saw to the header (X-Forwarded-For), so the entry `CLIENT_IP_PROXY_COUNT`
    from the right is the one our own outermost proxy wrote; anything further left was
    sent by the client and is not trusted.
    """
    remote = _address(str(request.META.get("REMOTE_ADDR", ""))) or "unknown"
    header = settings.CLIENT_IP_HEADER
    if not header:
        return remote
    entries = [item for item in str(request.META.get(header, "")).split(",") if item.strip()]
    if not entries:
        return remote
    index = max(0, len(entries) - max(1, settings.CLIENT_IP_PROXY_COUNT))
    return _address(entries[index]) or remote


class ClientScopedThrottle(ScopedRateThrottle):
    """`ScopedRateThrottle` with rates read at request time, a switch, and `client_ip` as the client."""

    def get_rate(self) -> str | None:
        if self.scope is None:
            return None
        rate: str | None = settings.RATELIMIT_RATES.get(self.scope)
        return rate

    def allow_request(self, request: Any, view: Any) -> bool:
        if not settings.RATELIMIT_ENABLE:
            return True
        return bool(super().allow_request(request, view))

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


def throttle_wait(request: HttpRequest, scope: str) -> int | None:
    """Count a request against `scope`; return None if allowed, else the seconds to wait (at least 1)."""
    check = ClientScopedThrottle()
    if check.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    return max(1, math.ceil(check.wait() or 1))


def throttled_response(request: HttpRequest, wait: int) -> HttpResponse:
    """Answer 429 with `Retry-After`: a notice for htmx (swapped into #notices), else a page."""
    context = {"wait": wait}
    if getattr(request, "htmx", False):
        response = HttpResponse(render_to_string("_throttled_notice.html", context, request), status=429)
        # base.html lets htmx swap a 429; the notice replaces the notices, the page stays.
        response["HX-Retarget"] = "#notices"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = HttpResponse(render_to_string("429.html", context, request), status=429)
    response["Retry-After"] = str(wait)
    return response


def throttle(scope: str, *, methods: tuple[str, ...] = ()) -> Callable[[View], View]:
    """Decorate a Django view so that each client gets `RATELIMIT_RATES[scope]` requests.

    With `methods`, only requests with those methods count (a checkout form is shown
    freely, its POST places an order).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not methods or request.method in methods:
                wait = throttle_wait(request, scope)
                if wait is not None:
                    return throttled_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Answer a locked-out admin sign-in (django-axes): 429, `Retry-After` and a page saying when to retry."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    context = {
        **admin.site.each_context(request),  # the admin's own header and title, like its sign-in page
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = HttpResponse(render_to_string("axes_lockout.html", context, request), status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
