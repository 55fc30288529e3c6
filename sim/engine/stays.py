"""The log of stays: one row per dispute per level it visited (who, where, when, how it left)."""

from __future__ import annotations

import math

# How a stay at a level ended.
STAY_OUTCOMES = ("open", "resolved", "failed", "timed_out", "withdrawn")
STAY_OPEN, STAY_RESOLVED, STAY_FAILED, STAY_TIMED_OUT, STAY_WITHDRAWN = range(5)


class StayLog:
    """Plain Python lists appended while running, converted to Arrow once at the end.

    ``first_session_day`` is when the stay's first session began; ``wait_days`` is the time
    its case waited after the parties could meet (for a department, a roving team's day or
    a free duty slot), summed over its sessions: the summons lead time and the gaps between
    sessions are the parties' and are not in it."""

    COLUMNS = (
        "case_id",
        "level",
        "centre",
        "entered_day",
        "first_session_day",
        "left_day",
        "deadline_day",
        "wait_days",
        "n_sessions",
        "outcome",
    )

    def __init__(self) -> None:
        self.rows: list[list] = []

    def open(self, case_id: int, level: int, centre: int, now: float, deadline: float) -> int:
        self.rows.append(
            [case_id, level, centre, now, math.nan, math.nan, deadline, 0.0, 0, STAY_OPEN]
        )
        return len(self.rows) - 1

    def session_started(self, stay: int, now: float, waited: float) -> None:
        row = self.rows[stay]
        if math.isnan(row[4]):
            row[4] = now
        row[7] += waited
        row[8] += 1

    def waited(self, stay: int, waited: float) -> None:
        """Time spent waiting for a session that never came (time limit or patience)."""
        self.rows[stay][7] += waited

    def close(self, stay: int, now: float, outcome: int) -> None:
        row = self.rows[stay]
        row[5] = now
        row[9] = outcome

    def columns(self) -> dict[str, list]:
        return {name: [row[k] for row in self.rows] for k, name in enumerate(self.COLUMNS)}
