"""Outcomes a planner reads, computed from the record tables of one run.

Counts are of events inside the measured period (day 0 to ``run.days``; the warm-up before
it is recorded with negative days and left out). Definitions (as the publications count
them, where they say):
- received by the centres: distinct disputes whose first stay at a centre of any level
  (community room to city) began in the period, whatever channel brought them;
- resolved by the centres: of those, the ones that ended resolved at a centre level by the
  end of the run (cases received late in the year may still be open);
- resolved at community level or below: resolved by a grid officer or a community room,
  as a share of all disputes resolved by grid officers and centres;
- people's mediation cases: stays at a centre of any level that began in the period. Each
  level's people's mediation committee registers a dispute it takes up as its own case, so
  a dispute mediated at two levels is two cases there but one dispute received by the
  joint centres; parties and money are summed over those stays;
- time to resolution: discovery to the end, for disputes resolved by grid or centres;
- time-limit compliance: share of closed centre stays that ended (settled, failed,
  withdrawn) by their deadline; one handed on because its time ran out did not comply;
- utilisation: session hours over duty hours available, per place (the mediators' duty
  patterns give the hours; sim/results/duty_use.py);
- wait to first session: from a stay's start to its first session (summons lead time, an
  on-call department, the wait for a free duty slot), for stays begun in the period that
  had a session; mean wait: the waits for duty slots alone, summed over a stay's sessions;
- days per session: a closed stay's elapsed days over its sessions;
- stage at resolution: 0 quarrel, 1 confrontation, 2 harm, of disputes resolved in the
  period; hardened while waiting: received disputes whose stage rose at a centre;
- resolved at a place: disputes that ended resolved in the period, by where (grid officer,
  a centre level, a specialised committee, court mediation). A dispute that relapsed and
  was settled again counts once, where it was last settled.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from sim.domain import CENTRE_LEVELS, CHANNELS, DUTY_PLACES, RESOLUTION_PLACES, STAGES
from sim.results.arrays import column as _np
from sim.results.arrays import finite as _finite
from sim.results.arrays import mean_or_nan as _mean
from sim.results.arrays import quantile_or_nan as _quantile
from sim.results.arrays import ratio_or_nan as _ratio
from sim.results.outcomes import SUMMARY_NAMES

# Every column of the summary row, in order (a test checks it against summarise): sweeps
# refuse factor names that would overwrite one of them.
OUTCOME_NAMES: tuple[str, ...] = SUMMARY_NAMES


def summarise(cases: pa.Table, stays: pa.Table, daily: pa.Table, context: dict) -> dict:
    """One row of outcomes; ``context`` holds run facts the tables do not (staff, days)."""
    days = context["days"]

    def in_year(name: str) -> np.ndarray:
        return _in_period(cases, name, days)

    basis = case_basis(cases, days)
    discovered = np.isfinite(_np(cases, "discovered_day").astype(float))
    end_state = _np(cases, "end_state")
    end_level = _np(cases, "end_level")
    resolved = end_state == "resolved"
    ended = in_year("end_day")
    received, court = basis.received, basis.court
    low = basis.network_ended & np.isin(end_level, ("grid", "community"))
    duration = basis.resolution_days
    court_mediation = _np(cases, "court_mediation")
    mediated = court & np.isin(court_mediation, ("succeeded", "failed"))
    court_settled = court & (court_mediation == "succeeded")
    population = context["population"]
    backlog = _backlog(daily)
    row = {
        "population": population,
        "effective_scale": context["effective_scale"],
        "days": days,
        "n_arisen": int(in_year("arose_day").sum()),
        "n_discovered": int(in_year("discovered_day").sum()),
        "n_lapsed": int((ended & (end_state == "lapsed")).sum()),
        # open at the end: in somebody's hands, or latent (nobody has learned of it yet)
        "n_open_at_end": int(((end_state == "open") & discovered).sum()),
        "n_latent_at_end": int(((end_state == "open") & ~discovered).sum()),
        "received_by_centres": int(received.sum()),
        "resolved_by_centres": int(basis.resolved_by_centres.sum()),
        "centre_resolution_rate": _ratio(basis.resolved_by_centres.sum(), received.sum()),
        "resolved_by_grid_officers": int((ended & resolved & (end_level == "grid")).sum()),
        "share_resolved_at_community_or_below": _ratio(low.sum(), basis.network_ended.sum()),
        "resolution_days_median": _quantile(duration[basis.network_ended], 0.5),
        "resolution_days_p90": _quantile(duration[basis.network_ended], 0.9),
        "time_limit_compliance": _compliance(stays, days),
        "mean_wait_days": _mean(_np(stays, "wait_days")[_stays_in_year(stays, days)]),
        "backlog_mean": _mean(backlog),
        "backlog_end": int(backlog[-1]) if len(backlog) else 0,
        "court_cases": int(court.sum()),
        "court_cases_per_10k": 1e4 * float(court.sum()) / max(population, 1),
        "court_mediated": int(mediated.sum()),
        "court_mediation_successes": int(court_settled.sum()),
        "court_mediation_rate": _ratio(court_settled.sum(), mediated.sum()),
        "judged": int((ended & (end_state == "judged")).sum()),
        "withdrawn": int((ended & (end_state == "withdrawn")).sum()),
        "petitions": int(basis.petitions.sum()),
        "incidents": int(basis.incidents.sum()),
        "incidents_unseen": int((basis.incidents & ~discovered).sum()),
        "mean_distance_km": _mean(_finite(basis.distance_km[received])),
        "parties_received": int(_np(cases, "n_parties")[received].sum()),
        **_peoples_mediation(cases, stays, days),
        "money_received_yuan": float(_np(cases, "money_yuan")[received].sum()),
        # of disputes discovered in the period (the warm-up's are left out)
        "relapses": int(_np(cases, "n_relapses")[in_year("discovered_day")].sum()),
        "relapses_caught": int(_np(cases, "relapse_caught")[in_year("discovered_day")].sum()),
    }
    channel = _np(cases, "channel")
    found = in_year("discovered_day")
    for name in CHANNELS:  # how the disputes found in the period came to light
        row[f"found_by_{name}"] = int((found & (channel == name)).sum())
    for place in RESOLUTION_PLACES:  # where the disputes that ended resolved were settled
        row[f"resolved_at_{place}"] = int((ended & resolved & (end_level == place)).sum())
    stay_level = _np(stays, "level")
    stay_wait = _np(stays, "wait_days").astype(float)
    in_period = _stays_in_year(stays, days)
    for level in CENTRE_LEVELS:
        row[f"mean_wait_days_{level}"] = _mean(stay_wait[in_period & (stay_level == level)])
    row |= _first_sessions(stays, days)
    row |= _time_at_centres(cases, stays, days, received, ended & resolved)
    row |= _duty(context["duty_use"])
    row["grid_household_visits"] = context["grid_household_visits"]
    return row


@dataclass(frozen=True)
class CaseBasis:
    """Which disputes the case outcomes count, one mask per outcome (shared by the city
    summary and the tables by area, so that both count alike)."""

    received: np.ndarray  # received by the centres in the period
    resolved_by_centres: np.ndarray  # of those, resolved at a centre level by the end
    network_ended: np.ndarray  # resolved by grid officers or centres, ended in the period
    resolution_days: np.ndarray  # discovery to end, every dispute
    court: np.ndarray  # first reached the court in the period
    petitions: np.ndarray  # ended in the period as a petition
    incidents: np.ndarray  # ended in the period as a violent incident
    distance_km: np.ndarray  # home to the first centre (NaN: none), every dispute


def case_basis(cases: pa.Table, days: int) -> CaseBasis:
    end_state = _np(cases, "end_state")
    end_level = _np(cases, "end_level")
    resolved = end_state == "resolved"
    at_centre = np.isin(end_level, CENTRE_LEVELS)
    ended = _in_period(cases, "end_day", days)
    # A dispute that went straight to a specialised committee never entered a joint centre.
    received = _in_period(cases, "first_centre_day", days) & np.isin(
        _np(cases, "entry_level"), CENTRE_LEVELS
    )
    network = resolved & (at_centre | (end_level == "grid"))
    return CaseBasis(
        received=received,
        resolved_by_centres=received & resolved & at_centre,
        network_ended=network & ended,
        resolution_days=_np(cases, "end_day") - _np(cases, "discovered_day"),
        court=_in_period(cases, "court_day", days),
        petitions=ended & (end_state == "petition"),
        incidents=ended & (end_state == "incident"),
        distance_km=_np(cases, "distance_km").astype(float),
    )


def first_session_waits(stays: pa.Table, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Each stay's days from arrival to its first session, and which stays count (begun
    in the period, had a session)."""
    wait = _np(stays, "first_session_day").astype(float) - _np(stays, "entered_day")
    return wait, _stays_in_year(stays, days) & np.isfinite(wait)


