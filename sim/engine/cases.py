"""The case table: one row per dispute, a structure of numpy arrays that grows by doubling.

Rows are created when disputes arise; SimPy processes and the daily latent update address a
dispute by its row index, which is also its ``case_id``. The names and codes stored in it
are in :mod:`sim.domain`.
"""

from __future__ import annotations

import numpy as np

from sim.domain import CLOCKS, NO_LEVEL, OPEN, STAGES

# How many pre-drawn uniforms / exponentials each case carries, so that the same
# dispute meets the same luck under every policy (common random numbers).
N_ATTEMPT_DRAWS = 8
N_SESSION_DRAWS = 16


class CaseTable:
    """Columns of all disputes that arose in a run, addressed by row (= case_id)."""

    INT_COLUMNS = (
        "community",
        "officer",
        "type",
        "complexity",
        "n_parties",
        "stage",
        "channel",
        "stage_at_discovery",
        "entry_level",
        "end_level",
        "end_state",
        "levels_visited",  # bitmask over RESOLUTION_PLACES
        "n_escalations",
        "n_sessions",
        "n_attempt_draws_used",
        "n_session_draws_used",
        "centre_first",  # index of the first centre the resident went to, -1 if none
        "court_mediation",  # 0 none, 1 succeeded, 2 failed
        "n_relapses",
        "relapse_caught",  # 1 if a follow-up visit caught the relapse
        "stage_rises_waiting",  # stages the dispute hardened while waiting at centres
    )
    FLOAT_COLUMNS = (
        "arose_day",
        "discovered_day",
        "end_day",
        "first_centre_day",  # when the case first entered a centre
        "court_day",  # when the case first reached the court
        "money_yuan",
        "distance_km",
        "wait_days",
        "patience_days",
        "u_on_spot",
        "e_call",  # Exp(1): how long an on-call department takes to come
        "u_relapse",
        "e_relapse",
        "u_follow_up",
        "e_court_summons",  # Exp(1): the court's summons lead time
        "wait_hazard",  # hardening hazard accumulated while waiting at centres
    )
    # name: (columns, dtype). Pre-drawn luck of each case, and the latent clocks.
    MATRICES = {
        "e_clock": (len(CLOCKS), np.float64),  # Exp(1) thresholds of the latent clocks
        "e_rise": (len(STAGES) - 1, np.float64),  # Exp(1) thresholds of stage rises
        "u_attempt": (N_ATTEMPT_DRAWS, np.float32),  # mediation success draws
        "u_failure": (N_ATTEMPT_DRAWS, np.float32),  # what a party does after a failure
        "e_session": (N_SESSION_DRAWS, np.float32),  # session length multipliers
        "e_gap": (N_SESSION_DRAWS, np.float32),  # lead time or gap before each session
        "e_wait_rise": (len(STAGES) - 1, np.float64),  # Exp(1) thresholds of hardening
    }

    # The columns, declared for the type checker (created in __init__ from the tuples above;
    # a test checks that both name the same columns).
    n: int
    community: np.ndarray
    officer: np.ndarray
    type: np.ndarray
    complexity: np.ndarray
    n_parties: np.ndarray
    stage: np.ndarray
    channel: np.ndarray
    stage_at_discovery: np.ndarray
    entry_level: np.ndarray
    end_level: np.ndarray
    end_state: np.ndarray
    levels_visited: np.ndarray
    n_escalations: np.ndarray
    n_sessions: np.ndarray
    n_attempt_draws_used: np.ndarray
    n_session_draws_used: np.ndarray
    centre_first: np.ndarray
    court_mediation: np.ndarray
    n_relapses: np.ndarray
    relapse_caught: np.ndarray
    stage_rises_waiting: np.ndarray
    arose_day: np.ndarray
    discovered_day: np.ndarray
    end_day: np.ndarray
    first_centre_day: np.ndarray
    court_day: np.ndarray
    money_yuan: np.ndarray
    distance_km: np.ndarray
    wait_days: np.ndarray
    patience_days: np.ndarray
    u_on_spot: np.ndarray
    e_call: np.ndarray
    u_relapse: np.ndarray
    e_relapse: np.ndarray
    u_follow_up: np.ndarray
    e_court_summons: np.ndarray
    wait_hazard: np.ndarray
    e_clock: np.ndarray
    e_rise: np.ndarray
    u_attempt: np.ndarray
    u_failure: np.ndarray
    e_session: np.ndarray
    e_gap: np.ndarray
    e_wait_rise: np.ndarray

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self._capacity = max(16, capacity)
        for name in self.INT_COLUMNS:
            setattr(self, name, np.zeros(self._capacity, dtype=np.int32))
        for name in self.FLOAT_COLUMNS:
            setattr(self, name, np.zeros(self._capacity, dtype=np.float64))
        for name, (width, dtype) in self.MATRICES.items():
            setattr(self, name, np.zeros((self._capacity, width), dtype=dtype))

    def _grow(self, needed: int) -> None:
        capacity = self._capacity
        while capacity < needed:
            capacity *= 2
        for name in (*self.INT_COLUMNS, *self.FLOAT_COLUMNS, *self.MATRICES):
            old = getattr(self, name)
            new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
        self._capacity = capacity

    def append(self, count: int) -> slice:
        """Reserve ``count`` new rows and return their slice; callers fill the columns."""
        if self.n + count > self._capacity:
            self._grow(self.n + count)
        rows = slice(self.n, self.n + count)
        self.n += count
        self.end_state[rows] = OPEN
        self.end_level[rows] = NO_LEVEL
        self.entry_level[rows] = NO_LEVEL
        self.channel[rows] = -1
        self.stage_at_discovery[rows] = -1
        self.centre_first[rows] = -1
        self.discovered_day[rows] = np.nan
        self.end_day[rows] = np.nan
        self.first_centre_day[rows] = np.nan
        self.court_day[rows] = np.nan
        self.distance_km[rows] = np.nan
        return rows

    def column(self, name: str) -> np.ndarray:
        """The filled part of a column (a view)."""
        return getattr(self, name)[: self.n]

    def next_attempt_draw(self, i: int) -> tuple[float, float]:
        """Pre-drawn (success, failure-choice) uniforms for the case's next attempt."""
        k = self.n_attempt_draws_used.item(i)  # item(): a Python number, no numpy scalar
        self.n_attempt_draws_used[i] = k + 1
        k %= N_ATTEMPT_DRAWS  # wraps only for pathological policies with huge attempt counts
        return self.u_attempt.item(i, k), self.u_failure.item(i, k)

    def failure_draw(self, i: int) -> float:
        """Pre-drawn uniform for the party's choice after the case's latest attempt failed."""
        k = max(self.n_attempt_draws_used.item(i) - 1, 0) % N_ATTEMPT_DRAWS
        return self.u_failure.item(i, k)

    def next_session_draw(self, i: int) -> tuple[float, float]:
        """Pre-drawn Exp(1) multipliers of the case's next session length and the gap after it."""
        k = self.n_session_draws_used.item(i)
        self.n_session_draws_used[i] = k + 1
        k %= N_SESSION_DRAWS
        return self.e_session.item(i, k), self.e_gap.item(i, k)

    def next_attempt_draws(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``next_attempt_draw`` for many distinct cases at once (as float64)."""
        return self._next_draws(ids, "n_attempt_draws_used", self.u_attempt, self.u_failure)

    def next_session_draws(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``next_session_draw`` for many distinct cases at once (as float64)."""
        return self._next_draws(ids, "n_session_draws_used", self.e_session, self.e_gap)

    def _next_draws(
        self, ids: np.ndarray, used: str, first: np.ndarray, second: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        counter = getattr(self, used)
        k = counter[ids]
        counter[ids] = k + 1
        k %= first.shape[1]
        return first[ids, k].astype(np.float64), second[ids, k].astype(np.float64)
