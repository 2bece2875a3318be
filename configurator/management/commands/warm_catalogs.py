"""`python manage.py warm_catalogs`: compile every product's latest published version in this process."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from configurator.warming import warm_published


class Command(BaseCommand):
    help = (
        "Compile the latest published version of every listed product, as the gunicorn master does before "
        "forking; prints what was warmed and how long it took."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        warmed = warm_published()
        for name in warmed:
            self.stdout.write(f"warmed {name}")
        self.stdout.write(f"{len(warmed)} catalog versions warmed in {time.perf_counter() - started:.2f} s")
