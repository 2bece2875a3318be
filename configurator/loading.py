"""The one bridge from a published catalog version to the engine.

A version never changes once published, so its plain model and its compiled solver
session are built once per process and reused for every request. Cache keys include
the snapshot's checksum, so a recreated database that reuses an id can never be served
a stale model. A session is built under a lock of its own version: two requests for the
same version build it once, and a big product's build never delays another's first load.

Publishing never pauses the shop (`version_serving`): while a process compiles a newly
published version in the background, its shoppers keep the product's newest version that
is ready; they switch when the new one is, and the versions it supersedes are dropped.
The sessions kept are bounded by their size (ENGINE_SESSIONS_MB), the least recently
used going first. After a build, what is kept is frozen out of the garbage collector only
once the versions it supersedes are dropped and collected, and the heap pages they held
are handed back to the system (`_settle`).

A draft (an unsaved version, `pk` None: staff trying it before publishing) is kept apart,
by its snapshot's checksum, in a few slots of its own: clicking through it is fast, a changed
draft has another checksum, and a draft never takes the place of a published version.
"""

from __future__ import annotations

import copy
import ctypes
import functools
import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.signals import request_finished
from django.db import connections
from django.dispatch import receiver

from catalog.models import CatalogVersion
from configurator import diagrams
from configurator.engine.compiler import compile_product
from configurator.engine.diagram import Diagram
from configurator.engine.model import Product, product_from_dict
from configurator.engine.paths import open_session
from configurator.engine.session import Session

log = logging.getLogger(__name__)

Key = tuple[int, str]  # (version id, snapshot checksum)
Prepare = Callable[[Product, Session], None]  # answers a new session's first questions before it is kept

_lock = threading.Lock()  # guards the caches, `_building` and `_ready`, never held while building
_models: OrderedDict[Key, Product] = OrderedDict()
_sessions: OrderedDict[Key, Session] = OrderedDict()
_sizes: dict[Key, int] = {}  # bytes each kept session added to the process when it was built
_building: dict[Key, threading.Lock] = {}  # one lock per version whose session is being built
_ready: dict[int, CatalogVersion] = {}  # product id -> its newest version whose session is kept
_background: dict[Key, int] = {}  # versions being built in a background thread -> their product id
#: background builds waiting for the request that started them to answer -> that request's thread
_waiting: dict[threading.Event, int] = {}
_drafts: OrderedDict[str, tuple[Product, Session]] = OrderedDict()  # snapshot checksum -> model, session
MAX_MODELS = 256
MAX_DRAFTS = 4
MIN_SIZE = 1 << 20  # a session is counted as at least 1 MB (the measured growth can be less)
#: seconds a background build waits for a request to finish before it starts anyway (outside a request)
AFTER_RESPONSE_S = 1.0


def _remember[K, T](cache: OrderedDict[K, T], key: K, value: T, limit: int) -> T:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)
    return value


