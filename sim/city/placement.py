"""Where rooms and centres stand: which communities have a room, who shares whose room,
and where township and county centres are.

Rooms and moved centres are named by the ids in the geography, not by array positions, so
a placement stays valid when a run keeps only part of the city (``run.scale`` < 1).
"""

from __future__ import annotations

import numpy as np

from sim.city.geography import Geography, GeographyError
from sim.config import PlacementConfig

NO_ROOM = -1


class PlacementError(GeographyError):
    """A placement naming a community, township or county the geography does not have."""


def check_ids(geo: Geography, config: PlacementConfig) -> None:
    """Every id the placement names must exist in the full city."""
    known = {
        "rooms_closed": set(geo.community_id.tolist()),
        "rooms_opened": set(geo.community_id.tolist()),
    }
    for key in ("rooms_closed", "rooms_opened"):
        unknown = sorted(set(getattr(config, key)) - known[key])
        if unknown:
            raise PlacementError(f"placement.{key}: unknown community id(s) {unknown[:5]}")
    centres = set(geo.township_id.tolist()) | set(geo.county_id.tolist())
    unknown = sorted(set(config.moved_centres) - centres)
    if unknown:
        raise PlacementError(
            f"placement.moved_centres: unknown township or county id(s) {unknown[:5]}"
        )


def has_room(geo: Geography, config: PlacementConfig) -> np.ndarray:
    """Bool per community: does it have a room of its own?

    The rooms start from the geography's ``has_room`` when its file gives one (else every
    community has a room); ``rural_room_share`` then keeps that share of the rural villages
    with a room, largest first, and ``rooms_closed`` / ``rooms_opened`` apply last."""
    if geo.has_room is None:
        rooms = np.ones(geo.n_communities, dtype=bool)
    else:
        rooms = np.array(geo.has_room, dtype=bool, copy=True)
    rural = np.flatnonzero(~geo.urban & rooms)
    if config.rural_room_share < 1.0 and len(rural):
        n_keep = round(config.rural_room_share * len(rural))
        by_size = rural[np.argsort(-geo.population[rural], kind="stable")]
        rooms[by_size[n_keep:]] = False
    ids = geo.community_id
    rooms[np.isin(ids, config.rooms_closed)] = False
    rooms[np.isin(ids, config.rooms_opened)] = True
    return rooms


def room_host(geo: Geography, rooms: np.ndarray, share: bool) -> np.ndarray:
    """The community whose room serves each community: itself if it has one, else the
    nearest room in its township (when ``share``), else NO_ROOM."""
    host = np.where(rooms, np.arange(geo.n_communities), NO_ROOM)
    if not share:
        return host
    for c in np.flatnonzero(~rooms):
        candidates = np.flatnonzero(rooms & (geo.township == geo.township[c]))
        if len(candidates):
            d = np.hypot(geo.x_km[candidates] - geo.x_km[c], geo.y_km[candidates] - geo.y_km[c])
            host[c] = candidates[np.argmin(d)]
    return host


def population_served(geo: Geography, host: np.ndarray) -> np.ndarray:
    """Residents each community's room serves (its own and those sharing it)."""
    served = host >= 0
    return np.bincount(
        host[served], weights=geo.population[served].astype(float), minlength=geo.n_communities
    )


def centre_points(ids: np.ndarray, xy: np.ndarray, moved: dict[str, list[float]]) -> np.ndarray:
    """Centre coordinates with the moved ones replaced."""
    xy = np.array(xy, dtype=float, copy=True)
    for k, label in enumerate(ids.tolist()):
        if label in moved:
            xy[k] = moved[label]
    return xy
