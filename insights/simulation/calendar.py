"""When simulated shoppers come and how long they think: a plausible week and day, seeded.

Visits start over the last `days` days, more in the evening and at lunch than at night,
a little more at the weekend; each click follows the previous one after a think time of
seconds (an option) to minutes (measurements, the checkout form). Times are in the
shop's time zone (settings.TIME_ZONE), so the Insights page's weekday x hour grid shows
the shape, and never in the future.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from django.utils import timezone

#: Relative traffic per local hour, 0..23: quiet nights, a lunch bump, an evening peak.
HOURS = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 14, 17, 16, 13, 12, 12, 14, 17, 21, 24, 22, 15, 7)
#: Relative traffic per weekday, Monday first.
WEEKDAYS = (10, 10, 10, 11, 12, 14, 13)
#: Median think time before each kind of click, in seconds (log-normal around it).
THINK = {
    "option": 9.0,
    "next": 5.0,
    "measurement": 35.0,
    "text": 20.0,
    "blocked": 6.0,
    "finish": 15.0,
    "save": 25.0,
    "checkout": 40.0,
    "order": 150.0,
}


class Clock:
    """The simulated time of one visit: starts when the visit does, moves by each think time."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def think(self, rnd: random.Random, kind: str) -> None:
        """Move the clock by a think time of `kind` (log-normal, so a few shoppers take much longer)."""
        seconds = THINK[kind] * math.exp(rnd.gauss(0.0, 0.8))
        self.now += timedelta(seconds=min(seconds, 1800.0))


def visit_start(rnd: random.Random, days: int, now: datetime | None = None) -> datetime:
    """Return a plausible start for a visit in the last `days` days (local day and hour shape, UTC result).

    The latest start is two hours ago, so no click of the visit is in the future.
    """
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    latest = now - timedelta(hours=2)
    while True:  # rejection sampling of the weekday: a few rounds at most
        back = rnd.randrange(days)
        day = (local_now - timedelta(days=back)).date()
        if rnd.random() * max(WEEKDAYS) > WEEKDAYS[day.weekday()]:
            continue
        hour = rnd.choices(range(24), weights=HOURS)[0]
        naive = datetime(day.year, day.month, day.day, hour, rnd.randrange(60), rnd.randrange(60))
        start = timezone.make_aware(naive, timezone.get_current_timezone())
        while start > latest:  # today's later hours (or a one-day window): the same hour a day earlier
            start -= timedelta(days=1)
        return start
