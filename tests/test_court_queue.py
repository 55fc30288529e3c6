"""Validation: the court's computed queue against the same filings played out in SimPy.

The court books each filed case from its filing time and pre-drawn draws, without events
(sim/agents/court.py). Here the filings of a real run are replayed through a plain SimPy
Resource with the court's number of mediators (first come, first served, sessions only
when the courts are open); every end time must agree. The replay is independent code,
so a mistake in the court's queue (order, free times, calendar, judgment) fails this.
"""

from __future__ import annotations

import numpy as np
import pytest
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


def _replay(model, filings: list[tuple[float, int]]) -> tuple[dict, dict, list]:
    """Per filed case, in SimPy: (end time, settled by mediation); (end of a mediation,
    court_mediation code); and (start, length) of every mediation session."""
    rules, calendar = model.scenario.court, model.calendar
    threshold = 1.0 / (1.0 + np.exp(-rules.mediation_success_logit))
    env = simpy.Environment()
    mediators = simpy.Resource(env, capacity=model.court.n_mediators)
    ends: dict[int, tuple[float, bool]] = {}
    mediations: dict[int, tuple[float, int]] = {}
    sessions: list[tuple[float, float]] = []

    def case(filed: float, case_id: int):
        u_mediate, u_success, e_session, e_wait = _court_draws(model, case_id)
        yield env.timeout(filed)
        if u_mediate < rules.p_court_mediation:
            with mediators.request() as turn:
                yield turn
                closed = calendar.delay_until_open(env.now)
                if closed > 0:
                    yield env.timeout(closed)
                sessions.append((env.now, rules.mean_mediation_days * e_session))
                yield env.timeout(rules.mean_mediation_days * e_session)
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
    return ends, mediations, sessions


def test_court_queue_matches_a_simpy_resource(small_scenario, monkeypatch):
    filings: list[tuple[float, int]] = []
    book = Court._book

    def spy(self, filed):
        filings.extend(filed)
        book(self, filed)

    monkeypatch.setattr(Court, "_book", spy)
    model = DisputeModel(small_scenario, seed=7).run()
    assert len(filings) > 500  # enough cases that the mediators queue
    replayed, mediations, sessions = _replay(model, filings)
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
    # Mediator time counts from each session's start.
    started = sum(days for start, days in sessions if start < model.days)
    assert model.court.busy_days == pytest.approx(started, rel=1e-12)
