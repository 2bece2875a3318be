"""Expiry of the preview folder: what no page has used for a while goes (decision 19).

Everything under settings.PREVIEW_ROOT is derived. Each use renews a file's modification
time (at most hourly, `configurator.preview`), and `previews_expire` (a beat task,
`configurator.tasks`) removes the files unused for `PREVIEW_MAX_AGE_DAYS`, then the least
recently used while the folder holds more than `PREVIEW_MAX_BYTES`. A picture whose recipe
is gone stays servable; a recipe whose pictures are gone renders them again; a page that
lost both asks for itself again, which stores its recipes anew (static/js/site.js).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from configurator.preview import preview_root


@dataclass(frozen=True)
class ExpiryReport:
    """What one expiry sweep removed and what it kept."""

    removed_files: int
    removed_bytes: int
    kept_files: int
    kept_bytes: int


def _stored_files(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Yield each file of the two-letter fan-out under `root` with its stat (skipping any removed meanwhile)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            yield path, stat


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
    files: list[tuple[float, int, Path]] = []
    removed_files = removed_bytes = 0

    def remove(path: Path, size: int) -> None:
        nonlocal removed_files, removed_bytes
        try:
            path.unlink()
        except FileNotFoundError:
            return
        removed_files += 1
        removed_bytes += size

    for path, stat in _stored_files(preview_root()):
        if path.name.startswith(".tmp-"):
            if stat.st_mtime < now - 3600:
                remove(path, stat.st_size)
        elif stat.st_mtime < oldest:
            remove(path, stat.st_size)
        else:
            files.append((stat.st_mtime, stat.st_size, path))
    files.sort(key=lambda item: item[0])
    total = sum(size for _, size, _ in files)
    kept = len(files)
    for _mtime, size, path in files:
        if total <= budget:
            break
        remove(path, size)
        total -= size
        kept -= 1
    return ExpiryReport(removed_files=removed_files, removed_bytes=removed_bytes, kept_files=kept, kept_bytes=total)
