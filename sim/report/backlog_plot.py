"""Backlog over the year per policy: the median over replications and a band holding the
middle 95% of them (all of them when there are few)."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from sim.report.axis_format import value_axis
from sim.report.date_axis import table_start, time_axis, x_values
from sim.report.style import Language
from sim.report.text_wrap import line_count, wrap_names, wrap_to

WIDTH = 13.0
LEGEND_INCHES = 3.4  # room for one policy's name in the legend

CENTRES = ("in_community", "in_township", "in_county", "in_city")


def series(daily: pa.Table, policy: str, columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(days, matrix replication x day) of the summed columns for one policy."""
    mask = np.array(daily.column("policy").to_pylist()) == policy
    seed = np.array(daily.column("seed").to_pylist())[mask]
    day = np.array(daily.column("day").to_pylist())[mask]
    total = sum(np.array(daily.column(c).to_pylist(), dtype=float)[mask] for c in columns)
    days = np.unique(day)
    seeds = np.unique(seed)
    grid = np.full((len(seeds), len(days)), np.nan)
    grid[np.searchsorted(seeds, seed), np.searchsorted(days, day)] = total
    return days, grid


def backlog_bands(daily: pa.Table, lang: Language, start: dt.date | None = None):
    """Two panels: cases open in the centres, and in court, per policy. With ``start`` (the
    date of day 0; else the table's own ``date`` column) the time axis is in dates with
    public holidays shaded; without, in day numbers."""
    start = start or table_start(daily)
    policies = list(dict.fromkeys(daily.column("policy").to_pylist()))
    names = wrap_names(policies, LEGEND_INCHES, 8)
    columns = max(1, min(len(policies), int(WIDTH // (LEGEND_INCHES + 0.5))))
    legend_in = sum(
        max(line_count(n) for n in names[k : k + columns]) * 0.17 + 0.05
        for k in range(0, len(names), columns)
    )
    fig, axes = plt.subplots(
        1, 2, figsize=(WIDTH, 4.4 + legend_in), constrained_layout=True, sharex=True
    )
    for ax, columns_summed, title in (
        (axes[0], CENTRES, lang.text("backlog_title")),
        (axes[1], ("in_court",), lang.text("court_backlog")),
    ):
        days = _policy_lines(ax, daily, policies, names, columns_summed, start)
        time_axis(ax, start, days if len(policies) else np.array([]), lang, grey="0.92")
        ax.set_ylabel(lang.text("open_cases"))
        ax.set_title(wrap_to(title, WIDTH / 2 - 0.6, 10), fontsize=10)
        ax.set_ylim(bottom=0)
        value_axis(ax, "y", "count", lang.code, inches=3.0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=columns, fontsize=8, frameon=False)
    return fig


def _policy_lines(ax, daily, policies, names, columns, start) -> np.ndarray:
    """Each policy's median line and 95% band; returns the days drawn."""
    days = np.array([], dtype=float)
    for k, (policy, name) in enumerate(zip(policies, names, strict=True)):
        days, grid = series(daily, policy, columns)
        low, mid, high = np.nanquantile(grid, [0.025, 0.5, 0.975], axis=0)
        x = x_values(days, start)
        ax.fill_between(x, low, high, color=f"C{k % 10}", alpha=0.2, lw=0)
        ax.plot(x, mid, color=f"C{k % 10}", lw=1.3, label=name)
    return days
