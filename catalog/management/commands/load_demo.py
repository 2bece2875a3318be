"""`python manage.py load_demo`: import and publish the demo catalogs (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from catalog.services import CatalogError, catalog_import, catalog_parse

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = "Import and publish the demo catalogs (a city car, a made-to-measure shirt). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in sorted(DEMO_DIR.glob("*.json")):
            try:
                results = catalog_import(catalog_parse(path.read_bytes()), base_dir=path.parent, publish=True)
            except CatalogError as error:
                for problem in error.problems:
                    self.stderr.write(f"{path.name}: {problem}")
                raise CommandError(f"demo catalog {path.name} is invalid") from None
            for result in results:
                if result.publish is None:
                    raise CommandError(f"demo catalog {path.name}: {result.product.code} was not published")
                version = result.publish.version.number
                state = f"published version {version}" if result.publish.created else f"up to date (version {version})"
                self.stdout.write(self.style.SUCCESS(f"{result.product.code}: {state}"))
        if apps.is_installed("personalisation"):
            from personalisation.demo import guided_demo_load  # the shop never needs the app

            for code in guided_demo_load():
                self.stdout.write(self.style.SUCCESS(f"{code}: guided questions loaded"))
