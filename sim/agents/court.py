"""The court: the exit of the ladder. Mediates before trial, then judges."""

from __future__ import annotations

import heapq
import math

import mesa
import numpy as np

from sim.cases import LEVEL_COURT

# Values of CaseTable.court_mediation
NOT_MEDIATED, MEDIATION_SUCCEEDED, MEDIATION_FAILED = 0, 1, 2
# What happens at a time on the court's heap: mediation settles the case (and ends it),
# mediation fails (the case waits for judgment), or judgment ends the case.
SETTLED, JUDGED = 3, 4


class Court(mesa.Agent):
    """Court-annexed mediation by a pool of court mediators, else judgment after a delay.

    The mediators serve cases first come, first served. Nothing else competes for them and
    a case holds one from its turn to the end of its mediation, so everything about a case
    is known the moment it is filed: its turn is the earliest time a mediator is free (a
    heap of the times each mediator is next free), and its end follows from its pre-drawn
    session length and wait for judgment. A filed case therefore needs no SimPy event of
    its own. The day's filings are booked in time order when the model closes the day
    (nothing reads the court in between); ends go on a heap drained at each close, and a
    mediator's time counts from the session's start. This is the same queue as a SimPy
    resource and process per case, without their events (more than half of all events of
    a run), and gives the same floating-point times.
    """

    def __init__(self, model, n_mediators: int) -> None:
        super().__init__(model)
        self.n_mediators = n_mediators
        self.free_at = [model.env.now] * n_mediators  # a heap
        self.ending: list[tuple[float, int, int]] = []  # (time, case, what), a heap
        self.starting: list[tuple[float, float, float]] = []  # (start, filed, days), a heap
        self.filed: list[tuple[float, int]] = []  # (time, case) filed since the last close
        self.busy_days = 0.0  # mediator days of the sessions started so far
        self.n_filed = 0
        self.n_present = 0

    def file(self, case_id: int) -> None:
        """A case reaches the court now."""
        self.filed.append((self.model.env.now, case_id))

    def file_later_today(self, case_ids: np.ndarray, times: np.ndarray) -> None:
        """Lawsuits filed at ``times`` later today (known at the start of the day)."""
        self.filed.extend(zip(times.tolist(), case_ids.tolist(), strict=True))

    def _book(self, case_id: int, now: float) -> None:
        """Book the mediation (if any) and the end of a case filed at ``now``."""
        model, cases = self.model, self.model.cases
        rules = model.scenario.court
        self.n_filed += 1
        self.n_present += 1
        u_mediate, u_success = cases.next_attempt_draw(case_id)
        e_session, e_wait = cases.next_session_draw(case_id)
        at = now
        if self.n_mediators > 0 and u_mediate < rules.p_court_mediation:
            turn = max(now, heapq.heappop(self.free_at))
            opens = turn + model.calendar.delay_until_open(turn)
            days = rules.mean_mediation_days * e_session
            heapq.heappush(self.free_at, opens + days)
            if opens > now:
                at = now + (opens - now)  # as a SimPy timeout would add it
                heapq.heappush(self.starting, (at, now, days))
            else:
                self.busy_days += days
            at += days
            if u_success < _sigmoid(rules.mediation_success_logit):
                heapq.heappush(self.ending, (at, case_id, SETTLED))
                return
            heapq.heappush(self.ending, (at, case_id, MEDIATION_FAILED))
        heapq.heappush(self.ending, (at + rules.mean_days_to_judgment * e_wait, case_id, JUDGED))

    def close_day(self, until: float, final: bool = False) -> None:
        """Count the sessions started and end the cases decided before ``until`` (an
        integer time: the model's close of day). A session that starts exactly at
        ``until`` counts now if its case was filed before the previous day began, as
        the event order of a per-case SimPy process would have it; never at the end of
        the run, whose horizon SimPy does not process."""
        filed, self.filed = self.filed, []
        filed.sort(key=_time)  # stable: filings at the same time keep their order
        for now, case_id in filed:
            self._book(case_id, now)
        starting = self.starting
        while starting and (starting[0][0] < until or (
                not final and starting[0][0] == until and starting[0][1] < until - 1)):
            self.busy_days += heapq.heappop(starting)[2]
        ending, model = self.ending, self.model
        while ending and ending[0][0] < until:
            at, case_id, what = heapq.heappop(ending)
            if what == MEDIATION_FAILED:  # the case waits on for judgment
                model.cases.court_mediation[case_id] = MEDIATION_FAILED
                continue
            if what == SETTLED:
                model.cases.court_mediation[case_id] = MEDIATION_SUCCEEDED
            self.n_present -= 1
            model.finish(case_id, "resolved" if what == SETTLED else "judged", LEVEL_COURT,
                         at=at)


def _time(filing: tuple[float, int]) -> float:
    return filing[0]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
