"""Create the database cache table when CACHE_URL names one (the default, db://django_cache).

Throttle counts live there unless Redis is configured (decision 19); creating it with the
schema means every `migrate` (make run, CI, a deployment) leaves a working cache. With
another cache backend `createcachetable` does nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("configurator", "0002_longer_share_codes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
