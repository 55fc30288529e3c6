"""The Results page's map (sim.dashboard.map_figure) on hand-made places and centres:
what hovering a community shows, and the rooms a policy opens or closes marked."""

from __future__ import annotations

import pyarrow as pa
import pytest

pytest.importorskip("plotly")

from sim.dashboard.map_figure import map_figure


def _place(policy: str, community: str, has_room: bool, room: int, name: str = "") -> dict:
    return {
        "policy": policy,
        "community": community,
        "name": name or community,
        "township": "T1",
        "county": "K1",
        "x_km": 1.0,
        "y_km": 2.0,
        "population": 4200,
        "urban": True,
        "has_room": has_room,
        "room_centre": room,
        "township_centre": 9,
        "nearest_centre_km": 1.25,
    }


def _tables():
    places = [
        _place("baseline", "C1", True, 0, "东风社区"),
        _place("baseline", "C2", False, -1),
        _place("baseline", "C3", True, 1),
        _place("rooms", "C1", True, 0, "东风社区"),
        _place("rooms", "C2", True, 2),  # opened
        _place("rooms", "C3", False, -1),  # closed
    ]
    centres = [
        {
            "policy": p,
            "centre": 9,
            "level": "township",
            "x_km": 0.0,
            "y_km": 0.0,
            "mediators": 4,
            "open": True,
            "roving": False,
        }
        for p in ("baseline", "rooms")
    ]
    return pa.Table.from_pylist(places), pa.Table.from_pylist(centres)


def test_hover_shows_name_residents_distance_and_serving_centre():
    places, centres = _tables()
    figure = map_figure(places, centres, "baseline", "baseline", "en")
    hover = {row[0]: row for row in figure.data[0].customdata}
    assert list(hover["C1 东风社区"][2:]) == [4200, 1.25, "C1 东风社区 community room"]
    assert hover["C2"][4] == "T1 township centre"  # no room (-1): its township's centre
    template = figure.data[0].hovertemplate
    for word in ("residents", "distance to nearest centre", "served by"):
        assert word in template


def test_rooms_a_policy_opens_or_closes_are_marked():
    places, centres = _tables()
    figure = map_figure(places, centres, "rooms", "baseline", "zh")
    marked = {trace.name: list(trace.text) for trace in figure.data[1:] if trace.text}
    assert marked["新设调解室"] == ["C2"]
    assert marked["撤销调解室"] == ["C3"]
    baseline = map_figure(places, centres, "baseline", "baseline", "en")
    assert not [t for t in baseline.data if t.name in ("new room", "closed room")]
