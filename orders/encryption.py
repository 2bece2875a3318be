"""Secrets encrypted at rest with Fernet, keyed by FIELD_ENCRYPTION_KEY (settings).

The setting is a list: the first key encrypts, every key decrypts, so a key is rotated by
putting the new one first, re-encrypting (`python manage.py factory_endpoint reencrypt`)
and then dropping the old one. A value that no key decrypts raises, loudly: a wrong key
must not look like an empty secret.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(plain: str) -> str:
    """Return `plain` encrypted with the first key, as text."""
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """Return the text encrypted in `token`; raise ImproperlyConfigured when no key opens it."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY: no key decrypts a stored secret (was a key dropped before re-encrypting?)"
        ) from None


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored encrypted; Python code only ever sees the plain value."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)
