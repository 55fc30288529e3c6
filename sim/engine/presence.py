"""Days on which someone is there: a rotating department at a county centre, a roving team
in a village. A case that needs them waits for their next day."""

from __future__ import annotations

import math

import numpy as np


class Presence:
    """A boolean per run day, with the next present day precomputed."""

    def __init__(self, present: np.ndarray) -> None:
        present = np.asarray(present, dtype=bool)
        n = len(present)
        self.present = present
        self.next_day = np.empty(n + 1, dtype=np.int64)
        self.next_day[n] = n
        for d in range(n - 1, -1, -1):
            self.next_day[d] = d if present[d] else self.next_day[d + 1]

    def delay(self, t: float) -> float:
        """Days from ``t`` until present (0 if present now; 0 past the end of the table)."""
        day = math.floor(t)
        if day >= len(self.present) or self.present[day]:
            return 0.0
        return float(self.next_day[day] - t)


def weekly(calendar, weekdays: set[int]) -> Presence:
    """Working days that fall on the given weekdays (Monday = 0)."""
    on_day = np.array([d.weekday() in weekdays for d in calendar.dates])
    return Presence(on_day & calendar.is_workday)


def rotating_weekdays(days_per_week: int, offset: int) -> set[int]:
    """``days_per_week`` consecutive weekdays starting at ``offset`` (mod 5), so that the
    county centres a department rotates between see it on different days."""
    return {(offset + k) % 5 for k in range(days_per_week)}


def round_visits(calendar, n_stops: int, stops_per_day: int) -> np.ndarray:
    """Stop visited on each run day by a team doing a fixed round of ``n_stops`` stops,
    ``stops_per_day`` on each working day: a (day, stop) boolean matrix."""
    visits = np.zeros((len(calendar.is_workday), n_stops), dtype=bool)
    if n_stops == 0:
        return visits
    workday_index = np.cumsum(calendar.is_workday) - 1
    for day in np.flatnonzero(calendar.is_workday):
        first = (workday_index[day] * stops_per_day) % n_stops
        stops = (first + np.arange(min(stops_per_day, n_stops))) % n_stops
        visits[day, stops] = True
    return visits
