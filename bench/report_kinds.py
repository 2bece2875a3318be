"""Issue 16's figures: every kind of click per model, the long session, and the issue's targets.

Ratios compare figures of the same run on the same replayed steps: plain ÷ engine (above 1:
the engine is faster than one SAT call per option) and engine ÷ limit (how far the engine
is from the compiled diagram's own valid-domain time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Result = dict[str, Any]
Stats = dict[str, Any]

KINDS = {"monotone": "monotone walks", "mixed": "mixed walks (15 % undo/switch)", "jumps": "random jumps"}


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def _triple(s: Stats | None) -> str:
    if not s or not s["n"]:
        return "–"
    return f"{_ms(s['median_ms'])} / {_ms(s['p95_ms'])} / {_ms(s['max_ms'])}"


def _pair(s: Stats | None) -> str:
    if not s or not s["n"]:
        return "–"
    return f"{_ms(s['median_ms'])} / {_ms(s['p95_ms'])}"


def _over(numerator: Stats | None, denominator: Stats | None) -> str:
    """Return numerator ÷ denominator at the median and p95, as "a / b x"."""
    if not numerator or not denominator or not numerator["n"] or not denominator["n"]:
        return "–"
    parts = []
    for key in ("median_ms", "p95_ms"):
        top, bottom = numerator[key], denominator[key]
        parts.append("–" if not bottom else f"{top / bottom:.2g}" if top / bottom < 10 else f"{top / bottom:.0f}")
    return " / ".join(parts) + "x"


def limit_label(r: Result) -> str:
    """Say whether the limit was measured, and the diagram's compile time when it was."""
    state = r.get("limit") or {"status": "not built", "compile_s": None}
    if state["status"] == "ok":
        return f"diagram compiled in {state['compile_s']:.2f} s"
    if state["status"] == "over budget":
        return f"the diagram did not compile within budget ({state['compile_s']:.1f} s)"
    return str(state["status"])


