"""A map of one policy's placement: communities (size: residents; colour: distance to the
nearest open centre), who serves whom (a line to the township centre), the centres by
level, and coverage gaps (communities farther than a threshold from any open centre)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
import pyarrow.compute  # pa.compute
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from sim.report.style import Language
from sim.report.text_wrap import POINTS_PER_UNIT, display_width, wrap_to

GAP_KM = 5.0
NEW_ROOM = "#e7298a"
MAX_NAMES = 12
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
    places: pa.Table,
    centres: pa.Table,
    policy: str,
    lang: Language,
    gap_km: float = GAP_KM,
    baseline_places: pa.Table | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    norm: Normalize | None = None,
):
    """The map of ``policy``. Rooms it has and ``baseline_places`` (one policy's rows of the
    places table) lacks are marked new; ``norm`` or ``vmin``/``vmax`` fix the distance
    colours, so that the maps of one report share a scale (default: this map's own)."""
    places, centres = _of(places, policy), _of(centres, policy)
    x, y = _column(places, "x_km"), _column(places, "y_km")
    population = _column(places, "population").astype(float)
    distance = _column(places, "nearest_centre_km").astype(float)
    cx, cy = _column(centres, "x_km"), _column(centres, "y_km")
    index = {c: k for k, c in enumerate(_column(centres, "centre").tolist())}
    span_x = max(float(np.ptp(x)), 1.0)
    span_y = max(float(np.ptp(y)), 1.0)
    height = float(np.clip(8.0 * span_y / span_x, 2.5, 10.0))  # the map's own, at 8 in wide
    fig, ax = plt.subplots(figsize=(11, height + 2.2), constrained_layout=True)
    hub = np.array([index.get(c, -1) for c in _column(places, "township_centre").tolist()])
    ok = hub >= 0
    spokes = np.stack(
        [np.column_stack([x[ok], y[ok]]), np.column_stack([cx[hub[ok]], cy[hub[ok]]])], axis=1
    )
    ax.add_collection(
        LineCollection(list(spokes), colors="0.75", linewidths=0.4, label=lang.text("serves"))
    )
    peak = max(float(population.max(initial=0)), 1.0)
    size = 8 + 120 * population / peak
    if norm is None:
        top = max(gap_km * 1.5, float(np.nanmax(distance, initial=0)))
        norm = Normalize(0.0 if vmin is None else vmin, top if vmax is None else vmax)
    dots = ax.scatter(x, y, s=size, c=distance, cmap="viridis_r", alpha=0.8, lw=0, norm=norm)
    fig.colorbar(dots, ax=ax, shrink=0.7, label=wrap_to(lang.text("distance"), 3.0, 10))
    gaps = distance > gap_km
    gap = lang.text("gap", km=gap_km, n=int(gaps.sum()), people=int(population[gaps].sum()))
    ax.scatter(
        x[gaps],
        y[gaps],
        s=size[gaps] + 30,
        facecolors="none",
        edgecolors="red",
        lw=1.0,
        label=gap,
    )
    if baseline_places is not None:
        _new_rooms(ax, places, baseline_places, size, lang)
    _centres(ax, centres, lang)
    _names(ax, places, centres, index)
    ax.set_aspect("equal")
    ax.set(xlabel=lang.text("x_km"), ylabel=lang.text("y_km"))
    ax.set_title(wrap_to(lang.text("map_title", policy=policy), 9.5, 10), fontsize=10)
    handles, labels = ax.get_legend_handles_labels()
    sizes, size_labels = _size_key(peak, lang)
    widest = max(display_width(t) for t in labels + size_labels) * 8 * POINTS_PER_UNIT / 72
    fig.legend(
        handles + sizes,
        labels + size_labels,
        loc="outside lower center",
        ncol=int(np.clip(10.0 // (widest + 0.5), 1, 4)),
        fontsize=8,
        frameon=False,
        markerscale=0.8,
    )
    return fig


def _new_rooms(ax, places: pa.Table, baseline: pa.Table, size: np.ndarray, lang: Language):
    """Ring the communities with a room under this policy and none under the baseline."""
    before = dict(
        zip(_column(baseline, "community").tolist(), _column(baseline, "has_room"), strict=True)
    )
    room = _column(places, "has_room").astype(bool)
    new = room & ~np.array([bool(before.get(c, True)) for c in _column(places, "community")])
    if not new.any():  # the baseline's own map, or a policy that opens no room
        return
    name = str(baseline.column("policy")[0]) if "policy" in baseline.column_names else ""
    ax.scatter(
        _column(places, "x_km")[new],
        _column(places, "y_km")[new],
        s=size[new] + 60,
        marker="s",
        facecolors="none",
        edgecolors=NEW_ROOM,
        lw=1.6,
        zorder=4,
        label=lang.text("fig_new_room", baseline=name),
    )


def _centres(ax, centres: pa.Table, lang: Language) -> None:
    cx, cy = _column(centres, "x_km"), _column(centres, "y_km")
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


def _names(ax, places: pa.Table, centres: pa.Table, index: dict) -> None:
    """Name the township centres serving the most residents (or, with none, the largest
    communities), skipping any too close to a name already placed."""
    _place_names(ax, _hub_spots(places, centres, index) or _community_spots(places))


def _hub_spots(places: pa.Table, centres: pa.Table, index: dict) -> list:
    """(x, y, name) of each township centre, most residents served first; the name is the
    centre's own, else its township's, else its id."""
    hubs = _column(places, "township_centre").tolist()
    population = _column(places, "population").astype(float)
    served: dict = {}
    for hub, people in zip(hubs, population, strict=True):
        if hub in index:
            served[hub] = served.get(hub, 0.0) + people
    names: dict = {}
    if "township" in places.column_names:
        names = dict(zip(hubs, _column(places, "township").tolist(), strict=True))
    if "name" in centres.column_names:
        own = zip(_column(centres, "centre").tolist(), _column(centres, "name"), strict=True)
        names |= {c: n for c, n in own if n}
    x, y = _column(centres, "x_km"), _column(centres, "y_km")
    ranked = sorted(served, key=lambda h: -served[h])
    return [(x[index[h]], y[index[h]], str(names.get(h, h))) for h in ranked]


def _community_spots(places: pa.Table) -> list:
    label = "name" if "name" in places.column_names else "community"
    x, y, names = _column(places, "x_km"), _column(places, "y_km"), _column(places, label)
    order = np.argsort(-_column(places, "population").astype(float), kind="stable")
    return [(x[k], y[k], str(names[k])) for k in order]


def _place_names(ax, spots: list[tuple[float, float, str]]) -> None:
    xs = [s[0] for s in spots] or [0.0]
    ys = [s[1] for s in spots] or [0.0]
    gap = 0.08 * max(float(np.ptp(xs)), float(np.ptp(ys)), 1.0)
    placed: list[tuple[float, float]] = []
    for px, py, text in spots:
        if len(placed) >= MAX_NAMES:
            break
        if any(math.hypot(px - qx, py - qy) < gap for qx, qy in placed):
            continue
        placed.append((px, py))
        ax.annotate(
            text,
            (px, py),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7,
            color="#08306b",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
            zorder=5,
        )


def _size_key(peak: float, lang: Language) -> tuple[list, list[str]]:
    """Legend entries for the community markers' size: up to three round numbers of
    residents (the largest community's, half and a tenth of it)."""
    handles: list = []
    labels: list[str] = []
    for share in (1.0, 0.5, 0.1):
        people = int(float(f"{peak * share:.1g}"))
        text = lang.text("fig_size_legend", people=people)
        if people <= 0 or text in labels:
            continue
        area = 8 + 120 * people / peak
        handles.append(
            Line2D([], [], ls="none", marker="o", ms=math.sqrt(area), color="0.5", alpha=0.8)
        )
        labels.append(text)
    return handles, labels
