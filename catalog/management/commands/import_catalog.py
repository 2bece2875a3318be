"""`python manage.py import_catalog FILE [--publish]`: create or update products from a file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.formats.dimacs import DimacsError, read_dimacs
from catalog.formats.xcsp import XcspError, read_xcsp
from catalog.services import CatalogError, catalog_import, catalog_parse


class Command(BaseCommand):
    help = "Create or update products from a catalog file (docs/catalog-format.md); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a catalog file in the exchange format (JSON), or - for standard input")
        parser.add_argument("--publish", action="store_true", help="publish a new version of each product right after")
        parser.add_argument(
            "--format",
            choices=["json", "xcsp", "dimacs"],
            default="json",
            help="json: the catalog exchange format (default); xcsp: an XCSP 2.1 table instance; "
            "dimacs: a DIMACS CNF feature model with 'c <index> <name>' comments",
        )
        parser.add_argument("--code", help="product code for xcsp/dimacs (default: the file name)")
        parser.add_argument("--name", help="product name for xcsp/dimacs")
        parser.add_argument(
            "--value-names",
            help="xcsp: JSON file mapping each variable to its ordered value names "
            "(default: a single *value_names.json beside the file, if any)",
        )

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
            data = self._read(options, name, text)
            results = catalog_import(data, base_dir=base_dir, publish=options["publish"])
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
            if result.publish is not None:
                for finding in result.publish.warnings:
                    self.stdout.write(self.style.WARNING(f"{result.product.code}: {finding}"))

    def _read(self, options: dict[str, Any], name: str, text: bytes) -> Any:
        """Return catalog data from the file, converting XCSP or DIMACS when asked."""
        kind = options["format"]
        if kind == "json":
            return catalog_parse(text)
        if name == "-":
            raise CommandError(f"--format {kind} needs a file, not standard input")
        path = Path(name)
        code = options["code"] or re.sub(r"[^A-Za-z0-9_.-]", "-", path.stem).strip("-.") or "imported"
        try:
            if kind == "dimacs":
                return read_dimacs(path, code=code, name=options["name"] or path.stem)
            names_file = options["value_names"]
            if names_file is None:
                found = sorted(path.parent.glob("*value_names.json"))
                names_file = str(found[0]) if len(found) == 1 else None
            names = json.loads(Path(names_file).read_text()) if names_file else None
            return read_xcsp(path, code=code, name=options["name"] or path.stem, value_names=names)
        except (XcspError, DimacsError, OSError, ValueError) as error:
            raise CommandError(str(error)) from None
