"""Same scenario and seed: identical records. Another seed: different records.
Named streams: one stream's draws do not depend on another being used."""

from __future__ import annotations

import numpy as np

from sim.results.simulation import simulate
from sim.streams import Streams


def test_same_seed_same_records(small_scenario, small_run):
    again = simulate(small_scenario, seed=11)
    assert again.cases.equals(small_run.cases)
    assert again.stays.equals(small_run.stays)
    assert again.daily.equals(small_run.daily)


def test_other_seed_other_records(small_scenario, small_run):
    other = simulate(small_scenario, seed=12)
    assert not other.cases.equals(small_run.cases)


def test_streams_are_independent_of_use_order():
    a, b = Streams(5), Streams(5)
    a["patrol"].random(100)  # using one stream ...
    assert np.array_equal(a["arrival"].random(10), b["arrival"].random(10))  # ... leaves others
    assert not np.array_equal(Streams(5)["x"].random(5), Streams(6)["x"].random(5))
    assert not np.array_equal(Streams(5)["x"].random(5), Streams(5)["y"].random(5))


def test_policy_change_keeps_the_same_disputes(small_scenario, small_run):
    """Common random numbers: more mediators change handling, not which disputes arise."""
    policy = small_scenario.with_overrides({"staffing": {"mediators_total": 6000}})
    other = simulate(policy, seed=11)
    for column in ("arose_day", "type", "complexity", "n_parties", "money_yuan"):
        assert other.cases.column(column).equals(small_run.cases.column(column))


def test_same_seed_same_records_with_every_lever(all_levers_scenario, all_levers_run):
    again = simulate(all_levers_scenario, seed=11)
    assert again.cases.equals(all_levers_run.cases)
    assert again.stays.equals(all_levers_run.stays)
