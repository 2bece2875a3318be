"""`python manage.py insights_report CODE [--json]`: a product's Insights figures (docs/insights.md)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.figures import TRAFFIC, Filters, product_insights, report_data
from insights.figures.filtering import default_period, product_known, version_known
from insights.figures.text import report_text
from insights.management.arguments import day, positive
from insights.rollup import rollup_pending


class Command(BaseCommand):
    help = (
        "Print a product's Insights figures (funnel, take rates, blocked choices, hours, top configurations, "
        "demand), rolling up pending events first. Default period: the last 30 days up to today."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version` names a catalog version here (issue 15), not Django's own version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="product code")
        parser.add_argument("--json", action="store_true", help="print JSON (docs/insights.md) instead of text")
        parser.add_argument(
            "--since", type=day, metavar="YYYY-MM-DD", help="first day, YYYY-MM-DD (default: 29 days before --until)"
        )
        parser.add_argument("--until", type=day, metavar="YYYY-MM-DD", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--version", type=positive, metavar="N", help="one catalog version (default: all)")
        parser.add_argument("--traffic", choices=TRAFFIC, default="real", help="real (default), simulated or all")
        parser.add_argument(
            "--orders", type=positive, default=100, metavar="N", help="orders the demand is for (default 100)"
        )
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default="en", help="language of names"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        filters = self._filters(options)
        rollup_pending()
        insights = product_insights(filters, language=options["language"], demand_orders=options["orders"])
        if options["json"]:
            self.stdout.write(json.dumps(report_data(insights), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report_text(insights), ending="")

    def _filters(self, options: dict[str, Any]) -> Filters:
        code = options["code"]
        if not product_known(code):
            raise CommandError(f"CODE: unknown product '{code}'")
        since, until = options["since"], options["until"]
        if until is None:
            until = default_period()[1]
        if since is None:
            since = default_period(until)[0]
        if since > until:
            raise CommandError(f"--since: {since} is after --until ({until})")
        version = options["version"]
        if version is not None and not version_known(code, version):
            raise CommandError(f"--version: product '{code}' has no version {version}")
        return Filters(product=code, version=version, since=since, until=until, traffic=options["traffic"])
