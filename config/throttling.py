"""Rate limits per client: one throttle class for the API and for the shop's own views.

DRF's `ScopedRateThrottle` counts requests per scope and client in the shared cache
(settings.CACHES); this subclass reads the rates and the on/off switch from settings at
each request (so tests and deployments can change them) and names the client by
`client_ip`. Django views use it through `throttle(scope)`, which answers 429 with
`Retry-After`: a translated page, or for htmx a notice swapped into the page.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from redis.exceptions import RedisError
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]

#: What the cache backends raise when their store is unreachable or missing: Redis down,
#: the db:// table not created, the file cache's folder not writable.
CACHE_ERRORS = (RedisError, DatabaseError, OSError)


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
        """Count the request; let it through when limits are off, or when the cache cannot count it.

        Limits guard against abuse; they must not take the shop down with the cache. A
        cache that fails is logged on each request, so the operator sees it.
        """
        if not settings.RATELIMIT_ENABLE:
            return True
        try:
            return bool(super().allow_request(request, view))
        except CACHE_ERRORS:
            logger.warning("rate limit %r not counted: the cache (CACHE_URL) failed", self.scope, exc_info=True)
            return True

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def wait(self) -> float | None:
        """Seconds until the next request may pass, also when more requests are counted than the rate allows.

        That happens when a rate is lowered while clients are counted, or when concurrent
        requests pass together at the edge (the count is read, then written). DRF answers
        None then, and the 429 went out without `Retry-After` (or, for pages, with 1 s).
        """
        waited = super().wait()
        if waited is not None:
            return float(waited)
        allowed, duration = self.parse_rate(self.rate)  # what allow_request counted against
        if allowed is None or duration is None:
            return None  # no rate: nothing was refused
        if allowed < 1 or len(self.history) < allowed:
            return float(duration)
        # Newest first: a request passes once the entry `allowed - 1` has left the window.
        return max(0.0, duration - (self.now - float(self.history[allowed - 1])))


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


def cache_expired_delete() -> int:
    """Delete the shared cache's expired entries when it is a database table; return how many.

    Throttle counts are keyed by the client's address. Redis, memory and file caches drop
    an expired entry themselves; Django's database cache only deletes one when it is read
    again or when the table is over MAX_ENTRIES, so the address of a visitor who never
    came back stayed in `django_cache` indefinitely. The beat runs this hourly.
    """
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connections, router
    from django.utils import timezone

    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        return 0
    connection = connections[router.db_for_write(cache.cache_model_class)]
    table = connection.ops.quote_name(cache.cache_model_class._meta.db_table)
    expires = connection.ops.quote_name("expires")
    now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [now])
        return int(cursor.rowcount)
