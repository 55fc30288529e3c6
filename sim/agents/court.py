"""The court: the exit of the ladder. Mediates before trial, then judges."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.domain import END, LEVEL_COURT

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

# Values of CaseTable.court_mediation
NOT_MEDIATED, MEDIATION_SUCCEEDED, MEDIATION_FAILED = 0, 1, 2
# What happens at a time in the court's book of ends (distinct from the values above):
# mediation settles the case (and ends it), mediation fails (the case waits for
# judgment), or judgment ends the case.
SETTLED, JUDGED = 3, 4


class Court(mesa.Agent):
    """Court-annexed mediation by a pool of court mediators, else judgment after a delay.

    The mediators serve cases first come, first served. Nothing else competes for them and
    a case holds one from its turn to the end of its mediation, so everything about a case
    is known the moment it is filed: its turn is the earliest time a mediator is free (a
    heap of the times each mediator is next free), and its end follows from its pre-drawn
    session length and wait for judgment. A filed case therefore needs no SimPy event of
    its own. The day's filings are booked in time order when the model closes the day
    (nothing reads the court in between); ends are kept by day and handled at that day's
    close, and a mediator's time counts from the session's start. This is the same queue
    as a SimPy resource and a process per case (tests/test_court_queue.py plays a run's
    filings through one), without their events: more than half of a run's events.
    """

    def __init__(self, model: DisputeModel, n_mediators: int) -> None:
        super().__init__(model)
        self.n_mediators = n_mediators
        self.free_at = [model.env.now] * n_mediators  # a heap
        # (time, case, what) by the day they happen on; a day's are handled together
        self.ending: defaultdict[int, list[tuple[float, int, int]]] = defaultdict(list)
        self.starting: list[tuple[float, float, float]] = []  # (start, filed, days), a heap
        self.filed: list[tuple[float, int]] = []  # (time, case) filed since the last close
        self.busy_days = 0.0  # mediator days of the sessions started so far
        self.n_present = 0

    def file(self, case_id: int) -> None:
        """A case reaches the court now."""
        self.filed.append((self.model.env.now, case_id))

    def file_later_today(self, case_ids: np.ndarray, times: np.ndarray) -> None:
        """Lawsuits filed at ``times`` later today (known at the start of the day)."""
        self.filed.extend(zip(times.tolist(), case_ids.tolist(), strict=True))

    def close_day(self, until: int, final: bool = False) -> None:
        """Book the day's filings, count the sessions started and end the cases decided
        before ``until`` (an integer time: the model's close of day)."""
        if self.filed:
            filed, self.filed = self.filed, []
            filed.sort(key=_time)  # stable: filings at the same time keep their order
            self._book(filed)
        self._count_started(until, final)
        self._end_decided(until)

    def _book(self, filed: list[tuple[float, int]]) -> None:
        """Book the mediation (if any) and the end of each filed case, in filing order."""
        cases, rules = self.model.cases, self.model.scenario.court
        times = [now for now, _ in filed]
        ids = np.array([case_id for _, case_id in filed], dtype=np.int64)
        self.n_present += len(ids)
        u_mediate, u_success = cases.next_attempt_draws(ids)
        e_session, e_wait = cases.next_session_draws(ids)
        mediated = (u_mediate < rules.p_court_mediation) & (self.n_mediators > 0)
        settles = u_success < _sigmoid(rules.mediation_success_logit)
        mediation_days = rules.mean_mediation_days * e_session
        judgment_days = rules.mean_days_to_judgment * e_wait
        delay_until_open = self.model.calendar.delay_until_open
        free_at, starting, ending = self.free_at, self.starting, self.ending
        for now, case_id, mediate, settled, days, wait in zip(
            times,
            ids.tolist(),
            mediated.tolist(),
            settles.tolist(),
            mediation_days.tolist(),
            judgment_days.tolist(),
            strict=True,
        ):
            at = now
            if mediate:
                turn = max(now, heapq.heappop(free_at))
                opens = turn + delay_until_open(turn)
                heapq.heappush(free_at, opens + days)
                if opens > now:
                    at = now + (opens - now)  # as a SimPy timeout would add it
                    heapq.heappush(starting, (at, now, days))
                else:
                    self.busy_days += days
                at += days
                if settled:
                    ending[int(at)].append((at, case_id, SETTLED))
                    continue
                ending[int(at)].append((at, case_id, MEDIATION_FAILED))
            at += wait
            ending[int(at)].append((at, case_id, JUDGED))

    def _count_started(self, until: float, final: bool) -> None:
        """Mediator time of the sessions started before ``until``. One that starts exactly
        at ``until`` counts now if its case was filed before the previous day began, as
        the event order of a per-case SimPy process would have it; never at the end of
        the run, whose horizon SimPy does not process."""
        starting = self.starting
        while starting and (
            starting[0][0] < until
            or (not final and starting[0][0] == until and starting[0][1] < until - 1)
        ):
            self.busy_days += heapq.heappop(starting)[2]

    def _end_decided(self, until: int) -> None:
        """Record the mediations and end the cases decided before ``until`` (all earlier
        days are done: a case is booked on the day it is filed, and ends no earlier)."""
        done = self.ending.pop(until - 1, None)
        if not done:
            return
        at, case_ids, what = (np.array(column) for column in zip(*done, strict=True))
        cases = self.model.cases
        failed, settled = what == MEDIATION_FAILED, what == SETTLED
        cases.court_mediation[case_ids[failed]] = MEDIATION_FAILED  # waits on for judgment
        cases.court_mediation[case_ids[settled]] = MEDIATION_SUCCEEDED
        ends = ~failed
        self.n_present -= int(ends.sum())
        state = np.where(settled[ends], END["resolved"], END["judged"])
        self.model.finish_many(case_ids[ends], state, LEVEL_COURT, at[ends])


def _time(filing: tuple[float, int]) -> float:
    return filing[0]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
