"""A bound on every request body a visitor can send, before anything reads it.

DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files: Django streams a multipart
file of any size to a temporary file, and the CSRF check reads the body of every POST
(with or without a valid token) to look for its token. So anyone could make the server
write gigabytes to its temporary folder, through any form (save, checkout, erase, the
language switch, the admin's sign-in). A body declared larger than REQUEST_MAX_BODY_BYTES
is refused with 413 before it is read, except for signed-in staff, whose uploads (preview
layers) are checked by the admin with a message naming the limit (catalog/images.py).
A body without a declared length is never read (WSGI): the API answers 411 to a chunked one
rather than acting as if nothing was sent.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from config.errors import is_api, json_error

Handler = Callable[[HttpRequest], HttpResponse]


class RequestBodyLimitMiddleware:
    """Answer 413 to a visitor's request whose Content-Length is over REQUEST_MAX_BODY_BYTES (after auth)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = str(request.META.get("CONTENT_LENGTH") or "")
        chunked = "chunked" in str(request.META.get("HTTP_TRANSFER_ENCODING", "")).lower()
        if chunked and declared in ("", "0") and is_api(request):
            # Django reads no body without a length: the API would answer as if none was sent
            # (configure: 200 with an empty configuration).
            return json_error(411, "send the body with a Content-Length header; a chunked body is not read")
        limit: int = settings.REQUEST_MAX_BODY_BYTES
        if declared.isdigit() and int(declared) > limit and not request.user.is_staff:
            if is_api(request):
                api_limit: int = settings.API_MAX_BODY_BYTES  # the JSON API's own, smaller bound
                return json_error(413, f"the request body is larger than {min(limit, api_limit)} bytes")
            return HttpResponse(render_to_string("413.html", {}, request), status=413)
        return self.get_response(request)
