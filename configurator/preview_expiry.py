"""Expiry of the previews store: what no page has used for a while goes (decision 19).

Everything in the previews store (STORAGES["previews"]) is derived. On the local disk
each use renews a file's modification time (at most hourly, `configurator.preview`); an
object store keeps the time a file was written, so there a file goes that long after it
was made and is rendered again if still wanted. The sweep works through the storage API
on either, and `previews_expire` (a beat task,
`configurator.tasks`) removes the files unused for `PREVIEW_MAX_AGE_DAYS`, then the least
recently used while the folder holds more than `PREVIEW_MAX_BYTES`. A picture whose recipe
is gone stays servable; a recipe whose pictures are gone renders them again; a page that
lost both asks for itself again, which stores its recipes anew (static/js/site.js).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage

from configurator.preview import preview_store
from configurator.storage import TEMPORARY_PREFIX


@dataclass(frozen=True)
class ExpiryReport:
    """What one expiry sweep removed and what it kept."""

    removed_files: int
    removed_bytes: int
    kept_files: int
    kept_bytes: int


def _stored_files(store: Storage) -> Iterator[tuple[str, float, int]]:
    """Yield each file of the two-letter fan-out with its modification time and size (skipping any just removed)."""
    try:
        folders, _files = store.listdir("")
    except FileNotFoundError:
        return
    for folder in folders:
        try:
            _dirs, names = store.listdir(folder)
        except FileNotFoundError:
            continue
        for base in names:
            name = f"{folder}/{base}"
            try:
                yield name, store.get_modified_time(name).timestamp(), store.size(name)
            except FileNotFoundError:
                continue


def previews_expire(*, max_age_days: int | None = None, max_bytes: int | None = None) -> ExpiryReport:
    """Remove previews and recipes unused for `max_age_days`, then the least recently used over `max_bytes`.

    Defaults are settings.PREVIEW_MAX_AGE_DAYS and PREVIEW_MAX_BYTES. Safe while the shop
    runs: a removed file is rendered or stored again on its next use. Leftover temporary
    files of an interrupted write are removed after an hour.
    """
    age_days = settings.PREVIEW_MAX_AGE_DAYS if max_age_days is None else max_age_days
    budget = settings.PREVIEW_MAX_BYTES if max_bytes is None else max_bytes
    now = time.time()
    oldest = now - age_days * 86400
    files: list[tuple[float, int, str]] = []
    removed_files = removed_bytes = 0
    store = preview_store()

    def remove(name: str, size: int) -> None:
        nonlocal removed_files, removed_bytes
        try:
            store.delete(name)
        except FileNotFoundError:
            return
        removed_files += 1
        removed_bytes += size

    for name, mtime, size in _stored_files(store):
        if name.rpartition("/")[2].startswith(TEMPORARY_PREFIX):
            if mtime < now - 3600:
                remove(name, size)
        elif mtime < oldest:
            remove(name, size)
        else:
            files.append((mtime, size, name))
    files.sort(key=lambda item: item[0])
    total = sum(size for _, size, _ in files)
    kept = len(files)
    for _mtime, size, name in files:
        if total <= budget:
            break
        remove(name, size)
        total -= size
        kept -= 1
    return ExpiryReport(removed_files=removed_files, removed_bytes=removed_bytes, kept_files=kept, kept_bytes=total)
