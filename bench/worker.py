"""Measure one model in this process and write its figures as JSON (run by bench/run.py, one process per model).

Usage: python -m bench.worker MODEL --out FILE [--walks N] [--seed S] [--budget S] ...
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.models import SPECS, ModelSpec
from bench.walks import Baseline, random_walks, replay_baseline, replay_engine, sample, stats
from configurator.engine.compiler import compile_product
from configurator.engine.model import product_from_dict
from configurator.engine.session import Session

SOLVER = "g4"


def _rss_mb() -> float:
    """Return this process's peak resident set size so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _log(model: str, message: str) -> None:
    print(f"  [{model}] {message}", file=sys.stderr, flush=True)


def measure(spec: ModelSpec, args: argparse.Namespace) -> dict[str, Any]:
    """Return every figure of `spec`: size, compile time and memory, walks, baseline, HTTP."""
    out: dict[str, Any] = {"model": spec.key, "title": spec.title, "status": "ok"}
    rss_start = _rss_mb()
    start = time.perf_counter()
    catalog = spec.read()
    product = product_from_dict(catalog["products"][0])
    out["read_s"] = time.perf_counter() - start
    start = time.perf_counter()
    compiled = compile_product(product)
    session = Session(compiled, solver=SOLVER)
    out["compile_s"] = time.perf_counter() - start
    out["rss_compile_mb"] = _rss_mb() - rss_start
    out["size"] = {
        "groups": len(product.groups),
        "options": sum(len(g.options) for g in product.groups),
        "rules": len(product.rules),
        "cnf_vars": compiled.nvars,
        "cnf_clauses": len(compiled.clauses) + sum(len(c) for c in compiled.rule_clauses.values()),
    }
    _log(spec.key, f"read {out['read_s']:.2f} s, compile {out['compile_s']:.2f} s, {out['size']}")

    wanted = args.walks if spec.max_walks is None else min(args.walks, spec.max_walks)
    walks = random_walks(
        session,
        walks=wanted,
        step_cap=spec.step_cap,
        seed=args.seed,
        budget=args.budget,
        progress=lambda message: _log(spec.key, message),
    )
    out["walks"] = {
        "requested": args.walks,
        "planned": wanted,
        "started": walks.started,
        "finished": walks.finished,
        "invalid": walks.invalid,
        "out_of_budget": walks.out_of_budget,
        "budget_s": args.budget,
        "step_cap": spec.step_cap,
    }
    out["engine"] = stats([step.seconds for step in walks.steps])

    picked = sample(walks.steps, args.sample, args.seed)
    baseline = Baseline(session, solver=SOLVER)
    replay = replay_baseline(baseline, session, picked, args.baseline_budget)
    baseline.close()
    out["baseline"] = {
        "stats": stats(replay.seconds),
        "engine_same_steps": stats(replay.engine_seconds),
        "calls_median": sorted(replay.calls)[len(replay.calls) // 2] if replay.calls else 0,
        "mismatches": replay.mismatches,
        "sample": len(picked),
    }
    _log(spec.key, f"baseline: {len(replay.seconds)} steps replayed, {replay.mismatches} mismatches")
    # Replays in walk order (consecutive clicks), as the engine saw them: its caches rely on locality.
    in_order = walks.steps[: args.sample]
    fresh = Session(compiled, solver=SOLVER)
    no_reasons = replay_engine(fresh, in_order, args.baseline_budget, reasons=False)
    out["no_reasons"] = stats(no_reasons)
    out["no_reasons_engine"] = stats([step.seconds for step in in_order[: len(no_reasons)]])
    out["rss_walks_mb"] = _rss_mb()

    if spec.http and not args.no_http:
        from bench import http_api

        _log(spec.key, "HTTP: setting up Django")
        out["http"] = http_api.measure(catalog, spec.files[0].parent, in_order, args.http_budget)
    out["rss_peak_mb"] = _rss_mb()
    return out


def parser() -> argparse.ArgumentParser:
    """Return the worker's command line (run.py passes its own options through)."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("model", choices=sorted(SPECS))
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--walks", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--budget", type=float, default=90.0)
    p.add_argument("--baseline-budget", type=float, default=30.0)
    p.add_argument("--http-budget", type=float, default=30.0)
    p.add_argument("--sample", type=int, default=200)
    p.add_argument("--no-http", action="store_true")
    return p


def main() -> None:
    """Measure the model named on the command line; write JSON to --out."""
    args = parser().parse_args()
    spec = SPECS[args.model]
    missing = spec.missing()
    result = {"model": spec.key, "title": spec.title, "status": "skipped", "message": missing}
    if missing is None:
        result = measure(spec, args)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
