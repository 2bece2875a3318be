"""Run the benchmark suite: every model in its own process, then print and write the figures.

    .venv/bin/python bench/run.py [--walks 200] [--models renault,automotive01] [--seed 1]
                                  [--output docs/performance.md] [--quick] [--keep-as-baseline]

Per model: monotone walks and mixed walks (15 % undo or switch) for at most --budget
seconds each (60), random jumps, the first clicks after fresh loads, the plain approach
and the compiled diagram's limit on samples of each kind, a long-lived session (50,000
clicks or --long-budget seconds), and for the catalogs with an HTTP figure the service and
the API on each kind. A model whose steps are slow runs fewer walks than asked, and the
tables say how many (the big feature models also have a fixed cap: automotive01 20, linux
5, automotive02 1). With the default budgets the eight models take 45 to 60 minutes on
2 cores; `--quick` is a smoke run of a few minutes. Targets are printed beside the figures,
never asserted. Models whose files are absent (../shared/benchmarks) are skipped with a
message; a model that exceeds --timeout is reported as "timed out".
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # import `bench.*` as a package, and never shadow the standard library

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from bench import report, report_kinds  # noqa: E402
from bench.models import SPECS  # noqa: E402
from bench.sections import commit, kept_sections, load_average, utc_now, write_section  # noqa: E402

DEFAULT_OUTPUT = Path("docs/performance.md")
#: --quick: every part runs, on counts too small for figures worth keeping (about 1 minute for Renault).
QUICK: dict[str, object] = {
    "walks": 5,
    "budget": 5.0,
    "baseline_budget": 2.0,
    "http_budget": 2.0,
    "sample": 20,
    "jumps": 50,
    "jump_budget": 3.0,
    "loads": 2,
    "long_clicks": 2_000,
    "long_window": 500,
    "long_budget": 10.0,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command line options."""
    p = argparse.ArgumentParser(description="Benchmark the configurator engine on real models.")
    p.add_argument("--walks", type=int, default=200, help="random walks per model (big feature models: fewer)")
    p.add_argument("--models", default=",".join(SPECS), help=f"comma-separated, of: {', '.join(SPECS)}")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="'-' to write nothing")
    p.add_argument("--budget", type=float, default=60.0, help="seconds of walking per model, at most")
    p.add_argument("--baseline-budget", type=float, default=15.0, help="seconds of each plain (and limit) replay")
    p.add_argument("--http-budget", type=float, default=15.0, help="seconds of each service and HTTP replay")
    p.add_argument("--sample", type=int, default=200, help="recorded steps replayed by the baseline and HTTP")
    p.add_argument("--jumps", type=int, default=2000, help="random jumps per model, at most")
    p.add_argument("--jump-budget", type=float, default=20.0, help="seconds of random jumps per model")
    p.add_argument("--loads", type=int, default=5, help="fresh loads whose first 10 clicks are timed")
    p.add_argument("--long-clicks", type=int, default=50_000, help="clicks of the long-lived session")
    p.add_argument("--long-window", type=int, default=5_000, help="clicks between RSS readings in it")
    p.add_argument("--long-budget", type=float, default=180.0, help="seconds of the long-lived session, at most")
    p.add_argument("--timeout", type=float, default=1500.0, help="seconds per model before it is reported timed out")
    p.add_argument(
        "--keep-as-baseline",
        action="store_true",
        help="also write issue 16's figures into a dated block that later runs keep (the baseline of issue 16)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: small counts and budgets; writes only to an explicit --output",
    )
    args = p.parse_args(argv)
    if args.quick:
        for option, value in QUICK.items():
            setattr(args, option, value)
        if args.output == DEFAULT_OUTPUT:
            args.output = Path("-")  # smoke figures never overwrite the real ones
    unknown = [m for m in args.models.split(",") if m not in SPECS]
    if unknown:
        p.error(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(SPECS)}")
    return args


