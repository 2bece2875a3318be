"""A long-lived Session: many shoppers' mixed walks one after the other, its memory and its worst clicks.

One `Session` answers `clicks` clicks (mixed walks, 15 % undo or switch, with reasons; a
walk that ends starts a new one). Every `window` clicks the process's current RSS is
read (/proc/self/statm, not the peak) with the slowest click of the window, and how much
of that click was garbage collection: `gc.callbacks` time every collection, and a
click's gc time is the collections that ran inside it. A click over 100 ms counts as a
"gc click" when collections took at least a tenth of it (young collections of a fraction
of a millisecond fall inside most slow clicks and do not make them slow).
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any, TypedDict

from bench.walks import go_back, open_picks
from configurator.engine.selection import Selection
from configurator.engine.session import Session

MIX = 0.15
SLOW_MS = 100.0  # issue 16: no click over this from garbage collection
GC_SHARE = 0.1  # a slow click is a "gc click" when collections took at least this share of it


class Window(TypedDict):
    """One window of clicks."""

    clicks: int  # clicks answered so far (the end of this window)
    rss_mb: float  # current RSS at the end of the window
    median_ms: float  # the window's median click (late clicks slower than early ones show here)
    worst_ms: float  # the slowest click of the window
    worst_gc_ms: float  # garbage collection inside that click (0: none)
    gc_max_ms: float  # the longest single collection in the window, wherever it fell
    collections: int  # collections in the window (all generations)


class LongRun(TypedDict):
    """What the long session did."""

    clicks: int
    planned: int
    seconds: float
    out_of_budget: bool
    windows: list[Window]
    rss_growth_pct: float | None  # RSS at the end over RSS after the first window, in %
    slow_clicks: int  # clicks over SLOW_MS, whatever the cause
    gc_clicks_over_slow: int  # clicks over SLOW_MS of which collections took at least GC_SHARE
    worst_gc_click_ms: float | None  # the slowest click with a collection inside it
    gc_max_ms: float  # the longest single collection of the whole run


def rss_mb() -> float:
    """Return the current resident set size of this process, in MB (0 where /proc is absent)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class GcClock:
    """Time every garbage collection while installed (`with GcClock() as clock:`)."""

    def __init__(self) -> None:
        self.total = 0.0  # seconds of collection so far
        self.pauses: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            pause = time.perf_counter() - self._started
            self.total += pause
            self.pauses.append(pause)

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


class _Clicker:
    """Mixed walks without end: each call answers one click and moves the walk on."""

    def __init__(self, session: Session, seed: int) -> None:
        self.session = session
        self.rng = random.Random(seed + 50_000)
        self.choices: dict[str, frozenset[str]] = {}

    def click(self) -> None:
        result = self.session.propagate(Selection(choices=dict(self.choices)), reasons=True)
        if not result.valid:
            self.choices = {}
            return
        if self.choices and self.rng.random() < MIX and go_back(result, self.choices, self.rng):
            return
        picks = open_picks(result)
        if not picks:
            self.choices = {}  # this shopper is done: the next one starts
            return
        group, option = self.rng.choice(picks)
        self.choices[group] = frozenset({option})


def long_run(
    session: Session,
    *,
    clicks: int,
    window: int,
    seed: int,
    budget: float,
    progress: Callable[[str], None] = lambda _: None,
) -> LongRun:
    """Answer up to `clicks` clicks on `session` (stopping after `budget` seconds); report every `window`."""
    clicker = _Clicker(session, seed)
    windows: list[Window] = []
    slow, gc_slow, worst_gc = 0, 0, 0.0
    start = time.perf_counter()
    deadline = start + budget
    done = 0
    with GcClock() as clock:
        while done < clicks and time.perf_counter() < deadline:
            times: list[float] = []
            worst, worst_gc_in, pauses_before = 0.0, 0.0, len(clock.pauses)
            for _ in range(min(window, clicks - done)):
                if time.perf_counter() >= deadline:
                    break  # a slow model's last window is partial: the budget holds inside a window too
                gc_before, begin = clock.total, time.perf_counter()
                clicker.click()
                elapsed, in_gc = time.perf_counter() - begin, clock.total - gc_before
                if elapsed * 1e3 > SLOW_MS:
                    slow += 1
                    gc_slow += in_gc >= GC_SHARE * elapsed
                if in_gc:
                    worst_gc = max(worst_gc, elapsed)
                times.append(elapsed)
                if elapsed > worst:
                    worst, worst_gc_in = elapsed, in_gc
                done += 1
            pauses = clock.pauses[pauses_before:]
            windows.append(
                Window(
                    clicks=done,
                    rss_mb=rss_mb(),
                    median_ms=statistics.median(times) * 1e3 if times else 0.0,
                    worst_ms=worst * 1e3,
                    worst_gc_ms=worst_gc_in * 1e3,
                    gc_max_ms=max(pauses, default=0.0) * 1e3,
                    collections=len(pauses),
                )
            )
            progress(f"long session: {done} clicks, RSS {windows[-1]['rss_mb']:.0f} MB, worst {worst * 1e3:.1f} ms")
    first, last = (windows[0]["rss_mb"], windows[-1]["rss_mb"]) if len(windows) > 1 else (0.0, 0.0)
    return LongRun(
        clicks=done,
        planned=clicks,
        seconds=time.perf_counter() - start,
        out_of_budget=done < clicks,
        windows=windows,
        rss_growth_pct=(last - first) / first * 100 if first else None,
        slow_clicks=slow,
        gc_clicks_over_slow=gc_slow,
        gc_max_ms=max(clock.pauses, default=0.0) * 1e3,
        worst_gc_click_ms=worst_gc * 1e3 if worst_gc else None,
    )
