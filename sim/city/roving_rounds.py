"""The rounds of roving (circuit) mediation teams: which villages each team visits, in
order. The days of the visits depend on the calendar and are the engine's
(:mod:`sim.engine.roving_team`)."""

from __future__ import annotations

import numpy as np

from sim.city.geography import Geography
from sim.config import RovingConfig


def plan_rounds(
    geo: Geography, rooms: np.ndarray, county_xy: np.ndarray, config: RovingConfig
) -> list[np.ndarray]:
    """Villages of each team's round: the county's rural villages on the team's list, ordered
    by bearing from the county seat and cut into ``teams_per_county`` consecutive arcs."""
    if config.teams_per_county == 0:
        return []
    eligible = ~geo.urban if config.serves == "rural" else ~geo.urban & ~rooms
    rounds: list[np.ndarray] = []
    for county in range(geo.n_counties):
        villages = np.flatnonzero(eligible & (geo.community_county == county))
        if len(villages) == 0:
            continue
        bearing = np.arctan2(
            geo.y_km[villages] - county_xy[county, 1], geo.x_km[villages] - county_xy[county, 0]
        )
        villages = villages[np.argsort(bearing, kind="stable")]
        n_teams = min(config.teams_per_county, len(villages))
        rounds.extend(part for part in np.array_split(villages, n_teams) if len(part))
    return rounds
