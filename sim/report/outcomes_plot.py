"""Each key outcome per policy: mean over replications with a 95% interval (Student t)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from sim.analysis.paired import bounds_of, mean_interval
from sim.report.axis_format import no_data, outcome_axis
from sim.report.panel_grid import policy_grid, policy_rows
from sim.report.style import Language
from sim.results.outcomes import OUTCOME

PERCENT = {o.name for o in OUTCOME.values() if o.is_share}


def outcome_intervals(runs: pa.Table, outcomes: list[str], lang: Language):
    """Small multiples: one panel per outcome, one row per policy; a panel whose outcome is
    undefined in every run says so instead of showing an empty scale."""
    policy = np.array(runs.column("policy").to_pylist())
    policies = list(dict.fromkeys(policy.tolist()))
    outcomes = [o for o in outcomes if o in runs.column_names]
    grid = policy_grid(
        len(outcomes), policies, [lang.outcome(o) for o in outcomes], lang.text("outcomes_title")
    )
    for ax, outcome in zip(grid.axes, outcomes, strict=True):
        values = np.array(runs.column(outcome).to_pylist(), dtype=float)
        policy_rows(ax, grid.names)
        if not np.isfinite(values).any():
            no_data(ax, lang.text("fig_no_data"))
            continue
        for y, name in enumerate(policies):
            mean, low, high = mean_interval(values[policy == name], bounds_of(outcome))
            if math.isfinite(low):
                ax.plot([low, high], [y, y], color=f"C{y % 10}", lw=2.2)
            ax.plot([mean], [y], "o", color=f"C{y % 10}", ms=6)
        outcome_axis(ax, "x", outcome, lang.code, inches=grid.plot_inches)
        ax.margins(x=0.15)
    return grid.fig
