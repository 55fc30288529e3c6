"""The figure of a paired policy comparison: for each outcome, each policy's mean
difference from the baseline with its 95% interval. Reads the differences table only."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pyarrow as pa

from sim.report.axis_format import no_data, outcome_axis
from sim.report.panel_grid import policy_grid, policy_rows
from sim.report.style import Language, check_fonts


def plot_differences(
    differences: pa.Table,
    path: Path,
    title: str = "",
    baseline: str = "baseline",
    lang: Language | None = None,
) -> Path:
    """Write :func:`differences_figure` as a PNG."""
    lang = lang or Language()
    with lang.style():  # fonts are looked up when the figure is drawn
        fig = differences_figure(differences, title, baseline, lang)
        check_fonts(fig)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def differences_figure(
    differences: pa.Table, title: str = "", baseline: str = "baseline", lang: Language | None = None
):
    """Small multiples: one panel per outcome, one row (point and interval) per policy.
    A filled point marks an interval that excludes zero; differences of shares are in
    percentage points."""
    lang = lang or Language()
    rows = differences.to_pylist()
    outcomes = list(dict.fromkeys(r["outcome"] for r in rows))
    policies = list(dict.fromkeys(r["policy"] for r in rows))
    n = max((r["n"] for r in rows), default=0)
    subtitle = lang.text("difference_from", baseline=baseline, n=n)
    grid = policy_grid(
        len(outcomes),
        policies,
        [lang.outcome(o) for o in outcomes],
        f"{title}\n{subtitle}" if title else subtitle,
    )
    by_key = {(r["outcome"], r["policy"]): r for r in rows}
    for ax, outcome in zip(grid.axes, outcomes, strict=True):
        mine = [by_key.get((outcome, p)) for p in policies]
        policy_rows(ax, grid.names)
        if not any(r is not None and math.isfinite(r["difference"]) for r in mine):
            no_data(ax, lang.text("fig_no_data"))
            continue
        for y, r in enumerate(mine):
            if r is not None:
                _one_row(ax, y, r)
        ax.axvline(0.0, color="0.5", lw=0.8)
        outcome_axis(ax, "x", outcome, lang.code, difference=True, inches=grid.plot_inches)
    return grid.fig


def _one_row(ax, y: int, r: dict) -> None:
    mean, low, high = r["difference"], r["ci_low"], r["ci_high"]
    if not math.isfinite(mean):
        return
    clear = math.isfinite(low) and (low > 0 or high < 0)
    if math.isfinite(low):
        ax.plot([low, high], [y, y], color="C0", lw=2)
    ax.plot([mean], [y], "o", color="C0", mfc="C0" if clear else "white", ms=6)
