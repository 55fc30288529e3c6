"""The log of mediation sessions held: who held one, at which level, when and how long.

Duty hours used and workload per mediator come from it after the run, counting the
sessions that began in the measured period (sim/results/simulation.py).
"""

from __future__ import annotations

import numpy as np

from sim.city.duty import DutyPattern


class SessionLog:
    """Plain lists appended while running; the mediators' duty and level by number."""

    def __init__(self, n_levels: int) -> None:
        self.mediator_level: list[int] = []
        self.mediator_duty: list[DutyPattern] = []
        self.mediator: list[int] = []
        self.start: list[float] = []
        self.hours: list[float] = []
        self.hours_today = [0.0] * n_levels  # by level, of sessions ended today

    def add_mediator(self, level: int, duty: DutyPattern) -> int:
        self.mediator_level.append(level)
        self.mediator_duty.append(duty)
        return len(self.mediator_level) - 1

    def held(self, mediator: int, level: int, start: float, hours: float) -> None:
        self.mediator.append(mediator)
        self.start.append(start)
        self.hours.append(hours)
        self.hours_today[level] += hours

    def close_day(self) -> None:
        self.hours_today = [0.0] * len(self.hours_today)

    def in_period(self, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
        """(mediator number, hours) of the sessions that began in [t0, t1)."""
        start = np.asarray(self.start, dtype=float)
        inside = (start >= t0) & (start < t1)
        return (
            np.asarray(self.mediator, dtype=np.int64)[inside],
            np.asarray(self.hours, dtype=float)[inside],
        )