def kinds_table(r: Result) -> str:
    """Return the Markdown table of one model's kinds of clicks (engine, plain, limit, service, HTTP)."""
    head = (
        "| clicks | n | engine med / p95 / max ms | plain med / p95 ms (n) | plain ÷ engine med / p95 "
        "| limit med / p95 ms | engine ÷ limit med / p95 |\n|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for kind, label in KINDS.items():
        k = r["kinds"][kind]
        plain = k["plain"]
        lines.append(
            f"| {label} | {k['engine']['n']} | {_triple(k['engine'])} | {_pair(plain)} ({plain['n']}) "
            f"| {_over(plain, k['engine_same_steps'])} | {_pair(k['limit'])} "
            f"| {_over(k['engine_same_steps'], k['limit'])} |"
        )
    first = r["first"]
    lines.append(
        f"| first click after a load ({first['first']['n']} loads) | {first['first']['n']} "
        f"| {_triple(first['first'])} | | | | |"
    )
    lines.append(f"| first 10 clicks after a load | {first['clicks']['n']} | {_triple(first['clicks'])} | | | | |")
    http: dict[str, Any] = r.get("http") or {"kinds": {}}
    for kind, label in KINDS.items() if http["kinds"] else ():
        k = http["kinds"][kind]
        lines.append(f"| service: {label} | {k['service']['n']} | {_triple(k['service'])} | | | | |")
        lines.append(f"| HTTP: {label} | {k['http']['n']} | {_triple(k['http'])} | | | | |")
    notes = (
        f"Limit: {limit_label(r)}. A load (compile + Session) took {_pair(first['load'])} ms (median / p95). "
        f"Answers that differ from plain: "
        + ", ".join(f"{kind} {r['kinds'][kind]['mismatches']}" for kind in KINDS)
        + "."
    )
    return "\n".join(lines) + "\n\n" + notes


def long_table(r: Result) -> str:
    """Return the Markdown table of the long-lived session, one row per window."""
    long = r["long"]
    lines = [
        "| clicks | RSS MB | median click ms | worst click ms | gc inside it ms | longest gc pause ms | collections |",
        "|---|---|---|---|---|---|---|",
    ]
    for w in long["windows"]:
        lines.append(
            f"| {w['clicks']} | {w['rss_mb']:.0f} | {_ms(w.get('median_ms'))} | {_ms(w['worst_ms'])} "
            f"| {_ms(w['worst_gc_ms'])} "
            f"| {_ms(w['gc_max_ms'])} | {w['collections']} |"
        )
    growth = "–" if long["rss_growth_pct"] is None else f"{long['rss_growth_pct']:+.1f} %"
    summary = (
        f"{long['clicks']} of {long['planned']} clicks in {long['seconds']:.0f} s"
        + (" (stopped by the time budget)" if long["out_of_budget"] else "")
        + f"; RSS growth after the first window: {growth}; clicks over 100 ms: {long['slow_clicks']}, of which "
        f"collections took a tenth or more: {long['gc_clicks_over_slow']}; slowest click with a collection inside: "
        f"{_ms(long['worst_gc_click_ms'])} ms; longest collection: {_ms(long['gc_max_ms'])} ms."
    )
    return "\n".join(lines) + "\n\n" + summary


@dataclass(frozen=True)
class Check:
    """One of issue 16's targets, on one model: the figure, the limit, met or not."""

    label: str
    value: float | None
    limit: float
    unit: str = " ms"

    def line(self) -> str:
        verdict = "not measured" if self.value is None else "met" if self.value <= self.limit else "MISSED"
        shown = "–" if self.value is None else f"{self.value:.2f}{self.unit}" if self.unit else f"{self.value:.0f}"
        return f"{self.label}: {shown} (≤ {self.limit:g}{self.unit}: {verdict})"


def _get(s: Stats | None, key: str) -> float | None:
    return None if not s or not s["n"] else float(s[key])


def _worst(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known and len(known) == len(values) else None


def renault_checks(r: Result) -> list[Check]:
    """Return Renault's own targets: step p95 and max per kind, first click, HTTP p95, compile."""
    kinds = r["kinds"]
    checks = [Check(f"Renault {KINDS[k]} step p95", _get(kinds[k]["engine"], "p95_ms"), 2) for k in KINDS]
    checks += [Check(f"Renault {KINDS[k]} step max", _get(kinds[k]["engine"], "max_ms"), 20) for k in KINDS]
    checks.append(Check("Renault first click after a load (worst load)", _get(r["first"]["first"], "max_ms"), 20))
    http = r.get("http")
    checks += [
        Check(f"Renault HTTP configure p95, {KINDS[k]}", _get(http["kinds"][k]["http"], "p95_ms") if http else None, 10)
        for k in KINDS
    ]
    diagram = (r.get("limit") or {}).get("compile_s")
    compile_s = r["compile_s"] + diagram if diagram is not None else None
    checks.append(Check("Renault compile including the diagram", compile_s, 2, " s"))
    return checks


def model_checks(r: Result) -> list[Check]:
    """Return the targets every model has: no worse than plain at p95, memory and gc in the long session."""
    checks = []
    for kind, label in KINDS.items():
        k = r["kinds"][kind]
        engine, plain = _get(k["engine_same_steps"], "p95_ms"), _get(k["plain"], "p95_ms")
        ratio = None if engine is None or not plain else engine / plain
        checks.append(Check(f"{r['model']} {label}: engine p95 ÷ plain p95", ratio, 1, "x"))
    if r["model"] == "automotive01":
        checks += [
            Check(f"automotive01 {KINDS[k]} step p95", _get(r["kinds"][k]["engine"], "p95_ms"), 30) for k in KINDS
        ]
    long = r["long"]
    after = f"{long['windows'][0]['clicks']:,}" if long["windows"] else "the first window"
    checks.append(Check(f"{r['model']} long session RSS growth after {after} clicks", long["rss_growth_pct"], 20, " %"))
    slow = float(long["gc_clicks_over_slow"]) if long["windows"] else None
    checks.append(Check(f"{r['model']} long session clicks over 100 ms from gc (a tenth or more)", slow, 0, ""))
    return checks


def checks(results: Sequence[Result]) -> list[Check]:
    """Return every target of issue 16 on the models measured."""
    out: list[Check] = []
    for r in results:
        if r.get("status") != "ok":
            continue
        if r["model"] == "renault":
            out += renault_checks(r)
        out += model_checks(r)
    return out


def _cell(r: Result, pick: Callable[[Result], str]) -> str:
    try:
        return pick(r)
    except (KeyError, TypeError):
        return "–"


SUMMARY: tuple[tuple[str, Callable[[Result], str]], ...] = (
    ("model", lambda r: str(r["model"])),
    (
        "monotone p95/max",
        lambda r: (
            f"{_ms(r['kinds']['monotone']['engine']['p95_ms'])}/{_ms(r['kinds']['monotone']['engine']['max_ms'])}"
        ),
    ),
    (
        "mixed p95/max",
        lambda r: f"{_ms(r['kinds']['mixed']['engine']['p95_ms'])}/{_ms(r['kinds']['mixed']['engine']['max_ms'])}",
    ),
    (
        "jumps p95/max",
        lambda r: f"{_ms(r['kinds']['jumps']['engine']['p95_ms'])}/{_ms(r['kinds']['jumps']['engine']['max_ms'])}",
    ),
    (
        "plain÷engine p95 (mono/mixed/jumps)",
        lambda r: (
            "/".join(
                _over(r["kinds"][k]["plain"], r["kinds"][k]["engine_same_steps"]).split(" / ")[-1].rstrip("x")
                for k in KINDS
            )
            + "x"
        ),
    ),
    ("first click max", lambda r: _ms(r["first"]["first"]["max_ms"])),
    ("HTTP p95 (mono/mixed/jumps)", lambda r: "/".join(_ms(r["http"]["kinds"][k]["http"]["p95_ms"]) for k in KINDS)),
    ("long clicks", lambda r: str(r["long"]["clicks"])),
    ("RSS growth", lambda r: "–" if r["long"]["rss_growth_pct"] is None else f"{r['long']['rss_growth_pct']:+.0f} %"),
    ("gc clicks>100ms", lambda r: str(r["long"]["gc_clicks_over_slow"])),
    ("limit p95 (mono)", lambda r: _ms(r["kinds"]["monotone"]["limit"]["p95_ms"])),
)


def summary(results: Sequence[Result]) -> tuple[list[str], list[list[str]]]:
    """Return issue 16's summary table: a header and one row per measured model."""
    header = [name for name, _ in SUMMARY]
    table = [[_cell(r, pick) for _, pick in SUMMARY] for r in results if r.get("status") == "ok"]
    return header, table
