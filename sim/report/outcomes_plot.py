"""Each key outcome per policy: mean over replications with a 95% interval (Student t)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
from matplotlib.ticker import MaxNLocator, PercentFormatter

from sim.analysis.paired import mean_interval
from sim.report.style import Language
from sim.results.outcomes import OUTCOME

COLUMNS = 3
PERCENT = {o.name for o in OUTCOME.values() if o.is_share}


def outcome_intervals(runs: pa.Table, outcomes: list[str], lang: Language):
    """Small multiples: one panel per outcome, one row per policy."""
    policy = np.array(runs.column("policy").to_pylist())
    policies = list(dict.fromkeys(policy.tolist()))
    outcomes = [o for o in outcomes if o in runs.column_names]
    n_rows = max(1, math.ceil(len(outcomes) / COLUMNS))
    fig, axes = plt.subplots(
        n_rows,
        COLUMNS,
        squeeze=False,
        figsize=(4.4 * COLUMNS, 0.6 + n_rows * (0.7 + 0.32 * len(policies))),
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        values = np.array(runs.column(outcome).to_pylist(), dtype=float)
        for y, name in enumerate(policies):
            mean, low, high = mean_interval(values[policy == name])
            if math.isfinite(low):
                ax.plot([low, high], [y, y], color=f"C{y % 10}", lw=2.2)
            ax.plot([mean], [y], "o", color=f"C{y % 10}", ms=6)
        ax.set_yticks(range(len(policies)), policies, fontsize=8)
        ax.set_ylim(-0.6, len(policies) - 0.4)
        ax.invert_yaxis()
        ax.set_title(lang.outcome(outcome), fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        if outcome in PERCENT:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        ax.tick_params(axis="x", labelsize=8)
        ax.margins(x=0.15)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    fig.suptitle(lang.text("outcomes_title"), fontsize=10)
    fig.tight_layout()
    return fig
