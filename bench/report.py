"""Turn the workers' figures into the stdout table and docs/performance.md.

The Markdown file is regenerated on every run, except the hand-written block between
the `analysis` markers, which is carried over from the previous file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import report_kinds

Result = dict[str, Any]

ANALYSIS_START = "<!-- analysis:start (hand-written; kept when bench/run.py rewrites this file) -->"
ANALYSIS_END = "<!-- analysis:end -->"


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _x(ratio: float) -> str:
    """Format a ratio with two significant digits below 1 (0.05x), one decimal above."""
    return f"{ratio:.2g}x" if ratio < 1 else f"{ratio:.1f}x"


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def ratios(result: Result) -> tuple[float | None, float | None]:
    """Return baseline/engine for the median and the p95, on the same replayed steps."""
    base, engine = result["baseline"]["stats"], result["baseline"]["engine_same_steps"]
    return _ratio(base["median_ms"], engine["median_ms"]), _ratio(base["p95_ms"], engine["p95_ms"])


def target_lines(results: Sequence[Result]) -> list[str]:
    """Return one line per target of issue 16: the label, the measured figure, met or missed."""
    return [check.line() for check in report_kinds.checks(results)]


def _walks(result: Result) -> str:
    w = result["walks"]
    text = f"{w['finished']}/{w['planned']}"
    if w["started"] > w["finished"]:
        text += "+1 partial"
    return text


def _http_cell(requests: dict[str, Any]) -> str:
    return f"{_ms(requests['median_ms'])}/{_ms(requests['p95_ms'])} ({requests['n']})"


def rows(results: Sequence[Result]) -> tuple[list[str], list[list[str]]]:
    """Return the summary table: a header and one row per model."""
    header = [
        "model",
        "groups/options/rules",
        "read s",
        "compile s",
        "RSS MB",
        "walks",
        "steps",
        "step med/p95/max ms",
        "plain med/p95 ms (n)",
        "plain÷step med/p95",
        "no-reasons med ms (with)",
        "HTTP med/p95 ms (n)",
    ]
    table = []
    for r in results:
        if r.get("status") != "ok":
            table.append([r["model"], r.get("message") or r["status"], *[""] * (len(header) - 2)])
            continue
        size, engine, base = r["size"], r["engine"], r["baseline"]["stats"]
        median, p95 = ratios(r)
        http = r.get("http")
        table.append(
            [
                r["model"],
                f"{size['groups']}/{size['options']}/{size['rules']}",
                _s(r["read_s"]),
                _s(r["compile_s"]),
                f"{r['rss_compile_mb']:.0f}",
                _walks(r),
                str(engine["n"]),
                f"{_ms(engine['median_ms'])}/{_ms(engine['p95_ms'])}/{_ms(engine['max_ms'])}",
                f"{_ms(base['median_ms'])}/{_ms(base['p95_ms'])} ({base['n']})",
                "–" if median is None or p95 is None else f"{_x(median)}/{_x(p95)}",
                f"{_ms(r['no_reasons']['median_ms'])} ({_ms(r['no_reasons_engine']['median_ms'])})",
                "–" if http is None else _http_cell(http["requests"]),
            ]
        )
    return header, table


def text_table(header: list[str], table: list[list[str]]) -> str:
    """Return a plain aligned table for the terminal."""
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [header, *table]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(header: list[str], table: list[list[str]]) -> str:
    """Return a GitHub Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table]
    return "\n".join(lines)


