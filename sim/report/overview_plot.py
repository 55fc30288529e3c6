"""Figures built from result tables only (never from the model)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from sim.domain import CENTRE_LEVELS, RESOLUTION_PLACES
from sim.report.axis_format import value_axis
from sim.report.date_axis import table_start, time_axis, x_values
from sim.report.style import Language, save
from sim.results.outcomes import PLACE_LABELS

# (summary column, label key, column of the part nobody had learned of): one bar each, top
# to bottom. The counts are the summary row's, so the figure and the terminal table agree.
OUTCOME_BARS: tuple[tuple[str, str, str | None], ...] = (
    *((f"resolved_at_{place}", place, None) for place in RESOLUTION_PLACES),
    ("judged", "judged", None),
    ("withdrawn", "withdrawn", None),
    ("petitions", "petitions", None),
    ("incidents", "incidents", "incidents_unseen"),
    ("n_lapsed", "lapsed", "n_lapsed"),
    ("n_open_at_end", "open", None),
    ("n_latent_at_end", "latent", "n_latent_at_end"),
)
EXTRA_LABELS = {
    "en": {
        "lapsed": "lapsed unseen",
        "open": "still open at the end",
        "latent": "latent at the end",
        "unseen": "nobody had learned of the dispute",
        "known": "discovered by a channel",
        "axis": "disputes that ended in the measured period\n(last two bars: state at its end)",
        "title": "How disputes ended",
    },
    "zh": {
        "lapsed": "未被发现即消解",
        "open": "期末仍在办理",
        "latent": "期末潜在纠纷",
        "unseen": "事前无人知晓",
        "known": "已被渠道发现",
        "axis": "统计期内终结的纠纷数\n(最后两项:期末状态)",
        "title": "纠纷的结局",
    },
}


def end_counts(summary: dict, lang: str = "en") -> dict[str, tuple[int, int]]:
    """(all, of which nobody had learned of) per bar of OUTCOME_BARS, from a summary row."""
    labels = PLACE_LABELS[lang] | EXTRA_LABELS[lang]
    counts = {}
    for column, key, unseen in OUTCOME_BARS:
        total = int(summary.get(column) or 0)
        counts[labels[key]] = (total, int(summary.get(unseen) or 0) if unseen else 0)
    return counts


def _end_bars(axis, summary: dict, lang: str) -> None:
    words = EXTRA_LABELS[lang]
    counts = end_counts(summary, lang)
    labels = list(counts)[::-1]
    totals = np.array([counts[k][0] for k in labels])
    unseen = np.array([counts[k][1] for k in labels])
    axis.barh(labels, totals - unseen, color="tab:blue", label=words["known"])
    bars = axis.barh(
        labels,
        unseen,
        left=totals - unseen,
        color="white",
        edgecolor="tab:blue",
        hatch="///",
        label=words["unseen"],
    )
    axis.bar_label(bars, labels=[f"{t:,}" for t in totals], fontsize=8, padding=2)
    axis.set(xlabel=words["axis"], title=words["title"])
    axis.legend(loc="upper right", fontsize=8)
    axis.margins(x=0.15)


def _backlog_panel(left, daily: pa.Table, lang: Language) -> None:
    """Cases at each level over the run (stacked) and in court (own axis), over dates with
    public holidays shaded when the table has its ``date`` column, else over day numbers."""
    start = table_start(daily)
    day = daily.column("day").to_numpy()
    x = x_values(day, start)
    stacks = [daily.column(f"in_{level}").to_numpy() for level in CENTRE_LEVELS]
    names = [lang.level(level) for level in CENTRE_LEVELS]
    left.stackplot(x, *stacks, labels=names, alpha=0.85)
    court = left.twinx()  # the court's backlog is an order larger: its own axis
    court.plot(
        x,
        daily.column("in_court").to_numpy(),
        color="black",
        lw=1.2,
        label=lang.text("fig_in_court_right"),
    )
    court.set_ylabel(lang.text("fig_court_axis"))
    court.set_ylim(bottom=0)
    time_axis(left, start, day, lang)
    left.set_ylabel(lang.text("fig_backlog_axis"))
    left.set_title(lang.text("fig_levels_title"))
    value_axis(left, "y", "count", lang.code, inches=3.5)
    value_axis(court, "y", "count", lang.code, inches=3.5)
    handles, labels = left.get_legend_handles_labels()
    extra_handles, extra_labels = court.get_legend_handles_labels()
    court.legend(
        handles + extra_handles,
        labels + extra_labels,
        loc="upper left",
        fontsize=8,
        framealpha=0.95,
    )  # on the top axes, so no line crosses it


def overview(daily: pa.Table, summary: dict, path: Path, title: str = "", lang: str = "en") -> Path:
    """Two panels: cases at each level over the run; how the disputes that ended in the
    measured period ended (the summary row's counts)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), constrained_layout=True)
    _backlog_panel(left, daily, Language(lang))
    _end_bars(right, summary, lang)
    if title:
        fig.suptitle(title)
    return save(fig, Path(path), dpi=110)  # refuses Chinese text without the font
