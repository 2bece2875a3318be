"""`python manage.py simulate_shoppers CODE --visits N [--seed S] [--days D]`: simulated traffic for Insights.

Simulated shoppers use the real configurator pages (insights/simulation); what they do is
recorded as simulated, kept apart from real shoppers' traffic, and can be deleted with
`--clear`. No order is placed unless `--orders` (the demo's): their orders are `order` events.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from kombu.exceptions import OperationalError

from catalog.selectors import version_latest_for
from insights.management.arguments import positive
from insights.models import Event
from insights.simulation import SimulationError, Tally, simulate_shoppers, simulated_clear, simulated_exists


class Command(BaseCommand):
    help = (
        "Send simulated shoppers through a product's configurator pages (recorded as simulated traffic, "
        "never as orders), then roll up the Insights figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="+", help="product code(s)")
        parser.add_argument("--visits", type=positive, default=200, help="visits per product (200)")
        parser.add_argument("--seed", default="1", help="the same seed replays the same visits (1)")
        parser.add_argument("--days", type=positive, default=28, help="spread the visits over the last D days (28)")
        parser.add_argument("--clear", action="store_true", help="first delete the product's earlier simulated data")
        parser.add_argument(
            "--if-empty", action="store_true", help="skip a product that already has simulated data (for make run)"
        )
        parser.add_argument(
            "--orders",
            action="store_true",
            help="also place the visits' orders (a Simulated shopper at example.invalid): the demo's popular builds",
        )
        parser.add_argument("--no-rollup", action="store_true", help="do not roll up the figures afterwards")
        parser.add_argument(
            "--background", action="store_true", help="hand each product to the Celery worker instead (make run)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] > settings.INSIGHTS_EVENTS_DAYS:
            raise CommandError(f"--days: at most INSIGHTS_EVENTS_DAYS ({settings.INSIGHTS_EVENTS_DAYS})")
        simulated = 0
        for code in options["code"]:
            if options["clear"]:
                self.stdout.write(f"{code}: deleted {simulated_clear(code)} rows of earlier simulated data")
            elif options["if_empty"] and simulated_exists(code):
                self.stdout.write(f"{code}: already has simulated data, skipped (--clear to start again)")
                continue
            if options["background"]:
                self._enqueue(code, options)
                continue
            self._simulate(code, options)
            simulated += 1
        if simulated and not options["no_rollup"]:
            from insights.rollup import rollup_pending

            start = time.perf_counter()
            days = rollup_pending()
            self.stdout.write(f"Rolled up {days} day(s) in {time.perf_counter() - start:.1f} s.")

    def _enqueue(self, code: str, options: dict[str, Any]) -> None:
        from insights.tasks import simulate_shoppers as task

        if not version_latest_for(code):
            raise CommandError(f"CODE: no product with the code '{code}' is offered")
        try:
            task.delay(code, options["visits"], options["seed"], options["days"], options["orders"])
        except OperationalError as error:
            # The demo's data is not worth failing `make run` for: say so and go on.
            self.stderr.write(f"{code}: the Celery broker cannot be reached ({error}): no simulated shoppers")
            return
        self.stdout.write(
            f"{code}: {options['visits']} simulated visits handed to the Celery worker: the Insights page "
            "fills in once the worker has run them (one or two minutes for a few hundred)"
        )

    def _simulate(self, code: str, options: dict[str, Any]) -> None:
        before = Event.objects.filter(product=code, simulated=True).count()
        start = time.perf_counter()
        try:
            tally = simulate_shoppers(
                code,
                visits=options["visits"],
                seed=options["seed"],
                days=options["days"],
                orders=options["orders"],
                progress=lambda done: self.stdout.write(f"{code}: {done} visits…"),
            )
        except SimulationError as error:
            raise CommandError(str(error)) from None
        events = Event.objects.filter(product=code, simulated=True).count() - before
        if tally.placed:
            from personalisation.popular import starting_points_refresh

            self.stdout.write(f"{code}: {tally.placed} orders placed; {starting_points_refresh(code)} starting points")
        self._summary(code, tally, events, time.perf_counter() - start, options)

    def _summary(self, code: str, tally: Tally, events: int, seconds: float, options: dict[str, Any]) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"{code}: {tally.visits} simulated visits over the last {options['days']} days "
                f"(seed {options['seed']}) in {seconds:.1f} s: {tally.clicks} requests, {events} events recorded"
            )
        )
        write(
            f"  reached the summary {tally.summaries}, opened the checkout {tally.checkouts}, "
            f"ordered {tally.orders} "
            + (
                f"(placed as orders: {tally.placed})"
                if options["orders"]
                else "(recorded as events only: no order was placed)"
            )
        )
        write(
            f"  asked for an unavailable option {tally.blocked} (chose it anyway {tally.anyway}), "
            f"finish for me {tally.finishes}, typos {tally.typos}, saved {tally.saved}, "
            f"share links opened {tally.shares_opened}"
        )
        if tally.left:
            write("  left at: " + ", ".join(f"{step} {count}" for step, count in tally.left.items()))
        if tally.errors:
            write(self.style.WARNING(f"  {tally.errors} request(s) answered an error: those visits stopped there"))