def case_rows(cases: pa.Table, case_ids: np.ndarray) -> np.ndarray:
    """Row in ``cases`` of each case id (stays name their dispute by id)."""
    row_of = np.full(int(_np(cases, "case_id").max(initial=-1)) + 1, -1, dtype=np.int64)
    row_of[_np(cases, "case_id").astype(np.int64)] = np.arange(cases.num_rows)
    return row_of[np.asarray(case_ids, dtype=np.int64)]


def _first_sessions(stays: pa.Table, days: int) -> dict:
    """Mean and 90th percentile wait to the first session, per centre level."""
    wait, had = first_session_waits(stays, days)
    level = _np(stays, "level")
    row = {}
    for name in CENTRE_LEVELS:
        own = wait[had & (level == name)]
        row[f"wait_first_session_days_{name}"] = _mean(own)
        row[f"wait_first_session_p90_{name}"] = _quantile(own, 0.9)
    return row


def _time_at_centres(
    cases: pa.Table, stays: pa.Table, days: int, received: np.ndarray, resolved: np.ndarray
) -> dict:
    left = _np(stays, "left_day").astype(float)
    sessions = _np(stays, "n_sessions").astype(float)
    closed = _stays_in_year(stays, days) & np.isfinite(left) & (sessions > 0)
    elapsed = left[closed] - _np(stays, "entered_day")[closed]
    stage = {name: k for k, name in enumerate(STAGES)}
    stage_at_end = np.array([stage.get(s, -1) for s in _np(cases, "stage_at_end")])
    return {
        "days_per_session": _mean(elapsed / sessions[closed]),
        "sessions_per_case": _ratio(_np(cases, "n_sessions")[received].sum(), received.sum()),
        "mean_stage_at_resolution": _mean(stage_at_end[resolved].astype(float)),
        "hardened_waiting_share": _ratio(
            (_np(cases, "stage_rises_waiting")[received] > 0).sum(), received.sum()
        ),
    }


