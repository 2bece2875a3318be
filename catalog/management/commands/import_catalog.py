"""`python manage.py import_catalog FILE [--publish]`: create or update products from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.services import CatalogError, catalog_import, catalog_parse


class Command(BaseCommand):
    help = "Create or update products from a catalog file (docs/catalog-format.md); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a catalog file in the exchange format (JSON), or - for standard input")
        parser.add_argument("--publish", action="store_true", help="publish a new version of each product right after")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        if name == "-":
            import sys

            text, base_dir = sys.stdin.buffer.read(), Path.cwd()
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            text, base_dir = path.read_bytes(), path.resolve().parent
        try:
            results = catalog_import(catalog_parse(text), base_dir=base_dir, publish=options["publish"])
        except CatalogError as error:
            for problem in error.problems:
                self.stderr.write(f"{name}: {problem}")
            raise CommandError(f"{name}: {len(error.problems)} problem(s); nothing was changed") from None
        for result in results:
            action = "created" if result.created else "updated"
            line = f"{result.product.code}: {action}"
            if result.publish is not None:
                number = result.publish.version.number
                line += (
                    f", published version {number}" if result.publish.created else f", unchanged since version {number}"
                )
            self.stdout.write(self.style.SUCCESS(line))
