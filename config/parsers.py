"""The one body parser of the JSON API: bounded size and nesting depth, JSON only.

It is the only entry of DEFAULT_PARSER_CLASSES, so a form or multipart body sent to a
JSON endpoint answers 415 instead of being read as an empty configuration. A body
larger than API_MAX_BODY_BYTES answers 413 before it is read whole, and JSON nested
deeper than API_MAX_JSON_DEPTH answers 400, never a RecursionError.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser


class RequestTooLarge(APIException):
    """The request body is larger than the API takes (413)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "the request body is too large"
    default_code = "request_too_large"


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Return True when containers in `data` nest deeper than `limit` (a scalar has depth 0)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(BaseParser):
    """Parse a JSON body of at most API_MAX_BODY_BYTES, nested at most API_MAX_JSON_DEPTH deep."""

    media_type = "application/json"

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit: int = settings.API_MAX_BODY_BYTES
        depth: int = settings.API_MAX_JSON_DEPTH
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
        too_large = RequestTooLarge(f"the request body is larger than {limit} bytes")
        if declared.isdigit() and int(declared) > limit:
            raise too_large  # answered before reading a byte
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise too_large
        try:
            data = json.loads(body, parse_constant=_no_constant)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {depth} levels") from None
        except ValueError as error:  # also UnicodeDecodeError
            raise ParseError(f"JSON parse error - {error}") from None
        if json_depth_exceeds(data, depth):
            raise ParseError(f"JSON nested deeper than {depth} levels")
        return data


def _no_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which are not JSON (DRF's STRICT_JSON)."""
    raise ValueError(f"{name} is not valid JSON")
