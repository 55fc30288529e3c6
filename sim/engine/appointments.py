"""A centre's appointment book: the first duty slot in which one of its mediators is free.

Mediators are grouped by duty pattern; within a group, the one free soonest is the one
who can see a case soonest (the first on-duty moment after a time never comes earlier for
a later time), so a booking looks at one mediator per group. Cases book in the order they
become ready, and a mediator's next free moment only moves forward: this is a
first-come-first-served queue whose servers keep a timetable, and with full-time duty round
the clock it is the M/M/c queue (tests/test_queueing_theory.py). A case that could not be
seen before its limit books nothing, so it takes no mediator's time.
"""

from __future__ import annotations

import heapq

from sim.city.duty import ON_CALL, DutyPattern
from sim.engine.presence import Presence
from sim.engine.timetable import DutyTimetable


class AppointmentBook:
    """Who of a centre's mediators is next free, by duty pattern."""

    def __init__(
        self, timetable: DutyTimetable, duty: tuple[DutyPattern, ...], on_call_delay: float
    ) -> None:
        self.timetable = timetable
        by_pattern: dict[DutyPattern, list[tuple[float, int]]] = {}
        for k, pattern in enumerate(duty):
            by_pattern.setdefault(pattern, []).append((0.0, k))
        # (pattern, delay from booking to the earliest session, heap of (free at, mediator))
        self.groups = [
            (pattern, on_call_delay if pattern.kind == ON_CALL else 0.0, heap)
            for pattern, heap in sorted(by_pattern.items())
        ]

    def book(
        self, now: float, days: float, limit: float, presence: Presence | None = None
    ) -> tuple[float, int] | None:
        """Book a session of ``days`` with the mediator who can start it first at or after
        ``now`` (on duty, free, and on a day ``presence`` allows): (start, mediator index
        at the centre), or None if no start comes before ``limit``."""
        best_start, best_heap = None, None
        for pattern, delay, heap in self.groups:
            start = self._first_fit(pattern, max(now + delay, heap[0][0]), presence)
            if best_start is None or start < best_start:
                best_start, best_heap = start, heap
        if best_start is None or best_heap is None or best_start > limit:
            return None
        _, mediator = heapq.heappop(best_heap)
        heapq.heappush(best_heap, (best_start + days, mediator))
        return best_start, mediator

    def _first_fit(self, pattern: DutyPattern, t: float, presence: Presence | None) -> float:
        """First on-duty moment of ``pattern`` at or after ``t`` on a day ``presence``
        allows (a department's or a roving team's day)."""
        next_on_duty = self.timetable.next_on_duty
        while True:
            start = next_on_duty(pattern, t)
            if presence is None:
                return start
            wait = presence.delay(start)
            if wait <= 0:
                return start
            t = start + wait
