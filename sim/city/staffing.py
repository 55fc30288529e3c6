"""Who works where: mediators per centre, grid officers per community, court mediators."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.city.apportion import apportion
from sim.city.geography import Geography
from sim.config import StaffingConfig
from sim.domain import CENTRE_LEVELS


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
        counts = (
            self.community_mediators.sum(),
            self.township_mediators.sum(),
            self.county_mediators.sum(),
            self.city_mediators,
        )
        return {level: int(n) for level, n in zip(CENTRE_LEVELS, counts, strict=True)}


def allocate(
    geo: Geography,
    config: StaffingConfig,
    rooms: np.ndarray | None = None,
    room_population: np.ndarray | None = None,
    persons_per_household: float = 2.6,
) -> StaffPlan:
    """Staff per centre and community.

    A level's mediators are its share of the total, an absolute number, or a rule per
    10,000 residents served; within a level they go to centres by population served (at
    least one each). ``room_population`` is the population each community's room serves
    and ``rooms`` flags the communities with a room; by default every community has its own.
    """
    pop = geo.population.astype(float)
    room_pop = pop if room_population is None else np.asarray(room_population, dtype=float)
    served = {
        "community": room_pop,
        "township": np.bincount(geo.township, weights=pop, minlength=geo.n_townships),
        "county": np.bincount(geo.community_county, weights=pop, minlength=geo.n_counties),
        "city": np.array([pop.sum()]),
    }
    open_centres = {level: np.ones(len(served[level]), dtype=bool) for level in CENTRE_LEVELS}
    if rooms is not None:
        open_centres["community"] = np.asarray(rooms, dtype=bool)
    by_share = level_shares(config)
    staff = {}
    for level in CENTRE_LEVELS:
        staff[level] = _level_staff(
            level, config, served[level], open_centres[level], int(by_share[level])
        )
    return StaffPlan(
        community_mediators=staff["community"],
        township_mediators=staff["township"],
        county_mediators=staff["county"],
        city_mediators=int(staff["city"][0]),
        grid_officers=_grid_officers(geo, config, persons_per_household),
        court_mediators=config.court_mediators,
    )


def level_shares(config: StaffingConfig) -> dict[str, int]:
    """Each level's part of ``mediators_total`` by ``mediator_share_by_level``."""
    shares = np.array([config.mediator_share_by_level[level] for level in CENTRE_LEVELS])
    return dict(zip(CENTRE_LEVELS, apportion(config.mediators_total, shares).tolist(), strict=True))


def _level_staff(
    level: str, config: StaffingConfig, served: np.ndarray, is_open: np.ndarray, by_share: int
) -> np.ndarray:
    if level in config.mediators_per_10k_by_level:
        rate = config.mediators_per_10k_by_level[level]
        return np.where(is_open, np.maximum(np.rint(rate * served / 1e4), 1), 0).astype(np.int64)
    total = config.mediators_by_level.get(level, by_share)
    counts = np.zeros(len(served), dtype=np.int64)
    counts[is_open] = apportion(total, served[is_open], minimum=1)
    return counts


def _grid_officers(geo: Geography, config: StaffingConfig, persons_per_household: float):
    pop = geo.population.astype(float)
    if config.households_per_grid is None:
        return apportion(config.grid_officers, pop, minimum=1)
    households = pop / persons_per_household
    grids = np.maximum(np.ceil(households / config.households_per_grid), 1).astype(np.int64)
    return grids * config.officers_per_grid
