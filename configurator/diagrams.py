"""Compiled solution spaces kept by catalog checksum, in the shared cache, for every process.

A version's diagram is compiled once (at publish, by a Celery task, or by the first
process that loads the version) and stored compressed under its snapshot's checksum;
every other process, and every restart, reads it back in a fraction of the compile time.
That a model does not compile within the budget is kept too, so no process tries again.
"""

from __future__ import annotations

import logging
import pickle
import zlib

from django.conf import settings
from django.core.cache import cache

from config.throttling import CACHE_ERRORS
from configurator.engine.compiler import CompiledModel
from configurator.engine.diagram import Diagram
from configurator.engine.paths import compile_model

log = logging.getLogger(__name__)

#: bump when `Diagram`'s pickled form changes: entries of another format are never read
FORMAT = 1
#: how long a kept diagram lives (a version is immutable; unused versions' entries expire)
TIMEOUT = 30 * 24 * 3600
_NONE = b"none"  # the model did not compile within the budget


def _key(checksum: str) -> str:
    return f"engine-diagram:{FORMAT}:{settings.ENGINE_DIAGRAM_NODES}:{checksum}"


class Missing:
    """Nothing kept under a checksum: the diagram is still to be compiled."""


MISSING = Missing()


def kept(checksum: str | None) -> Diagram | Missing | None:
    """Return the diagram kept under `checksum`, None if it is known not to compile, else MISSING."""
    if not settings.ENGINE_DIAGRAM:
        return None
    try:
        value = cache.get(_key(checksum)) if checksum is not None else None
    except CACHE_ERRORS:  # the shared cache is down: compile, as a first process would
        log.warning("kept diagram %s not read (CACHE_URL failed)", checksum, exc_info=True)
        return MISSING
    if value == _NONE:
        return None
    if value is not None:
        try:
            diagram: Diagram = pickle.loads(zlib.decompress(value))
            return diagram
        except (zlib.error, pickle.UnpicklingError, AttributeError, EOFError, TypeError):
            log.warning("kept diagram %s unreadable: compiling again", checksum)
    return MISSING


def compile_for(model: CompiledModel) -> Diagram | None:
    """Compile `model`'s diagram within the configured budget (touches no database: runs in any thread)."""
    return compile_model(model, max_nodes=settings.ENGINE_DIAGRAM_NODES, seconds=settings.ENGINE_DIAGRAM_SECONDS)


def keep(checksum: str | None, diagram: Diagram | None) -> None:
    """Keep `diagram` (None: "does not compile within the budget") under `checksum`."""
    if checksum is None or not settings.ENGINE_DIAGRAM:
        return
    value = _NONE if diagram is None else zlib.compress(pickle.dumps(diagram, protocol=5), 1)
    try:
        cache.set(_key(checksum), value, TIMEOUT)
    except CACHE_ERRORS:  # the next process compiles it again; the shopper is served either way
        log.warning("diagram %s not kept (CACHE_URL failed)", checksum, exc_info=True)


def diagram_for(model: CompiledModel, checksum: str | None) -> Diagram | None:
    """Return `model`'s diagram: kept under `checksum`, else compiled and kept; None past the budget."""
    found = kept(checksum)
    if not isinstance(found, Missing):
        return found
    compiled = compile_for(model)
    keep(checksum, compiled)
    return compiled
