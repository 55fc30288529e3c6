"""Figures of the calibration, drawn from its tables (screening rows, trials, check rows)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np


def targets_figure(rows: list[dict], city: str, path: Path) -> Path:
    """Each target: simulated mean / published value with its 95% interval and tolerance.

    ``rows``: dicts with label, published, tolerance, mean, low, high (low/high: interval).
    """
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows, strict=True):
        band = row["tolerance"] / row["published"]
        ax.add_patch(plt.Rectangle((1 - band, yi - 0.35), 2 * band, 0.7, color="#cfe8cf", zorder=1))
        ratio = row["mean"] / row["published"]
        err = [[ratio - row["low"] / row["published"]], [row["high"] / row["published"] - ratio]]
        inside = abs(row["mean"] - row["published"]) <= row["tolerance"]
        ax.errorbar(
            ratio,
            yi,
            xerr=err,
            fmt="o",
            color="#1b7837" if inside else "#b2182b",
            capsize=4,
            zorder=3,
        )
    ax.axvline(1.0, color="black", lw=0.8, zorder=2)
    ax.set_yticks(y, [row["label"] for row in rows])
    ax.set_xlabel(
        "simulated mean / published value\n"
        "(bars: 95% interval over replications; green band: tolerance)"
    )
    ax.set_title(f"Calibration targets: {city}")
    ax.set_ylim(-0.7, len(rows) - 0.3)
    return _save(fig, path)


def marginals_figure(trials: list[dict], params, path: Path) -> Path:
    """Per fitted parameter: values of all trials and of the accepted ones, best marked.

    ``trials``: dicts with ``accepted`` (bool), ``objective`` and one key per parameter.
    """
    n = len(params)
    cols = min(3, n)
    rows_n = -(-n // cols)
    fig, axes = plt.subplots(rows_n, cols, figsize=(4 * cols, 2.8 * rows_n), squeeze=False)
    best = min(trials, key=lambda t: t["objective"])
    for ax, p in zip(axes.flat, params, strict=False):
        values = np.array([t[p.name] for t in trials])
        ok = np.array([t["accepted"] for t in trials])
        bins = np.geomspace(p.low, p.high, 16) if p.log else np.linspace(p.low, p.high, 16)
        sampled = np.array([t["phase"] == "uncertainty" for t in trials])
        ax.hist(values, bins=bins, color="#dddddd", label="all trials")
        ax.hist(values[sampled], bins=bins, color="#92c5de", label="uncertainty samples")
        if ok.any():
            ax.hist(values[ok], bins=bins, color="#2166ac", label="accepted")
        ax.axvline(best[p.name], color="#b2182b", lw=1.5, label="best")
        if p.log:
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(p.name, fontsize=10)
        ax.set_ylabel("trials", fontsize=8)
        ax.set_xlim(p.low, p.high)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Fitted parameters: trials and the accepted set")
    return _save(fig, path)


def convergence_figure(trials: list[dict], path: Path) -> Path:
    """Objective of each trial (log scale) by phase, and the best so far."""
    order = sorted(trials, key=lambda t: t["trial"])
    x = np.array([t["trial"] for t in order])
    y = np.array([t["objective"] for t in order])
    phases = np.array([t["phase"] for t in order])
    fig, ax = plt.subplots(figsize=(7, 3.5))
    colours = {"explore": "#888888", "refine": "#2166ac", "uncertainty": "#92c5de"}
    for name in dict.fromkeys(phases):
        ax.scatter(
            x[phases == name], y[phases == name], s=10, color=colours.get(name, "black"), label=name
        )
    ax.plot(x, np.minimum.accumulate(y), color="#b2182b", label="best so far")
    ax.axhline(1.0, color="#1b7837", ls="--", lw=0.8, label="one target off by one tolerance")
    ax.set_yscale("log")
    ax.set_xlabel("trial")
    ax.set_ylabel("sum of squared misses (tolerance units)")
    ax.legend()
    ax.set_title("Calibration progress")
    return _save(fig, path)


def screening_figure(
    table: list[dict], target_labels: dict[str, str], fitted: set[str], path: Path
) -> Path:
    """Heat map of Morris mu* (tolerance units), parameters x targets; fitted ones starred."""
    params = list(dict.fromkeys(r["parameter"] for r in table))
    targets = list(dict.fromkeys(r["target"] for r in table))
    grid = np.zeros((len(params), len(targets)))
    for r in table:
        grid[params.index(r["parameter"]), targets.index(r["target"])] = r["mu_star"]
    fig, ax = plt.subplots(figsize=(1.2 * len(targets) + 3, 0.42 * len(params) + 2.2))
    image = ax.imshow(
        np.log10(np.maximum(grid, 1e-2)),
        cmap="viridis",
        aspect="auto",
        vmin=-2,
        vmax=max(1.5, np.log10(grid.max() + 1e-9)),
    )
    for i in range(len(params)):
        for j in range(len(targets)):
            ax.text(
                j,
                i,
                f"{grid[i, j]:.1f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if grid[i, j] < 3 else "black",
            )
    ax.set_yticks(range(len(params)), [f"{p} *" if p in fitted else p for p in params])
    ax.set_xticks(
        range(len(targets)),
        [target_labels.get(t, t) for t in targets],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    fig.colorbar(image, ax=ax, label="log10 mu*\n(tolerance units)")
    ax.set_title("Morris screening\n* = fitted", fontsize=10)
    return _save(fig, path)


def cross_validation_figure(rows: list[dict], path: Path) -> Path:
    """Each fold's figures: prediction / published value with its 95% interval, after
    fitting the fold (filled: fitted figures; open circle: predicted) and with the shipped
    calibration (grey cross). Bands of "+/-" figures shaded; "more than" figures show 1."""
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(rows) + 1.6))
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows, strict=True):
        published = float(r["published"])
        band = _band_share(str(r["band"]), published)
        if band is not None:
            ax.add_patch(
                plt.Rectangle((1 - band, yi - 0.35), 2 * band, 0.7, color="#e6e6e6", zorder=1)
            )
        ratio = float(r["fitted"]) / published
        low, high = float(r["fitted_low"]) / published, float(r["fitted_high"]) / published
        colour = "#b2182b" if r["fitted_verdict"] == "miss" else "#1b7837"
        ax.errorbar(
            ratio,
            yi,
            xerr=[[max(ratio - low, 0)], [max(high - ratio, 0)]],
            fmt="o",
            mfc=colour if r["role"] == "fit" else "white",
            color=colour,
            capsize=3,
            zorder=3,
        )
        ax.plot(float(r["shipped"]) / published, yi, "x", color="#555555", zorder=2)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator([0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4]))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_yticks(y, [f"{r['fold']}: {str(r['label'])[:48]}" for r in rows], fontsize=8)
    ax.set_xlabel(
        "model / published value (log scale)\nfilled: fitted; open: predicted; "
        "x: shipped Hohhot calibration; grey: band; red: miss"
    )
    ax.set_title("Cross-validation of the presets")
    ax.set_ylim(-0.7, len(rows) - 0.3)
    return _save(fig, path)


def _band_share(band: str, published: float) -> float | None:
    """A "+/- 25%", "+/- 1 pp" or "+/- 232" band as a share of the published value."""
    text = band.replace("+/-", "").replace(",", "").strip()
    try:
        if text.endswith("%"):
            return float(text[:-1]) / 100
        if text.endswith("pp"):
            return float(text[:-2]) / 100 / published
        return float(text) / published
    except ValueError:
        return None  # ">= ..." figures: no band either side


def _save(fig, path: Path) -> Path:
    path = Path(path)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")  # long labels stay on the page
    plt.close(fig)
    return path
