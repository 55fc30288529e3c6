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


def visited_today(teams: list[RovingTeam], n_communities: int, n_days: int) -> np.ndarray:
    """(day, community) booleans: a team is in the village that day."""
    visited = np.zeros((n_days, n_communities), dtype=bool)
    for team in teams:
        visited[:, team.villages] |= team.visits[:n_days]
    return visited
