"""The local store of rendered previews and their recipes (STORAGES["previews"] by default).

On the local disk, two processes may render the same look at once, and a reader must
never see half a picture: a save writes a temporary file and renames it over the name
(the same name always holds the same bytes, so the last writer loses nothing). A use is
recorded by renewing the file's modification time, which `configurator.preview_expiry`
reads. An S3-compatible store needs neither: a PUT is atomic, and expiry there counts
from the time a file was written (docs/media.md).
"""

from __future__ import annotations

import os
import tempfile
import time
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

#: A file's use is recorded by renewing its modification time, at most once per this many seconds.
TOUCH_SECONDS = 3600
#: Leftovers of interrupted writes start with this.
TEMPORARY_PREFIX = ".tmp-"


@deconstructible
class PreviewFileStorage(FileSystemStorage):
    """A folder (settings.PREVIEW_ROOT unless `location` is given) where saving a name replaces it atomically."""

    @cached_property
    def base_location(self) -> str:
        # django-stubs leave out `_location`, the `location` argument FileSystemStorage keeps.
        location: str = self._value_or_setting(self._location, str(settings.PREVIEW_ROOT))  # type: ignore[attr-defined]
        return location

    def _clear_cached_properties(self, setting: Any, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PREVIEW_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name  # content-addressed: the same name is the same content

    def _save(self, name: str, content: Any) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX)
        try:
            with os.fdopen(handle, "wb") as stream:
                content.seek(0)
                for chunk in content.chunks():
                    stream.write(chunk)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name

    def touch(self, name: str) -> bool:
        """Record a use of `name` for expiry; return False when the file is not there."""
        path = self.path(name)
        try:
            if os.stat(path).st_mtime < time.time() - TOUCH_SECONDS:
                os.utime(path)
        except FileNotFoundError:
            return False
        return True
