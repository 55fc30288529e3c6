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
import math

from sim.city.duty import FULL_TIME_DUTY, ON_CALL, DutyPattern
from sim.engine.presence import Presence
from sim.engine.timetable import DutyTimetable, first_on_duty


class AppointmentBook:
    """Who of a centre's mediators is next free, by duty pattern."""

    def __init__(
        self, timetable: DutyTimetable, duty: tuple[DutyPattern, ...], on_call_delay: float
    ) -> None:
        self.timetable = timetable
        by_pattern: dict[DutyPattern, list[tuple[float, int]]] = {}
        for k, pattern in enumerate(duty):
            by_pattern.setdefault(pattern, []).append((0.0, k))
        # Per pattern (full time first): delay from booking to the earliest session, the
        # heap of (free at, mediator), and the pattern's on-duty intervals.
        self.groups = [
            (
                on_call_delay if pattern.kind == ON_CALL else 0.0,
                heap,
                *timetable.intervals(pattern),
            )
            for pattern, heap in sorted(by_pattern.items())
        ]
        # Nobody is on duty outside working hours: no start comes before the first
        # working moment, so a booking that gets it can stop looking.
        self.working = timetable.intervals(FULL_TIME_DUTY)

    def book(
        self, now: float, days: float, limit: float, presence: Presence | None = None
    ) -> tuple[float, int] | None:
        """Book a session of ``days`` with the mediator who can start it first at or after
        ``now`` (on duty, free, and on a day ``presence`` allows): (start, mediator index
        at the centre), or None if no start comes before ``limit``."""
        best_start, best_heap = math.inf, None
        soonest = _first_fit(*self.working, now, None)
        for delay, heap, starts, ends in self.groups:
            earliest = max(now + delay, heap[0][0])
            if earliest >= best_start:
                continue  # this group cannot start sooner
            start = _first_fit(starts, ends, earliest, presence)
            if start < best_start:
                best_start, best_heap = start, heap
                if start <= soonest:
                    break  # nobody can start sooner
        if best_heap is None or best_start > limit:
            return None
        _, mediator = heapq.heappop(best_heap)
        heapq.heappush(best_heap, (best_start + days, mediator))
        return best_start, mediator


def _first_fit(
    starts: list[float], ends: list[float], t: float, presence: Presence | None
) -> float:
    """First on-duty moment at or after ``t`` in the intervals on a day ``presence`` allows
    (a department's or a roving team's day)."""
    while True:
        start = first_on_duty(starts, ends, t)
        if presence is None:
            return start
        wait = presence.delay(start)
        if wait <= 0:
            return start
        t = start + wait
