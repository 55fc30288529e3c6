"""The layout of small multiples with one row per policy (outcomes and differences): as
many columns as fit, wrapped policy names beside each panel, wrapped panel titles, and a
figure that grows with the number of policies, their names' lines and the outcomes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt

from sim.report.text_wrap import display_width, line_count, wrap_names, wrap_to

PANEL_INCHES = 4.4  # width of one panel with its policy names
NAME_FONT = 8.0
TITLE_FONT = 9.0
SUPTITLE_FONT = 10.0
LINE_INCHES = 1.3 / 72  # one line of text is about 1.3 font sizes high


@dataclass(frozen=True)
class Grid:
    fig: object
    axes: list  # one per panel, in reading order; the rest are hidden
    names: list[str]  # the policies' names, wrapped
    plot_inches: float  # width of a panel's data area (for its ticks)
    title_inches: float  # width a panel's title may take


def name_inches(policies: list[str]) -> float:
    """Room for the names beside a panel: what the longest needs, 0.6 to 1.8 inches."""
    widest = max((display_width(p) for p in policies), default=1)
    return min(1.8, max(0.6, widest * NAME_FONT * 0.62 / 72))


def policy_grid(n_panels: int, policies: list[str], titles: list[str], suptitle: str) -> Grid:
    """Figure and axes for ``n_panels`` panels of ``policies`` rows, titles wrapped."""
    label_in = name_inches(policies)
    names = wrap_names(policies, label_in, NAME_FONT)
    columns = max(1, min(3, n_panels))
    plot_in = PANEL_INCHES - label_in - 0.35
    wrapped = [wrap_to(t, plot_in + 0.3, TITLE_FONT) for t in titles]
    n_rows = max(1, math.ceil(n_panels / columns))
    rows_in = sum(max(0.3, (line_count(n) * NAME_FONT * 1.25 + 7) / 72) for n in names)
    title_lines = max((line_count(t) for t in wrapped), default=1)
    panel_in = rows_in + 0.45 + title_lines * TITLE_FONT * LINE_INCHES
    width = PANEL_INCHES * columns
    top = wrap_to(suptitle, width - 0.4, SUPTITLE_FONT)
    top_in = 0.2 + line_count(top) * SUPTITLE_FONT * LINE_INCHES
    fig, axes = plt.subplots(
        n_rows,
        columns,
        squeeze=False,
        figsize=(width, top_in + n_rows * panel_in),
        layout="constrained",
    )
    fig.suptitle(top, fontsize=SUPTITLE_FONT)
    flat = list(axes.flat)
    for ax, title in zip(flat, wrapped, strict=False):
        ax.set_title(title, fontsize=TITLE_FONT)
    for ax in flat[n_panels:]:
        ax.set_visible(False)
    return Grid(fig, flat[:n_panels], names, plot_in, plot_in + 0.3)


def policy_rows(ax, names: list[str]) -> None:
    """One row per policy, top to bottom, named."""
    ax.set_yticks(range(len(names)), names, fontsize=NAME_FONT)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.invert_yaxis()
    ax.tick_params(axis="x", labelsize=NAME_FONT)
