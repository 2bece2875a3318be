"""`python manage.py export_catalog CODE [--output FILE]`: write a product's draft as a file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import CatalogVersion, Product
from catalog.snapshots import product_as_dict
from catalog.storage import ContentAddressedStorage
from configurator.engine.model import FORMAT


class Command(BaseCommand):
    help = "Write a product in the catalog exchange format (its draft, or a published --catalog-version)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="+", help="product code(s)")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument(
            "--catalog-version",
            type=int,
            dest="catalog_version",
            help="export this published version instead of the draft",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        products = []
        for code in options["code"]:
            product = Product.objects.filter(code=code).first()
            if product is None:
                raise CommandError(f"unknown product '{code}'")
            if options["catalog_version"] is None:
                products.append(product_as_dict(product))
                continue
            version = CatalogVersion.objects.filter(product=product, number=options["catalog_version"]).first()
            if version is None:
                raise CommandError(f"product '{code}' has no version {options['catalog_version']}")
            products.append(version.snapshot)
        output = options["output"]
        if output:
            self._copy_images(products, Path(output).resolve().parent)
        text = json.dumps({"format": FORMAT, "products": products}, indent=2, ensure_ascii=False) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(self.style.SUCCESS(f"wrote {', '.join(options['code'])} to {output}"))
        else:
            self.stdout.write(text, ending="")

    def _copy_images(self, products: list[dict[str, Any]], folder: Path) -> None:
        """Put the layer images beside the file, so it imports on another machine too."""
        storage = ContentAddressedStorage()
        names = {layer["image"] for p in products for layer in p["preview"]["layers"]}
        names |= {layer["image"] for p in products for g in p["groups"] for o in g["options"] for layer in o["layers"]}
        for name in sorted(names):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
