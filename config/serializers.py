"""The base of every API input serializer: a key the operation does not take is an error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Reject unknown keys (`selection` for `selections`) by name, instead of ignoring them.

    The OpenAPI schema says so too (`additionalProperties: false`, set by the schema hooks).
    """

    def to_internal_value(self, data: Any) -> Any:
        unknown: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            expected = ", ".join(self.fields)
            unknown = {
                str(key): [f"unknown field '{key}'; expected one of: {expected}"]
                for key in data
                if key not in self.fields
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:  # report the unknown keys with the other errors
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**unknown, **error.detail}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
