"""The interactive map of a comparison (Plotly): every community at its place, sized by
residents and coloured by the distance to its nearest centre; hovering one shows its name,
residents, distance and the centre serving it. Rooms a policy opens (or closes) against the
baseline are marked, and the centres of each level drawn."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from sim.dashboard.words import word

LEVEL_SYMBOLS = {
    "community": "circle-open",
    "township": "square",
    "county": "diamond",
    "city": "star",
}


def map_figure(places: pa.Table, centres: pa.Table, policy: str, baseline: str, lang: str) -> Any:
    import plotly.graph_objects as go

    rows = [r for r in places.to_pylist() if r["policy"] == policy]
    had = {r["community"] for r in places.to_pylist() if r["policy"] == baseline and r["has_room"]}
    figure = go.Figure()
    figure.add_trace(_communities(go, rows, lang))
    opened = [r for r in rows if r["has_room"] and r["community"] not in had]
    closed = [r for r in rows if not r["has_room"] and r["community"] in had]
    for marked, key, symbol in ((opened, "new_room", "star"), (closed, "closed_room", "x")):
        if marked:
            figure.add_trace(_marks(go, marked, word(key, lang), symbol))
    for level, symbol in LEVEL_SYMBOLS.items():
        at = [c for c in centres.to_pylist() if c["policy"] == policy and c["level"] == level]
        if at and level != "community":
            figure.add_trace(_centres(go, at, level, symbol, lang))
    figure.update_layout(
        height=560,
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        xaxis={"title": word("x_km", lang), "scaleanchor": "y"},
        yaxis={"title": word("y_km", lang)},
        legend={"orientation": "h", "y": -0.12},
        title=f"{word('map', lang)}: {policy}",
    )
    return figure


def _centre_names(rows: list[dict], lang: str) -> dict[int, str]:
    """Each centre by the place it serves: a community's room, a township's centre."""
    from sim.report.style import language

    words = language(lang)
    names: dict[int, str] = {}
    for r in rows:
        if r["township_centre"] is not None:
            names[r["township_centre"]] = f"{r['township']} {words.level('township')}"
    for r in rows:
        if r["has_room"] and _room(r) is not None:
            names[r["room_centre"]] = f"{_name(r)} {words.level('community')}"
    return names


def _room(row: dict) -> int | None:
    """The room serving a community (its own, or a shared one); None when none does."""
    centre = row.get("room_centre")
    return centre if centre is not None and centre >= 0 else None


def _name(row: dict) -> str:
    """A community's id, and its name where the communities file gives one."""
    name = row.get("name")
    return f"{row['community']} {name}" if name and name != row["community"] else row["community"]


def _serving(row: dict, names: dict[int, str]) -> str:
    room = _room(row)
    centre = room if room is not None else row["township_centre"]
    return names.get(centre, str(centre))


def _communities(go, rows: list[dict], lang: str):
    names = _centre_names(rows, lang)
    hover = (
        f"<b>%{{customdata[0]}}</b><br>{word('township', lang)}: %{{customdata[1]}}<br>"
        f"{word('residents', lang)}: %{{customdata[2]:,}}<br>"
        f"{word('distance', lang)}: %{{customdata[3]:.2f}}<br>"
        f"{word('served_by', lang)}: %{{customdata[4]}}<extra></extra>"
    )
    population = [r["population"] for r in rows]
    biggest = max(population, default=1) or 1
    return go.Scattergl(
        x=[r["x_km"] for r in rows],
        y=[r["y_km"] for r in rows],
        mode="markers",
        name=word("community", lang),
        marker={
            "size": [5 + 15 * (p / biggest) ** 0.5 for p in population],
            "color": [r["nearest_centre_km"] for r in rows],
            "colorscale": "Viridis",
            "colorbar": {"title": "km"},
            "opacity": 0.8,
        },
        customdata=[
            [
                _name(r),
                r["township"],
                r["population"],
                r["nearest_centre_km"],
                _serving(r, names),
            ]
            for r in rows
        ],
        hovertemplate=hover,
    )


def _marks(go, rows: list[dict], name: str, symbol: str):
    return go.Scatter(
        x=[r["x_km"] for r in rows],
        y=[r["y_km"] for r in rows],
        mode="markers",
        name=name,
        marker={"symbol": symbol, "size": 16, "color": "crimson", "line": {"width": 1}},
        text=[r["community"] for r in rows],
        hovertemplate=f"{name}: %{{text}}<extra></extra>",
    )


def _centres(go, rows: list[dict], level: str, symbol: str, lang: str):
    from sim.report.style import language

    name = language(lang).level(level)
    return go.Scatter(
        x=[c["x_km"] for c in rows],
        y=[c["y_km"] for c in rows],
        mode="markers",
        name=f"{word('centre', lang)}: {name}",
        marker={"symbol": symbol, "size": 11, "color": "black", "opacity": 0.7},
        text=[f"{c['centre']} ({c['mediators']})" for c in rows],
        hovertemplate="%{text}<extra></extra>",
    )
