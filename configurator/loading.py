"""The one bridge from a published catalog version to the engine.

A version never changes once published, so its plain model and its compiled solver
session are built once per process and reused for every request. Cache keys include
the snapshot's checksum, so a recreated database that reuses an id can never be served
a stale model. A session is built under a lock of its own version: two requests for the
same version build it once, and a big product's build never delays another's first load.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import OrderedDict

from catalog.models import CatalogVersion
from configurator import diagrams
from configurator.engine.compiler import compile_product
from configurator.engine.diagram import Diagram
from configurator.engine.model import Product, product_from_dict
from configurator.engine.paths import open_session
from configurator.engine.session import Session

log = logging.getLogger(__name__)

Key = tuple[int, str]  # (version id, snapshot checksum)

_lock = threading.Lock()  # guards the caches and `_building`, never held while building
_models: OrderedDict[Key, Product] = OrderedDict()
_sessions: OrderedDict[Key, Session] = OrderedDict()
_building: dict[Key, threading.Lock] = {}  # one lock per version whose session is being built
MAX_MODELS = 256
MAX_SESSIONS = 16  # a compiled industrial model holds a SAT solver of some megabytes


def _remember[T](cache: OrderedDict[Key, T], key: Key, value: T, limit: int) -> T:
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
    if session is not None:
        return session
    with _lock:
        building = _building.setdefault(key, threading.Lock())
    with building:  # only requests for this same version wait here
        session = _sessions.get(key)
        if session is None:
            session = build_session(version_model(version), version.checksum)
            with _lock:
                _remember(_sessions, key, session, MAX_SESSIONS)
                _building.pop(key, None)
    return session


def build_session(product: Product, checksum: str | None = None) -> Session:
    """Compile `product` and warm its session, then exempt what it holds from garbage collection.

    Its diagram, when it compiles within the budget and answers faster, serves availability
    (kept under `checksum` for every process: configurator/diagrams.py). A warm session holds
    millions of objects that live as long as the process; freezing them keeps every later
    full collection from scanning them again, inside a shopper's click.
    """
    model = compile_product(product)
    found = diagrams.kept(checksum)  # read here: the compile below runs in another thread, with no database
    compiled: list[Diagram | None] = []

    def source() -> Diagram | None:
        if isinstance(found, diagrams.Missing):
            compiled.append(diagrams.compile_for(model))
            return compiled[0]
        return found

    session, choice = open_session(model, source)
    if compiled:
        diagrams.keep(checksum, compiled[0])
    log.info("%s: availability from the %s path (%s)", product.code, choice.path, choice.reason)
    gc.collect()
    gc.freeze()
    return session
