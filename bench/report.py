"""Figures, the table they print as, and the machine they were measured on."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Figure:
    """One measured number with its baseline (same run, same machine) and its target.

    ``ratio`` is value / baseline. ``met`` is None when the figure has no target or was not
    measured. ``note`` says what was measured, or why it was not.
    """

    section: str
    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""
    ratio_override: float | None = None

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def ratio(self) -> float | None:
        if self.ratio_override is not None:
            return self.ratio_override
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def not_measured(section: str, name: str, unit: str, why: str, target: str = "") -> Figure:
    return Figure(section, name, None, unit, target=target, note=f"not measured: {why}")


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    options: str = ""
    load_at_start: str = field(default_factory=lambda: loadavg())
    load_at_end: str = ""

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    def misses(self) -> list[Figure]:
        return [f for f in self.figures if f.met is False]


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages: other work on the machine skews every figure."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "?"


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("", "x") or abs(value) >= 100:
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"
    return f"{text} {unit}".strip() if unit not in ("", "x") else text


def machine() -> dict[str, str]:
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count() or "?"),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB" if mem_kb else "?",
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpu": _cpu_model(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


HEADER = ("section", "figure", "value", "baseline", "ratio", "target", "met")


def rows(results: Results) -> list[tuple[str, ...]]:
    out = []
    for f in results.figures:
        met = {True: "yes", False: "NO", None: "-"}[f.met]
        if not f.measured:
            met = "n/m"
        base = f"{fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline_name else fmt(f.baseline, f.unit)
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        out.append((f.section, f.name, fmt(f.value, f.unit), base, ratio, f.target or "-", met))
    return out


def text_table(results: Results) -> str:
    table = [HEADER, *rows(results)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  [{f.section}] {f.name}: {f.note}" for f in results.figures if f.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def markdown(results: Results) -> str:
    m = machine()
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`); the latest run replaces this file. Every ratio is the",
        "figure divided by a baseline measured in the same run on the same machine.",
        "",
        f"- run: {results.started:%Y-%m-%d %H:%M} UTC, options: `{results.options or 'defaults'}`",
        f"- machine: nproc {m['nproc']}, memory {m['memory']}, Python {m['python']}, {m['platform']}",
        f"- cpu: {m['cpu']}",
        f"- load average (1, 5, 15 min) at the start: {results.load_at_start}; at the end: "
        f"{results.load_at_end or loadavg()} (anything near or above nproc means other work shared the cores)",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    out += ["| " + " | ".join(cell.replace("|", "/") for cell in r) + " |" for r in rows(results)]
    notes = [f for f in results.figures if f.note]
    if notes:
        out += ["", "## Notes", ""]
        out += [f"- **{f.section} / {f.name}**: {f.note}" for f in notes]
    misses = results.misses()
    out += ["", "## Targets missed", ""]
    if misses:
        from bench.causes import cause_of

        for f in misses:
            out.append(f"- **{f.section} / {f.name}** ({f.target}): measured {fmt(f.value, f.unit)}, "
                       f"{f'{f.ratio:.2f}x ' if f.ratio is not None else ''}its baseline.")
            cause = cause_of(f)
            if cause:
                out.append(f"  Likely cause: {cause}")
    else:
        out.append("- none among the figures measured")
    from bench.causes import OBSERVATIONS

    out += ["", "## Other observations", ""] + [f"- {o}" for o in OBSERVATIONS]
    unmeasured = [f for f in results.figures if not f.measured]
    if unmeasured:
        out += ["", "## Not measured", ""]
        out += [f"- **{f.section} / {f.name}**: {f.note}" for f in unmeasured]
    return "\n".join(out) + "\n"


def python_version() -> str:
    return sys.version.split()[0]
