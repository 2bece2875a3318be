"""OpenAPI post-processing: every operation documents every status it can answer.

One hook adds the error component (the shape `config.errors` renders) and, per operation,
the error statuses it can answer: 400 (a field named in `errors`), 401/403 (factory
operations), 404, 411, 413 and 415 (request bodies), 429 with `Retry-After` (every operation
is throttled) and 500. A view declares the statuses particular to it (409, 422) with
`extend_schema(responses=...)`; the hook gives them the error component. It also closes
input objects (`additionalProperties: false`, as the input serializers reject unknown
keys) and states the bounds the views check.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from configurator.engine.selection import MAX_DECIMAL_CHARACTERS

ERROR = "Error"
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every /api/ error: messages per request field; `detail` for the request as a whole.",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"parameters.neck": ["at most 20 significant digits, not 23"]},
        },
        "violations": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Orders only: the rules and required groups a configuration breaks.",
        },
    },
    "required": ["errors"],
}
_DESCRIPTIONS = {
    "400": "The request is not valid: `errors` names each field and what is wrong with it.",
    "401": "No valid factory token (`Authorization: Bearer fct_…`).",
    "403": "The token or session may not do this.",
    "404": "No such product, build order or address.",
    "409": "The order's current status does not allow this change.",
    "411": "The body was sent without `Content-Length` (chunked): it is not read.",
    "413": "The request body is larger than the API takes (API_MAX_BODY_BYTES, 1 MB by default).",
    "415": "The body is not JSON (`Content-Type: application/json`).",
    "422": "The Idempotency-Key was used before for a different request.",
    "429": "Too many requests from this client: retry after `Retry-After` seconds.",
    "500": "A server error; it has been logged.",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer", "minimum": 0}}
}
_DECIMAL = {
    "oneOf": [
        {
            "type": "string",
            "maxLength": MAX_DECIMAL_CHARACTERS,
            "pattern": r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$",
        },
        {"type": "number"},
    ],
    "nullable": True,
    "description": "A plain decimal: ASCII digits, at most one '.', no exponent, at most 20 significant digits.",
}


def _statuses(operation: dict[str, Any]) -> list[str]:
    codes = ["400", "404", "429", "500"]
    if any("factoryToken" in requirement for requirement in operation.get("security", [])):
        codes += ["401", "403"]
    if "requestBody" in operation:
        codes += ["411", "413", "415"]
    # Statuses particular to one operation (409, 422) are declared by its view's extend_schema.
    declared = [code for code in operation.get("responses", {}) if code >= "400" and code in _DESCRIPTIONS]
    return codes + [code for code in declared if code not in codes]


def _close(schemas: dict[str, Any], name: str, seen: set[str]) -> None:
    """Set `additionalProperties: false` on an input object and the input objects it nests."""
    if name in seen or name not in schemas:
        return
    seen.add(name)
    schema = schemas[name]
    if schema.get("type") != "object":
        return
    schema["additionalProperties"] = False
    for prop in schema.get("properties", {}).values():
        for ref in [prop.get("$ref", "")] + [part.get("$ref", "") for part in prop.get("allOf", [])]:
            if ref:
                _close(schemas, ref.rsplit("/", 1)[-1], seen)
    if name in ("SelectionInput", "ResolveInput", "OrderInput") and "parameters" in schema.get("properties", {}):
        schema["properties"]["parameters"]["additionalProperties"] = _DECIMAL


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the error component and responses to every operation; close input objects; state bounds."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR] = _ERROR_SCHEMA
    seen: set[str] = set()
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code in _statuses(operation):
                answer: dict[str, Any] = {
                    "description": _DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR}"}}},
                }
                if code == "429":
                    answer["headers"] = _RETRY_AFTER
                responses[code] = answer
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in body:
                _close(schemas, body["$ref"].rsplit("/", 1)[-1], seen)
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "limit" and parameter["in"] == "query":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": settings.ORDERS_FEED_PAGE_SIZE}
                if parameter["name"] == "after" and parameter["in"] == "query":
                    parameter["schema"] = {"type": "string", "pattern": "^([0-9]{1,18})?$"}  # empty: from the start
                if parameter["name"] == "Idempotency-Key" and parameter["in"] == "header":
                    parameter["schema"] = {"type": "string", "maxLength": 200, "pattern": "^[ -~]*$"}
    return result
