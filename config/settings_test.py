"""Test settings: the real settings with a fixed key and plain static storage."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# Tests speak plain HTTP to the test client and the live server.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
# A fixed key for tests only (never used outside them).
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA=")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from config.settings import *  # noqa: F403
from config.settings import STATIC_ROOT, STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# One process, emptied before each test (conftest.py), so no throttle count leaks between
# tests. Limits and the sign-in lockout are off for tests of other features; the tests of
# the limits turn them on (config/tests/test_limits.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
RATELIMIT_ENABLE = False
AXES_ENABLED = False
ENGINE_BUILD_IN_BACKGROUND = False  # a published version serves at once (test_loading.py tests the background build)
# The shirt's diagram gives up in 0.4 s, not 3.2 s (Renault compiles within it; BerkeleyDB does not).
ENGINE_DIAGRAM_NODES = 200_000