def _duty(use: dict[str, dict[str, float]]) -> dict:
    row = {}
    for place in DUTY_PLACES:
        hours = use[place]
        row[f"duty_hours_{place}"] = hours["available_hours"]
        row[f"utilisation_{place}"] = _ratio(hours["used_hours"], hours["available_hours"])
        row[f"workload_spread_{place}"] = hours["workload_spread"]
    return row


def _backlog(daily: pa.Table) -> np.ndarray:
    """Cases at centres at the end of each measured day."""
    measured = _np(daily, "day") >= 0
    levels = (_np(daily, f"in_{level}").astype(float)[measured] for level in CENTRE_LEVELS)
    return functools.reduce(np.add, levels)


def _in_period(table: pa.Table, name: str, days: int) -> np.ndarray:
    """Rows whose time in column ``name`` falls in the measured period [0, days)."""
    t = _np(table, name).astype(float)
    return (t >= 0) & (t < days)


def _stays_in_year(stays: pa.Table, days: int) -> np.ndarray:
    return _in_period(stays, "entered_day", days)


def _peoples_mediation(cases: pa.Table, stays: pa.Table, days: int) -> dict:
    """Cases, parties and money of the committees' registers (one case per stay)."""
    in_year = _stays_in_year(stays, days)
    rows = case_rows(cases, _np(stays, "case_id")[in_year])
    return {
        "peoples_mediation_cases": int(in_year.sum()),
        "peoples_mediation_parties": int(_np(cases, "n_parties")[rows].sum()),
        "peoples_mediation_money_yuan": float(_np(cases, "money_yuan")[rows].sum()),
    }


def _compliance(stays: pa.Table, days: int) -> float:
    """Share of closed stays with a time limit that ended within it: settled, failed or
    withdrawn by the deadline. A stay handed on because its time ran out did not meet
    the limit, although it left on the deadline day."""
    left = _np(stays, "left_day").astype(float)
    deadline = _np(stays, "deadline_day").astype(float)
    limited = np.isfinite(left) & _stays_in_year(stays, days) & np.isfinite(deadline)
    if not limited.any():  # committees have no time limit
        return float("nan")
    met = (left <= deadline + 1e-9) & (_np(stays, "outcome") != "timed_out")
    return float(np.mean(met[limited]))


def extra_outputs(summary: dict, cases: pa.Table, stays: pa.Table) -> dict:
    """Outputs beyond the summary row that validation compares with published figures
    (registered in :data:`sim.results.outcomes.EXTRA`), from the run's tables."""
    days = summary["days"]

    def in_period(table: pa.Table, name: str) -> np.ndarray:
        return _in_period(table, name, days)

    kind = _np(cases, "type")
    stay_level = _np(stays, "level")
    committee_stay = (stay_level == "committee") & in_period(stays, "entered_day")
    medical = kind[_np(stays, "case_id").astype(np.int64)] == "medical"
    settled = (
        (_np(cases, "end_level") == "committee")
        & (_np(cases, "end_state") == "resolved")
        & in_period(cases, "end_day")
    )
    grid = summary["resolved_by_grid_officers"]
    handled = summary["received_by_centres"] + grid
    return {
        "resolved_in_network": summary["resolved_by_centres"] + grid,
        "medical_committee_cases": int((committee_stay & medical).sum()),
        "medical_committee_resolved": int((settled & (kind == "medical")).sum()),
        "court_settled_share": _ratio(summary["court_mediation_successes"], summary["court_cases"]),
        "community_stays": int(
            ((stay_level == "community") & in_period(stays, "entered_day")).sum()
        ),
        "handled_including_grid": handled,
        "resolution_rate_including_grid": _ratio(summary["resolved_by_centres"] + grid, handled),
    }


def summary_table(row: dict) -> pa.Table:
    return pa.table({name: [value] for name, value in row.items()})
