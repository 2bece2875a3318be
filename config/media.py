"""Serving media from the media store, with or without DEBUG (docs/media.md).

Everything under MEDIA_URL is read through `storages["default"]`, so it is served the
same way from the local disk or an S3-compatible bucket, by any app server, whatever
DEBUG says. What may be served is decided by name: layer images (`preview/`, named
after the hash of their bytes) are public and immutable; orders' pictures
(`orders/`) only to staff who may see shoppers' personal data (the picture shows a
monogram); shoppers get theirs from their order's secret link (`orders.views`).
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.core.files.storage import Storage, storages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from config.throttling import throttle

#: Content-addressed names never change what they show: browsers and proxies keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
#: An order's picture: only the browser that opened the secret link keeps it, for a day.
PRIVATE = "private, max-age=86400"
PUBLIC_PREFIXES = ("preview/",)
STAFF_PREFIXES = ("orders/",)
STAFF_PERMISSION = "orders.view_personal_data"


def stored_file_response(request: HttpRequest, storage: Storage, name: str, cache_control: str) -> HttpResponse:
    """Answer the stored file `name` with `cache_control` and a name-based ETag; 304 on a match, 404 if absent.

    The files are pictures of a few kB to a few MB (layer images are bounded by
    CATALOG_LAYER_MAX_BYTES): read whole, as the preview view does.
    """
    etag = f'"{PurePosixPath(name).name}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        try:
            with storage.open(name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            raise Http404(_("There is no such file.")) from None
        response = HttpResponse(content, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Cache-Control"] = cache_control
    response["ETag"] = etag
    return response


def _allowed(request: HttpRequest, name: str) -> bool:
    if ".." in PurePosixPath(name).parts or name.startswith("/"):
        return False
    if name.startswith(PUBLIC_PREFIXES):
        return True
    user = request.user
    return name.startswith(STAFF_PREFIXES) and user.is_staff and user.has_perm(STAFF_PERMISSION)


@require_safe
@throttle("preview")
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    """Serve a file of the media store at MEDIA_URL + `name` (404 for what the visitor may not see)."""
    if not _allowed(request, name):
        raise Http404(_("There is no such file."))
    cache_control = IMMUTABLE if name.startswith(PUBLIC_PREFIXES) else PRIVATE
    return stored_file_response(request, storages["default"], name, cache_control)
