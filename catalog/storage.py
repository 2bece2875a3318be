"""Content-addressed storage for preview layer images, over whichever store holds the media.

A published catalog version refers to layer images by name. Naming each file after
the hash of its bytes means a name always denotes the same picture: replacing a
layer in the draft writes a new file and never alters what a snapshot shows.

The bytes live in `storages["default"]` (the local MEDIA_ROOT, or an S3-compatible
bucket when configured, docs/media.md): `ContentAddressedStorage` only adds the
naming rule, so it works over any backend by asking `exists()` before `save()`.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible


def content_name(content: IO[bytes], filename: str, folder: str = "preview") -> str:
    """Return `folder/<sha256 prefix><extension>` for the bytes of `content`."""
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in iter(lambda: content.read(1 << 16), b""):
        digest.update(chunk)
    content.seek(0)
    suffix = PurePosixPath(filename).suffix.lower()
    return f"{folder}/{digest.hexdigest()[:32]}{suffix}"


def content_save(storage: Storage, name: str, content: Any) -> str:
    """Save `content` as `name` unless a file of that name is already there; return the stored name.

    For names that denote their content (a hash in the name): a second save of the same
    name is a no-op, on any backend, and never makes a renamed copy.
    """
    if storage.exists(name):
        return name
    saved: str = storage.save(name, content)
    return saved


@deconstructible
class ContentAddressedStorage(Storage):
    """Store each distinct content once in the media store; saving identical bytes again is a no-op."""

    @property
    def backend(self) -> Storage:
        """The store that holds the bytes: `storages["default"]`, looked up per use (tests swap it)."""
        return storages["default"]

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        return self.backend.open(name, mode)

    def _save(self, name: str, content: Any) -> str:
        return content_save(self.backend, name, content)

    def delete(self, name: str) -> None:
        self.backend.delete(name)

    def exists(self, name: str) -> bool:
        return self.backend.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend.listdir(path)

    def size(self, name: str) -> int:
        return self.backend.size(name)

    def url(self, name: str | None) -> str:
        return self.backend.url(name)

    def path(self, name: str) -> str:
        return self.backend.path(name)

    def get_modified_time(self, name: str) -> datetime.datetime:
        return self.backend.get_modified_time(name)
