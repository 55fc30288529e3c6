"""Validation: the measured period starts from a steady state.

A three-year measured run of the default city (after the default warm-up) must show no
drift: years 2 and 3 agree within Monte Carlo error (replications on paired seeds give
the error of the year-on-year difference) on disputes received, court cases and the mean
latent pool; and Little's law holds at the court within 2% (time-average backlog, sampled
by the model's daily counter, against filings x mean time in court from the case table).
MSER-5 on a run started empty must end its truncation inside the default warm-up.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow.compute as pc
import pytest

from sim.analysis.warmup import mser5, warmup_days
from sim.config import RunConfig
from sim.results.simulation import simulate
from sim.scenario_loader import load_scenario

YEAR = 365
SCALE = 0.3


@pytest.fixture(scope="module")
def three_years():
    scenario = load_scenario(overrides={"run": {"scale": SCALE, "days": 3 * YEAR}})
    return [simulate(scenario, seed=seed) for seed in (1, 2, 3, 4)]


def _by_year(result, column: str) -> np.ndarray:
    """Cases whose ``column`` day falls in each measured year."""
    day = pc.fill_null(result.cases.column(column), -1.0).to_numpy()
    return np.array([((day >= y * YEAR) & (day < (y + 1) * YEAR)).sum() for y in range(3)])


def _received(result) -> np.ndarray:
    entry = result.cases.column("entry_level").cast("string").to_numpy(zero_copy_only=False)
    first = pc.fill_null(result.cases.column("first_centre_day"), -1.0).to_numpy()
    centre = np.isin(entry, ("community", "township", "county", "city"))
    return np.array(
        [(centre & (first >= y * YEAR) & (first < (y + 1) * YEAR)).sum() for y in range(3)]
    )


def _latent_by_year(result) -> np.ndarray:
    daily = result.daily
    day = daily.column("day").to_numpy()
    latent = daily.column("latent").to_numpy().astype(float)
    return np.array([latent[(day >= y * YEAR) & (day < (y + 1) * YEAR)].mean() for y in range(3)])


@pytest.mark.slow
@pytest.mark.parametrize("measure", ["received", "court", "latent"])
def test_years_two_and_three_agree(three_years, measure):
    per_year = {
        "received": _received,
        "court": lambda r: _by_year(r, "court_day"),
        "latent": _latent_by_year,
    }[measure]
    years = np.array([per_year(result) for result in three_years], dtype=float)
    difference = years[:, 2] - years[:, 1]
    se = difference.std(ddof=1) / math.sqrt(len(difference))
    # within Monte Carlo error (3 standard errors of the paired difference, at scale 0.3
    # about 4% of a year's received disputes), plus half a percent for the calendar: 2024
    # and 2025 differ in their holidays and Spring Festival dates
    assert abs(difference.mean()) < 3 * se + 0.005 * years[:, 1].mean(), (measure, years)


@pytest.mark.slow
def test_little_law_at_the_court(three_years):
    for result in three_years:
        daily, cases = result.daily, result.cases
        horizon = 3 * YEAR
        measured = daily.column("day").to_numpy() >= 0
        backlog = daily.column("in_court").to_numpy().astype(float)[measured].mean()
        court = pc.fill_null(cases.column("court_day"), np.nan).to_numpy()
        end = pc.fill_null(cases.column("end_day"), float(horizon)).to_numpy()
        at_court = np.isfinite(court)
        # time each case spent at court inside the measured window [0, horizon)
        inside = np.clip(np.minimum(end, horizon) - np.maximum(court, 0.0), 0.0, None)
        filed = at_court & (court >= 0) & (court < horizon)
        rate = filed.sum() / horizon
        mean_time = inside[at_court].sum() / filed.sum()
        assert abs(backlog - rate * mean_time) < 0.02 * backlog, (backlog, rate * mean_time)


@pytest.mark.slow
def test_mser5_ends_inside_the_default_warmup():
    scenario = load_scenario(
        overrides={"run": {"scale": SCALE, "days": 2 * YEAR, "warmup_days": 0}}
    )
    daily = simulate(scenario, seed=5).daily
    series = {name: daily.column(name).to_numpy() for name in ("latent", "in_court")}
    cut = warmup_days(series)
    assert 0 < cut <= RunConfig().warmup_days, cut


def test_mser5_cuts_a_transient_and_keeps_a_stationary_series():
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, 1.0, 1000)
    assert mser5(noise) < 100  # stationary: (almost) nothing to cut
    ramp = np.where(np.arange(1000) < 300, np.arange(1000) / 300 * 10, 10.0) + noise
    assert 250 <= mser5(ramp) <= 350  # the ramp is cut
