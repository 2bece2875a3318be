"""The one bridge from a published catalog version to the engine's plain model.

A version never changes once published, so its model is built once per process and
reused for every request. The cache key includes the snapshot's checksum, so a
recreated database that reuses an id can never be served a stale model.
"""

from __future__ import annotations

import threading

from catalog.models import CatalogVersion
from configurator.engine.model import Product, product_from_dict

_MAX_MODELS = 256
_models: dict[tuple[int, str], Product] = {}
_lock = threading.Lock()


def version_model(version: CatalogVersion) -> Product:
    """Return the engine model of a published version (built at most once per process).

    `version` may come with its snapshot deferred: it is only read on a cache miss.
    """
    key = (version.pk, version.checksum)
    model = _models.get(key)
    if model is None:
        model = product_from_dict(version.snapshot)
        with _lock:
            if len(_models) >= _MAX_MODELS:
                _models.pop(next(iter(_models)))
            _models[key] = model
    return model
