"""The one bridge from a published catalog version to the engine.

A version never changes once published, so its plain model and its compiled solver
session are built once per process and reused for every request. Cache keys include
the snapshot's checksum, so a recreated database that reuses an id can never be served
a stale model.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from catalog.models import CatalogVersion
from configurator.engine.compiler import compile_product
from configurator.engine.model import Product, product_from_dict
from configurator.engine.session import Session

_lock = threading.RLock()
_models: OrderedDict[tuple[int, str], Product] = OrderedDict()
_sessions: OrderedDict[tuple[int, str], Session] = OrderedDict()
MAX_MODELS = 256
MAX_SESSIONS = 16  # a compiled industrial model holds a SAT solver of some megabytes


def _remember[T](cache: OrderedDict[tuple[int, str], T], key: tuple[int, str], value: T, limit: int) -> T:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)
    return value


def version_model(version: CatalogVersion) -> Product:
    """Return the engine model of a published version (built at most once per process).

    `version` may come with its snapshot deferred: it is only read on a cache miss.
    """
    key = (version.pk, version.checksum)
    model = _models.get(key)
    if model is None:
        model = product_from_dict(version.snapshot)
        with _lock:
            _remember(_models, key, model, MAX_MODELS)
    return model


def version_session(version: CatalogVersion) -> Session:
    """Return the compiled solver session of a published version (compiled once per process)."""
    key = (version.pk, version.checksum)
    session = _sessions.get(key)
    if session is None:
        with _lock:
            session = _sessions.get(key)
            if session is None:
                session = _remember(_sessions, key, Session(compile_product(version_model(version))), MAX_SESSIONS)
    return session
