"""Outcomes a planner reads, computed from the record tables of one run.

Definitions (as the publications count them, where they say):
- received by the centres: distinct disputes that had at least one stay at a centre of
  any level (community room to city), whatever channel brought them;
- resolved by the centres: of those, the disputes that ended resolved at a centre level;
- resolved at community level or below: resolved by a grid officer or a community room,
  as a share of all disputes resolved by grid officers and centres;
- time to resolution: discovery to the end, for disputes resolved by grid or centres;
- time-limit compliance: share of closed centre stays that closed by their deadline;
- utilisation: mediator session time over mediator working days, per level.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sim.cases import CENTRE_LEVELS

SUMMARY_DOC = __doc__


def _np(table: pa.Table, name: str) -> np.ndarray:
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    return column.to_numpy(zero_copy_only=False)


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if len(values) else float("nan")


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def summarise(cases: pa.Table, stays: pa.Table, daily: pa.Table, context: dict) -> dict:
    """One row of outcomes; ``context`` holds run facts the tables do not (staff, days)."""
    end_state = _np(cases, "end_state")
    end_level = _np(cases, "end_level")
    resolved = end_state == "resolved"
    at_centre = np.isin(end_level, CENTRE_LEVELS)
    received = np.zeros(len(end_state), dtype=bool)
    for level in CENTRE_LEVELS:
        received |= _np(cases, f"visited_{level}")
    by_network = resolved & (at_centre | (end_level == "grid"))
    low = resolved & np.isin(end_level, ("grid", "community"))
    duration = _np(cases, "end_day") - _np(cases, "discovered_day")
    court = _np(cases, "visited_court")
    court_mediation = _np(cases, "court_mediation")
    population = context["population"]
    row = {
        "population": population,
        "effective_scale": context["effective_scale"],
        "days": context["days"],
        "n_arisen": len(end_state),
        "n_discovered": int(np.isfinite(_np(cases, "discovered_day")).sum()),
        "n_lapsed": int((end_state == "lapsed").sum()),
        "n_open_at_end": int((end_state == "open").sum()),
        "received_by_centres": int(received.sum()),
        "resolved_by_centres": int((resolved & at_centre).sum()),
        "centre_resolution_rate": _ratio((resolved & at_centre).sum(), received.sum()),
        "resolved_by_grid_officers": int((resolved & (end_level == "grid")).sum()),
        "share_resolved_at_community_or_below": _ratio(low.sum(), by_network.sum()),
        "resolution_days_median": _quantile(duration[by_network], 0.5),
        "resolution_days_p90": _quantile(duration[by_network], 0.9),
        "time_limit_compliance": _compliance(stays),
        "mean_wait_days": _mean(_np(stays, "wait_days")),
        "backlog_mean": _mean(_backlog(daily)),
        "backlog_end": int(_backlog(daily)[-1]) if daily.num_rows else 0,
        "court_cases": int(court.sum()),
        "court_cases_per_10k": 1e4 * float(court.sum()) / max(population, 1),
        "court_mediated": int(np.isin(court_mediation, ("succeeded", "failed")).sum()),
        "court_mediation_successes": int((court_mediation == "succeeded").sum()),
        "court_mediation_rate": _ratio((court_mediation == "succeeded").sum(),
                                       np.isin(court_mediation, ("succeeded", "failed")).sum()),
        "judged": int((end_state == "judged").sum()),
        "withdrawn": int((end_state == "withdrawn").sum()),
        "petitions": int((end_state == "petition").sum()),
        "incidents": int((end_state == "incident").sum()),
        "mean_distance_km": _mean(_finite(_np(cases, "distance_km"))),
        "parties_received": int(_np(cases, "n_parties")[received].sum()),
        "money_received_yuan": float(_np(cases, "money_yuan")[received].sum()),
    }
    for level in CENTRE_LEVELS:
        available = context["mediators_by_level"][level] * context["working_days"]
        row[f"utilisation_{level}"] = _ratio(context["busy_days_by_level"][level], available)
    row["utilisation_court"] = _ratio(context["court_busy_days"],
                                      context["court_mediators"] * context["working_days"])
    return row


def _ratio(numerator, denominator) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")


def _finite(values: np.ndarray) -> np.ndarray:
    values = values.astype(float)
    return values[np.isfinite(values)]


def _backlog(daily: pa.Table) -> np.ndarray:
    return sum(_np(daily, f"in_{level}").astype(float) for level in CENTRE_LEVELS)


def _compliance(stays: pa.Table) -> float:
    left = _np(stays, "left_day").astype(float)
    closed = np.isfinite(left)
    if not closed.any():
        return float("nan")
    deadline = _np(stays, "deadline_day")[closed]
    return float(np.mean(left[closed] <= deadline + 1e-9))


def summary_table(row: dict) -> pa.Table:
    return pa.table({name: [value] for name, value in row.items()})
