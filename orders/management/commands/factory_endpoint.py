"""`python manage.py factory_endpoint add|list|disable|token|reencrypt`: manage where build orders go.

Every change is recorded in the audit trail with the actor `cli:<os user>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders import services
from orders.models import FactoryEndpoint


class Command(BaseCommand):
    help = "Add, list or disable factory endpoints, and create their factory API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add an endpoint (or update it with --update).")
        add.add_argument("--name", required=True)
        add.add_argument("--url", required=True)
        secret = add.add_mutually_exclusive_group(required=True)
        secret.add_argument("--secret", help="the signing secret, whsec_<base64>")
        secret.add_argument("--secret-file", type=Path, help="read the secret from this file")
        add.add_argument("--internal", action="store_true", help="allow loopback and private addresses")
        add.add_argument("--update", action="store_true", help="update the endpoint if it exists")
        sub.add_parser("list", help="List the endpoints.")
        disable = sub.add_parser("disable", help="Stop pushing to an endpoint and revoke its tokens.")
        disable.add_argument("name")
        token = sub.add_parser("token", help="Create a factory API token for an endpoint and print it.")
        token.add_argument("name")
        token.add_argument("--output", type=Path, help="write the token to this file (mode 600) instead")
        token.add_argument("--replace", action="store_true", help="revoke the endpoint's other tokens")
        sub.add_parser(
            "reencrypt", help="Encrypt every signing secret again with the first FIELD_ENCRYPTION_KEY (after rotation)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _add(self, options: dict[str, Any]) -> None:
        name = options["name"]
        if FactoryEndpoint.objects.filter(name=name).exists() and not options["update"]:
            raise CommandError(f"an endpoint named '{name}' exists: use --update to change it")
        secret = options["secret"] or self._read(options["secret_file"])
        try:
            endpoint = services.endpoint_save(
                name=name, url=options["url"], secret=secret, internal=options["internal"], actor=services.cli_actor()
            )
        except ValueError as error:
            raise CommandError(f"--secret: {error}") from None
        except ValidationError as error:
            raise CommandError("; ".join(f"--{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from None
        self.stdout.write(
            self.style.SUCCESS(f"{endpoint.name}: {endpoint.url}{' (internal)' if endpoint.internal else ''}")
        )

    def _list(self, options: dict[str, Any]) -> None:
        for endpoint in FactoryEndpoint.objects.order_by("name"):
            flags = ", ".join(f for f, on in (("active", endpoint.active), ("internal", endpoint.internal)) if on)
            self.stdout.write(f"{endpoint.name}\t{endpoint.url}\t{flags or 'disabled'}")

    def _disable(self, options: dict[str, Any]) -> None:
        if not services.endpoint_disable(name=options["name"], actor=services.cli_actor()):
            raise CommandError(f"no endpoint named '{options['name']}'")
        self.stdout.write(self.style.SUCCESS(f"{options['name']}: disabled"))

    def _token(self, options: dict[str, Any]) -> None:
        endpoint = FactoryEndpoint.objects.filter(name=options["name"]).first()
        if endpoint is None:
            raise CommandError(f"no endpoint named '{options['name']}'")
        token = services.token_create(endpoint=endpoint, replace=options["replace"], actor=services.cli_actor())
        path: Path | None = options["output"]
        if path is None:
            self.stdout.write(token)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(token + "\n")
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"token for {endpoint.name} written to {path}"))

    def _reencrypt(self, options: dict[str, Any]) -> None:
        count = services.secrets_reencrypt()
        self.stdout.write(self.style.SUCCESS(f"{count} signing secret(s) encrypted with the first key"))

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text().strip()
        except OSError as error:
            raise CommandError(f"--secret-file: {error}") from None