def _rss() -> int:
    """Return this process's resident memory in bytes (0 where /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * 4096


def version_model(version: CatalogVersion) -> Product:
    """Return the engine model of a published version (built at most once per process).

    `version` may come with its snapshot deferred: it is only read on a cache miss.
    """
    if version.pk is None:
        return _draft(version)[0]
    key = (version.pk, version.checksum)
    model = _models.get(key)
    if model is None:
        model = product_from_dict(version.snapshot)
        with _lock:
            _remember(_models, key, model, MAX_MODELS)
    return model


def version_session(version: CatalogVersion, prepare: Prepare | None = None) -> Session:
    """Return the compiled solver session of a published version (compiled once per process).

    `prepare`, when this call builds the session, answers what shoppers ask first before the
    session is kept, so no shopper meets it cold (a background build after a publish).
    """
    if version.pk is None:
        return _draft(version)[1]
    key = (version.pk, version.checksum)
    session = _sessions.get(key)
    if session is not None:
        return session
    with _lock:
        building = _building.setdefault(key, threading.Lock())
    with building:  # only requests for this same version wait here
        session = _sessions.get(key)
        if session is None:
            before = _rss()
            model = version_model(version)
            session = build_session(model, version.checksum)
            if prepare is not None:
                prepare(model, session)
            dropped = _keep(version, session, max(MIN_SIZE, _rss() - before))
            _settle(dropped)
    return session


def _draft(version: CatalogVersion) -> tuple[Product, Session]:
    """Return the model and session of a draft, compiled once per snapshot checksum (the last few kept)."""
    with _lock:
        found = _drafts.get(version.checksum)
        if found is not None:
            _drafts.move_to_end(version.checksum)
            return found
    model = product_from_dict(version.snapshot)
    # Not frozen on its own build (`_settle`): a draft's session is dropped as soon as the draft
    # changes. A published version's build that settles while drafts are kept freezes them too;
    # staff try few drafts, and at most MAX_DRAFTS are kept.
    session = build_session(model, version.checksum)
    with _lock:
        return _remember(_drafts, version.checksum, (model, session), MAX_DRAFTS)


def version_serving(version: CatalogVersion) -> CatalogVersion:
    """Return the version to serve shoppers for `version`, the product's latest published one.

    `version` itself when its session is ready. Otherwise, when an older version of the
    same product is ready, that one, while `version` compiles in a background thread
    (ENGINE_BUILD_IN_BACKGROUND); with none ready, `version` (its first request compiles it).
    """
    key = (version.pk, version.checksum)
    if key in _sessions or not settings.ENGINE_BUILD_IN_BACKGROUND:
        return version
    with _lock:
        ready = _ready.get(version.product_id)
        if ready is None or ready.number >= version.number or (ready.pk, ready.checksum) not in _sessions:
            return version
        # One build per product at a time: a version published while another builds waits for the
        # next request after that build is done (two builds at once would share the cores with shoppers).
        start = key not in _background and version.product_id not in _background.values()
        if start:
            _background[key] = version.product_id
    if start:
        _start_build(version)
    return ready


def _start_build(version: CatalogVersion) -> None:
    """Start `version`'s background build, to run once this thread's request has answered."""
    key = (version.pk, version.checksum)
    answered = threading.Event()
    with _lock:
        _waiting[answered] = threading.get_ident()
    try:
        threading.Thread(
            target=_build_in_background, args=(version, answered), name=f"build-{key[0]}", daemon=True
        ).start()
    except RuntimeError:  # no thread to be had (interpreter shutting down): a later request tries again
        log.exception("the background build of version %s could not start", key[0])
        with _lock:
            _waiting.pop(answered, None)
            _background.pop(key, None)


def _build_in_background(version: CatalogVersion, answered: threading.Event) -> None:
    """Build `version`'s session once the request that asked for it has answered.

    The build holds the interpreter for long stretches (reading the snapshot, compiling), so
    started at once it would slow the very answer that started it: measured 6–18x a warm
    answer in bench/serving.py. It waits for that request to finish (`request_finished` on
    its thread), or AFTER_RESPONSE_S outside a request. The new session answers the page's
    first look before shoppers are switched to it (`warming.warm_session`).
    """
    key = (version.pk, version.checksum)
    answered.wait(AFTER_RESPONSE_S)
    with _lock:
        _waiting.pop(answered, None)
    from configurator import warming  # warming answers through the services, which read this module

    try:
        version_session(version, prepare=functools.partial(warming.warm_session, version))
    except Exception:
        log.exception("building version %s in the background failed: its first request builds it", key[0])
    finally:
        with _lock:
            _background.pop(key, None)
        connections.close_all()  # reading the snapshot and the diagram cache opened this thread's own connection


@receiver(request_finished, dispatch_uid="configurator.loading.answered")
def _answered(**_: object) -> None:
    """A request has answered (on its own thread): the background builds it started may start."""
    thread = threading.get_ident()
    with _lock:
        waiting = [event for event, started_by in _waiting.items() if started_by == thread]
    for event in waiting:
        event.set()


def full() -> bool:
    """Tell whether the kept sessions fill ENGINE_SESSIONS_MB (one more would push the least used out)."""
    with _lock:
        return bool(_sessions) and sum(_sizes.values()) >= settings.ENGINE_SESSIONS_MB << 20


def _keep(version: CatalogVersion, session: Session, size: int) -> bool:
    """Keep a newly built session; drop the versions it supersedes, then the least used past the bound.

    Return whether a version was dropped.
    """
    key = (version.pk, version.checksum)
    limit = settings.ENGINE_SESSIONS_MB << 20
    dropped = False
    with _lock:
        _sessions[key] = session
        _sessions.move_to_end(key)
        _sizes[key] = size
        _building.pop(key, None)
        ready = _ready.get(version.product_id)
        if ready is None or ready.number <= version.number:
            _ready[version.product_id] = _without_snapshot(version)
            if ready is not None and ready.number < version.number:
                _forget((ready.pk, ready.checksum))
                dropped = True
                log.info("version %s superseded by %s: dropped", ready.pk, version.pk)
        while len(_sessions) > 1 and sum(_sizes.values()) > limit:
            _forget(next(iter(_sessions)))
            dropped = True
    return dropped


def _without_snapshot(version: CatalogVersion) -> CatalogVersion:
    """Return a copy of `version` that has forgotten its loaded snapshot (read again if ever asked).

    The ready version is kept as long as it is served, while its model is cached: its parsed
    snapshot (tens of megabytes for a big table model) would stay in memory for nothing.
    """
    kept = copy.copy(version)
    vars(kept).pop("snapshot", None)  # a deferred field again: Django reads it on the next access
    return kept


def _settle(dropped: bool) -> None:
    """After a session is kept: collect, freeze what is alive, and give a dropped version's memory back.

    A warm session holds millions of objects that live as long as the process: frozen, no
    later full collection scans them again inside a shopper's click. Whatever is frozen is
    never collected, so this runs only once the versions the new one supersedes are dropped:
    frozen while still kept, their reference cycles (the kept answers clicks add to a
    session) would stay for the life of the process.
    """
    gc.collect()
    gc.freeze()
    if dropped:
        _trim_heap()


def _trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc keeps a dropped version's pages otherwise).

    Measured building 8 Renault versions in one process, each dropping the one before: without
    it the heap kept 9 to 53 MB of free memory and grew with every version.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)  # ctypes lets other threads run meanwhile


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """Return glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def _forget(key: Key) -> None:
    """Drop a kept session and model (the caller holds `_lock`)."""
    _sessions.pop(key, None)
    _models.pop(key, None)
    _sizes.pop(key, None)
    for product, ready in list(_ready.items()):
        if (ready.pk, ready.checksum) == key:
            del _ready[product]


def build_session(product: Product, checksum: str | None = None) -> Session:
    """Compile `product` and warm its session.

    Its diagram, when it compiles within the budget and answers faster, serves availability
    (kept under `checksum` for every process: configurator/diagrams.py).
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
    return session
