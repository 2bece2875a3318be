"""Who is recorded, and the only trace of who they are: a visitor hash that changes every day.

A shopper who sends Do-Not-Track or Global Privacy Control is not recorded at all, nor is
an obvious crawler, nor anyone when INSIGHTS_ENABLED is off. Unique visitors per day come
from a hash of (daily salt, site, IP, user agent), the Plausible technique: the salt is
random per local day and lives only in memory, so once the day is over nobody, the shop
included, can tell whether two hashes were the same person, or whose they were. The IP
and the user agent are read into the hash and never stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from config.throttling import client_ip

#: User agents that announce a robot. "HeadlessChrome" is no robot of its own: browser tests use it.
_CRAWLER = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit", re.IGNORECASE)
#: Cache backends every process of the shop shares and that live in memory.
_SHARED_CACHES = ("redis", "locmem")
#: The salt of a day is kept this long: a visit started that day may still go on the next.
_SALT_SECONDS = 3 * 24 * 3600
_salts: dict[date, str] = {}
_salts_lock = threading.Lock()


def recordable(request: HttpRequest) -> bool:
    """Say whether this request may be recorded: recording on, no DNT or GPC, no crawler."""
    if not settings.INSIGHTS_ENABLED:
        return False
    headers = request.headers
    if headers.get("DNT", "").strip() == "1" or headers.get("Sec-GPC", "").strip() == "1":
        return False
    return not _CRAWLER.search(headers.get("User-Agent", ""))


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


def daily_salt(day: date) -> str:
    """Return the random salt of `day`, made on first use.

    In the shared cache when it is Redis (every process agrees) or local memory; with a
    cache on disk or in the database, in this process's memory only: each process then
    has its own salt, and a visitor whose clicks reach two processes counts twice.
    """
    if _shared_cache():
        key = f"insights:salt:{day.isoformat()}"
        cache.add(key, secrets.token_hex(16), _SALT_SECONDS)
        salt = cache.get(key)
        if isinstance(salt, str):
            return salt
    with _salts_lock:
        for old in [d for d in _salts if (day - d).days > 2]:
            del _salts[old]
        return _salts.setdefault(day, secrets.token_hex(16))


def visitor_hash(source: VisitorSource, day: date) -> str:
    """Return the visitor of `day`: 16 hex digits of sha256(salt, site, IP, user agent)."""
    material = "\n".join([daily_salt(day), source.host, source.ip, source.user_agent])
    return hashlib.sha256(material.encode()).hexdigest()[:16]
