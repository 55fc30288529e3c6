"""Where disputes ended, stacked per policy: settled by a grid officer, at each level of
the ladder, by a committee or by court mediation, or judged, withdrawn, petitioned,
violent (means per run over replications)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from sim.report.axis_format import value_axis
from sim.report.style import Language
from sim.report.text_wrap import line_count, wrap_names, wrap_to

WIDTH = 11.0
NAME_INCHES = 2.6
NAME_FONT = 8.0
LEGEND_COLUMNS = 6

# (summary column, place key in style.PLACES, colour)
SEGMENTS = (
    ("resolved_at_grid", "grid", "#1b9e77"),
    ("resolved_at_community", "community", "#66c2a5"),
    ("resolved_at_township", "township", "#8da0cb"),
    ("resolved_at_county", "county", "#7570b3"),
    ("resolved_at_city", "city", "#5e3c99"),
    ("resolved_at_committee", "committee", "#e6ab02"),
    ("resolved_at_court", "court", "#a6761d"),
    ("judged", "judged", "#999999"),
    ("withdrawn", "withdrawn", "#cccccc"),
    ("petitions", "petitions", "#e7298a"),
    ("incidents", "incidents", "#d95f02"),
)


def segment_means(runs: pa.Table) -> tuple[list[str], list[tuple[str, str, np.ndarray]]]:
    """Policies, and per segment present in the table its mean per policy."""
    policy = np.array(runs.column("policy").to_pylist())
    policies = list(dict.fromkeys(policy.tolist()))
    segments = []
    for column, place, colour in SEGMENTS:
        if column not in runs.column_names:
            continue
        values = np.array(runs.column(column).to_pylist(), dtype=float)
        means = np.array(
            [
                np.nanmean(values[policy == p]) if np.isfinite(values[policy == p]).any() else 0.0
                for p in policies
            ]
        )
        segments.append((place, colour, means))
    return policies, segments


def where_resolved(runs: pa.Table, lang: Language):
    policies, segments = segment_means(runs)
    names = wrap_names(policies, NAME_INCHES, NAME_FONT)
    rows_in = sum(max(0.42, (line_count(n) * NAME_FONT + 8) / 72) for n in names)
    legend_rows = math.ceil(len(segments) / LEGEND_COLUMNS)
    fig, ax = plt.subplots(
        figsize=(WIDTH, 1.2 + rows_in + 0.22 * legend_rows), constrained_layout=True
    )
    y = np.arange(len(policies))
    left = np.zeros(len(policies))
    for place, colour, means in segments:
        ax.barh(y, means, left=left, color=colour, label=lang.place(place), height=0.6)
        left += means
    ax.set_yticks(y, names, fontsize=NAME_FONT)
    ax.invert_yaxis()
    ax.set_xlabel(lang.text("disputes"))
    value_axis(ax, "x", "count", lang.code, inches=WIDTH - NAME_INCHES - 0.6)
    ax.set_title(wrap_to(lang.text("where_title"), WIDTH - 0.5, 10), fontsize=10)
    fig.legend(loc="outside lower center", ncol=LEGEND_COLUMNS, fontsize=8, frameon=False)
    return fig
