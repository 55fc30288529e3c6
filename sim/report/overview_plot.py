"""Figures built from result tables only (never from the model)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from sim.domain import CENTRE_LEVELS, RESOLUTION_PLACES
from sim.results.outcomes import PLACE_LABELS

# (place, end state, key of the label in PLACE_LABELS): one bar each, top to bottom.
OUTCOME_BARS = (
    *((place, "resolved", place) for place in RESOLUTION_PLACES),
    (None, "judged", "judged"),
    (None, "withdrawn", "withdrawn"),
    (None, "petition", "petitions"),
    (None, "incident", "incidents"),
    (None, "open", "open"),
)
BAR_LABELS = PLACE_LABELS["en"] | {"open": "still open"}


def end_counts(cases: pa.Table) -> dict[str, int]:
    """How disputes discovered in the measured period (day >= 0) ended, in the order of
    OUTCOME_BARS."""
    state = cases.column("end_state").cast(pa.string()).to_numpy(zero_copy_only=False)
    level = cases.column("end_level").cast(pa.string()).to_numpy(zero_copy_only=False)
    found_day = cases.column("discovered_day").to_numpy(zero_copy_only=False).astype(float)
    found = np.isfinite(found_day) & (found_day >= 0)
    counts = {}
    for place, end, key in OUTCOME_BARS:
        hit = found & (state == end)
        if place is not None:
            hit &= level == place
        counts[BAR_LABELS[key]] = int(hit.sum())
    return counts


def overview(daily: pa.Table, cases: pa.Table, path: Path, title: str = "") -> Path:
    """Two panels: cases at each level over the run; where discovered disputes ended."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), constrained_layout=True)
    day = daily.column("day").to_numpy()
    stacks = [daily.column(f"in_{level}").to_numpy() for level in CENTRE_LEVELS]
    left.stackplot(day, *stacks, labels=[f"{level} centres" for level in CENTRE_LEVELS], alpha=0.85)
    court = left.twinx()  # the court's backlog is an order larger: its own axis
    court.plot(
        day,
        daily.column("in_court").to_numpy(),
        color="black",
        lw=1.2,
        label="in court (right axis)",
    )
    court.set_ylabel("open cases in court")
    court.set_ylim(bottom=0)
    if day.min() < 0:
        left.axvspan(day.min(), 0, color="0.9", zorder=0, label="warm-up (not counted)")
    left.set(
        xlabel="day (0 = start of the measured period)",
        ylabel="open cases (backlog)",
        title="Cases being handled, by level",
    )
    handles, labels = left.get_legend_handles_labels()
    extra_handles, extra_labels = court.get_legend_handles_labels()
    court.legend(
        handles + extra_handles,
        labels + extra_labels,
        loc="upper left",
        fontsize=8,
        framealpha=0.95,
    )  # on the top axes, so no line crosses it
    counts = end_counts(cases)
    labels, values = list(counts), list(counts.values())
    bars = right.barh(labels[::-1], values[::-1], color="tab:blue")
    right.bar_label(bars, fmt="%d", fontsize=8, padding=2)
    right.set(xlabel="disputes discovered in the measured period", title="How disputes ended")
    right.margins(x=0.15)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
