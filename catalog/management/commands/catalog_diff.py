"""`python manage.py catalog_diff CODE V1 V2`: what changed between two versions of a product."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import Product
from catalog.selectors import DRAFT, snapshot_of
from catalog.versions import changes_by_part, diff_summary, snapshot_diff


class Command(BaseCommand):
    help = f"List what changed from version V1 to V2 of a product ('{DRAFT}' as V2: the unpublished draft)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="product code")
        parser.add_argument("old", metavar="V1", help="version number, e.g. 3")
        parser.add_argument("new", metavar="V2", help=f"version number, or '{DRAFT}'")

    def handle(self, *args: Any, **options: Any) -> None:
        product = Product.objects.filter(code=options["code"]).first()
        if product is None:
            raise CommandError(f"unknown product '{options['code']}'")
        try:
            old, new = snapshot_of(product, options["old"]), snapshot_of(product, options["new"])
        except LookupError as error:
            raise CommandError(str(error)) from None
        changes = snapshot_diff(old, new)
        self.stdout.write(f"{product.code} {options['old']} → {options['new']}: {diff_summary(changes)}")
        for label, part_changes in changes_by_part(changes):
            self.stdout.write(f"\n{label}")
            for change in part_changes:
                self.stdout.write(f"  {change}")
