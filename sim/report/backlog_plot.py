"""Backlog over the year per policy: the median over replications and a band holding the
middle 95% of them (all of them when there are few)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from sim.report.style import Language

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


def backlog_bands(daily: pa.Table, lang: Language):
    """Two panels: cases open in the centres, and in court, per policy."""
    policies = list(dict.fromkeys(daily.column("policy").to_pylist()))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.4), constrained_layout=True)
    for ax, columns, title in (
        (axes[0], CENTRES, lang.text("backlog_title")),
        (axes[1], ("in_court",), lang.text("court_backlog")),
    ):
        for k, policy in enumerate(policies):
            days, grid = series(daily, policy, columns)
            low, mid, high = np.nanquantile(grid, [0.025, 0.5, 0.975], axis=0)
            ax.fill_between(days, low, high, color=f"C{k % 10}", alpha=0.2, lw=0)
            ax.plot(days, mid, color=f"C{k % 10}", lw=1.3, label=policy)
        if len(policies) and days.min() < 0:
            ax.axvspan(days.min(), 0, color="0.92", zorder=0, label=lang.text("warm_up"))
        ax.set(xlabel=lang.text("day"), ylabel=lang.text("open_cases"))
        ax.set_title(title, fontsize=10)
        ax.set_ylim(bottom=0)
    axes[0].legend(fontsize=8, loc="upper left", framealpha=0.95)
    return fig
