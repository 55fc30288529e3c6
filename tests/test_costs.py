"""Costs of a run: the items add up, prices times quantities the test counts itself, and a
policy that changes nothing costs nothing extra."""

from __future__ import annotations

import pytest

from sim.results.costs import DAYS_PER_YEAR, PARTY_ITEMS, PUBLIC_ITEMS
from sim.results.simulation import simulate
from sim.scenario_loader import load_scenario

SCALE = 0.03


def run(overrides: dict | None = None, seed: int = 4) -> dict:
    base = {"run": {"scale": SCALE, "days": 200, "warmup_days": 60}, **(overrides or {})}
    result = simulate(load_scenario("hohhot-2023", base), seed=seed)
    return result.summary.to_pylist()[0] | {"_centres": result.centres.to_pylist()}


@pytest.fixture(scope="module")
def base_row():
    return run()


def test_items_add_up_to_the_totals(base_row):
    public = sum(base_row[name] for name in PUBLIC_ITEMS)
    parties = sum(base_row[name] for name in PARTY_ITEMS)
    assert base_row["cost_public_yuan"] == pytest.approx(public, rel=1e-12)
    assert base_row["cost_parties_yuan"] == pytest.approx(parties, rel=1e-12)
    resolved = sum(v for k, v in base_row.items() if k.startswith("resolved_at_"))
    assert base_row["cost_per_resolved_yuan"] == pytest.approx(public / resolved)
    assert all(base_row[name] >= 0 for name in (*PUBLIC_ITEMS, *PARTY_ITEMS))


def test_the_same_scenario_costs_the_same(base_row):
    again = run()
    for name in (*PUBLIC_ITEMS, *PARTY_ITEMS, "cost_public_yuan"):
        assert again[name] == base_row[name], name


def test_prices_times_quantities_counted_here(base_row):
    """Grid officers and rooms priced from counts this test reads off the run's records."""
    year = base_row["days"] / DAYS_PER_YEAR
    centres = base_row["_centres"]
    rooms = sum(1 for c in centres if c["level"] == "community" and c["open"] and not c["roving"])
    room_year = 12_000.0 + 60_000.0 / 10.0  # running + opening over 10 years (the defaults)
    assert base_row["cost_rooms_yuan"] == pytest.approx(year * room_year * rooms)
    judged, mediated = base_row["judged"], base_row["court_mediated"]
    assert base_row["cost_judgments_yuan"] == pytest.approx(6_000.0 * judged)
    assert base_row["cost_court_mediations_yuan"] == pytest.approx(1_500.0 * mediated)


def test_added_full_time_mediators_cost_their_pay(base_row):
    """Ten more township mediators, all full time at the margin: the full-time item rises by
    exactly ten salaries (prorated); grid officers and rooms do not move."""
    township = base_row["_centres"]
    n_township = sum(c["mediators"] for c in township if c["level"] == "township")
    more = run(
        {
            "staffing": {"mediators_by_level": {"township": round(n_township / SCALE) + 10}},
            "duty": {"full_time_share_by_level": {"township": 1.0}},
        }
    )
    same_mix = run({"duty": {"full_time_share_by_level": {"township": 1.0}}})
    added = sum(c["mediators"] for c in more["_centres"] if c["level"] == "township") - sum(
        c["mediators"] for c in same_mix["_centres"] if c["level"] == "township"
    )
    year = base_row["days"] / DAYS_PER_YEAR
    step = more["cost_full_time_mediators_yuan"] - same_mix["cost_full_time_mediators_yuan"]
    assert added > 0
    assert step == pytest.approx(added * 72_000.0 * year)
    for name in ("cost_grid_officers_yuan", "cost_rooms_yuan"):
        assert more[name] == same_mix[name]


def test_a_resident_department_costs_its_days():
    """A resident department sits every working day at every county centre."""
    department = [{"name": "labour", "types": ["wage_arrears"], "mode": "resident"}]
    row = run({"calendar": {"kind": "weekdays"}})
    with_department = run({"calendar": {"kind": "weekdays"}, "departments": department})
    counties = sum(1 for c in with_department["_centres"] if c["level"] == "county" and c["open"])
    weekdays = 143  # of the 200 days from Sunday 2023-01-01
    assert row["cost_department_days_yuan"] == 0.0
    assert with_department["cost_department_days_yuan"] == pytest.approx(
        600.0 * weekdays * counties
    )
