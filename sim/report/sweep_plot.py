"""Sweep views: an outcome over two factors (a heat map for a grid of points, filled
contours for scattered designs), and sensitivity indices as bars."""

from __future__ import annotations

import warnings
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from sim.report.axis_format import kind_of, outcome_axis
from sim.report.style import Language, ReportError
from sim.report.text_wrap import line_count, wrap_names, wrap_to


def point_means(runs: pa.Table, x: str, y: str, outcome: str):
    """(x, y, mean outcome) per distinct (x, y): runs at other values of the remaining
    factors are averaged in, so the surface is the outcome's mean over them."""
    for name in (x, y, outcome):
        if name not in runs.column_names:
            raise ReportError(f"{name!r} is not a column of the sweep's runs")
    try:
        xs = np.array(runs.column(x).to_pylist(), dtype=float)
        ys = np.array(runs.column(y).to_pylist(), dtype=float)
    except (TypeError, ValueError):
        raise ReportError(f"--axes {x},{y}: a surface needs numeric factors") from None
    values = np.array(runs.column(outcome).to_pylist(), dtype=float)
    pairs, which = np.unique(np.column_stack([xs, ys]), axis=0, return_inverse=True)
    which = which.ravel()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a point with no defined value: NaN
        means = np.array([np.nanmean(values[which == k]) for k in range(len(pairs))])
    return pairs[:, 0], pairs[:, 1], means


def outcome_surface(runs: pa.Table, x: str, y: str, outcome: str, lang: Language):
    """A heat map with one cell per tested pair of values (cells of equal size, labelled by
    the values, so nothing is drawn where nothing was run), or filled contours over the
    points of a scattered design."""
    xs, ys, z = point_means(runs, x, y, outcome)
    fig, ax = plt.subplots(figsize=(7.5, 6), constrained_layout=True)
    ux, uy = np.unique(xs), np.unique(ys)
    if len(ux) * len(uy) == len(xs) and len(ux) > 1 and len(uy) > 1:  # a full grid
        image = _cells(ax, xs, ys, z, ux, uy, outcome)
    elif np.isfinite(z).sum() >= 4:  # points where the outcome is undefined are left out
        defined = np.isfinite(z)
        image = ax.tricontourf(xs[defined], ys[defined], z[defined], levels=12, cmap="magma")
        ax.scatter(xs[defined], ys[defined], s=8, c="white", edgecolors="black", lw=0.3)
        ax.scatter(xs[~defined], ys[~defined], s=14, marker="x", c="0.4", lw=0.8)
        ax.set(xlim=(xs.min(), xs.max()), ylim=(ys.min(), ys.max()))
    else:
        raise ReportError(
            f"too few design points with a defined {outcome!r} "
            f"({int(np.isfinite(z).sum())} of {len(xs)}) for a surface"
        )
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(wrap_to(lang.outcome(outcome), 5.0, 10))
    outcome_axis(bar.ax, "y", outcome, lang.code)
    ax.set_xlabel(wrap_to(x, 5.5, 10))
    ax.set_ylabel(wrap_to(y, 5.0, 10))
    title = lang.text("surface_title", outcome=lang.outcome(outcome), x=x, y=y)
    ax.set_title(wrap_to(title, 6.5, 10), fontsize=10)
    return fig


def _cells(ax, xs, ys, z, ux, uy, outcome: str) -> Any:
    """The grid's cells at index positions, each with its value written in it."""
    grid = np.full((len(uy), len(ux)), np.nan)
    grid[np.searchsorted(uy, ys), np.searchsorted(ux, xs)] = z
    image = ax.pcolormesh(
        np.arange(len(ux) + 1) - 0.5, np.arange(len(uy) + 1) - 0.5, grid, cmap="magma"
    )
    ax.set_xticks(range(len(ux)), [_tested(v) for v in ux])
    ax.set_yticks(range(len(uy)), [_tested(v) for v in uy])
    if len(ux) > 6:
        ax.tick_params(axis="x", labelrotation=45)
    middle = np.nanmean(grid) if np.isfinite(grid).any() else 0.0
    for (j, i), value in np.ndenumerate(grid):
        ax.text(
            i,
            j,
            _cell_text(value, outcome),
            ha="center",
            va="center",
            fontsize=7 if len(ux) <= 8 else 6,
            color="white" if value < middle else "black",
        )
    return image


