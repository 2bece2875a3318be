"""`python manage.py shopper_data export|erase --email ADDRESS`: a shopper's data, as JSON or erased."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from orders import services
from orders.services.privacy import orders_of_shopper, shopper_data_holders


class Command(BaseCommand):
    help = (
        "Print everything held about a shopper as JSON (export), or anonymise all their orders and delete "
        "their returning-shopper profile (erase). "
        "The e-mail is matched whatever its letter case."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Print the shopper's data as JSON (UTF-8, indented).")
        export.add_argument("--email", required=True)
        erase = sub.add_parser(
            "erase", help="Anonymise every order of the shopper (keep the build records); delete their profile."
        )
        erase.add_argument("--email", required=True)
        erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"--email: '{options['email']}' is not an e-mail address") from None
        if options["action"] == "export":
            self._export(email)
        else:
            self._erase(email, confirmed=options["yes"])

    def _export(self, email: str) -> None:
        data = services.shopper_export(email=email)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        if not services.shopper_holds_data(data):
            self.stderr.write(f"Nothing is held for {email}: no order, no profile.")
        elif not data["orders"]:
            self.stderr.write(f"No order is held for {email}.")

    def _erase(self, email: str, *, confirmed: bool) -> None:
        count = orders_of_shopper(email).count()
        held = [holder for holder in shopper_data_holders() if holder.export(email) is not None]
        if count == 0 and not held:
            self.stdout.write(f"Nothing is held for {email}: nothing to erase.")
            return
        what = [f"anonymise the personal data of {count} order(s) of {email}"] if count else []
        what += [f"delete the {holder.label} of {email}" for holder in held]
        if not confirmed:
            if not sys.stdin.isatty():
                raise CommandError("erasing cannot be undone: run it on a terminal to confirm, or pass --yes")
            question = " and ".join(what)
            answer = input(f"{question[0].upper()}{question[1:]}? This cannot be undone [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("nothing was erased")
        erased = services.shopper_erase(email=email, actor=services.cli_actor())
        if erased.orders:
            self.stdout.write(
                f"{erased.orders} order(s) of {email} anonymised: name, e-mail, address, notes, texts and pictures "
                "erased; build records, options, measurements and totals kept."
            )
        for holder in held:
            self.stdout.write(f"The {holder.label} of {email} deleted ({erased.deleted[holder.key]} rows).")
