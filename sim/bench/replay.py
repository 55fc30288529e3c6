"""The same case flow through a bare SimPy model: the yardstick of the benchmark.

It replays a finished run's stays and court cases with nothing but SimPy: one process per
dispute that waits until its first centre stay and, for each session (the run's number),
waits the mean summons lead time or gap, takes a mediator from its centre's store and holds
the session for the mean session hours; it moves on to its next stay, and at the court
waits for the summons, takes a court mediator for the run's mediation share and then waits
for judgment. Mediators here are always on duty. No agents, no records, no calendar, no
timetable, no decisions: the time it takes is what SimPy alone costs for this flow, so
the ratio of a full run to it is the cost of everything the model adds.
"""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa
import simpy

from sim.config import Scenario
from sim.results.simulation import simpy_events


def replay_seconds(
    cases: pa.Table,
    stays: pa.Table,
    scenario: Scenario,
    mediators_by_centre: dict[int, int],
    court_mediators: int,
) -> tuple[float, int]:
    """Wall seconds and SimPy events of the bare replay of one run's tables."""
    plan = _plan(cases, stays)
    rng = np.random.default_rng(0)
    env = simpy.Environment()
    stores = {}
    for centre, n in mediators_by_centre.items():
        store = simpy.Store(env)
        store.items.extend(range(max(n, 1)))
        stores[centre] = store
    court = simpy.Resource(env, capacity=max(court_mediators, 1))
    handling = scenario.handling
    session = np.mean(list(handling.mean_session_hours_by_level.values())) / 24.0
    lead = np.mean(list(handling.summons_lead_days_by_level.values()))
    gap, rules = (lead, handling.mean_gap_days), scenario.court
    started = time.perf_counter()
    for start, visits, court_day, mediated in plan:
        env.process(
            _dispute(
                env, stores, court, start, visits, court_day, mediated, rng, session, gap, rules
            )
        )
    env.run()
    return time.perf_counter() - started, simpy_events(env)


def _dispute(env, stores, court, start, visits, court_day, mediated, rng, session, gap, rules):
    yield env.timeout(start)
    lead, between = gap
    for centre, sessions in visits:
        for k in range(sessions):
            yield env.timeout((lead if k == 0 else between) * rng.exponential())
            mediator = yield stores[centre].get()
            yield env.timeout(session * rng.exponential())
            stores[centre].put(mediator)
    if court_day is not None:
        if court_day > env.now:
            yield env.timeout(court_day - env.now)
        if mediated:
            yield env.timeout(rules.summons_lead_days * rng.exponential())
            with court.request() as request:
                yield request
                yield env.timeout(rules.mean_mediation_hours / 24.0 * rng.exponential())
        yield env.timeout(rules.mean_days_to_judgment * rng.exponential())


def _plan(cases: pa.Table, stays: pa.Table) -> list:
    """Per dispute with a stay or a court day: start, [(centre, sessions)], court day."""
    visits: dict[int, list] = {}
    starts: dict[int, float] = {}
    order = np.argsort(stays.column("entered_day").to_numpy())
    case_ids = stays.column("case_id").to_numpy()[order]
    centres = stays.column("centre").to_numpy()[order]
    sessions = stays.column("n_sessions").to_numpy()[order]
    entered = stays.column("entered_day").to_numpy()[order]
    for case, centre, n, day in zip(
        case_ids.tolist(), centres.tolist(), sessions.tolist(), entered.tolist(), strict=True
    ):
        visits.setdefault(case, []).append((centre, max(int(n), 1)))
        starts.setdefault(case, day)
    court_day = cases.column("court_day").to_numpy(zero_copy_only=False).astype(float)
    mediation = cases.column("court_mediation").cast(pa.string()).to_numpy(zero_copy_only=False)
    ids = cases.column("case_id").to_numpy()
    plan = []
    for row, case in enumerate(ids.tolist()):
        at_court = np.isfinite(court_day[row])
        if case not in visits and not at_court:
            continue
        start = starts.get(case, court_day[row])
        plan.append(
            (
                start,
                visits.get(case, []),
                court_day[row] if at_court else None,
                mediation[row] in ("succeeded", "failed"),
            )
        )
    plan.sort(key=lambda p: p[0])
    origin = plan[0][0] if plan else 0.0  # the warm-up has negative days: start at zero
    return [
        (start - origin, visits, None if court is None else court - origin, mediated)
        for start, visits, court, mediated in plan
    ]
