"""What a run cost, in yuan: the quantities a run used, priced by the scenario's [costs].

Two steps, so that each can be checked on its own: :func:`cost_quantities` counts what the
run used (mediators by level and duty, grid officers, rooms, department and roving-team
days, subsidised cases, court mediations and judgments, the parties' trips and sessions),
and :func:`priced` multiplies by the prices. Annual items (staff, rooms) are prorated to the
measured period; per-event items count the events of the period. The public cost is the
sum of the public items; the parties' cost (travel, days of work lost) is kept apart, as
nobody's budget pays it. Every item is a column of the summary row (``cost_*_yuan``).

Counting rules: a mediator's pay comes from its duty pattern (full time; part time by its
weekly half-days; on call as a retainer); court mediators are the court's and are priced
per court mediation instead. A room is an open community room (a roving team is not a
room). A department day is a day a department's staff sit at a county centre: every
working day when resident, its rota's days when rotating, one day per case it is called to
when on call (cases at the county centre, and 'whistle' cases at community rooms). Parties
travel to and from each session, from home to the centre (a roving team comes to the
village).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from sim.city.duty import FULL_TIME, ON_CALL
from sim.config import CostsConfig
from sim.domain import COMPLEXITIES, DISPUTE_TYPES, RESOLUTION_PLACES, level_code
from sim.results.arrays import column as _np
from sim.results.outcomes import PARTY_COST_ITEMS, PUBLIC_COST_ITEMS

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

DAYS_PER_YEAR = 365.0
PAID_PLACES = ("community", "township", "county", "city", "committee")
DEPARTMENT_MODES = ("resident", "rotating", "on_call")
COMMUNITY, COUNTY = level_code("community"), level_code("county")

PUBLIC_ITEMS = tuple(name for name, _, _ in PUBLIC_COST_ITEMS)
PARTY_ITEMS = tuple(name for name, _, _ in PARTY_COST_ITEMS)
TOTALS = ("cost_public_yuan", "cost_parties_yuan", "cost_per_resolved_yuan")
COST_COLUMNS = (*PUBLIC_ITEMS, *PARTY_ITEMS, *TOTALS)


@dataclass(frozen=True)
class CostQuantities:
    """What a run used in its measured period (staff counts are headcounts at its end)."""

    days: int
    full_time: dict[str, int]  # by paid place
    part_time_half_days: dict[str, int]  # weekly half-days of all part-timers, by place
    on_call: dict[str, int]
    grid_officers: int
    rooms: int
    department_days: dict[str, float]  # by mode
    roving_team_days: int
    subsidised_cases: dict[str, int]  # by complexity
    court_mediations: int
    judgments: int
    party_km: float  # both ways, every session, every party
    party_sessions: int  # sessions times parties
    court_mediation_parties: int
    judgment_parties: int

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def cost_quantities(
    model: DisputeModel, cases: pa.Table, stays: pa.Table, summary: dict
) -> CostQuantities:
    """Count what the run used (``summary``: the run's summary row)."""
    days = int(summary["days"])
    in_period = _in_period(stays, "entered_day", days)
    full_time, part_time_half_days, on_call = _mediators(model)
    trips = _party_trips(model, stays, in_period)
    court = _court_parties(cases, days)
    return CostQuantities(
        days=days,
        full_time=full_time,
        part_time_half_days=part_time_half_days,
        on_call=on_call,
        grid_officers=int(model.network.staff.grid_officers.sum()),
        rooms=sum(
            1 for c in model.centres if c.level == COMMUNITY and c.roving is None and c.is_open
        ),
        department_days=_department_days(model, cases, stays, in_period),
        roving_team_days=_roving_days(model),
        subsidised_cases=_subsidised(model.scenario.costs, cases, stays, days),
        court_mediations=int(summary["court_mediated"]),
        judgments=int(summary["judged"]),
        party_km=float(trips["party_km"]),
        party_sessions=int(trips["party_sessions"]),
        court_mediation_parties=court["court_mediation_parties"],
        judgment_parties=court["judgment_parties"],
    )


def priced(config: CostsConfig, q: CostQuantities, resolved: int) -> dict[str, float]:
    """Every cost column: items, public and parties' totals, public cost per resolved
    dispute (``resolved``: disputes resolved in the period, anywhere)."""
    year = q.days / DAYS_PER_YEAR
    room_year = config.room_running_yuan + config.room_opening_yuan / config.room_life_years
    row = {
        "cost_full_time_mediators_yuan": year * _dot(config.full_time_mediator_yuan, q.full_time),
        "cost_part_time_mediators_yuan": year
        * _dot(config.part_time_half_day_yuan, q.part_time_half_days),
        "cost_on_call_mediators_yuan": year * _dot(config.on_call_mediator_yuan, q.on_call),
        "cost_case_subsidies_yuan": _dot(config.subsidy_per_case_yuan, q.subsidised_cases),
        "cost_grid_officers_yuan": year * config.grid_officer_yuan * q.grid_officers,
        "cost_rooms_yuan": year * room_year * q.rooms,
        "cost_department_days_yuan": _dot(config.department_day_yuan, q.department_days),
        "cost_roving_days_yuan": config.roving_team_day_yuan * q.roving_team_days,
        "cost_court_mediations_yuan": config.court_mediation_yuan * q.court_mediations,
        "cost_judgments_yuan": config.judgment_yuan * q.judgments,
        "cost_party_travel_yuan": config.party_yuan_per_km * q.party_km,
        "cost_party_time_yuan": config.party_day_yuan
        * (
            config.party_days_per_session * q.party_sessions
            + config.party_days_court["mediation"] * q.court_mediation_parties
            + config.party_days_court["judgment"] * q.judgment_parties
        ),
    }
    row = {k: float(v) for k, v in row.items()}
    public = sum(row[name] for name in PUBLIC_ITEMS)
    row["cost_public_yuan"] = public
    row["cost_parties_yuan"] = sum(row[name] for name in PARTY_ITEMS)
    row["cost_per_resolved_yuan"] = public / resolved if resolved > 0 else float("nan")
    return row


def run_costs(model: DisputeModel, cases: pa.Table, stays: pa.Table, summary: dict) -> dict:
    """The cost columns of a run's summary row."""
    resolved = sum(int(summary[f"resolved_at_{place}"]) for place in RESOLUTION_PLACES)
    quantities = cost_quantities(model, cases, stays, summary)
    return priced(model.scenario.costs, quantities, resolved)


def _dot(prices: Mapping[Any, float], counts: Mapping[str, float]) -> float:
    return float(sum(prices[k] * counts[k] for k in counts))


def _mediators(model: DisputeModel) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Headcounts by paid place and duty kind, from the mediators' duty patterns."""
    full = dict.fromkeys(PAID_PLACES, 0)
    half_days = dict.fromkeys(PAID_PLACES, 0)
    on_call = dict.fromkeys(PAID_PLACES, 0)
    log = model.sessions
    for code, pattern in zip(log.mediator_level, log.mediator_duty, strict=True):
        place = RESOLUTION_PLACES[code]
        if place not in full:  # the court's own mediators
            continue
        if pattern.kind == FULL_TIME:
            full[place] += 1
        elif pattern.kind == ON_CALL:
            on_call[place] += 1
        else:
            half_days[place] += pattern.half_days
    return full, half_days, on_call


def _department_days(
    model: DisputeModel, cases: pa.Table, stays: pa.Table, in_period: np.ndarray
) -> dict[str, float]:
    days = dict.fromkeys(DEPARTMENT_MODES, 0.0)
    configs = model.scenario.departments
    if not configs:
        return days
    t0, t1 = model.warmup, model.days
    counties = [c for c in model.centres if c.level == COUNTY and c.is_open]
    workdays = float(model.calendar.is_workday[t0:t1].sum())
    owner = {t: d for d, config in enumerate(configs) for t in config.types}
    kind = _np(cases, "type")[_np(stays, "case_id").astype(np.int64)]
    level = _np(stays, "level")
    # a roving team's cases wait for its round, never for a department (engine/departments)
    roving = np.array([s.round is not None for s in model.network.sites], dtype=bool)
    at_room = ~roving[_np(stays, "centre").astype(np.int64)]
    whistle = set(model.scenario.handling.whistle_types)
    for d, config in enumerate(configs):
        if config.mode == "resident":
            days["resident"] += workdays * len(counties)
        elif config.mode == "rotating":
            days["rotating"] += sum(
                float(model.departments.rotation[(d, c.index)].present[t0:t1].sum())
                for c in counties
            )
        own = np.isin(kind, [t for t in DISPUTE_TYPES if owner.get(t) == d])
        called = own & in_period & (level == "county") if config.mode == "on_call" else False
        whistled = own & in_period & (level == "community") & at_room & np.isin(kind, list(whistle))
        days["on_call"] += float(np.sum(called)) + float(np.sum(whistled))
    return days


def _roving_days(model: DisputeModel) -> int:
    """Working days on which a team is out on its round, in the measured period."""
    t0, t1 = model.warmup, model.days
    return int(sum(team.visits[t0:t1].any(axis=1).sum() for team in model.roving_teams))


def _subsidised(config: CostsConfig, cases: pa.Table, stays: pa.Table, days: int) -> dict:
    """Centre and committee cases that earn the per-case subsidy, by complexity."""
    level = _np(stays, "level")
    paid = np.isin(level, PAID_PLACES)
    if config.subsidy_paid_for == "resolved":
        paid &= _in_period(stays, "left_day", days) & (_np(stays, "outcome") == "resolved")
    else:
        paid &= _in_period(stays, "entered_day", days)
    complexity = _np(cases, "complexity")[_np(stays, "case_id").astype(np.int64)[paid]]
    return {c: int(np.sum(complexity == c)) for c in COMPLEXITIES}


def _party_trips(model: DisputeModel, stays: pa.Table, in_period: np.ndarray) -> dict[str, float]:
    """Kilometres (there and back) and party-sessions of the sessions of stays begun in
    the period."""
    case_id = _np(stays, "case_id").astype(np.int64)[in_period]
    centre = _np(stays, "centre").astype(np.int64)[in_period]
    sessions = _np(stays, "n_sessions").astype(float)[in_period]
    parties = model.cases.n_parties[case_id].astype(float)
    community = model.cases.community[case_id].astype(np.int64)
    network, geo = model.network, model.network.geography
    x = np.array([s.x_km for s in network.sites], dtype=float)
    y = np.array([s.y_km for s in network.sites], dtype=float)
    roving = np.array([s.round is not None for s in network.sites], dtype=bool)
    away = np.hypot(geo.x_km[community] - x[centre], geo.y_km[community] - y[centre])
    one_way = np.where(roving[centre], 0.0, away) + network.intra_km[community]
    return {
        "party_km": float(np.sum(2.0 * one_way * sessions * parties)),
        "party_sessions": float(np.sum(sessions * parties)),
    }


def _court_parties(cases: pa.Table, days: int) -> dict[str, int]:
    parties = _np(cases, "n_parties").astype(np.int64)
    mediated = _in_period(cases, "court_day", days) & np.isin(
        _np(cases, "court_mediation"), ("succeeded", "failed")
    )
    judged = _in_period(cases, "end_day", days) & (_np(cases, "end_state") == "judged")
    return {
        "court_mediation_parties": int(parties[mediated].sum()),
        "judgment_parties": int(parties[judged].sum()),
    }


def _in_period(table: pa.Table, name: str, days: int) -> np.ndarray:
    t = _np(table, name).astype(float)
    return (t >= 0) & (t < days)
