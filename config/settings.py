"""Settings for the configurator, read from the environment (README, "Configuration").

Every variable has an embedded default that runs on a laptop with nothing installed
but Python: SQLite under var/, a Celery broker on the file system under var/, and a
development secret key generated once into var/ (only while DEBUG is on).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_email, env_float, env_int, env_list, env_media_storages, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _development_key(name: str, generate: Callable[[], str]) -> str:
    """Return the development key kept in var/NAME, generated once (mode 600) so it survives restarts.

    Only while DEBUG is on: production keys come from the environment.
    """
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Sessions and signed links survive restarts.
    return _development_key("secret_key", lambda: secrets.token_urlsafe(50))


SECRET_KEY = _secret_key()


def _field_encryption_keys() -> list[str]:
    """Return the Fernet keys that encrypt secrets at rest: the first encrypts, all decrypt (rotation)."""
    from cryptography.fernet import Fernet

    keys = env_list("FIELD_ENCRYPTION_KEY", [])
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEY must be set when DEBUG is off (a Fernet key: python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            )
        # Encrypted rows stay readable across restarts.
        keys = [_development_key("field_encryption_key", lambda: Fernet.generate_key().decode())]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
    return keys


FIELD_ENCRYPTION_KEYS = _field_encryption_keys()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
PORT = env_int("PORT", 8000)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}")
# E-mail to shoppers (README, "E-mail"): EMAIL_URL, or EMAIL_HOST and companions, else the console.
MAILERS = {"default": env_email()}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Configurator <shop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "import_export",
    "axes",
    "catalog",
    "configurator",
    "orders",
    "insights",
    "personalisation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or process_view (CSRF reads the body of every POST): visitors' bodies are bounded.
    "config.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# -- database ---------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: WAL lets readers
    # go on during a write, IMMEDIATE transactions fail fast instead of deadlocking.
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A kept connection is checked before a request reuses it: a database restarted or a proxy
# (PgBouncer) that dropped it costs one reconnect, not one failed request.
_database["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction pooling mode (docs/deployment.md) a cursor must not outlive its
# transaction (QuerySet.iterator() on PostgreSQL): DB_DISABLE_SERVER_SIDE_CURSORS=1 with DB_CONN_MAX_AGE=0.
_database["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# -- languages, time, money --------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("it", _("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True
# Money is shown with CLDR patterns per language: €18,900.00 in English, € 18.900,00 in
# Italian (shop convention in Italy, where CLDR's default puts the sign after).
CURRENCY_FORMATS = {"en": "¤#,##0.00", "it": "¤\u00a0#,##0.00"}

# -- static and media files --------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Rendered previews and their recipes: derived, content-addressed, safe to delete.
PREVIEW_ROOT = Path(env_str("PREVIEW_ROOT", str(VAR_DIR / "previews")))
# Media (layer images, order pictures) and previews go through these stores only, so
# every app server sees the same files: local folders, or one S3-compatible bucket
# (docs/media.md). Django's storage API, never a path under MEDIA_ROOT.
STORAGES = {
    **env_media_storages(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Any request body from someone who is not signed-in staff (files included, which
# DATA_UPLOAD_MAX_MEMORY_SIZE does not count): refused with 413 before it is read.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 2 * 1024 * 1024)
# Preview layer images (catalog/images.py): a layer is decoded whole on a look's first
# render, so these bound its time and memory (a 144 Mpx layer took 20 s and 1.5 GB).
CATALOG_LAYER_MAX_BYTES = env_int("CATALOG_LAYER_MAX_BYTES", 8 * 1024 * 1024)
CATALOG_LAYER_MAX_PIXELS = env_int("CATALOG_LAYER_MAX_PIXELS", 16_000_000)
if CATALOG_LAYER_MAX_BYTES < 1 or CATALOG_LAYER_MAX_PIXELS < 1:
    raise ImproperlyConfigured("CATALOG_LAYER_MAX_BYTES and CATALOG_LAYER_MAX_PIXELS must be positive")

# -- security (production; README "Security") -------------------------------------------
# Behind a TLS-terminating proxy, say which header carries the original scheme
# ("HTTP_X_FORWARDED_PROTO,https"), or absolute links (secret order links) come out as http://.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", [])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        f"SECURE_PROXY_SSL_HEADER={','.join(_proxy_ssl_header)!r} must be a header and a value, "
        "e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1]) if _proxy_ssl_header else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# /healthz and /readyz answer the platform's plain-HTTP probes without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS for a year, subdomains and preload eligibility by default (the shop is HTTPS only);
# a domain with plain-HTTP subdomains sets SECURE_HSTS_INCLUDE_SUBDOMAINS=0 (and preload off).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies are Secure whenever DEBUG is off; SECURE_COOKIES=0 is for a plain-HTTP test host.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Only staff sign in: signed out after SESSION_COOKIE_AGE seconds idle (each request
# renews the clock) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Content-Security-Policy (Django's own middleware): scripts only from this origin, no
# inline script anywhere; inline style stays allowed (colour swatches and Swagger UI use
# style attributes; styles cannot run code). Nothing may frame the shop.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# -- the shared cache (throttles, login lockouts) --------------------------------------------
# CACHE_URL names a shared cache: redis://HOST:PORT/DB (or rediss://) for Redis, db://TABLE
# for a table in the default database, file:///PATH for files, locmem:// for one process
# only. The default, a table in the database (created by `migrate`), is shared by every
# process (web, worker, beat) without a server: 0.17 ms a throttle check on SQLite with
# 5000 clients counted, where the file cache took 11 ms (decision 19).
CACHE_URL = env_str("CACHE_URL", "db://django_cache")
# Seconds to connect to Redis and to wait for each answer. Without them a Redis that does not
# answer would hang every throttled request; with them the throttle lets the request through
# and logs (decision 19).
CACHE_CONNECT_TIMEOUT = env_float("CACHE_CONNECT_TIMEOUT", 0.5)
CACHE_READ_TIMEOUT = env_float("CACHE_READ_TIMEOUT", 0.5)


def _cache(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss") and parts.hostname:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": CACHE_CONNECT_TIMEOUT, "socket_timeout": CACHE_READ_TIMEOUT},
        }
    if parts.scheme == "db" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", parts.netloc) and parts.path in ("", "/"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": parts.netloc,
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 100000)},
        }
    if parts.scheme == "file" and parts.path.startswith("/") and not parts.netloc:
        # Culling lists the folder on every write: slow once thousands of clients are counted.
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parts.path,
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)},
        }
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "default"}
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r} is not a cache URL: use redis://HOST:PORT/DB, rediss://…, db://TABLE, "
        "file:///PATH or locmem://"
    )


CACHES = {"default": _cache(CACHE_URL)}

# -- rate limits (README "Security") ------------------------------------------------------
# Per client and scope, counted in the shared cache; DRF's throttles answer /api/ and the
# same throttle class guards the shop's own views (config/throttling.py). A client is
# REMOTE_ADDR, or behind proxies the entry CLIENT_IP_PROXY_COUNT from the right of
# CLIENT_IP_HEADER (e.g. HTTP_X_FORWARDED_FOR): only headers the proxy sets can be trusted.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")
CLIENT_IP_PROXY_COUNT = env_int("CLIENT_IP_PROXY_COUNT", 1)
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
#: Scope -> "number/period" (period s, min, hour or day); RATELIMIT_<SCOPE> overrides one.
RATELIMIT_RATES: dict[str, str | None] = {
    scope: env_str(f"RATELIMIT_{scope.upper()}", rate)
    for scope, rate in {
        "api_read": "600/min",  # product list and detail
        "api_configure": "300/min",  # configure, complete, resolve, explain
        "pages": "600/min",  # configurator pages and their htmx requests, checkout form
        "preview": "1200/min",  # a preview picture already rendered
        "preview_render": "120/min",  # a picture rendered now (a new look)
        "preview_recipe": "120/min",  # a page showing a look never shown before (stores its recipe)
        "save": "60/hour",  # save and share
        "share": "60/hour",  # opening /c/<code>/, found or not
        "orders": "30/hour",  # placing an order, API or checkout
        "login": "30/min",  # admin sign-in attempts from one address, whatever the user (axes locks per user)
        "signin": "10/hour",  # shoppers' sign-in link requests and uses, per client
    }.items()
}

# -- admin sign-in lockout (django-axes) ------------------------------------------------------
# AXES_FAILURE_LIMIT wrong passwords for one user from one address lock that pair out for
# AXES_COOLOFF_MINUTES; `python manage.py axes_reset` (or axes_reset_username USER) lifts it.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "config.throttling.login_locked_out"
AXES_HTTP_RESPONSE_CODE = 429

# -- REST framework ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only (a form body answers 415), bounded in size and depth; one error shape for every answer.
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # Views name their `throttle_scope`; rates are RATELIMIT_RATES (above).
    "DEFAULT_THROTTLE_CLASSES": ["config.throttling.ClientScopedThrottle"],
    "DEFAULT_THROTTLE_RATES": RATELIMIT_RATES,
}
# The JSON API takes far smaller bodies than the admin's uploads (DATA_UPLOAD_MAX_MEMORY_SIZE).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024)
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 20)
SPECTACULAR_SETTINGS = {
    "TITLE": "Configurator API",
    "DESCRIPTION": "Configure products exactly: availability with reasons, prices, completion and resolution.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Error statuses on every operation, closed input objects, the bounds the views check.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.error_responses"],
    # Swagger UI from the pinned drf-spectacular-sidecar package, served by this site.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# -- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "celery"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {
        # A task unacked this long is handed to another worker: keep it above the time
        # limit (a system check enforces it). The restore sweep brings back the tasks of
        # a worker killed as a whole; lower both to recover faster (tests do).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    }
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
# A task is acknowledged when it ends, and redelivered when its process dies (SIGKILL,
# OOM): every task is idempotent, so running one twice is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# -- the engine -------------------------------------------------------------------------
# The compiled path (docs/decisions.md, decision 34): each published version's solution space as a
# decision diagram, within a node and CPU-time budget; availability comes from it where it is faster.
ENGINE_DIAGRAM = env_bool("ENGINE_DIAGRAM", True)
ENGINE_DIAGRAM_NODES = env_int("ENGINE_DIAGRAM_NODES", 1_000_000)
ENGINE_DIAGRAM_SECONDS = env_float("ENGINE_DIAGRAM_SECONDS", 10.0)
# Each process keeps compiled versions up to this many MB (the least recently used dropped first), and
# compiles a newly published version in the background while shoppers keep the previous one.
ENGINE_SESSIONS_MB = env_int("ENGINE_SESSIONS_MB", 2048)
ENGINE_BUILD_IN_BACKGROUND = env_bool("ENGINE_BUILD_IN_BACKGROUND", True)

# -- insights (docs/insights.md) ----------------------------------------------------------
# What shoppers do in the configurator, recorded server-side without personal data: off
# with INSIGHTS_ENABLED=0. Raw events are kept INSIGHTS_EVENTS_DAYS, the daily rollups the
# Insights page reads INSIGHTS_ROLLUPS_DAYS; beat rolls up every INSIGHTS_ROLLUP_SECONDS.
INSIGHTS_ENABLED = env_bool("INSIGHTS_ENABLED", True)
INSIGHTS_EVENTS_DAYS = env_int("INSIGHTS_EVENTS_DAYS", 90)
INSIGHTS_ROLLUPS_DAYS = env_int("INSIGHTS_ROLLUPS_DAYS", 730)
INSIGHTS_ROLLUP_SECONDS = env_int("INSIGHTS_ROLLUP_SECONDS", 600)
if INSIGHTS_EVENTS_DAYS < 1 or INSIGHTS_ROLLUPS_DAYS < INSIGHTS_EVENTS_DAYS:
    raise ImproperlyConfigured("INSIGHTS_EVENTS_DAYS must be 1 or more, INSIGHTS_ROLLUPS_DAYS at least as many")

CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE

# -- orders and the factory feed (docs/factory-feed.md) ---------------------------------
# Deliveries are retried with exponential backoff and jitter (base, doubling, capped)
# until ORDERS_RETRY_HOURS after the first attempt, then dead-lettered. The schedule
# lives on each delivery row; the beat sweep enqueues what is due and what was lost.
ORDERS_SWEEP_SECONDS = env_int("ORDERS_SWEEP_SECONDS", 10)
ORDERS_RETRY_BASE_SECONDS = env_int("ORDERS_RETRY_BASE_SECONDS", 10)
ORDERS_RETRY_CAP_SECONDS = env_int("ORDERS_RETRY_CAP_SECONDS", 3600)
ORDERS_RETRY_HOURS = env_int("ORDERS_RETRY_HOURS", 72)
# A claimed delivery is re-sent after its lease ends (its worker may have died): keep it
# above the request timeout, or a slow factory would get a second copy while the first waits.
ORDERS_DELIVERY_LEASE_SECONDS = env_int("ORDERS_DELIVERY_LEASE_SECONDS", 60)
ORDERS_REQUEUE_SECONDS = env_int("ORDERS_REQUEUE_SECONDS", 120)
ORDERS_HTTP_CONNECT_TIMEOUT = env_int("ORDERS_HTTP_CONNECT_TIMEOUT", 5)
ORDERS_HTTP_READ_TIMEOUT = env_int("ORDERS_HTTP_READ_TIMEOUT", 15)
ORDERS_FEED_PAGE_SIZE = env_int("ORDERS_FEED_PAGE_SIZE", 100)

# -- previews (configurator/preview.py) -------------------------------------------------------
# Pictures and recipes not used for PREVIEW_MAX_AGE_DAYS are removed, and the oldest go
# first while the folder holds more than PREVIEW_MAX_BYTES; the sweep runs hourly.
PREVIEW_MAX_AGE_DAYS = env_int("PREVIEW_MAX_AGE_DAYS", 14)
PREVIEW_MAX_BYTES = env_int("PREVIEW_MAX_BYTES", 2 * 1024**3)
PREVIEW_SWEEP_SECONDS = env_int("PREVIEW_SWEEP_SECONDS", 3600)

# Personal data on an order (name, e-mail, address, notes, texts, picture) is anonymised
# this many days after the order's last status change (decision 20); hourly, in batches.
ORDERS_PERSONAL_DATA_RETENTION_DAYS = env_int("ORDERS_PERSONAL_DATA_RETENTION_DAYS", 730)
if ORDERS_PERSONAL_DATA_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("ORDERS_PERSONAL_DATA_RETENTION_DAYS must be a number of days, 1 or more")
# Where shoppers write about their data (the privacy page shows it); empty: the page offers the order page only.
SHOP_CONTACT_EMAIL = env_str("SHOP_CONTACT_EMAIL", "")

# -- personalisation: "often chosen with" (personalisation/cooccurrence) ------------------
# A pair of options is kept only when at least this many orders and saved configurations hold
# both: fewer is no evidence, and a shopper could find out what a few others chose.
COOCCURRENCE_MIN_SUPPORT = env_int("COOCCURRENCE_MIN_SUPPORT", 5)
if COOCCURRENCE_MIN_SUPPORT < 1:
    raise ImproperlyConfigured("COOCCURRENCE_MIN_SUPPORT must be a number of configurations, 1 or more")
COOCCURRENCE_REFRESH_SECONDS = env_int("COOCCURRENCE_REFRESH_SECONDS", 3600)

CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "orders-outbox-sweep": {"task": "orders.tasks.outbox_sweep", "schedule": float(ORDERS_SWEEP_SECONDS)},
    "orders-personal-data-expire": {"task": "orders.tasks.personal_data_expire", "schedule": crontab(minute=17)},
    "configurator-previews-expire": {
        "task": "configurator.tasks.previews_expire",
        "schedule": float(PREVIEW_SWEEP_SECONDS),
    },
    # Throttle counts are keyed by address: a database cache keeps expired rows until read again.
    "configurator-cache-expire": {"task": "configurator.tasks.cache_expire", "schedule": crontab(minute=41)},
    "insights-rollup": {"task": "insights.tasks.rollup", "schedule": float(INSIGHTS_ROLLUP_SECONDS)},
    "personalisation-starting-points": {
        "task": "personalisation.tasks.starting_points_refresh_all",
        "schedule": crontab(minute="*/15"),
    },
    "personalisation-signin-links-expire": {
        "task": "personalisation.tasks.signin_links_expire",
        "schedule": crontab(minute=23),
    },
    # Scheduled publications are chosen to the minute.
    "catalog-publish-due": {"task": "catalog.tasks.publish_due", "schedule": crontab()},
    "personalisation-cooccurrence-refresh": {
        "task": "personalisation.tasks.cooccurrence_refresh",
        "schedule": float(COOCCURRENCE_REFRESH_SECONDS),
    },
}

# -- logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
