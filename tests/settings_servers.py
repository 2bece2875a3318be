"""Production settings for the two-servers test (tests/test_two_servers.py), static files aside.

Everything comes from the environment as in production (DEBUG off, DATABASE_URL, the
media and previews stores, the cache), except the static files' storage: the
manifest storage needs `collectstatic` first (about 11 s here), and the test fetches no
static file, so plain static storage stands in for it. On a Redis cache every key gets
the run's own prefix (TWO_SERVERS_CACHE_PREFIX).
"""

import os

from config.settings import *  # noqa: F403
from config.settings import CACHES, STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# A run's own prefix on a Redis shared with others (tests/test_two_servers.py): no key of another run is read.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("TWO_SERVERS_CACHE_PREFIX", "")
