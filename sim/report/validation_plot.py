"""The validation figure: each predicted figure as prediction / published (counts, log
scale) or prediction - published (rates, percentage points), with its 95% interval and
band. Reads the validation table only."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pyarrow as pa
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter, NullLocator

from sim.report.text_wrap import line_count, wrap_to

NAME_INCHES = 4.0  # room for a figure's name beside the axes


def validation_figure(table: pa.Table):
    rows = [r for r in table.to_pylist() if _finite(r["predicted"])]
    counts = [r for r in rows if r["kind"] == "count"]
    rates = [r for r in rows if r["kind"] == "rate"]
    heights = [max(_rows_inches(counts), 0.42), max(_rows_inches(rates), 0.42)]
    fig, axes = plt.subplots(
        2,
        1,
        figsize=(10, 1.8 + sum(heights)),
        gridspec_kw={"height_ratios": heights},
        constrained_layout=True,
    )
    _panel(axes[0], counts, lambda r, v: v / r["published"], "prediction / published", log=True)
    _panel(
        axes[1],
        rates,
        lambda r, v: 100 * (v - r["published"]),
        "prediction - published, percentage points",
        log=False,
    )
    fig.suptitle(
        "Presets against published figures (not fitted; Hohhot 2023 calibration)", fontsize=10
    )
    return fig


def _panel(ax, rows, measure, xlabel: str, log: bool) -> None:
    for y, r in enumerate(rows):
        colour = "C2" if r["verdict"] == "within" else "C3"
        mid = measure(r, r["predicted"])
        if _finite(r["low"]):
            ax.plot([measure(r, r["low"]), measure(r, r["high"])], [y, y], color=colour, lw=2)
        ax.plot([mid], [y], "o", color=colour, ms=6)
        _band(ax, y, r, log)
    ax.axvline(1.0 if log else 0.0, color="0.4", lw=0.8)
    if log and rows:
        ax.set_xscale("log")
    right = ax.get_xlim()[1]
    for y, r in enumerate(rows):  # "at least": shade from the value to the axis' end
        if r["band"].startswith(">="):
            ax.fill_betweenx([y - 0.3, y + 0.3], 1.0 if log else 0.0, right, color="0.9", zorder=0)
    ax.set_xlim(right=right)
    if log and rows:
        _ratio_ticks(ax)
    ax.set_yticks(range(len(rows)), [_name(r) for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontsize=9)
    if not rows:
        ax.set_visible(False)


def _name(r: dict) -> str:
    return wrap_to(f"{r['label']} ({r['preset']})", NAME_INCHES, 8)


def _rows_inches(rows: list[dict]) -> float:
    return sum(max(0.42, (line_count(_name(r)) * 10 + 8) / 72) for r in rows)


def _ratio_ticks(ax) -> None:
    """Ratios as "0.9×", "1×", "1.2×": plain ticks within a decade (a log axis would label
    its minor ticks 9×10^-1), decades with their ratio beyond."""
    low, high = ax.get_xlim()
    if high / low < 10:
        ax.xaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _band(ax, y: int, r: dict, log: bool) -> None:
    band = r["band"]
    if band.startswith("+/-") and band.endswith("%"):
        b = float(band[3:-1]) / 100
        ax.fill_betweenx([y - 0.3, y + 0.3], 1 - b, 1 + b, color="0.85", zorder=0)
    elif band.startswith("+/-") and band.endswith("pp"):
        b = float(band[3:-2])
        ax.fill_betweenx([y - 0.3, y + 0.3], -b, b, color="0.85", zorder=0)


def _finite(value) -> bool:
    """A number that is not NaN (CSV round trips turn NaN into None)."""
    return value is not None and math.isfinite(value)
