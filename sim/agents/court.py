"""The court: the exit of the ladder. Mediates before trial, then judges."""

from __future__ import annotations

import heapq
import math

import mesa

# Values of CaseTable.court_mediation
NOT_MEDIATED, MEDIATION_SUCCEEDED, MEDIATION_FAILED = 0, 1, 2


class Court(mesa.Agent):
    """Court-annexed mediation by a pool of court mediators, else judgment after a delay.

    The mediators serve cases first come, first served. Nothing else competes for them and
    a case holds one from its turn to the end of its mediation, so each case's turn is known
    when it arrives: the earliest time a mediator is free (a heap of the times each mediator
    is next free). This is the same queue as a SimPy resource, without its request and
    release events (about a sixth of all events of a run).
    """

    def __init__(self, model, n_mediators: int) -> None:
        super().__init__(model)
        self.n_mediators = n_mediators
        self.free_at = [model.env.now] * n_mediators  # a heap
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
            turn = max(env.now, heapq.heappop(self.free_at))
            opens = turn + model.calendar.delay_until_open(turn)
            days = rules.mean_mediation_days * e_session
            heapq.heappush(self.free_at, opens + days)
            if opens > env.now:
                yield env.timeout(opens - env.now)
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
