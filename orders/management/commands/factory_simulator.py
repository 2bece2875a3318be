"""`python manage.py factory_simulator --port 9000 --secret whsec_…`: a simulated factory."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.simulator import Behaviour, Factory, serve
from orders.webhooks import secret_bytes


def _file(path: Path | None, what: str) -> str:
    if path is None:
        return ""
    try:
        return path.read_text().strip()
    except OSError as error:
        raise CommandError(f"--{what}-file: {error}") from None


class Command(BaseCommand):
    help = (
        "Run a simulated factory that verifies build-order webhooks (standardwebhooks), drops duplicates, "
        "records them and posts status callbacks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=9000)
        parser.add_argument("--secret", help="the endpoint's signing secret, whsec_<base64>")
        parser.add_argument("--secret-file", type=Path, help="read the secret from this file")
        parser.add_argument("--record", type=Path, help="append accepted build orders here (JSON lines)")
        parser.add_argument("--callback", default="", help="the shop's base URL for status callbacks")
        parser.add_argument("--token", default="", help="the factory API token for status callbacks")
        parser.add_argument("--token-file", type=Path, help="read the token from this file")
        parser.add_argument("--status-delay", type=float, default=2.0, help="seconds between status callbacks")
        parser.add_argument("--fail-rate", type=float, default=0.0, help="share of requests to answer 500 (0-1)")
        parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = options["secret"] or _file(options["secret_file"], "secret")
        if not secret:
            raise CommandError("give --secret whsec_… or --secret-file")
        try:
            secret_bytes(secret)
        except ValueError as error:
            raise CommandError(f"--secret: {error}") from None
        if not 0 <= options["fail_rate"] <= 1:
            raise CommandError("--fail-rate: a share from 0 to 1")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s factory: %(message)s")
        factory = Factory(
            secret=secret,
            record=options["record"],
            callback=options["callback"],
            token=options["token"] or _file(options["token_file"], "token"),
            status_delay=options["status_delay"],
            behaviour=Behaviour(fail_rate=options["fail_rate"], delay=options["delay"]),
        )
        server = serve(factory, options["host"], options["port"])
        self.stdout.write(f"factory simulator on http://{options['host']}:{options['port']}/ (GET /_stats)")
        self.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.shutdown()
