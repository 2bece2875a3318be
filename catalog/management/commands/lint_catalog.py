"""`python manage.py lint_catalog CODE...`: what publishing would refuse or warn about."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import Product
from catalog.services import catalog_lint


class Command(BaseCommand):
    help = "Check products' drafts: rules that do not parse, dead or forced options, dead price rules, empty ranges."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="+", help="product code(s)")

    def handle(self, *args: Any, **options: Any) -> None:
        errors = 0
        for code in options["code"]:
            product = Product.objects.filter(code=code).first()
            if product is None:
                raise CommandError(f"unknown product '{code}'")
            findings = catalog_lint(product)
            for finding in findings:
                line = f"{code}: {finding}"
                self.stdout.write(self.style.ERROR(line) if finding.level == "error" else self.style.WARNING(line))
            errors += sum(f.level == "error" for f in findings)
            if not findings:
                self.stdout.write(self.style.SUCCESS(f"{code}: no problems"))
        if errors:
            raise CommandError(f"{errors} error(s): publishing would be refused")