def _model_table(r: Result) -> str:
    size, w, base = r["size"], r["walks"], r["baseline"]
    median, p95 = ratios(r)
    pairs: list[tuple[str, str]] = [
        ("groups / options / rules", f"{size['groups']} / {size['options']} / {size['rules']}"),
        ("CNF variables / clauses", f"{size['cnf_vars']} / {size['cnf_clauses']}"),
        ("read file + build product", f"{_s(r['read_s'])} s"),
        ("compile (`compile_product` + `Session`)", f"{_s(r['compile_s'])} s"),
        ("peak RSS growth over read + compile", f"{r['rss_compile_mb']:.0f} MB"),
        ("peak RSS of the process after walks / at the end", f"{r['rss_walks_mb']:.0f} / {r['rss_peak_mb']:.0f} MB"),
        (
            "walks finished / planned (requested)",
            f"{w['finished']} / {w['planned']} ({w['requested']})"
            + (" + 1 cut short" if w["started"] > w["finished"] else "")
            + (f", stopped by the {w['budget_s']:.0f} s budget" if w["out_of_budget"] else "")
            + f"; step cap {w['step_cap']}"
            + f"; dead ends (a walk that reached an impossible selection): {w['invalid']}",
        ),
    ]
    engine = r["engine"]
    pairs.append(
        (
            "**engine step** (`propagate`, reasons) median / p95 / max",
            f"**{_ms(engine['median_ms'])} / {_ms(engine['p95_ms'])} / {_ms(engine['max_ms'])} ms** "
            f"over {engine['n']} steps",
        )
    )
    same, plain = base["engine_same_steps"], base["stats"]
    pairs += [
        (
            "plain baseline median / p95 / max",
            f"{_ms(plain['median_ms'])} / {_ms(plain['p95_ms'])} / {_ms(plain['max_ms'])} ms over {plain['n']} "
            f"replayed steps (sample {base['sample']}); {base['calls_median']} SAT calls per step (median)",
        ),
        (
            "engine on the same steps median / p95",
            f"{_ms(same['median_ms'])} / {_ms(same['p95_ms'])} ms",
        ),
        (
            "plain ÷ engine (median / p95)",
            "–" if median is None or p95 is None else f"{_x(median)} / {_x(p95)}",
        ),
        ("answers that differ (engine vs plain)", str(base["mismatches"])),
        (
            "engine without reasons, fresh session, walk order (median / p95)",
            f"{_ms(r['no_reasons']['median_ms'])} / {_ms(r['no_reasons']['p95_ms'])} ms over "
            f"{r['no_reasons']['n']} steps (with reasons, in the walks: "
            f"{_ms(r['no_reasons_engine']['median_ms'])} / {_ms(r['no_reasons_engine']['p95_ms'])} ms)",
        ),
    ]
    http = r.get("http")
    if http is not None:
        req = http["requests"]
        pairs += [
            (
                "HTTP: Django setup + migrate / catalog import + publish",
                f"{_s(http['setup_s'])} / {_s(http['import_s'])} s",
            ),
            ("HTTP: first configure request (compiles)", f"{_ms(http['first_ms'])} ms"),
            (
                "**HTTP configure** median / p95 / max",
                f"**{_ms(req['median_ms'])} / {_ms(req['p95_ms'])} / {_ms(req['max_ms'])} ms** over {req['n']} "
                f"requests ({http['errors']} non-200)",
            ),
            (
                "engine on the same steps (in the walks) median / p95",
                f"{_ms(http['engine_same_steps']['median_ms'])} / {_ms(http['engine_same_steps']['p95_ms'])} ms",
            ),
        ]
    pairs.append(("wall time of this model's process", f"{r.get('wall_s', 0):.0f} s"))
    return "| figure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in pairs)


def observations(results: Sequence[Result]) -> str:
    """Return a paragraph of plain facts read off the figures (generated)."""
    ok = [r for r in results if r.get("status") == "ok"]
    if not ok:
        return "Nothing was measured."
    parts = []
    slow = max(ok, key=lambda r: r["compile_s"])
    parts.append(
        f"The slowest compile is {slow['model']} ({slow['compile_s']:.1f} s for {slow['size']['cnf_clauses']} clauses, "
        f"reading {slow['read_s']:.1f} s)."
    )
    for r in ok:
        engine, plain = r["engine"], r["baseline"]
        text = (
            f"{r['model']}: a step takes {_ms(engine['median_ms'])} ms (median); "
            f"{_ms(r['no_reasons']['median_ms'])} ms without reasons against "
            f"{_ms(r['no_reasons_engine']['median_ms'])} ms with them on the same steps; the plain approach makes "
            f"{plain['calls_median']} SAT calls per step"
        )
        median, _ = ratios(r)
        if median is not None:
            text += f" and takes {_x(median)} the engine's median time"
        http = r.get("http")
        if http is not None and http["requests"]["n"]:
            extra = http["requests"]["median_ms"] - http["engine_same_steps"]["median_ms"]
            text += f"; through HTTP the same steps take {extra:.1f} ms more (median)"
        parts.append(text + ".")
    return " ".join(parts)


def previous_analysis(path: Path) -> str:
    """Return the hand-written block of the existing file (empty when there is none)."""
    if not path.exists():
        return ""
    found = re.search(re.escape(ANALYSIS_START) + r"\n(.*?)" + re.escape(ANALYSIS_END), path.read_text(), re.S)
    return found.group(1).strip() if found else ""


def issue16(results: Sequence[Result]) -> list[str]:
    """Return the lines of issue 16's summary table and targets (Markdown)."""
    header, table = report_kinds.summary(results)
    return [
        "## Issue 16: every kind of click, the long session, the targets",
        "",
        markdown_table(header, table),
        "",
        "Targets (printed, not asserted):",
        "",
        *[f"- {line}" for line in target_lines(results)],
        "",
    ]


