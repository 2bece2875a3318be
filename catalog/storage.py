"""Content-addressed storage for preview layer images.

A published catalog version refers to layer images by name. Naming each file after
the hash of its bytes means a name always denotes the same picture: replacing a
layer in the draft writes a new file and never alters what a snapshot shows.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files.storage import FileSystemStorage
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


@deconstructible
class ContentAddressedStorage(FileSystemStorage):
    """Store each distinct content once; saving identical bytes again is a no-op."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def _save(self, name: str, content: Any) -> str:
        if self.exists(name):
            return name
        # django-stubs leave out Storage._save, which Django documents for subclasses to override.
        saved: str = super()._save(name, content)  # type: ignore[misc]
        return saved
