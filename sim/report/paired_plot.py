"""The figure of a paired policy comparison: for each outcome, each policy's mean
difference from the baseline with its 95% interval. Reads the differences table only."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pyarrow as pa
from matplotlib.ticker import MaxNLocator, PercentFormatter

from sim.report.style import Language
from sim.results.outcomes import OUTCOME

COLUMNS = 3


def plot_differences(
    differences: pa.Table,
    path: Path,
    title: str = "",
    baseline: str = "baseline",
    lang: Language | None = None,
) -> Path:
    """Write :func:`differences_figure` as a PNG."""
    fig = differences_figure(differences, title, baseline, lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def differences_figure(
    differences: pa.Table, title: str = "", baseline: str = "baseline", lang: Language | None = None
):
    """Small multiples: one panel per outcome, one row (point and interval) per policy.
    A filled point marks an interval that excludes zero."""
    lang = lang or Language()
    rows = differences.to_pylist()
    outcomes = list(dict.fromkeys(r["outcome"] for r in rows))
    policies = list(dict.fromkeys(r["policy"] for r in rows))
    percent = {o for o in outcomes if o in OUTCOME and OUTCOME[o].is_share}
    n_rows = math.ceil(len(outcomes) / COLUMNS)
    fig, axes = plt.subplots(
        n_rows,
        COLUMNS,
        figsize=(4.2 * COLUMNS, 0.5 + n_rows * (0.55 + 0.32 * len(policies))),
        squeeze=False,
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        for y, policy in enumerate(policies):
            r = next(r for r in rows if r["outcome"] == outcome and r["policy"] == policy)
            _one_row(ax, y, r)
        ax.axvline(0.0, color="0.5", lw=0.8)
        ax.set_yticks(range(len(policies)), policies, fontsize=8)
        ax.set_ylim(-0.6, len(policies) - 0.4)
        ax.invert_yaxis()
        ax.set_title(lang.outcome(outcome), fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(5, symmetric=False))
        if outcome in percent:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    n = max((r["n"] for r in rows), default=0)
    subtitle = lang.text("difference_from", baseline=baseline, n=n)
    fig.suptitle(f"{title}\n{subtitle}" if title else subtitle, fontsize=10)
    fig.tight_layout()
    return fig


def _one_row(ax, y: int, r: dict) -> None:
    mean, low, high = r["difference"], r["ci_low"], r["ci_high"]
    if not math.isfinite(mean):
        return
    clear = math.isfinite(low) and (low > 0 or high < 0)
    if math.isfinite(low):
        ax.plot([low, high], [y, y], color="C0", lw=2)
    ax.plot([mean], [y], "o", color="C0", mfc="C0" if clear else "white", ms=6)
