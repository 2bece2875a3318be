"""Typed readers for environment variables that fail loudly on a bad value.

Each helper names the variable in its error, so a misconfigured deployment says
exactly what to fix instead of starting with a silently wrong value.
"""

from __future__ import annotations

import math
import os
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    """Return the variable's value, or `default` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean; raise on anything but yes/no spellings."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer; raise when it is not one."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_float(name: str, default: float) -> float:
    """Return the variable as a number (a decimal point allowed); raise when it is not a finite one."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a finite number")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_EMAIL_SCHEMES = {
    "smtp": _SMTP,
    "smtps": _SMTP,
    "smtp+tls": _SMTP,
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}


def _email_url(raw: str) -> dict[str, Any]:
    """Return the mailer an EMAIL_URL stands for (smtp://, smtp+tls://, smtps://, console:, file:///path)."""
    parts = urlsplit(raw)
    backend = _EMAIL_SCHEMES.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(
            f"EMAIL_URL has the scheme {parts.scheme!r}: use smtp://, smtp+tls://, smtps://, console: or file:///path"
        )
    if parts.scheme == "file":
        return {"BACKEND": backend, "OPTIONS": {"file_path": unquote(parts.path)}}
    if backend != _SMTP:
        return {"BACKEND": backend}
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host, e.g. smtp+tls://user:password@mail.example.com:587")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number") from None
    options = {
        "host": parts.hostname,
        "port": port or {"smtps": 465, "smtp+tls": 587}.get(parts.scheme, 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": parts.scheme == "smtp+tls",
        "use_ssl": parts.scheme == "smtps",
    }
    return {"BACKEND": backend, "OPTIONS": options}


def env_email() -> dict[str, Any]:
    """Return the default mailer (Django's MAILERS) from EMAIL_URL, else EMAIL_HOST and companions, else the console.

    The console backend (the default without a mail server) prints each e-mail where
    the process that sends it logs: the Celery worker's lines in `make run`. Without
    DEBUG, the deployment check orders.W003 warns that no e-mail leaves the machine.
    SMTP connections time out after EMAIL_TIMEOUT seconds (the send is then retried).
    """
    url = os.environ.get("EMAIL_URL", "").strip()
    host = os.environ.get("EMAIL_HOST", "").strip()
    if url:
        mailer = _email_url(url)
    elif host:
        use_ssl = env_bool("EMAIL_USE_SSL", False)
        use_tls = env_bool("EMAIL_USE_TLS", not use_ssl)
        if use_tls and use_ssl:
            raise ImproperlyConfigured(
                "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on: pick STARTTLS or implicit TLS"
            )
        options = {
            "host": host,
            "port": env_int("EMAIL_PORT", 465 if use_ssl else 587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
        }
        mailer = {"BACKEND": _SMTP, "OPTIONS": options}
    else:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if mailer["BACKEND"] == _SMTP:
        mailer["OPTIONS"]["timeout"] = env_int("EMAIL_TIMEOUT", 20)
    return mailer


_S3 = "storages.backends.s3.S3Storage"
_ADDRESSING_STYLES = {"", "auto", "path", "virtual"}


def env_media_storages() -> dict[str, dict[str, Any]]:
    """Return the `default` (media) and `previews` stores (Django's STORAGES) from the environment.

    Without AWS_STORAGE_BUCKET_NAME both are folders on the local disk: MEDIA_ROOT and
    PREVIEW_ROOT. With it, both are prefixes of one S3-compatible bucket (`media/` and
    `previews/`, or MEDIA_STORAGE_PREFIX and PREVIEW_STORAGE_PREFIX), reached at
    AWS_S3_ENDPOINT_URL (empty for AWS itself) with AWS_S3_ACCESS_KEY_ID and
    AWS_S3_SECRET_ACCESS_KEY (empty: boto3's own lookup, e.g. an instance role). Every
    server of a shop must name the same store (docs/media.md).
    """
    bucket = env_str("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        for name in ("AWS_S3_ENDPOINT_URL", "AWS_S3_ACCESS_KEY_ID", "AWS_S3_SECRET_ACCESS_KEY"):
            if os.environ.get(name, "").strip():
                raise ImproperlyConfigured(f"{name} is set but AWS_STORAGE_BUCKET_NAME is not: name the bucket")
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "previews": {"BACKEND": "configurator.storage.PreviewFileStorage"},
        }
    endpoint = env_str("AWS_S3_ENDPOINT_URL", "").strip()
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(f"AWS_S3_ENDPOINT_URL={endpoint!r} must start with http:// or https://")
    style = env_str("AWS_S3_ADDRESSING_STYLE", "").strip().lower()
    if style not in _ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"AWS_S3_ADDRESSING_STYLE={style!r} must be auto, path or virtual")
    common: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": env_str("AWS_S3_REGION_NAME", "").strip() or None,
        "access_key": env_str("AWS_S3_ACCESS_KEY_ID", "").strip() or None,
        "secret_key": env_str("AWS_S3_SECRET_ACCESS_KEY", "").strip() or None,
        "addressing_style": style if style not in {"", "auto"} else None,
        # The shop serves media itself (orders' pictures only to who may see the order):
        # the bucket stays private, and an address handed out directly is signed.
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": True,  # names are content-addressed: same name, same bytes
    }
    media = env_str("MEDIA_STORAGE_PREFIX", "media").strip("/")
    previews = env_str("PREVIEW_STORAGE_PREFIX", "previews").strip("/")
    if not media or not previews or media == previews:
        raise ImproperlyConfigured("MEDIA_STORAGE_PREFIX and PREVIEW_STORAGE_PREFIX must be two different prefixes")
    return {
        "default": {"BACKEND": _S3, "OPTIONS": {**common, "location": media}},
        "previews": {"BACKEND": _S3, "OPTIONS": {**common, "location": previews}},
    }
