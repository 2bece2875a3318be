"""Measure one model in this process and write its figures as JSON (run by bench/run.py, one process per model).

Usage: python -m bench.worker MODEL --out FILE [--walks N] [--seed S] [--budget S] ...
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.kinds import first_clicks, jump_selections, last_selections, random_jumps
from bench.limit import Diagram, LimitState, compile_limit, time_domains
from bench.longrun import MIX, long_run
from bench.models import SPECS, ModelSpec
from bench.walks import Baseline, Step, random_walks, replay_baseline, replay_engine, sample, stats
from configurator.engine.compiler import compile_product
from configurator.engine.model import Product, product_from_dict
from configurator.engine.paths import open_session
from configurator.engine.session import Session

SOLVER = "g4"
FIRST_CLICKS = 10  # clicks after a load reported apart


def _frozen(session: Session) -> Session:
    """Collect, then exempt what exists from later collections, as configurator.loading does after a build."""
    gc.collect()
    gc.freeze()
    return session


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
    session, choice = open_session(compiled)
    out["compile_s"] = time.perf_counter() - start
    out["path"] = asdict(choice)
    _log(spec.key, f"availability from the {choice.path} path: {choice.reason}")
    diagram = session.diagram

    def reopen() -> Session:
        """A fresh session on the same path (its diagram reused, not compiled again), frozen as loading freezes it."""
        fresh = open_session(compiled, lambda: diagram)[0] if diagram is not None else Session(compiled, solver=SOLVER)
        return _frozen(fresh)

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

    baseline = Baseline(session, solver=SOLVER)
    limit: Diagram | None = diagram  # the session's own diagram is the limit's too
    if limit is not None:
        out["limit"] = LimitState(status="ok", compile_s=choice.compile_seconds)
    else:
        limit, out["limit"] = compile_limit(compiled)
    _log(spec.key, f"the limit (diagram): {out['limit']['status']}")
    kinds = {"monotone": walks.steps, **other_kinds(spec, args, session, walks.steps)}
    out["kinds"] = {kind: kind_figures(session, baseline, limit, steps, args) for kind, steps in kinds.items()}
    baseline.close()
    for kind, figures in out["kinds"].items():
        _log(spec.key, f"{kind}: {figures['engine']['n']} steps, {figures['mismatches']} mismatches with plain")
    out["baseline"] = out["kinds"]["monotone"]["baseline"]
    # Replays in walk order (consecutive clicks), as the engine saw them: its caches rely on locality.
    in_order = walks.steps[: args.sample]
    fresh = reopen()
    no_reasons = replay_engine(fresh, in_order, args.baseline_budget, reasons=False)
    out["no_reasons"] = stats(no_reasons)
    out["no_reasons_engine"] = stats([step.seconds for step in in_order[: len(no_reasons)]])
    del fresh
    out["first"] = first_figures(product, args)
    out["rss_walks_mb"] = _rss_mb()
    gc.collect()
    out["long"] = long_run(
        reopen(),
        clicks=args.long_clicks,
        window=args.long_window,
        seed=args.seed,
        budget=args.long_budget,
        progress=lambda message: _log(spec.key, message),
    )

    if spec.http and not args.no_http:
        from bench import http_api

        _log(spec.key, "HTTP: setting up Django")
        in_order_kinds = {kind: steps[: args.sample] for kind, steps in kinds.items()}
        out["http"] = http_api.measure(catalog, spec.files[0].parent, in_order_kinds, args.http_budget)
    out["rss_peak_mb"] = _rss_mb()
    return out


def other_kinds(
    spec: ModelSpec, args: argparse.Namespace, session: Session, monotone: list[Step]
) -> dict[str, list[Step]]:
    """Run the mixed walks and the random jumps on `session`; return their steps."""
    wanted = args.walks if spec.max_walks is None else min(args.walks, spec.max_walks)
    mixed = random_walks(
        session,
        walks=wanted,
        step_cap=spec.step_cap,
        seed=args.seed + 1,
        budget=args.budget,
        mix=MIX,
        progress=lambda message: _log(spec.key, f"mixed: {message}"),
    )
    selections = jump_selections(last_selections(monotone), args.jumps, args.seed)
    jumps = random_jumps(session, selections, args.jump_budget)
    return {"mixed": mixed.steps, "jumps": jumps}


def kind_figures(
    session: Session, baseline: Baseline, diagram: Diagram | None, steps: list[Step], args: argparse.Namespace
) -> dict[str, Any]:
    """Return one kind's figures: the engine on every step; plain and the limit on a sample of them."""
    picked = sample(steps, args.sample, args.seed) if steps else []
    replay = replay_baseline(baseline, session, picked, args.baseline_budget)
    limit = None if diagram is None else time_domains(diagram, session, picked, args.baseline_budget)
    return {
        "engine": stats([step.seconds for step in steps]),
        "plain": stats(replay.seconds),
        "engine_same_steps": stats(replay.engine_seconds),
        "limit": limit,
        "mismatches": replay.mismatches,
        "baseline": {
            "stats": stats(replay.seconds),
            "engine_same_steps": stats(replay.engine_seconds),
            "calls_median": sorted(replay.calls)[len(replay.calls) // 2] if replay.calls else 0,
            "mismatches": replay.mismatches,
            "sample": len(picked),
        },
    }


def first_figures(product: Product, args: argparse.Namespace) -> dict[str, Any]:
    """Return the first clicks after fresh loads (compile + Session), and the loads' own time."""

    def load() -> Session:
        """What loading a published version builds: compile, the diagram (within its budget), a warm session."""
        return _frozen(open_session(compile_product(product))[0])

    first = first_clicks(load, loads=args.loads, clicks=FIRST_CLICKS, seed=args.seed, budget=args.baseline_budget)
    return {"load": stats(first.load_seconds), "first": stats(first.first), "clicks": stats(first.clicks)}


def parser() -> argparse.ArgumentParser:
    """Return the worker's command line (run.py passes its own options through)."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("model", choices=sorted(SPECS))
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--walks", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--budget", type=float, default=60.0)
    p.add_argument("--baseline-budget", type=float, default=15.0)
    p.add_argument("--http-budget", type=float, default=15.0)
    p.add_argument("--sample", type=int, default=200)
    p.add_argument("--jumps", type=int, default=2000)
    p.add_argument("--jump-budget", type=float, default=20.0)
    p.add_argument("--loads", type=int, default=5)
    p.add_argument("--long-clicks", type=int, default=50_000)
    p.add_argument("--long-window", type=int, default=5_000)
    p.add_argument("--long-budget", type=float, default=180.0)
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
