"""The court: the exit of the ladder. Mediates before trial, then judges."""

from __future__ import annotations

import math

import mesa
import simpy

# Values of CaseTable.court_mediation
NOT_MEDIATED, MEDIATION_SUCCEEDED, MEDIATION_FAILED = 0, 1, 2


class Court(mesa.Agent):
    """Court-annexed mediation by a pool of court mediators, else judgment after a delay."""

    def __init__(self, model, n_mediators: int) -> None:
        super().__init__(model)
        self.n_mediators = n_mediators
        self.mediators = simpy.Resource(model.env, capacity=max(n_mediators, 1))
        self.busy_days = 0.0
        self.n_filed = 0
        self.n_present = 0

    def hear(self, case_id: int):
        """SimPy process: returns True if court mediation settled the case, else False
        (after a judgment)."""
        model, env, cases = self.model, self.model.env, self.model.cases
        rules = model.scenario.court
        self.n_filed += 1
        self.n_present += 1
        u_mediate, u_success = cases.next_attempt_draw(case_id)
        e_session, e_wait = cases.next_session_draw(case_id)
        settled = False
        if self.n_mediators > 0 and u_mediate < rules.p_court_mediation:
            with self.mediators.request() as request:
                yield request
                delay = model.calendar.delay_until_open(env.now)
                if delay > 0:
                    yield env.timeout(delay)
                days = rules.mean_mediation_days * e_session
                self.busy_days += days
                yield env.timeout(days)
            settled = u_success < _sigmoid(rules.mediation_success_logit)
            cases.court_mediation[case_id] = MEDIATION_SUCCEEDED if settled else MEDIATION_FAILED
        if not settled:
            yield env.timeout(rules.mean_days_to_judgment * e_wait)
        self.n_present -= 1
        return settled


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
