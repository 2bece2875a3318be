"""Time "choose … anyway" (`Session.resolve`) and `complete` on the demo car and Renault.

One resolve is one shopper's click, so it must stay as fast as a click. For each model,
seeded random walks give partial selections; at each, every option of a decided or open
group that `propagate` shows unavailable is asked for with `resolve` (capped per
selection), on a session warmed by the walk, as the shop's long-lived session is. The
script also checks that each answer is the same on a fresh session (no dependence on
what was asked before), and prints median / p95 / max in ms.

Run: .venv/bin/python bench/resolve.py [--walks N] [--per-step N] [--write]
(--write puts the table into docs/performance.md, section "resolve").
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # run as a script: import the project, not bench/ siblings

from bench.models import SPECS  # noqa: E402
from bench.sections import write_section  # noqa: E402
from bench.walks import stats  # noqa: E402
from configurator.engine.compiler import compile_product  # noqa: E402
from configurator.engine.model import product_from_dict  # noqa: E402
from configurator.engine.selection import Selection  # noqa: E402
from configurator.engine.session import Session  # noqa: E402


def _asks(session: Session, seed: int, per_step: int) -> list[tuple[Selection, str, str]]:
    """Return (selection, group, option) questions met along one seeded walk."""
    rng = random.Random(seed)
    selection = Selection()
    asks: list[tuple[Selection, str, str]] = []
    while True:
        result = session.propagate(selection, reasons=False)
        blocked = [(g.code, o.code) for g in result.groups for o in g.options if not o.available]
        for group, option in rng.sample(blocked, min(per_step, len(blocked))):
            asks.append((selection, group, option))
        open_groups = [(g.code, [o.code for o in g.options if o.available]) for g in result.groups if not g.decided]
        choices = [(group, options) for group, options in open_groups if len(options) > 1]
        if not choices:
            return asks
        group, options = rng.choice(choices)
        selection = Selection(choices={**selection.choices, group: frozenset([rng.choice(options)])})


def measure(key: str, walks: int, per_step: int) -> str:
    """Return a table row of resolve and complete timings for one model, and answers that depend on history."""
    spec = SPECS[key]
    if (why := spec.missing()) is not None:
        return f"| {key} | {why} | | | |"
    product = product_from_dict(spec.read()["products"][0])
    model = compile_product(product)
    session = Session(model)
    asks = [ask for n in range(walks) for ask in _asks(session, 7000 + n, per_step)]
    resolve_s: list[float] = []
    complete_s: list[float] = []
    differ = differ_complete = 0
    for selection, group, option in asks:
        start = time.perf_counter()
        answer = session.resolve(selection, group, option)
        resolve_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        completion = session.complete(selection)
        complete_s.append(time.perf_counter() - start)
        if len(asks) <= 400 or len(resolve_s) % 10 == 0:  # fresh sessions cost a compile-free warm-up each
            fresh = Session(model, warm=False)
            differ += fresh.resolve(selection, group, option) != answer
            differ_complete += fresh.complete(selection).configuration != completion.configuration
    r, c = stats(resolve_s), stats(complete_s)
    checked = sum(1 for n in range(1, len(asks) + 1) if len(asks) <= 400 or n % 10 == 0)
    return (
        f"| {key} | {len(asks)} | {r['median_ms']:.2f} / {r['p95_ms']:.2f} / {r['max_ms']:.1f} "
        f"| {c['median_ms']:.2f} / {c['p95_ms']:.2f} / {c['max_ms']:.1f} "
        f"| resolve {differ}, complete {differ_complete} of {checked} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--walks", type=int, default=20)
    parser.add_argument("--per-step", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write the table into docs/performance.md")
    args = parser.parse_args()
    rows = [measure(key, args.walks, args.per_step) for key in ("city-car", "renault")]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    table = "\n".join(
        [
            "## Choose anyway (resolve) and finish (complete)",
            "",
            f"{args.walks} seeded walks per model; at each step up to {args.per_step} unavailable options are asked"
            " for with `resolve`, and the step's selection is given to `complete`, on the walk's warm session."
            f" Each answer is asked again on a fresh session: they must not differ. Load average at the end: {load}.",
            "",
            "| model | questions | resolve ms, med / p95 / max | complete ms, med / p95 / max | differ afresh |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )
    print(table)
    if args.write:
        write_section("resolve", table, "bench/resolve.py --write")


if __name__ == "__main__":
    main()
