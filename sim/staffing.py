"""Who works where: mediators per centre, grid officers per community, court mediators."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.apportion import apportion
from sim.cases import CENTRE_LEVELS
from sim.config import StaffingConfig
from sim.geography import Geography


@dataclass(frozen=True)
class StaffPlan:
    community_mediators: np.ndarray  # per community (its room)
    township_mediators: np.ndarray  # per township centre
    county_mediators: np.ndarray  # per county centre
    city_mediators: int
    grid_officers: np.ndarray  # per community
    court_mediators: int

    @property
    def mediators_by_level(self) -> dict[str, int]:
        counts = (self.community_mediators.sum(), self.township_mediators.sum(),
                  self.county_mediators.sum(), self.city_mediators)
        return {level: int(n) for level, n in zip(CENTRE_LEVELS, counts, strict=True)}


def allocate(geo: Geography, config: StaffingConfig) -> StaffPlan:
    """Split the configured totals over centres and communities by population served."""
    shares = np.array([config.mediator_share_by_level[level] for level in CENTRE_LEVELS])
    per_level = apportion(config.mediators_total, shares)
    pop = geo.population.astype(float)
    t_pop = np.bincount(geo.township, weights=pop, minlength=geo.n_townships)
    c_pop = np.bincount(geo.community_county, weights=pop, minlength=geo.n_counties)
    return StaffPlan(
        community_mediators=apportion(int(per_level[0]), pop, minimum=1),
        township_mediators=apportion(int(per_level[1]), t_pop, minimum=1),
        county_mediators=apportion(int(per_level[2]), c_pop, minimum=1),
        city_mediators=int(per_level[3]),
        grid_officers=apportion(config.grid_officers, pop, minimum=1),
        court_mediators=config.court_mediators,
    )
