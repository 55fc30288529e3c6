"""Value axes of outcomes: tick labels from the outcome registry's units and as few ticks as
fit the axis.

Shares are percent ("90.5%"); differences of shares are percentage points ("+0.5 pp",
"+0.5个百分点"), never "%", which would read as a relative change; counts carry thousands
separators; days and other values get the decimals the tick step needs and no more.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import Formatter, MaxNLocator

from sim.report.text_wrap import POINTS_PER_UNIT, display_width
from sim.results.outcomes import COUNT, OUTCOME

POINTS = {"en": " pp", "zh": "个百分点"}
STEPS = [1, 2, 2.5, 5, 10]


def kind_of(outcome: str) -> str:
    """'share', 'count' or 'number' (days, km, ratios) from the registry."""
    entry = OUTCOME.get(outcome)
    if entry is None:
        return "number"
    if entry.is_share:
        return "share"
    if entry.fmt == COUNT:
        return "count"
    return "number"


class OutcomeFormatter(Formatter):
    """Tick labels of one kind of value; decimals follow the step between ticks."""

    def __init__(self, kind: str, lang: str = "en", difference: bool = False) -> None:
        self.kind = kind
        self.lang = lang
        self.difference = difference

        self.ticks: list[float] = []

    def set_locs(self, locs) -> None:
        self.ticks = list(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format(x, _step(self.ticks))

    def format(self, x: float, step: float) -> str:
        """One value as a tick label, given the step between ticks."""
        if not math.isfinite(x):
            return ""
        scale = 100.0 if self.kind == "share" else 1.0
        value = x * scale
        decimals = _decimals(step * scale) if step > 0 else (0 if self.kind == "count" else 2)
        if abs(value) < 0.5 * 10.0**-decimals:
            value = 0.0  # no "-0.0"
        sign = "+" if self.difference and value > 0 else ""
        text = f"{sign}{value:,.{decimals}f}"
        if self.kind == "share":
            return text + (POINTS[self.lang] if self.difference else "%")
        return text


def widest_label(kind: str, lang: str, difference: bool) -> int:
    """Half-em units of a typical long tick label of this kind."""
    sample = {"share": "+99.5", "count": "-12,345", "number": "-12.25"}[kind]
    unit = (POINTS[lang] if difference else "%") if kind == "share" else ""
    return display_width(sample + unit)


def outcome_axis(
    ax,
    which: str,
    outcome: str,
    lang: str = "en",
    difference: bool = False,
    inches: float = 3.0,
    fontsize: float = 8.0,
) -> OutcomeFormatter:
    """Put the outcome's formatter and a tick locator that fits ``inches`` on ``ax``'s x or y
    axis (``which``), and return the formatter."""
    return value_axis(ax, which, kind_of(outcome), lang, difference, inches, fontsize)


def value_axis(
    ax,
    which: str,
    kind: str,
    lang: str = "en",
    difference: bool = False,
    inches: float = 3.0,
    fontsize: float = 8.0,
) -> OutcomeFormatter:
    """:func:`outcome_axis` for a kind of value ('share', 'count', 'number')."""
    formatter = OutcomeFormatter(kind, lang, difference)
    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_formatter(formatter)
    if which == "x":
        label_points = widest_label(kind, lang, difference) * fontsize * POINTS_PER_UNIT
    else:  # labels stacked vertically need only their height
        label_points = 1.5 * fontsize
    axis.set_major_locator(MaxNLocator(nbins=tick_count(inches, label_points), steps=STEPS))
    return formatter


def tick_count(inches: float, label_points: float, fontsize: float = 8.0) -> int:
    """How many intervals fit when each label needs its width plus two characters' gap."""
    fit = int(inches * 72 / (label_points + 2 * fontsize))
    return int(np.clip(fit, 2, 6))


def no_data(ax, text: str) -> None:
    """An axes with nothing finite to show: say so (``text``, e.g. "no data") instead of
    drawing an empty scale."""
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color="0.45",
        fontsize=9,
    )
    ax.set_xticks([])
    ax.tick_params(axis="x", length=0)


def _step(locs) -> float:
    values = np.unique(np.asarray(locs, dtype=float))
    values = values[np.isfinite(values)]
    return float(np.min(np.diff(values))) if len(values) > 1 else 0.0


def _decimals(step: float) -> int:
    """The fewest decimals that show the step exactly (at most six)."""
    for decimals in range(7):
        if abs(round(step, decimals) - step) <= 1e-9 * max(1.0, abs(step)):
            return decimals
    return 6
