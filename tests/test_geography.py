"""The synthetic city has the published totals; CSV geography round-trips; scaling keeps
whole townships."""

from __future__ import annotations

import numpy as np

from sim.city.apportion import apportion
from sim.city.geography import load_csv, synthetic, write_csv
from sim.city.scaling import scale_city
from sim.city.staffing import allocate
from sim.config import GeographyConfig, StaffingConfig


def test_synthetic_city_has_published_structure():
    geo = synthetic(GeographyConfig())
    assert (geo.n_counties, geo.n_townships, geo.n_communities) == (9, 89, 1348)
    assert geo.population.sum() == 3_400_000
    staff = allocate(geo, StaffingConfig())
    assert sum(staff.mediators_by_level.values()) == 4112
    assert staff.grid_officers.sum() == 6158
    assert staff.community_mediators.min() >= 1


def test_csv_round_trip(tmp_path):
    geo = synthetic(
        GeographyConfig(
            n_counties=2, n_urban_counties=1, n_townships=5, n_communities=30, population=50_000
        )
    )
    write_csv(geo, tmp_path / "g.csv")
    back = load_csv(tmp_path / "g.csv")
    assert np.array_equal(back.population, geo.population)
    assert np.array_equal(back.township, geo.township)
    assert np.array_equal(back.county, geo.county)
    assert np.allclose(back.x_km, geo.x_km, atol=1e-3)


def test_scale_down_keeps_whole_townships():
    geo = synthetic(GeographyConfig())
    staff = allocate(geo, StaffingConfig())
    small, small_staff, effective = scale_city(geo, staff, 0.1, np.random.default_rng(0))
    assert small.n_townships == 9
    kept = set(small.township_id)
    full_rows = np.isin(geo.township_id[geo.township], list(kept))
    assert small.population.sum() == geo.population[full_rows].sum()
    assert np.array_equal(small_staff.community_mediators, staff.community_mediators[full_rows])
    assert 0.0 < effective < 1.0


def test_apportion_sums_and_minimum():
    parts = apportion(10, np.array([5.0, 3.0, 0.0, 2.0]), minimum=1)
    assert parts.sum() == 10 and parts.min() >= 1
    assert list(apportion(7, np.array([1.0, 1.0]))) in ([4, 3], [3, 4])
    assert apportion(2, np.ones(5), minimum=1).sum() == 2  # minimum dropped when impossible
