"""`python manage.py catalog_rollback CODE --to V`: publish a copy of an older version as the newest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import Product
from catalog.selectors import version_number
from catalog.services import CatalogError, catalog_rollback


class Command(BaseCommand):
    help = "Make version V the draft again and publish it as the newest version; print the new version number."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="product code")
        parser.add_argument("--to", required=True, metavar="V", help="the version to go back to, e.g. 3")
        parser.add_argument("--note", default="", help="why, kept with the new version")

    def handle(self, *args: Any, **options: Any) -> None:
        product = Product.objects.filter(code=options["code"]).first()
        if product is None:
            raise CommandError(f"unknown product '{options['code']}'")
        number = version_number(options["to"])
        if number is None:
            raise CommandError(f"--to: '{options['to']}' is not a version number")
        try:
            result = catalog_rollback(product, to=number, note=options["note"])
        except CatalogError as error:
            raise CommandError("; ".join(str(problem) for problem in error.problems)) from None
        if not result.created:
            self.stderr.write(f"{product.code}: version {number} is already the latest; the draft was reset to it")
        self.stdout.write(str(result.version.number))
