"""Working days of centres and grid officers.

Day ``d`` of a run is the calendar date ``start_date + d``. The Chinese statutory calendar
(public holidays and make-up workdays) comes from the ``chinese-calendar`` package; years
it does not cover fall back to Monday-Friday, and the run's manifest says so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# Margin past the horizon so that "next working day" is defined for late events.
_MARGIN_DAYS = 60


class Calendar:
    """Which days are working days, as a boolean array indexed by run day."""

    def __init__(self, start: dt.date, days: int, kind: str = "china") -> None:
        self.start = start
        self.kind = kind
        self.fallback_years: set[int] = set()
        dates = [start + dt.timedelta(days=d) for d in range(days + _MARGIN_DAYS)]
        self.dates = dates
        self.is_workday = np.array([self._workday(date) for date in dates], dtype=bool)
        # next_open[d] = first working day >= d (len(is_workday) if none within the margin)
        self.next_open = self._next_open_table()
        # The same as plain lists, for the per-event checks below (sim times are >= 0).
        self.n_days = len(self.is_workday)
        self.open_day = self.is_workday.tolist()
        self._next_open = self.next_open.tolist()

    def _workday(self, date: dt.date) -> bool:
        if self.kind == "every_day":
            return True
        if self.kind == "china":
            try:
                import chinese_calendar

                return bool(chinese_calendar.is_workday(date))
            except NotImplementedError:
                self.fallback_years.add(date.year)
        return date.weekday() < 5

    def _next_open_table(self) -> np.ndarray:
        n = len(self.is_workday)
        table = np.empty(n + 1, dtype=np.int64)
        table[n] = n
        for d in range(n - 1, -1, -1):
            table[d] = d if self.is_workday[d] else table[d + 1]
        return table

    def is_open(self, t: float) -> bool:
        """Whether the centres are open at time ``t`` (after the calendar: always)."""
        day = int(t)
        return day >= self.n_days or self.open_day[day]

    def delay_until_open(self, t: float) -> float:
        """Days from time ``t`` until the centres are open (0 if open now)."""
        day = int(t)
        if day >= self.n_days or self.open_day[day]:
            return 0.0
        return self._next_open[day] - t

    def working_days(self, days: int) -> int:
        """Working days in the first ``days`` days of the run."""
        return int(self.is_workday[:days].sum())

    def spring_festival_day(self, year: int) -> int | None:
        """Run day of the first Spring Festival holiday in ``year``, if the calendar knows it."""
        try:
            import chinese_calendar

            festival = chinese_calendar.Holiday.spring_festival.value
            for offset in range(60):  # it falls between 21 January and 20 February
                date = dt.date(year, 1, 1) + dt.timedelta(days=offset)
                on_holiday, name = chinese_calendar.get_holiday_detail(date)
                if on_holiday and name == festival:
                    return (date - self.start).days
        except NotImplementedError:
            pass
        return None
