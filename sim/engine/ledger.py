"""The case ledger: every change of a case's state, and today's tallies of them.

Each transition comes in two forms side by side: one case at a time (SimPy processes call
it for the case they carry, so it reads and writes Python numbers) and many distinct cases
at once (the daily batch of latent disputes and court ends, as numpy). The per-case form is
about 7x faster per call than the batch form on one case; a test checks that both write
identical tables from the same input.
"""

from __future__ import annotations

import math

import numpy as np

from sim.domain import END, END_STATES, NO_LEVEL
from sim.engine.cases import CaseTable

# Today's tallies: ends by END code, then these.
REOPENED = len(END_STATES)
ARISEN = REOPENED + 1
FOUND = ARISEN + 1
N_TALLIES = FOUND + 1


class CaseLedger:
    """Transitions of ``cases`` and today's counts of them (reset by :meth:`close_day`)."""

    def __init__(self, cases: CaseTable) -> None:
        self.cases = cases
        self.today = np.zeros(N_TALLIES, dtype=np.int64)

    def close_day(self) -> None:
        self.today[:] = 0

    def arisen(self, count: int) -> None:
        self.today[ARISEN] += count

    # ---------------------------------------------------------------- discovery

    def discover(self, case_id: int, now: float) -> None:
        cases = self.cases
        cases.discovered_day[case_id] = now
        cases.stage_at_discovery[case_id] = cases.stage[case_id]
        self.today[FOUND] += 1

    def discover_many(self, case_ids: np.ndarray, at: np.ndarray) -> None:
        cases = self.cases
        cases.discovered_day[case_ids] = at
        cases.stage_at_discovery[case_ids] = cases.stage[case_ids]
        self.today[FOUND] += len(case_ids)

    def arrive(self, case_id: int, level: int, centre: int, now: float) -> bool:
        """The claimant arrives at ``centre`` (of ``level``); the first centre, its day and
        the entry level are kept from the first arrival. True if this is the first centre
        (the caller then records the distance travelled, see :meth:`travelled`)."""
        cases = self.cases
        cases.levels_visited[case_id] |= 1 << level
        first = cases.centre_first[case_id] < 0
        if first:
            cases.centre_first[case_id] = centre
            cases.first_centre_day[case_id] = now
        if cases.entry_level[case_id] == NO_LEVEL:
            cases.entry_level[case_id] = level
        return bool(first)

    def travelled(self, case_id: int, distance_km: float) -> None:
        """The distance from home to the case's first centre."""
        self.cases.distance_km[case_id] = distance_km

    # ---------------------------------------------------------------- ends

    def finish(self, case_id: int, code: int, level: int, at: float) -> None:
        """The case ends in END ``code`` at ``level`` (a place code, or NO_LEVEL)."""
        cases = self.cases
        cases.end_state[case_id] = code
        cases.end_level[case_id] = level
        cases.end_day[case_id] = at
        if level >= 0:
            cases.levels_visited[case_id] |= 1 << level
        self.today[code] += 1

    def finish_many(
        self, case_ids: np.ndarray, codes: np.ndarray, level: int, at: np.ndarray
    ) -> None:
        cases = self.cases
        cases.end_state[case_ids] = codes
        cases.end_level[case_ids] = level
        cases.end_day[case_ids] = at
        if level >= 0:
            cases.levels_visited[case_ids] |= 1 << level
        self.today[: len(END_STATES)] += np.bincount(codes, minlength=len(END_STATES))

    def reopen(self, case_id: int) -> None:
        """A settled case comes back (relapse): open again."""
        cases = self.cases
        cases.end_state[case_id] = END["open"]
        cases.end_level[case_id] = NO_LEVEL
        cases.end_day[case_id] = math.nan
        cases.n_relapses[case_id] += 1
        self.today[REOPENED] += 1
