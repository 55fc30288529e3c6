"""The court: the exit of the ladder. Mediates before trial, then judges."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.domain import END, HOURS_PER_DAY, LEVEL_COURT
from sim.engine.appointments import AppointmentBook

if TYPE_CHECKING:
    from sim.city.duty import DutyPattern
    from sim.engine.model import DisputeModel


# Values of CaseTable.court_mediation
NOT_MEDIATED, MEDIATION_SUCCEEDED, MEDIATION_FAILED = 0, 1, 2
# What happens at a time in the court's book of ends (distinct from the values above):
# mediation settles the case (and ends it), mediation fails (the case waits for
# judgment), or judgment ends the case.
SETTLED, JUDGED = 3, 4


class Court(mesa.Agent):
    """Court-annexed mediation by court mediators on duty, else judgment after a delay.

    A filed case put to mediation summons its parties: after the summons lead time it
    books the first duty half-day in which a court mediator is free (an appointment book,
    as at the centres) for one sitting. Nothing else competes for court mediators, so
    everything about a case is known once it is booked: its sitting and its end follow
    from its pre-drawn lead time, sitting length and wait for judgment. A filed case
    therefore needs no SimPy event of its own. Cases are booked in the order they become
    ready, when the model closes the day of that moment (nothing reads the court in
    between); ends are kept by day and handled at that day's close. This is the queue a
    SimPy process per case would give (tests/test_court_queue.py plays a run's filings
    through one), without their events: more than half of a run's events.
    """

    def __init__(self, model: DisputeModel, duty: tuple[DutyPattern, ...]) -> None:
        super().__init__(model)
        self.n_mediators = len(duty)
        self.book = AppointmentBook(model.timetable, duty, 0.0)
        self.numbers = [model.sessions.add_mediator(LEVEL_COURT, pattern) for pattern in duty]
        # (time, case, what) by the day they happen on; a day's are handled together
        self.ending: defaultdict[int, list[tuple[float, int, int]]] = defaultdict(list)
        # (ready, order, case, settles, sitting days, judgment days): summoned, not booked
        self.summoned: list[tuple[float, int, int, bool, float, float]] = []
        self.n_summoned = 0
        self.filed: list[tuple[float, int]] = []  # (time, case) filed since the last close
        self.n_present = 0

    def file(self, case_id: int) -> None:
        """A case reaches the court now."""
        self.filed.append((self.model.env.now, case_id))

    def file_later_today(self, case_ids: np.ndarray, times: np.ndarray) -> None:
        """Lawsuits filed at ``times`` later today (known at the start of the day)."""
        self.filed.extend(zip(times.tolist(), case_ids.tolist(), strict=True))

    def close_day(self, until: int, final: bool = False) -> None:
        """Take in the day's filings, book the sittings of the cases ready before ``until``
        (an integer time: the model's close of day) and end the cases decided before it."""
        if self.filed:
            filed, self.filed = self.filed, []
            filed.sort(key=_time)  # stable: filings at the same time keep their order
            self._take_in(filed)
        self._book_ready(until)
        self._end_decided(until)

    def _take_in(self, filed: list[tuple[float, int]]) -> None:
        """Summon the parties of the cases put to mediation; the others wait for judgment."""
        cases, rules = self.model.cases, self.model.scenario.court
        times = np.array([now for now, _ in filed])
        ids = np.array([case_id for _, case_id in filed], dtype=np.int64)
        self.n_present += len(ids)
        u_mediate, u_success = cases.next_attempt_draws(ids)
        e_sitting, e_wait = cases.next_session_draws(ids)
        mediated = (u_mediate < rules.p_court_mediation) & (self.n_mediators > 0)
        settles = u_success < _sigmoid(rules.mediation_success_logit)
        ready = times + rules.summons_lead_days * cases.e_court_summons[ids]
        sitting_days = rules.mean_mediation_hours / HOURS_PER_DAY * e_sitting
        judgment_days = rules.mean_days_to_judgment * e_wait
        for now, at, case_id, mediate, settled, days, wait in zip(
            times.tolist(),
            ready.tolist(),
            ids.tolist(),
            mediated.tolist(),
            settles.tolist(),
            sitting_days.tolist(),
            judgment_days.tolist(),
            strict=True,
        ):
            if mediate:
                self.n_summoned += 1
                heapq.heappush(self.summoned, (at, self.n_summoned, case_id, settled, days, wait))
            else:
                self._end_at(now + wait, case_id, JUDGED)

    def _book_ready(self, until: int) -> None:
        """Book, in the order they became ready, the sittings of cases ready before
        ``until``; record each sitting and the case's end."""
        summoned, book, log = self.summoned, self.book, self.model.sessions
        while summoned and summoned[0][0] < until:
            ready, _, case_id, settled, days, wait = heapq.heappop(summoned)
            start, mediator = book.book(ready, days, math.inf)  # type: ignore[misc]
            log.held(self.numbers[mediator], LEVEL_COURT, start, days * HOURS_PER_DAY)
            at = start + days
            if settled:
                self._end_at(at, case_id, SETTLED)
            else:
                self._end_at(at, case_id, MEDIATION_FAILED)
                self._end_at(at + wait, case_id, JUDGED)

    def _end_at(self, at: float, case_id: int, what: int) -> None:
        self.ending[int(at)].append((at, case_id, what))

    def _end_decided(self, until: int) -> None:
        """Record the mediations and end the cases decided before ``until`` (all earlier
        days are done: a case is booked on the day it is ready, and ends no earlier)."""
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
