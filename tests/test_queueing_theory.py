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


def _duty_week_scenario(lam: float, c: int, session_hours: float):
    """One centre, Monday-Friday, c full-time mediators on duty 8:30-16:30: a queue whose
    servers keep a weekly timetable (no closed form)."""
    return load_scenario(
        DATA / "erlang.toml",
        {
            "staffing": {"mediators_total": c},
            "calendar": {"kind": "weekdays"},
            "duty": {"day_start_hour": 8.5, "hours_per_day": 8.0},
            "handling": {"mean_session_hours_by_level": {"community": session_hours}},
            "arrivals": {"incidence_per_10k_per_year": {"neighbour": lam * 365 * 1e4 / 1e5}},
            "run": {"days": 2000, "warmup_days": 70},
        },
    )


def _ciw_waits(
    lam: float, c: int, session_hours: float, first_weekday: int, seed: int, days: int = 2000
):
    """Mean wait of the same queue in Ciw (an independent simulation library): Poisson
    arrivals, exponential service, c servers on duty in the same weekly shifts, and a
    server who is in session at the end of a shift finishes it (no pre-emption)."""
    import ciw

    start, end = 8.5 / 24, 16.5 / 24
    counts, ends = [], []
    for day in range(7):
        on = (first_weekday + day) % 7 < 5
        counts += [0, c if on else 0, 0]
        ends += [day + start, day + end, day + 1.0]
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=lam)],
        service_distributions=[ciw.dists.Exponential(rate=24.0 / session_hours)],
        number_of_servers=[ciw.Schedule(numbers_of_servers=counts, shift_end_dates=ends)],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(70 + days)
    records = simulation.get_all_records()
    return float(np.mean([r.waiting_time for r in records if 70 <= r.arrival_date < 70 + days]))


@pytest.mark.slow
def test_weekly_duty_pattern_matches_ciw_with_the_same_shifts():
    # 2 cases a day, 7 days a week, 4 hours each: 56 of the 2 x 40 duty hours a week (70%)
    lam, c, hours = 2.0, 2, 4.0
    scenario = _duty_week_scenario(lam, c, hours)
    first_weekday = (scenario.run.start_date.toordinal() - scenario.run.warmup_days + 6) % 7
    model_waits, ciw_waits = [], []
    for seed in range(4):
        stays = simulate(scenario, seed=seed).stays
        steady = stays.column("entered_day").to_numpy() >= 0
        model_waits.append(stays.column("wait_days").to_numpy()[steady].mean())
        ciw_waits.append(_ciw_waits(lam, c, hours, first_weekday, seed))
    a, b = np.array(model_waits), np.array(ciw_waits)
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert abs(a.mean() - b.mean()) < 4 * se + 0.03 * b.mean(), (a.mean(), b.mean(), se)
