"""Conservation of cases: every dispute that arose is in exactly one end state or open."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from sim.domain import END_STATES


@pytest.fixture(params=["default", "all_levers"])
def small_run(request, small_run, all_levers_run):
    """Every check holds for the default scenario and with every policy lever switched on."""
    return small_run if request.param == "default" else all_levers_run


def _strings(table, name):
    return table.column(name).cast("string").to_numpy(zero_copy_only=False)


def test_every_case_has_one_end_state(small_run):
    cases = small_run.cases
    state = _strings(cases, "end_state")
    assert set(state) <= set(END_STATES)
    assert cases.num_rows == small_run.daily.column("arisen").to_numpy().sum()
    ended = state != "open"
    end_day = cases.column("end_day").to_numpy(zero_copy_only=False).astype(float)
    assert np.all(np.isfinite(end_day[ended])) and np.all(np.isnan(end_day[~ended]))
    horizon = small_run.daily.num_rows
    assert np.all(end_day[ended] <= horizon)
    assert np.all(end_day[ended] >= cases.column("arose_day").to_numpy()[ended])


def test_daily_flows_add_up_to_end_states(small_run):
    state = _strings(small_run.cases, "end_state")
    reopened = small_run.daily.column("reopened").to_numpy().sum()  # relapses leave 'resolved'
    for name in END_STATES[1:]:
        flow = small_run.daily.column(f"ended_{name}").to_numpy().sum()
        assert flow - (reopened if name == "resolved" else 0) == (state == name).sum()


def test_open_cases_are_latent_or_in_the_system(small_run):
    cases, daily = small_run.cases, small_run.daily
    state = _strings(cases, "end_state")
    found = np.isfinite(cases.column("discovered_day").to_numpy(zero_copy_only=False).astype(float))
    latent_open = (~found & (state == "open")).sum()
    assert latent_open == daily.column("latent")[-1].as_py()
    in_system = sum(
        daily.column(f"in_{lvl}")[-1].as_py() for lvl in ("community", "township", "county", "city")
    )
    in_court = daily.column("in_court")[-1].as_py()
    between = (found & (state == "open")).sum() - in_system - in_court
    assert between >= 0  # the rest are between sessions' steps (e.g. travelling up a level)


def test_stays_close_exactly_for_ended_cases(small_run):
    stays, cases = small_run.stays, small_run.cases
    open_stay = pc.is_null(stays.column("left_day")).to_numpy(zero_copy_only=False)
    state = _strings(cases, "end_state")
    ids = stays.column("case_id").to_numpy()
    assert np.all(state[ids[open_stay]] == "open")
    # a case that ended at a centre level has its last stay there
    assert np.all(
        np.isin(
            np.unique(ids),
            np.flatnonzero(
                cases.column("visited_community").to_numpy(zero_copy_only=False)
                | cases.column("visited_township").to_numpy(zero_copy_only=False)
                | cases.column("visited_county").to_numpy(zero_copy_only=False)
                | cases.column("visited_city").to_numpy(zero_copy_only=False)
                | cases.column("visited_committee").to_numpy(zero_copy_only=False)
            ),
        )
    )


def test_resolved_cases_name_where(small_run):
    state = _strings(small_run.cases, "end_state")
    level = small_run.cases.column("end_level").cast("string").to_numpy(zero_copy_only=False)
    resolved_level = level[state == "resolved"]
    assert all(lv is not None for lv in resolved_level)
    assert set(resolved_level) <= {
        "grid",
        "community",
        "township",
        "county",
        "city",
        "committee",
        "court",
    }