#: the options passed through to bench/worker.py
OPTIONS = (
    "walks",
    "seed",
    "budget",
    "baseline_budget",
    "http_budget",
    "sample",
    "jumps",
    "jump_budget",
    "loads",
    "long_clicks",
    "long_window",
    "long_budget",
)


def run_model(key: str, args: argparse.Namespace) -> dict[str, Any]:
    """Measure one model in a child process; return its figures (or why there are none)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, "-m", "bench.worker", key, "--out", str(out)]
        for option in OPTIONS:
            command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        try:
            completed = subprocess.run(command, cwd=ROOT, env=env, timeout=args.timeout, check=False)
        except subprocess.TimeoutExpired:
            return {
                "model": key,
                "title": SPECS[key].title,
                "status": "timed out",
                "message": f"timed out after {args.timeout:.0f} s",
            }
        wall = time.perf_counter() - start
        if completed.returncode != 0 or not out.exists():
            message = f"worker failed (exit {completed.returncode}; see its output above)"
            return {"model": key, "title": SPECS[key].title, "status": "error", "message": message}
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        result["wall_s"] = wall
        return result


def machine() -> dict[str, str]:
    """Describe where the figures were measured."""
    import pysat

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line]
        cpu = names[0] if names else cpu
    return {
        "date": utc_now(),
        "commit": commit(),
        "CPU": f"{cpu}, {os.cpu_count()} logical CPUs",
        "load average (1/5/15 min) at start": load_average(),
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "solver": f"Glucose 4 (`g4`) via python-sat {pysat.__version__}",
        "engine source": source_fingerprint(),
    }


def source_fingerprint() -> str:
    """Identify the engine code measured (others may edit it between runs): a hash and the newest edit."""
    files = sorted((ROOT / "configurator" / "engine").glob("*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    newest = max(files, key=lambda path: path.stat().st_mtime)
    when = datetime.fromtimestamp(newest.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"sha256 {digest.hexdigest()[:12]} of configurator/engine/*.py (newest: {newest.name}, {when})"


def command_line() -> str:
    """Return the command that ran this, as typed from the repository root."""
    executable = Path(sys.executable)
    shown = os.path.relpath(executable, ROOT) if executable.is_relative_to(ROOT) else str(executable)
    script = os.path.relpath(Path(sys.argv[0]).resolve(), ROOT)
    return shlex.join([shown, script, *sys.argv[1:]])


def main(argv: list[str] | None = None) -> None:
    """Run the selected models one after the other; print the table and write the Markdown file."""
    args = parse_args(argv)
    info = machine()
    load = info["load average (1/5/15 min) at start"]
    print(f"Benchmark: {info['CPU']}; {info['Python']}; {info['solver']}; load {load}")
    results = []
    for key in args.models.split(","):
        spec = SPECS[key]
        planned = args.walks if spec.max_walks is None else min(args.walks, spec.max_walks)
        print(
            f"== {key}: {spec.title} — {planned} walks planned (step cap {spec.step_cap}, budget {args.budget:.0f} s)"
        )
        results.append(run_model(key, args))
        result = results[-1]
        if result["status"] != "ok":
            print(f"   {result['message']}")
    info["load average (1/5/15 min) at end"] = load_average()
    header, table = report.rows(results)
    print()
    print(report.text_table(header, table))
    print()
    print(report.text_table(*report_kinds.summary(results)))
    print()
    print("Targets of issue 16 (not asserted):")
    for line in report.target_lines(results):
        print(f"  {line}")
    if str(args.output) != "-":
        path = args.output if args.output.is_absolute() else ROOT / args.output
        analysis = report.previous_analysis(path)
        # The click, preview and orders benchmarks own blocks of the same file: keep them.
        others = kept_sections(path.read_text(encoding="utf-8")) if path.exists() else ""
        document = report.markdown(results, info, command_line(), analysis)
        path.write_text(document + ("\n" + others if others else ""), encoding="utf-8")
        if args.keep_as_baseline:
            write_section("engine16-baseline", report.baseline16(results, info), command_line(), path)
        print(f"\nWrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
