"""A map of one policy's placement: communities (size: residents; colour: distance to the
nearest open centre), who serves whom (a line to the township centre), the centres by
level, and coverage gaps (communities farther than a threshold from any open centre)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
from matplotlib.collections import LineCollection

from sim.report.style import Language

GAP_KM = 5.0
MARKERS = {  # level: (marker, size, colour)
    "community": ("s", 10, "#4d4d4d"),
    "township": ("^", 45, "#1f78b4"),
    "county": ("*", 160, "#e31a1c"),
    "city": ("P", 200, "#000000"),
    "committee": ("D", 60, "#e6ab02"),
    "roving": ("o", 60, "#33a02c"),
}


def _column(table: pa.Table, name: str) -> np.ndarray:
    return np.array(table.column(name).to_pylist())


def _of(table: pa.Table, policy: str) -> pa.Table:
    return table.filter(pa.compute.equal(table.column("policy"), policy))


def placement_map(
    places: pa.Table, centres: pa.Table, policy: str, lang: Language, gap_km: float = GAP_KM
):
    places, centres = _of(places, policy), _of(centres, policy)
    x, y = _column(places, "x_km"), _column(places, "y_km")
    population = _column(places, "population").astype(float)
    distance = _column(places, "nearest_centre_km").astype(float)
    cx, cy = _column(centres, "x_km"), _column(centres, "y_km")
    index = {c: k for k, c in enumerate(_column(centres, "centre").tolist())}
    span_x = max(float(np.ptp(x)), 1.0)
    span_y = max(float(np.ptp(y)), 1.0)
    height = float(np.clip(9.0 * span_y / span_x, 3.5, 10.0))
    fig, ax = plt.subplots(figsize=(11, height + 2.2), constrained_layout=True)
    hub = np.array([index.get(c, -1) for c in _column(places, "township_centre").tolist()])
    ok = hub >= 0
    spokes = np.stack(
        [np.column_stack([x[ok], y[ok]]), np.column_stack([cx[hub[ok]], cy[hub[ok]]])], axis=1
    )
    ax.add_collection(
        LineCollection(list(spokes), colors="0.75", linewidths=0.4, label=lang.text("serves"))
    )
    size = 8 + 120 * population / max(population.max(), 1)
    dots = ax.scatter(
        x,
        y,
        s=size,
        c=distance,
        cmap="viridis_r",
        alpha=0.8,
        lw=0,
        vmin=0,
        vmax=max(gap_km * 1.5, float(np.nanmax(distance, initial=0))),
    )
    fig.colorbar(dots, ax=ax, shrink=0.7, label=lang.text("distance"))
    gaps = distance > gap_km
    ax.scatter(
        x[gaps],
        y[gaps],
        s=size[gaps] + 30,
        facecolors="none",
        edgecolors="red",
        lw=1.0,
        label=lang.text("gap", km=gap_km, n=int(gaps.sum()), people=int(population[gaps].sum())),
    )
    level = _column(centres, "level")
    roving = _column(centres, "roving").astype(bool)
    is_open = _column(centres, "open").astype(bool)
    for name, (marker, s, colour) in MARKERS.items():
        chosen = roving & is_open if name == "roving" else (level == name) & ~roving & is_open
        if chosen.any():
            ax.scatter(
                cx[chosen],
                cy[chosen],
                marker=marker,
                s=s,
                c=colour,
                lw=0.3,
                edgecolors="white",
                label=lang.level(name),
                zorder=3,
            )
    ax.set_aspect("equal")
    ax.set(xlabel=lang.text("x_km"), ylabel=lang.text("y_km"))
    ax.set_title(lang.text("map_title", policy=policy), fontsize=10)
    fig.legend(loc="outside lower center", ncol=4, fontsize=8, frameon=False, markerscale=0.8)
    return fig
