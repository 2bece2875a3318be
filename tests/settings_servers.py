"""Production settings for the two-servers test (tests/test_two_servers.py), static files aside.

Everything comes from the environment as in production (DEBUG off, DATABASE_URL, the
media and previews stores, the database cache), except the static files' storage: the
manifest storage needs `collectstatic` first (about 11 s here), and the test fetches no
static file, so plain static storage stands in for it.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