def _tested(value: float) -> str:
    """A factor's tested value: whole numbers with separators, others as given."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _cell_text(value: float, outcome: str) -> str:
    if not np.isfinite(value):
        return ""
    if kind_of(outcome) == "share":
        return f"{value:.1%}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


# Sobol indices live in [0, 1]; whiskers past this range are cut and marked.
SOBOL_RANGE = (-0.25, 1.25)
WIDE_INTERVAL = 0.3  # a 95% interval wider than this cannot rank the factors
FEW_SAMPLES = 32  # base samples below this give indices that move with the seed


def sensitivity_bars(
    table: pa.Table, outcome: str, lang: Language, base_samples: int | None = None
):
    """Indices per factor with their 95% intervals. Sobol axes stop at a sensible range
    (an arrow marks a whisker that goes on); a warning says when intervals are wide or
    the base sample (``base_samples``, or the table's column of that name) is small."""
    rows = [r for r in table.to_pylist() if r["outcome"] == outcome]
    if not rows:
        raise ReportError(f"no sensitivity indices for {outcome!r}")
    if base_samples is None and "base_samples" in rows[0]:
        base_samples = int(rows[0]["base_samples"])
    factors = wrap_names([r["factor"] for r in rows], 2.4, 8)
    height = 1.6 + sum(max(0.45, 0.16 * line_count(f) + 0.15) for f in factors)
    fig, ax = plt.subplots(figsize=(8, height), constrained_layout=True)
    y = np.arange(len(factors))
    widest, clipped = 0.0, False
    if "S1" in rows[0]:
        for shift, key, label in ((-0.2, "S1", "first_order"), (0.2, "ST", "total")):
            values = np.array([r[key] for r in rows], dtype=float)
            err = np.array([r[f"{key}_conf"] for r in rows], dtype=float)
            ax.barh(y + shift, values, height=0.38, label=lang.text(label))
            clipped |= _whiskers(ax, y + shift, values, err, SOBOL_RANGE)
            widest = max(widest, float(np.nanmax(2 * err, initial=0.0)))
        ax.axvline(0, color="0.4", lw=0.8)
        ax.set_xlim(*SOBOL_RANGE)
    else:
        values = np.array([r["mu_star"] for r in rows], dtype=float)
        err = np.array([r["mu_star_conf"] for r in rows], dtype=float)
        ax.barh(y, values, xerr=err, capsize=2, label=lang.text("mu_star"))
    ax.legend(fontsize=8)
    ax.set_yticks(y, factors, fontsize=8)
    ax.invert_yaxis()
    title = lang.text("sensitivity_title", outcome=lang.outcome(outcome))
    ax.set_title(wrap_to(title, 7.0, 10), fontsize=10)
    warning = _warning(lang, widest, base_samples, clipped)
    if warning:
        fig.supxlabel(wrap_to(warning, 7.5, 9), fontsize=9, color="#b2182b")
    return fig


def _whiskers(ax, y, values, err, limits) -> bool:
    """Interval whiskers cut at the axis' limits, with an arrow head where one is cut."""
    low, high = values - err, values + err
    shown_low, shown_high = np.clip(low, *limits), np.clip(high, *limits)
    anchor = np.clip(values, *limits)
    ax.errorbar(
        anchor,
        y,
        xerr=[anchor - shown_low, shown_high - anchor],
        fmt="none",
        ecolor="0.2",
        capsize=2,
        lw=1,
    )
    for cut, edge, marker in (
        (high > limits[1], limits[1], ">"),
        (low < limits[0], limits[0], "<"),
    ):
        if cut.any():
            ax.plot(
                np.full(int(cut.sum()), edge),
                y[cut],
                marker,
                color="#b2182b",
                ms=6,
                clip_on=False,
                ls="none",
            )
    return bool((high > limits[1]).any() or (low < limits[0]).any())


def _warning(lang: Language, widest: float, base_samples: int | None, clipped: bool) -> str:
    parts = []
    if widest > WIDE_INTERVAL:
        parts.append(lang.text("fig_wide_intervals", width=widest, limit=WIDE_INTERVAL))
    if base_samples is not None and base_samples < FEW_SAMPLES:
        parts.append(lang.text("fig_few_samples", n=base_samples))
    if clipped:
        parts.append(lang.text("fig_clipped"))
    return "\n".join(parts)
