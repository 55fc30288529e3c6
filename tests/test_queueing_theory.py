"""Validation against queueing theory: Erlang C on one centre, Little's law per level.

These compare the model with results it did not produce. Tolerances are Monte Carlo
errors estimated from independent replications (not pinned numbers).
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow.compute as pc
import pytest

from sim.domain import CENTRE_LEVELS
from sim.results.simulation import simulate
from sim.scenario_loader import load_scenario
from tests.conftest import DATA


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C formula)."""
    a = arrival_rate / service_rate
    rho = a / servers
    head = sum(a**k / math.factorial(k) for k in range(servers))
    tail = a**servers / math.factorial(servers) / (1 - rho)
    p_wait = tail / (head + tail)
    return p_wait / (servers * service_rate - arrival_rate)


def test_erlang_c_formula_textbook_value():
    # M/M/2 with a = 1 (rho = 0.5): P(wait) = 1/3, Wq = (1/3) / (2 - 1) = 1/3
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


def _replication(seed: int) -> tuple[float, float]:
    scenario = load_scenario(DATA / "erlang.toml")
    result = simulate(scenario, seed=seed)
    stays = result.stays
    entered = stays.column("entered_day").to_numpy()
    waits = stays.column("wait_days").to_numpy()
    steady = entered >= 0  # the scenario's warm-up (days before 0) reaches steady state
    utilisation = result.summary.column("utilisation_community")[0].as_py()
    return float(waits[steady].mean()), utilisation


def test_one_centre_matches_erlang_c():
    lam, mu, c = 4.0, 1.0, 5
    reps = [_replication(seed) for seed in range(6)]
    waits = np.array([w for w, _ in reps])
    utils = np.array([u for _, u in reps])
    theory = erlang_c_wait(lam, mu, c)  # 0.554 days
    se = waits.std(ddof=1) / math.sqrt(len(waits))
    assert abs(waits.mean() - theory) < 4 * se + 0.02 * theory, (waits.mean(), theory, se)
    util_se = utils.std(ddof=1) / math.sqrt(len(utils))
    assert abs(utils.mean() - lam / (c * mu)) < 4 * util_se + 0.005


def test_little_law_per_level(small_run):
    """Time-average cases at each level (sampled daily by the model's own counters) equals
    arrival rate x mean time at that level (from the stay records)."""
    daily, stays = small_run.daily, small_run.stays
    measured = daily.column("day").to_numpy() >= 0
    horizon = int(measured.sum())
    level = stays.column("level").cast("string").to_numpy(zero_copy_only=False)
    entered = stays.column("entered_day").to_numpy()
    left = pc.fill_null(stays.column("left_day"), float(horizon)).to_numpy()
    # time each stay spent inside the measured window [0, horizon)
    inside = np.clip(np.minimum(left, horizon) - np.maximum(entered, 0.0), 0.0, None)
    checked = 0
    for name in CENTRE_LEVELS:
        sampled = daily.column(f"in_{name}").to_numpy().astype(float)[measured]
        if sampled.mean() < 1.0:
            continue  # too few cases at this level for a meaningful comparison
        at = level == name
        started_inside = at & (entered >= 0) & (entered < horizon)
        arrival_rate = started_inside.sum() / horizon
        # W over all time spent in the window; equals mean sojourn of arrivals in steady state
        mean_time = inside[at].sum() / max(started_inside.sum(), 1)
        # batch means of the daily samples give the Monte Carlo error of the average
        batches = sampled[: horizon // 30 * 30].reshape(-1, 30).mean(axis=1)
        se = batches.std(ddof=1) / math.sqrt(len(batches))
        assert abs(sampled.mean() - arrival_rate * mean_time) < 4 * se + 0.02 * sampled.mean(), (
            name,
            sampled.mean(),
            arrival_rate * mean_time,
            se,
        )
        checked += 1
    assert checked >= 2


def test_part_time_mediators_match_erlang_c_with_the_slower_service():
    """Mediators who give a quarter of their time to cases serve at a quarter of the rate:
    the same M/M/c queue as full-time mediators with sessions four times as long. The
    staff come from the absolute per-level lever instead of total x share."""
    lam, c = 4.0, 5
    overrides = {
        "staffing": {
            "mediators_total": 0,
            "mediators_by_level": {"community": c},
            "availability_by_level": {"community": 0.25},
        },
        "handling": {"mean_session_days_by_level": {"community": 0.25}},
        "run": {"days": 800},
    }
    waits = []
    for seed in range(6):
        result = simulate(load_scenario(DATA / "erlang.toml", overrides), seed=seed)
        steady = result.stays.column("entered_day").to_numpy() >= 0
        waits.append(result.stays.column("wait_days").to_numpy()[steady].mean())
    waits = np.array(waits)
    theory = erlang_c_wait(lam, 1.0, c)  # mu = availability / mean session = 1 per day
    se = waits.std(ddof=1) / math.sqrt(len(waits))
    assert abs(waits.mean() - theory) < 4 * se + 0.03 * theory, (waits.mean(), theory, se)
