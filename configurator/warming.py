"""Compile the catalog before shoppers ask for it.

The gunicorn master calls `warm_published` once, before forking its workers
(config/gunicorn.conf.py), so every worker starts with each product's latest published
version compiled; `python manage.py warm_catalogs` runs the same loop by hand.
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.db import DatabaseError

from catalog.models import CatalogVersion
from catalog.selectors import listed_versions
from configurator import loading, services
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.engine.session import Session

log = logging.getLogger(__name__)


def warm_version(version: CatalogVersion) -> None:
    """Compile `version` and answer what its page opens on, so no first shopper waits for either.

    Compiling alone is not enough: the first availability check of a big model builds the
    session's witnesses (11 s of a 14 s first page on Automotive01, after a 1.4 s compile).
    """
    loading.version_session(version, prepare=functools.partial(warm_session, version))


def warm_session(version: CatalogVersion, product: Product, session: Session) -> None:
    """Answer a new session's first look: the page a shopper opens, before any shopper is served it.

    The session answered the empty selection when it was built; the page opens on the catalog's
    defaults completed (`configuration_first_look`), which is answered here, with its prices.
    """
    engine = services.VersionEngine(version=version, product=product, session=session)
    first = session.complete(Selection(), parameters=False).configuration
    services.configuration_check(engine, first or Selection(), settings.LANGUAGE_CODE)


def warm_published() -> list[str]:
    """Warm the latest published version of every listed product; return what was warmed ("code vN").

    A product that fails to compile is logged and skipped: one bad catalog must not keep the
    shop from starting, and its first shopper gets the same error a cold start would give.
    No more versions are warmed than the session cache keeps, or the last ones would push the
    first ones out.
    """
    started = time.perf_counter()
    try:
        versions = listed_versions()
    except DatabaseError as error:
        # A database not migrated yet (the first start of a new deployment): serve cold.
        log.warning("warming skipped: the catalog cannot be read (%s: %s)", type(error).__name__, error)
        return []
    warmed: list[str] = []
    for number, version in enumerate(versions):
        name = f"{version.product.code} v{version.number}"
        if loading.full():
            skipped = ", ".join(f"{v.product.code} v{v.number}" for v in versions[number:])
            log.warning("the compiled versions fill ENGINE_SESSIONS_MB: not warmed: %s", skipped)
            break
        began = time.perf_counter()
        try:
            warm_version(version)
        except Exception:  # one product's failure must not stop the others
            log.exception("warming %s failed; it compiles on its first request instead", name)
            continue
        log.info("warmed %s in %.2f s", name, time.perf_counter() - began)
        warmed.append(name)
    log.info("warmed %d catalog versions in %.2f s", len(warmed), time.perf_counter() - started)
    return warmed
