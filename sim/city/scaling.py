"""Scale a city down (keep whole townships) or up (more people and staff in each place).

Scaling down keeps the structure of the places that stay (a kept township keeps all its
communities, rooms, officers and mediators), so per-capita load at community and township
level is that of the full city. County, city and court staff shrink with the population
they serve (at least one each).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.city.geography import Geography
from sim.city.staffing import StaffPlan


def scale_city(
    geo: Geography, plan: StaffPlan, scale: float, rng: np.random.Generator
) -> tuple[Geography, StaffPlan, float]:
    """(geography, staff, effective population scale) for ``scale``."""
    if scale == 1.0:
        return geo, plan, 1.0
    if scale > 1.0:
        return _scale_up(geo, plan, scale)
    return _scale_down(geo, plan, scale, rng)


def _times(counts: ArrayLike, factor: float, minimum: int = 0) -> np.ndarray:
    return np.maximum(np.rint(np.asarray(counts) * factor).astype(np.int64), minimum)


def _scale_up(geo: Geography, plan: StaffPlan, scale: float):
    bigger = geo.with_population(_times(geo.population, scale))
    staff = StaffPlan(
        community_mediators=_times(plan.community_mediators, scale),
        township_mediators=_times(plan.township_mediators, scale),
        county_mediators=_times(plan.county_mediators, scale),
        city_mediators=int(_times(plan.city_mediators, scale)),
        grid_officers=_times(plan.grid_officers, scale),
        court_mediators=int(_times(plan.court_mediators, scale)),
    )
    return bigger, staff, float(bigger.population.sum() / geo.population.sum())


def _scale_down(geo: Geography, plan: StaffPlan, scale: float, rng: np.random.Generator):
    n_keep = max(1, round(scale * geo.n_townships))
    keep = np.zeros(geo.n_townships, dtype=bool)
    keep[rng.choice(geo.n_townships, size=n_keep, replace=False)] = True
    small = geo.keep_townships(keep)
    effective = float(small.population.sum() / max(geo.population.sum(), 1))
    rows = keep[geo.township]
    kept_counties = np.unique(geo.county[keep])
    county_pop = np.bincount(geo.community_county, weights=geo.population, minlength=geo.n_counties)
    kept_county_pop = np.bincount(
        geo.community_county[rows], weights=geo.population[rows], minlength=geo.n_counties
    )
    county_factor = kept_county_pop[kept_counties] / np.maximum(county_pop[kept_counties], 1)
    staff = StaffPlan(
        community_mediators=plan.community_mediators[rows],
        township_mediators=plan.township_mediators[keep],
        county_mediators=np.maximum(
            np.rint(plan.county_mediators[kept_counties] * county_factor).astype(np.int64), 1
        ),
        city_mediators=max(1, round(plan.city_mediators * effective)),
        grid_officers=plan.grid_officers[rows],
        court_mediators=max(1, round(plan.court_mediators * effective)),
    )
    return small, staff, effective