def baseline16(results: Sequence[Result], machine: dict[str, str]) -> str:
    """Return issue 16's figures as a dated section that later runs keep: the engine before issue 16's work."""
    out = [
        f"## Issue 16 baseline: the engine as of {machine['date']}",
        "",
        "Kept by later runs of bench/run.py (rewritten only with `--keep-as-baseline`). "
        + "; ".join(f"{k}: {v}" for k, v in machine.items())
        + ".",
        "",
        *issue16(results),
    ]
    for r in results:
        if r.get("status") == "ok":
            out += [f"### {r.get('title', r['model'])}", "", report_kinds.kinds_table(r), ""]
            out += [report_kinds.long_table(r), ""]
    return "\n".join(out)


def markdown(results: Sequence[Result], machine: dict[str, str], command: str, analysis: str) -> str:
    """Return the whole of docs/performance.md."""
    header, table = rows(results)
    out = [
        "# Performance",
        "",
        "Generated by `make bench` (bench/run.py); only the *Analysis* block below is hand-written.",
        "",
        "## Machine and run",
        "",
        *[f"- {k}: {v}" for k, v in machine.items()],
        f"- command: `{command}`",
        "",
        "## Method",
        "",
        "- Each model is measured in its own process (so one model's memory does not inflate another's).",
        "- *read*: read the file and build the product (`read_xcsp` / `read_dimacs` / JSON + `product_from_dict`); "
        "*compile*: `compile_product` + `Session(compiled, solver='g4')`. Memory: growth of the process's peak RSS "
        "(`resource.getrusage(RUSAGE_SELF).ru_maxrss`) over read + compile.",
        "- *step*: seeded random shopper walks from the empty selection; each step is one "
        "`session.propagate(selection)` with reasons, then a uniformly random pick among the available options of the "
        "open groups. Walks end when no group is open, or at the step cap (100 for feature models). Walks stop early "
        "when the model's time budget is spent (then fewer walks than planned are reported).",
        "- *plain*: on a random sample of the recorded steps (spread over all walks), a fresh pysat Glucose 4 "
        "solver on the same CNF (`compiled.clauses` + every rule's clauses) answers one "
        "`solve(assumptions=selection + [option])` (the selection's literals as `Session.assumptions` states them) "
        "per option of each open group, no reasons. "
        "The ratio compares it with the engine's walk time of the very same steps. "
        "Both answers are compared (they must never differ).",
        "- *no reasons*: `propagate(selection, reasons=False)` on a fresh `Session`, replaying the first recorded "
        "steps in walk order (consecutive clicks, as in the walks), compared with the walk time of the same steps.",
        "- *HTTP*: Django test client, `POST /api/v1/products/<code>/configure` on a temporary SQLite database (test "
        "settings), catalog imported and published with `catalog_import`; one warm-up request (it compiles), then the "
        "first recorded steps in walk order, compared with the engine's walk time of the same steps.",
        "- *mixed walks* (issue 16): as the walks, but 15 % of clicks go back: undo a decided group, or switch it to "
        "an option its answer shows available (half each). *Random jumps*: a random subset of the last selection of a "
        "random walk (each decision kept with a probability drawn per jump), unrelated to the previous click, as a "
        "shared link or an API client sends it. All on the walks' session, with reasons; plain and the limit replay a "
        "random sample of each kind; the service (`configuration_propagate`, reasons and answer data) and HTTP replay "
        "the first steps of each kind in order.",
        "- *first clicks after a load*: the product compiled again and a fresh `Session` (warm-up included), then the "
        "first 10 clicks of a walk (the empty page, answered by the warm-up, not counted); several loads.",
        "- *the limit*: the compiled decision diagram's own valid domains (`Diagram.domains` on the selection's "
        'literals) on the same sample, when configurator/engine/diagram exists; otherwise "not built".',
        "- *long-lived session*: one fresh `Session` answers up to 50,000 clicks of endless mixed walks, with reasons; "
        "every 5,000 clicks the current RSS (/proc/self/statm) and the slowest click, with the garbage collection "
        "inside it (timed by `gc.callbacks`); it stops early at its time budget (then fewer clicks are reported).",
        "",
        "## Summary",
        "",
        markdown_table(header, table),
        "",
        *issue16(results),
    ]
    for r in results:
        out += [f"## {r.get('title', r['model'])}", ""]
        out.append(_model_table(r) if r.get("status") == "ok" else f"Not measured: {r.get('message') or r['status']}.")
        out.append("")
        if r.get("status") == "ok":
            out += ["Every kind of click (issue 16):", "", report_kinds.kinds_table(r), ""]
            out += ["The long-lived session:", "", report_kinds.long_table(r), ""]
    out += [
        "## Observations",
        "",
        observations(results),
        "",
        "## Analysis",
        "",
        ANALYSIS_START,
        analysis or "(none yet)",
        ANALYSIS_END,
        "",
    ]
    return "\n".join(out)
