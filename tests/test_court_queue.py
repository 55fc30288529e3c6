"""Validation: the court's computed queue against the same filings played out in SimPy.

The court books each filed case from its filing time and pre-drawn draws, without events
(sim/agents/court.py). Here the filings of a real run are replayed through SimPy, one
process per case: it waits for the summons, then takes the court mediator who can sit
first (on duty by the duty pattern's definition, scanned half-day by half-day from the
calendar, and free), sits, and waits for judgment if mediation failed. Every end time
must agree. The replay is independent code (no timetable, no appointment book), so a
mistake in the court's queue (order, free times, duty, calendar, judgment) fails this.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.agents.court import MEDIATION_FAILED, MEDIATION_SUCCEEDED, NOT_MEDIATED, Court
from sim.domain import END, LEVEL_COURT
from sim.engine.model import DisputeModel


def _court_draws(model, case_id: int) -> tuple[float, float, float, float]:
    """The draws the court used: a case's last attempt and session draws (the court is
    the last thing that happens to it)."""
    cases = model.cases
    ka = int(cases.n_attempt_draws_used[case_id]) - 1
    ks = int(cases.n_session_draws_used[case_id]) - 1
    return (
        float(cases.u_attempt[case_id, ka]),
        float(cases.u_failure[case_id, ka]),
        float(cases.e_session[case_id, ks]),
        float(cases.e_gap[case_id, ks]),
    )


def _next_on_duty(model, pattern, t: float) -> float:
    """First moment at or after ``t`` at which ``pattern`` is on duty, by a scan of the
    working half-days."""
    duty, calendar = model.scenario.duty, model.calendar
    half = duty.hours_per_day / 48.0
    index = int(calendar.is_workday[: max(int(t), 0)].sum()) * 2
    for day in range(max(int(t), 0), len(calendar.is_workday)):
        if not calendar.is_workday[day]:
            continue
        for k in range(2):
            begins = day + duty.day_start_hour / 24.0 + k * half
            if pattern.on_duty(index + k) and begins + half > t:
                return max(begins, t)
        index += 2
    return t


def _replay(model, filings: list[tuple[float, int]]) -> tuple[dict, dict, list]:
    """Per filed case, in SimPy: (end time, settled by mediation); (end of a mediation,
    court_mediation code); and (ready, start, hours) of every sitting."""
    rules = model.scenario.court
    threshold = 1.0 / (1.0 + np.exp(-rules.mediation_success_logit))
    duty = model.network.court_duty
    free = [0.0] * len(duty)
    env = simpy.Environment()
    ends: dict[int, tuple[float, bool]] = {}
    mediations: dict[int, tuple[float, int]] = {}
    sittings: list[tuple[float, float, float]] = []

    def case(filed: float, case_id: int):
        u_mediate, u_success, e_sitting, e_wait = _court_draws(model, case_id)
        yield env.timeout(filed)
        if u_mediate < rules.p_court_mediation:
            yield env.timeout(rules.summons_lead_days * model.cases.e_court_summons[case_id])
            starts = [
                _next_on_duty(model, p, max(env.now, f)) for p, f in zip(duty, free, strict=True)
            ]
            k = min(range(len(duty)), key=lambda m: (starts[m], duty[m], free[m], m))
            days = rules.mean_mediation_hours / 24.0 * e_sitting
            free[k] = starts[k] + days
            sittings.append((env.now, starts[k], days * 24.0))
            yield env.timeout(starts[k] + days - env.now)
            settled = u_success < threshold
            mediations[case_id] = (env.now, MEDIATION_SUCCEEDED if settled else MEDIATION_FAILED)
            if settled:
                ends[case_id] = (env.now, True)
                return
        yield env.timeout(rules.mean_days_to_judgment * e_wait)
        ends[case_id] = (env.now, False)

    for filed, case_id in sorted(filings):
        env.process(case(filed, case_id))
    env.run()
    return ends, mediations, sittings


def test_court_queue_matches_a_simpy_replay(small_scenario, monkeypatch):
    filings: list[tuple[float, int]] = []
    take_in = Court._take_in

    def spy(self, filed):
        filings.extend(filed)
        take_in(self, filed)

    monkeypatch.setattr(Court, "_take_in", spy)
    model = DisputeModel(small_scenario, seed=7).run()
    assert len(filings) > 500
    replayed, mediations, sittings = _replay(model, filings)
    cases = model.cases
    ids = np.array([case_id for _, case_id in filings])
    end = np.array([replayed[c][0] for c in ids])
    settled = np.array([replayed[c][1] for c in ids])
    done = end < model.days  # the model's run stops at its horizon
    assert done.sum() > 0.8 * len(ids)
    np.testing.assert_allclose(cases.end_day[ids[done]], end[done], rtol=0, atol=1e-6)
    assert (cases.end_level[ids[done]] == LEVEL_COURT).all()
    expected = np.where(settled[done], END["resolved"], END["judged"])
    np.testing.assert_array_equal(cases.end_state[ids[done]], expected)
    assert (cases.end_state[ids[~done]] == END["open"]).all()
    # A mediation is recorded once it has ended, also for cases still waiting for judgment.
    recorded = [
        mediations[c][1] if c in mediations and mediations[c][0] < model.days else NOT_MEDIATED
        for c in ids
    ]
    np.testing.assert_array_equal(cases.court_mediation[ids], recorded)
    # The session log holds every sitting of a case ready before the horizon (the court
    # books a day's ready cases at its close), with its start and hours.
    log = model.sessions
    court = np.isin(log.mediator, model.court.numbers)
    booked = sorted((start, hours) for ready, start, hours in sittings if ready < model.days)
    logged = sorted(zip(np.asarray(log.start)[court], np.asarray(log.hours)[court], strict=True))
    assert len(logged) == len(booked)
    np.testing.assert_allclose(booked, logged, atol=1e-9)
