"""`python manage.py cooccurrence_refresh [--min-support N]`: recount "often chosen with" now (the beat task's work)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insights.management.arguments import positive
from personalisation.cooccurrence.refreshing import cooccurrence_refresh


class Command(BaseCommand):
    help = "Recount the options chosen together from orders and saved configurations, and replace each product's pairs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-support", type=positive, default=None, help="keep pairs held by N or more")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        kept = cooccurrence_refresh(min_support=options["min_support"])
        seconds = time.perf_counter() - start
        for code, pairs in sorted(kept.items()):
            self.stdout.write(f"{code}: {pairs} pairs kept")
        self.stdout.write(f"Recounted {len(kept)} product(s) in {seconds:.1f} s.")
