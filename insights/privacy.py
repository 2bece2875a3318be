"""Who is recorded, and the only trace of who they are: a visitor hash that changes every day.

A shopper who sends Do-Not-Track or Global Privacy Control is not recorded at all, nor is
an obvious crawler, nor anyone when INSIGHTS_ENABLED is off. Unique visitors per day come
from a hash of (daily salt, site, IP, user agent), the Plausible technique: the salt is
random per local day and lives only in memory (Redis's, or this process's) until a few
minutes after that day's local midnight, so once the day is over nobody, the shop included,
can tell whether two hashes were the same person, or whose they were. The IP and the user
agent are read into the hash and never stored.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from config.throttling import client_ip

#: User agents that announce a robot. "HeadlessChrome" is no robot of its own: browser tests use it.
_CRAWLER = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit", re.IGNORECASE)
#: Cache backends every process of the shop shares and that live in memory (local memory is one process's).
_SHARED_CACHES = ("redis",)
#: A day's salt is kept this long after its local midnight: a visit started at 23:59 is hashed after it.
SALT_GRACE = timedelta(minutes=10)
_salts: dict[date, str] = {}
_salts_lock = threading.Lock()

logger = logging.getLogger(__name__)


def tracking_refused(request: HttpRequest) -> bool:
    """Say whether the browser asks not to be tracked: Do-Not-Track or Global Privacy Control."""
    headers = request.headers
    return headers.get("DNT", "").strip() == "1" or headers.get("Sec-GPC", "").strip() == "1"


def recordable(request: HttpRequest) -> bool:
    """Say whether this request may be recorded: recording on, no DNT or GPC, no crawler."""
    if not settings.INSIGHTS_ENABLED or tracking_refused(request):
        return False
    return not _CRAWLER.search(request.headers.get("User-Agent", ""))


@dataclass(frozen=True)
class VisitorSource:
    """What a visitor hash is made of, held in memory until the hash is computed, then dropped."""

    host: str
    ip: str
    user_agent: str


def visitor_source(request: HttpRequest) -> VisitorSource:
    """Read what the visitor hash of `request` is made of (never stored: only hashed, after the response)."""
    return VisitorSource(
        host=request.get_host(), ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")
    )


def _shared_cache() -> bool:
    backend = str(settings.CACHES["default"]["BACKEND"]).lower()
    return any(name in backend for name in _SHARED_CACHES)


def salt_end(day: date) -> datetime:
    """Return when the salt of `day` is forgotten: its local midnight, plus `SALT_GRACE`."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone.get_current_timezone())
    return midnight + SALT_GRACE


def _cached_salt(day: date, seconds: int) -> str | None:
    """Return the salt of `day` from the shared cache, made there on first use; None if the cache fails."""
    key = f"insights:salt:{day.isoformat()}"
    try:
        cache.add(key, secrets.token_hex(16), seconds)
        salt = cache.get(key)
    except Exception:  # noqa: BLE001 - any error of the cache's client: the process's own salt serves
        logger.warning("The cache could not give the visitor salt of %s; this process uses its own.", day)
        return None
    return salt if isinstance(salt, str) else None


def daily_salt(day: date) -> str:
    """Return the random salt of `day`, made on first use and forgotten a few minutes after the day ends.

    In the cache when it is Redis (every process agrees; it expires at `salt_end`), else, or
    when the cache fails, in this process's memory only: each process then has its own salt,
    and a visitor whose clicks reach two processes counts twice. A day already over (a
    simulation's) has its salt in this process only, for as long as the simulation runs.
    """
    now = timezone.now()
    seconds = int((salt_end(day) - now).total_seconds())
    if seconds > 0 and _shared_cache():
        salt = _cached_salt(day, seconds)
        if salt is not None:
            return salt
    with _salts_lock:
        if seconds > 0:
            # Today's salt asked for: the salts of days over are dropped.
            for old in [d for d in _salts if salt_end(d) <= now]:
                del _salts[old]
        return _salts.setdefault(day, secrets.token_hex(16))


def visitor_hash(source: VisitorSource, day: date) -> str:
    """Return the visitor of `day`: 16 hex digits of sha256(salt, site, IP, user agent)."""
    material = "\n".join([daily_salt(day), source.host, source.ip, source.user_agent])
    return hashlib.sha256(material.encode()).hexdigest()[:16]
