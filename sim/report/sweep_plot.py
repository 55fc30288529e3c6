"""Sweep views: an outcome over two factors (a heat map for a grid of points, filled
contours for scattered designs), and sensitivity indices as bars."""

from __future__ import annotations

import warnings
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa

from sim.report.style import Language, ReportError


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
    xs, ys, z = point_means(runs, x, y, outcome)
    fig, ax = plt.subplots(figsize=(7.5, 6), constrained_layout=True)
    ux, uy = np.unique(xs), np.unique(ys)
    if len(ux) * len(uy) == len(xs) and len(ux) > 1 and len(uy) > 1:  # a full grid
        grid = np.full((len(uy), len(ux)), np.nan)
        grid[np.searchsorted(uy, ys), np.searchsorted(ux, xs)] = z
        image: Any = ax.pcolormesh(_edges(ux), _edges(uy), grid, cmap="magma", shading="flat")
        for (j, i), value in np.ndenumerate(grid):
            ax.text(
                float(ux[i]),
                float(uy[j]),
                f"{value:.3g}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value < np.nanmean(grid) else "black",
            )
    elif np.isfinite(z).sum() >= 4:  # points where the outcome is undefined are left out
        defined = np.isfinite(z)
        image = ax.tricontourf(xs[defined], ys[defined], z[defined], levels=12, cmap="magma")
        ax.scatter(xs[defined], ys[defined], s=8, c="white", edgecolors="black", lw=0.3)
        ax.scatter(xs[~defined], ys[~defined], s=14, marker="x", c="0.4", lw=0.8)
    else:
        raise ReportError(
            f"too few design points with a defined {outcome!r} "
            f"({int(np.isfinite(z).sum())} of {len(xs)}) for a surface"
        )
    fig.colorbar(image, ax=ax, label=lang.outcome(outcome))
    ax.set(xlabel=x, ylabel=y)
    ax.set_title(lang.text("surface_title", outcome=lang.outcome(outcome), x=x, y=y), fontsize=10)
    return fig


def _edges(centres: np.ndarray) -> np.ndarray:
    mid = (centres[1:] + centres[:-1]) / 2
    return np.r_[2 * centres[0] - mid[0], mid, 2 * centres[-1] - mid[-1]]


def sensitivity_bars(table: pa.Table, outcome: str, lang: Language):
    rows = [r for r in table.to_pylist() if r["outcome"] == outcome]
    if not rows:
        raise ReportError(f"no sensitivity indices for {outcome!r}")
    factors = [r["factor"] for r in rows]
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * len(factors)), constrained_layout=True)
    y = np.arange(len(factors))
    if "S1" in rows[0]:
        for shift, key, label in ((-0.2, "S1", "first_order"), (0.2, "ST", "total")):
            values = np.array([r[key] for r in rows], dtype=float)
            err = np.array([r[f"{key}_conf"] for r in rows], dtype=float)
            ax.barh(y + shift, values, height=0.38, xerr=err, capsize=2, label=lang.text(label))
        ax.axvline(0, color="0.4", lw=0.8)
        ax.legend(fontsize=8)
    else:
        values = np.array([r["mu_star"] for r in rows], dtype=float)
        err = np.array([r["mu_star_conf"] for r in rows], dtype=float)
        ax.barh(y, values, xerr=err, capsize=2, label=lang.text("mu_star"))
        ax.legend(fontsize=8)
    ax.set_yticks(y, factors, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(lang.text("sensitivity_title", outcome=lang.outcome(outcome)), fontsize=10)
    return fig
