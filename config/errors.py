"""Application errors and how every `/api/` error is answered: one JSON shape naming the field.

The shape (DESIGN §8) is `{"errors": {"<field>": ["<message>", ...]}}`, with `detail` as
the key of an error that belongs to no field, plus the extra keys an operation already
has (`violations`). Domain code raises an `ApplicationError` (or the engine's
`SelectionError`, which stays framework-free and is mapped here); API views raise those
or DRF's exceptions, and `api_exception_handler` renders them all. Django's own error
views (`bad_request`, `not_found`, `server_error`, `permission_denied`) answer the same
JSON for `/api/` paths and keep the HTML pages for the shop.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from configurator.engine.selection import SelectionError

logger = logging.getLogger(__name__)

#: The key of an error that belongs to no field of the request.
DETAIL = "detail"
ErrorMap = dict[str, list[str]]


class ApplicationError(Exception):
    """An error the application answers to its caller: an HTTP status and messages per field.

    Subclasses set `status` (400 by default) and, for a single message, `field`; `extra`
    holds the keys an operation adds next to `errors` (an order's `violations`).
    """

    status: int = status.HTTP_400_BAD_REQUEST
    field: str = DETAIL

    def __init__(self, errors: ErrorMap | str, *, extra: Mapping[str, Any] | None = None) -> None:
        self.errors: ErrorMap = {self.field: [errors]} if isinstance(errors, str) else errors
        self.extra: dict[str, Any] = dict(extra or {})
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in self.errors.items()))


def error_map(detail: Any, prefix: str = "") -> ErrorMap:
    """Flatten DRF error details into field -> messages, naming nested fields with dots.

    `{"customer": {"email": ["..."]}}` becomes `{"customer.email": ["..."]}`; a list of
    messages for the whole body, and DRF's `non_field_errors`, go under `detail`.
    """
    out: ErrorMap = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            if key in ("non_field_errors", DETAIL):
                name = prefix or DETAIL  # an error of the object itself
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in error_map(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        for index, item in enumerate(detail):  # a list of objects: name each by its index
            for field, messages in error_map(item, f"{prefix}.{index}" if prefix else str(index)).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        out[prefix or DETAIL] = [str(item) for item in detail]
    else:
        out[prefix or DETAIL] = [str(detail)]
    return out


def error_body(errors: ErrorMap, **extra: Any) -> dict[str, Any]:
    """Return the JSON body of an `/api/` error."""
    return {"errors": errors, **extra}


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """Render an exception raised in an API view as the one error shape; None lets a 500 through.

    An unexpected exception is not handled here: Django logs it once and `server_error`
    answers the JSON 500.
    """
    if isinstance(exc, SelectionError):
        exc = ApplicationError(exc.errors)
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.errors, **exc.extra), status=exc.status)
    response = exception_handler(exc, dict(context))  # Http404, PermissionDenied, headers such as Retry-After
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data.get(DETAIL, response.data)
    response.data = error_body(error_map(detail))
    return response


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(status_code: int, message: str) -> JsonResponse:
    return JsonResponse(error_body({DETAIL: [message]}), status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 400 (413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE): JSON under /api/, else the HTML page."""
    if is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return json_error(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "the request body is too large")
        return json_error(status.HTTP_400_BAD_REQUEST, "the request could not be read")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 403: JSON under /api/, else the HTML page."""
    if is_api(request):
        return json_error(status.HTTP_403_FORBIDDEN, "you do not have permission to do this")
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 404: JSON under /api/, else the HTML page."""
    if is_api(request):
        return json_error(status.HTTP_404_NOT_FOUND, f"no such address: {request.path}")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer 500 (already logged by Django with its traceback): JSON under /api/, else the HTML page."""
    if is_api(request):
        return json_error(status.HTTP_500_INTERNAL_SERVER_ERROR, "a server error occurred; it has been logged")
    return defaults.server_error(request)
