"""Roving (circuit) mediation teams: a few mediators who visit villages on a fixed round
(Otog Banner's 巡回调解). On a village's visit day the team is 'in the village': residents
can walk in next door, and the team holds the sessions of the village's cases."""

from __future__ import annotations

import numpy as np

from sim.engine.presence import Presence, round_visits


class RovingTeam:
    """One team's round: the villages it visits, in order, and on which days."""

    def __init__(self, villages: np.ndarray, calendar, villages_per_day: int) -> None:
        self.villages = villages
        self.visits = round_visits(calendar, len(villages), villages_per_day)
        self._presence = {int(v): Presence(self.visits[:, k]) for k, v in enumerate(villages)}

    def presence_for(self, community: int) -> Presence:
        return self._presence[community]


def plan_rounds(geo, rooms: np.ndarray, county_xy: np.ndarray, config) -> list[np.ndarray]:
    """Villages of each team's round: the county's rural villages on the team's list, ordered
    by bearing from the county seat and cut into ``teams_per_county`` consecutive arcs."""
    if config.teams_per_county == 0:
        return []
    eligible = ~geo.urban if config.serves == "rural" else ~geo.urban & ~rooms
    rounds = []
    for county in range(geo.n_counties):
        villages = np.flatnonzero(eligible & (geo.community_county == county))
        if len(villages) == 0:
            continue
        bearing = np.arctan2(geo.y_km[villages] - county_xy[county, 1],
                             geo.x_km[villages] - county_xy[county, 0])
        villages = villages[np.argsort(bearing, kind="stable")]
        n_teams = min(config.teams_per_county, len(villages))
        rounds.extend(part for part in np.array_split(villages, n_teams) if len(part))
    return rounds


def visited_today(teams: list[RovingTeam], n_communities: int, n_days: int) -> np.ndarray:
    """(day, community) booleans: a team is in the village that day."""
    visited = np.zeros((n_days, n_communities), dtype=bool)
    for team in teams:
        visited[:, team.villages] |= team.visits[:n_days]
    return visited
