"""When each duty pattern is on duty: its half-days as time intervals of the run.

A working day ``d`` (run time, days) has two duty half-days, from
``d + day_start_hour / 24`` for ``hours_per_day / 2`` hours each. Half-days are counted
over the run's working days only, ten to a normal week, so that a part-timer's pattern
(:class:`sim.city.duty.DutyPattern`) moves past public holidays with the calendar. Each
pattern's on-duty half-days are merged into intervals (a morning and the afternoon after
it are one), and a booking asks for the first on-duty moment at or after a time.
"""

from __future__ import annotations

import bisect

import numpy as np

from sim.city.duty import DutyPattern
from sim.config import DutyConfig
from sim.engine.calendar import Calendar


def first_on_duty(starts: list[float], ends: list[float], t: float) -> float:
    """The first moment at or after ``t`` inside the intervals (``t`` itself past their
    end, as the calendar treats late events)."""
    k = bisect.bisect_right(ends, t)
    return t if k == len(ends) else max(starts[k], t)


class DutyTimetable:
    """On-duty intervals of every duty pattern used in a run (built on first use)."""

    def __init__(self, calendar: Calendar, config: DutyConfig) -> None:
        workdays = np.flatnonzero(calendar.is_workday).astype(float)
        self.half_day = config.hours_per_day / 48.0  # days
        first = config.day_start_hour / 24.0
        starts = np.repeat(workdays, 2) + first + np.tile([0.0, self.half_day], len(workdays))
        self.half_day_starts = starts
        self._intervals: dict[DutyPattern, tuple[list[float], list[float]]] = {}

    def intervals(self, pattern: DutyPattern) -> tuple[list[float], list[float]]:
        """Starts and ends (sorted, disjoint) of the pattern's on-duty time."""
        found = self._intervals.get(pattern)
        if found is None:
            found = self._intervals[pattern] = self._merge(pattern)
        return found

    def _merge(self, pattern: DutyPattern) -> tuple[list[float], list[float]]:
        index = np.arange(len(self.half_day_starts))
        on = np.array([pattern.on_duty(int(k)) for k in index], dtype=bool)
        starts = self.half_day_starts[on]
        ends = starts + self.half_day
        # one interval where a half-day ends as the next begins (morning and afternoon)
        joined = np.flatnonzero(np.abs(starts[1:] - ends[:-1]) < 1e-9)
        keep_start = np.ones(len(starts), dtype=bool)
        keep_end = np.ones(len(ends), dtype=bool)
        keep_start[joined + 1] = False
        keep_end[joined] = False
        return starts[keep_start].tolist(), ends[keep_end].tolist()

    def next_on_duty(self, pattern: DutyPattern, t: float) -> float:
        """The first moment at or after ``t`` at which ``pattern`` is on duty."""
        return first_on_duty(*self.intervals(pattern), t)

    def duty_days(self, pattern: DutyPattern, t0: float, t1: float) -> float:
        """On-duty time of ``pattern`` within [t0, t1), in days."""
        starts, ends = (np.array(v) for v in self.intervals(pattern))
        return float(np.clip(np.minimum(ends, t1) - np.maximum(starts, t0), 0.0, None).sum())
