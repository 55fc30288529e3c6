"""Each policy lever moves outcomes the way it should, with common random numbers.

Every test runs the same small scenario twice (or more) on the same seeds, once per
setting, so the disputes are identical and the difference is the lever's. The checks are
directions (a prediction of how the system must respond), not pinned numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.city.geography import build
from sim.city.placement import PlacementError
from sim.city.staffing import allocate
from sim.cli import main as cli_main
from sim.config import Scenario, StaffingConfig
from sim.engine.model import DisputeModel
from sim.results.simulation import simulate
from sim.scenario_loader import load_scenario
from tests.conftest import SMALL_SCALE

SEEDS = (1, 2)
DAYS = 180


def scenario(**overrides) -> Scenario:
    run = {"scale": SMALL_SCALE, "days": DAYS, "warmup_days": 30, **overrides.pop("run", {})}
    return load_scenario(overrides={"run": run, **overrides})


def summaries(base: Scenario, overrides: dict, seeds=SEEDS) -> list[tuple[dict, dict]]:
    """(baseline, policy) summary rows per seed."""
    policy = base.with_overrides(overrides)
    return [
        (
            simulate(base, seed=s).summary.to_pylist()[0],
            simulate(policy, seed=s).summary.to_pylist()[0],
        )
        for s in seeds
    ]


def strings(table, name) -> np.ndarray:
    return table.column(name).cast("string").to_numpy(zero_copy_only=False)


# ------------------------------------------------------------------------------- staffing


def test_more_part_time_mediators_cover_more_half_days_and_shorten_waits():
    few = {"mediators_by_level": {"township": 90}}
    part_time = {
        "full_time_share_by_level": {"township": 0.0},
        "part_time_half_days_by_level": {"township": 1},
    }
    base = scenario(staffing=few, duty=part_time)
    for before, after in summaries(base, {"staffing": {"mediators_by_level": {"township": 180}}}):
        assert (
            after["wait_first_session_days_township"] < before["wait_first_session_days_township"]
        )
        assert after["duty_hours_township"] > before["duty_hours_township"]
        assert after["utilisation_township"] < before["utilisation_township"]


def test_staffing_rules_per_level():
    geo = build(Scenario().geography)
    plan = allocate(
        geo,
        StaffingConfig(
            mediators_by_level={"township": 500}, mediators_per_10k_by_level={"county": 0.5}
        ),
    )
    assert plan.township_mediators.sum() == 500 and plan.township_mediators.min() >= 1
    county_pop = np.bincount(geo.community_county, weights=geo.population)
    assert np.array_equal(plan.county_mediators, np.maximum(np.rint(0.5 * county_pop / 1e4), 1))
    assert plan.community_mediators.sum() == 2550  # untouched levels keep total x share
    with pytest.raises(ValueError, match="one rule per level"):
        StaffingConfig(mediators_by_level={"county": 1}, mediators_per_10k_by_level={"county": 1})


def test_smaller_grids_mean_more_officers_and_more_found_on_patrol():
    base = scenario()
    for before, after in summaries(base, {"staffing": {"households_per_grid": 150}}):
        assert after["found_by_patrol"] > before["found_by_patrol"]
        assert after["grid_household_visits"] > before["grid_household_visits"]


def test_3458_rule_finds_more_disputes_on_patrol():
    base = scenario()
    for before, after in summaries(base, {"latent": {"patrol_regime": "3458"}}):
        assert after["found_by_patrol"] > before["found_by_patrol"]
        assert after["n_arisen"] == before["n_arisen"]  # same disputes arise (CRN)


def test_rotating_and_on_call_departments_make_county_cases_wait():
    needs = [{"name": "housing", "types": ["property_management", "heating", "land", "debt"]}]
    base = scenario(departments=[{**needs[0], "mode": "resident"}])
    for mode in ("rotating", "on_call"):
        change = {
            "departments": [{**needs[0], "mode": mode, "days_per_week": 1, "on_call_days": 5.0}]
        }
        for before, after in summaries(base, change):
            wait = "wait_first_session_days_county"
            assert after[wait] > before[wait], mode


def test_committee_takes_its_types_and_they_skip_the_joint_centres():
    base = scenario()
    policy = base.with_overrides({"committees": [{"name": "medical", "types": ["medical"]}]})
    result = simulate(policy, seed=1)
    cases = result.cases
    medical = strings(cases, "type") == "medical"
    ended_at = strings(cases, "end_level")
    entered = strings(cases, "entry_level")
    first = entered[medical & (entered != None)]  # noqa: E711 (null labels)
    assert len(first) > 0 and set(first) <= {"committee", "court", "township"}
    assert (ended_at[medical] == "committee").sum() > 0
    assert result.summary.column("resolved_at_committee")[0].as_py() > 0


def test_roving_teams_bring_walk_ins_and_serve_roomless_villages():
    base = scenario(
        placement={"rural_room_share": 0.3, "share_rooms_within_township": False},
        latent={"walk_in_per_day": 0.01},
        run={"scale": 0.1},
    )
    for before, after in summaries(base, {"roving": {"teams_per_county": 3}}):
        assert after["found_by_walk_in"] > before["found_by_walk_in"]
        assert after["resolved_at_community"] > before["resolved_at_community"]


# ------------------------------------------------------------------------------- placement


def test_a_room_in_a_dense_community_brings_walk_ins_and_shortens_travel():
    """Baseline: the most populous community has no room and shares its neighbour's.
    Policy: it gets its room (back). Walk-ins are made frequent so the counts are stable."""
    probe = scenario(latent={"walk_in_per_day": 0.01})
    geo = DisputeModel(probe).network.geography
    label = str(geo.community_id[np.argmax(geo.population)])
    base = probe.with_overrides({"placement": {"rooms_closed": [label]}})
    policy = probe.with_overrides({"placement": {"rooms_closed": [], "rooms_opened": [label]}})
    for seed in SEEDS:
        walk_ins, distance = [], []
        for s in (base, policy):
            cases = simulate(s, seed=seed).cases
            here = strings(cases, "community") == label
            walk_ins.append((here & (strings(cases, "channel") == "walk_in")).sum())
            km = cases.column("distance_km").to_numpy(zero_copy_only=False).astype(float)
            distance.append(np.nanmean(km[here]))
        assert walk_ins[1] > walk_ins[0]
        assert distance[1] < distance[0]


def test_moving_a_township_centre_changes_travel():
    base = scenario()
    model = DisputeModel(base)
    township = model.network.geography.township_id[0]
    far = base.with_overrides({"placement": {"moved_centres": {township: [500.0, 500.0]}}})
    moved = DisputeModel(far)
    index = model.network.township_centre[0]
    assert (moved.centres[index].x_km, moved.centres[index].y_km) == (500.0, 500.0)
    assert moved.network.nearest_centre_km.sum() >= model.network.nearest_centre_km.sum()


def test_unknown_ids_in_a_placement_are_refused(tmp_path):
    with pytest.raises(PlacementError, match="rooms_opened"):
        DisputeModel(scenario(placement={"rooms_opened": ["NOPE"]}))
    path = tmp_path / "bad.toml"
    path.write_text('[placement]\nmoved_centres = { "T999" = [1.0, 2.0] }\n')
    assert (
        cli_main(
            ["run", str(path), "--out", str(tmp_path / "out"), "--scale", "0.05", "--days", "5"]
        )
        == 2
    )
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------- escalation


def test_tighter_time_limits_escalate_more():
    tight = {"simple": 1.0, "general": 2.0, "complex": 3.0, "major": 4.0}
    loose = {"simple": 60.0, "general": 90.0, "complex": 120.0, "major": 180.0}
    base = scenario(handling={"time_limit_days_by_complexity": loose})
    policy = base.with_overrides({"handling": {"time_limit_days_by_complexity": tight}})
    for seed in SEEDS:
        counts = []
        for s in (base, policy):
            stays = simulate(s, seed=seed).stays
            counts.append((strings(stays, "outcome") == "timed_out").sum())
        assert counts[1] > counts[0]


def test_time_limits_per_level_override_the_complexity_ones():
    base = scenario(handling={"time_limit_days_by_level": {"township": {"general": 0.5}}})
    stays = simulate(base, seed=1).stays
    level = strings(stays, "level")
    allowed = stays.column("deadline_day").to_numpy() - stays.column("entered_day").to_numpy()
    limits = set(np.unique(allowed[level == "township"].round(6)).tolist())
    assert 0.5 in limits and limits <= {0.5, 7.0, 30.0, 60.0}  # general changed, others kept
    assert 15.0 not in limits


def test_skip_level_types_never_visit_the_lower_levels():
    base = scenario(handling={"entry_level_by_type": {"debt": "county"}})
    cases = simulate(base, seed=1).cases
    debt = strings(cases, "type") == "debt"
    entered = strings(cases, "entry_level")[debt]
    assert not np.isin(entered, ("community", "township")).any()
    assert (entered == "county").sum() > 0


def test_whistle_with_a_strong_department_settles_more_at_community():
    base = scenario(
        departments=[
            {
                "name": "human resources",
                "types": ["wage_arrears", "debt"],
                "mode": "on_call",
                "on_call_days": 1.0,
            }
        ],
        handling={"specialist_logit": 3.0},
        run={"days": 365},
    )
    change = {"handling": {"whistle_types": ["wage_arrears", "debt"]}}
    settled, held = [0, 0], [0, 0]  # over the seeds: a few dozen such stays per run
    for seed in SEEDS:
        for k, s in enumerate((base, base.with_overrides(change))):
            result = simulate(s, seed=seed)
            mine = np.isin(strings(result.cases, "type"), ("wage_arrears", "debt"))
            stays = result.stays
            at_room = mine[stays.column("case_id").to_numpy()] & (
                strings(stays, "level") == "community"
            )
            outcome = strings(stays, "outcome")
            # the department's bonus acts on the attempts it joins: those that were held
            held[k] += (at_room & np.isin(outcome, ("resolved", "failed"))).sum()
            settled[k] += (at_room & (outcome == "resolved")).sum()
    assert settled[1] / held[1] > settled[0] / held[0]


def test_split_claims_hold_every_part_in_parallel():
    base = scenario(handling={"split_complexities": ["complex", "major"], "split_parts": 3})
    result = simulate(base, seed=1)
    stays, cases = result.stays, result.cases
    county = strings(stays, "level") == "county"
    ids = stays.column("case_id").to_numpy()
    complexity = strings(cases, "complexity")[ids]
    done = np.isin(strings(stays, "outcome"), ("resolved", "failed"))
    sessions = stays.column("n_sessions").to_numpy()
    for kind, per_part in (("complex", 3), ("major", 4)):
        chosen = county & done & (complexity == kind)
        assert chosen.sum() > 0
        assert np.all(sessions[chosen] == 3 * per_part)  # three parts, each its own sessions


def test_follow_up_visits_catch_relapses():
    base = scenario(follow_up={"p_relapse": 0.3, "p_follow_up": 0.0})
    change = {"follow_up": {"p_follow_up": 1.0}}
    for before, after in summaries(base, change):
        assert before["relapses"] > 0 and before["relapses_caught"] == 0
        assert after["relapses_caught"] == after["relapses"] > 0


def test_court_diversion_sends_named_types_to_the_township_first():
    base = scenario(court={"diversion_types": ["debt"]})
    cases = simulate(base, seed=1).cases
    debt_filed = (strings(cases, "type") == "debt") & (strings(cases, "channel") == "court_filing")
    visited = cases.column("visited_township").to_numpy(zero_copy_only=False)
    assert debt_filed.sum() > 0 and visited[debt_filed].all()


# ------------------------------------------------------------------------------- regressions


def _county_everything(**extra) -> Scenario:
    every = {c: "county" for c in ("simple", "general", "complex", "major")}
    handling = {"entry_level_by_complexity": every, **extra.pop("handling", {})}
    return scenario(handling=handling, **extra)


def test_a_late_department_cannot_hold_a_case_past_its_deadline():
    base = _county_everything(
        departments=[
            {
                "name": "slow",
                "types": ["debt", "neighbour"],
                "mode": "on_call",
                "on_call_days": 40.0,
            }
        ]
    )
    stays = simulate(base, seed=1).stays
    left = stays.column("left_day").to_numpy(zero_copy_only=False).astype(float)
    deadline = stays.column("deadline_day").to_numpy()
    closed = np.isfinite(left)
    sessions = stays.column("n_sessions").to_numpy()
    idle = closed & (sessions == 0)  # timed out waiting for the department
    assert idle.sum() > 0
    assert np.all(left[idle] <= deadline[idle] + 1e-9)
    waits = stays.column("wait_days").to_numpy()
    entered = stays.column("entered_day").to_numpy()
    # the wait after the summons lead time is booked: some, never more than the stay
    assert (waits[idle] > 0).mean() > 0.5
    assert np.all(waits[idle] <= left[idle] - entered[idle] + 1e-9)


def test_sessions_of_a_rotating_department_fall_on_its_days():
    base = _county_everything(
        departments=[
            {
                "name": "rota",
                "types": ["debt", "neighbour", "family"],
                "mode": "rotating",
                "days_per_week": 1,
            }
        ],
        duty={"full_time_share_by_level": {"county": 0.0}},
    )
    model = DisputeModel(base).run()
    rows = model.stays.rows
    checked = 0
    for case_id, level, centre, _, first_session, *_ in rows:
        kind = model.cases.type[case_id]
        if level != 3 or not np.isfinite(first_session) or model.rules.department_of[kind] < 0:
            continue
        presence = model.departments.rotation[(0, centre)]
        assert presence.present[int(np.floor(first_session))], (case_id, first_session)
        checked += 1
    assert checked > 10


def test_split_parts_book_their_wait_once():
    base = _county_everything(
        handling={"split_complexities": ["simple", "general", "complex", "major"], "split_parts": 3}
    )
    stays = simulate(base, seed=1).stays
    left = stays.column("left_day").to_numpy(zero_copy_only=False).astype(float)
    entered = stays.column("entered_day").to_numpy()
    waits = stays.column("wait_days").to_numpy()
    closed = np.isfinite(left)
    assert np.all(waits[closed] <= left[closed] - entered[closed] + 1e-9)


def test_room_optimiser_beats_every_other_choice_on_a_small_city():
    """Brute force over all k-subsets of the roomless communities of a few townships: the
    MILP's choice has the smallest population-weighted distance (an independent check)."""
    pytest.importorskip("scipy")
    from itertools import combinations

    from sim.city.siting import current_distance, propose_rooms

    geo = build(Scenario().geography)
    keep = np.zeros(geo.n_townships, dtype=bool)
    keep[np.unique(geo.township[~geo.urban])[:3]] = True
    small = geo.keep_townships(keep)
    rooms = np.ones(small.n_communities, dtype=bool)
    rooms[np.flatnonzero(~small.urban)[::2]] = False  # every other village has no room
    xy = small.township_xy()
    pop = small.population.astype(float)

    def cost(chosen) -> float:
        opened = rooms.copy()
        opened[list(chosen)] = True
        return float((pop * current_distance(small, opened, xy)).sum())

    candidates = np.flatnonzero(~rooms)
    best = min(cost(c) for c in combinations(candidates.tolist(), 2))
    proposal = propose_rooms(small, rooms, 2, xy)
    index = {label: i for i, label in enumerate(small.community_id.tolist())}
    assert cost([index[c] for c in proposal.community_ids]) == pytest.approx(best)
    assert propose_rooms(small, np.ones(small.n_communities, bool), 3, xy).community_ids == []
