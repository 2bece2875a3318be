"""The preview pictures' addresses: `/preview/<key>-<size>.<fmt>`, named by their content."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from config.throttling import throttle, throttle_wait, throttled_response
from configurator import preview

_PREVIEW_CACHE = "public, max-age=31536000, immutable"


def _preview_bytes(request: HttpRequest, key: str, size: str, fmt: str) -> bytes | HttpResponse:
    """Return a picture's bytes, rendering it if needed (throttled), or a 429 answer; raise 404 if unknown."""
    content = preview.preview_stored(key, size, fmt)
    if content is not None:
        return content
    wait = throttle_wait(request, "preview_render")
    if wait is not None:
        return throttled_response(request, wait)
    content = preview.preview_file(key, size, fmt)
    if content is None:
        raise Http404(_("No such preview image."))
    return content


@throttle("preview")
def preview_image(request: HttpRequest, key: str, size: str, fmt: str) -> HttpResponse:
    """Serve one preview picture (`/preview/<key>-<size>.<fmt>`), rendered on first request.

    The address names the content, so the answer is cacheable forever; a matching
    `If-None-Match` answers 304. An unknown key, size or format answers 404. Rendering
    is the costly part: it counts against the tighter "preview_render" rate as well.
    """
    etag = f'"{key}-{size}.{fmt}"'
    known = preview.KEY.match(key) and size in preview.SIZES and fmt in preview.FORMATS
    if known and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        content = _preview_bytes(request, key, size, fmt)
        if isinstance(content, HttpResponse):
            return content
        response = HttpResponse(content, content_type=preview.FORMATS[fmt])
    response["Cache-Control"] = _PREVIEW_CACHE
    response["ETag"] = etag
    return response
