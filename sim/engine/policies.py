"""Escalation and routing rules, compiled once from a scenario into lookup tables.

The processes ask these tables, by code, what a level's time limit is, where a dispute
enters, who must be there for its sessions and how likely a session is to settle it.
"""

from __future__ import annotations

import numpy as np

from sim.config import Scenario
from sim.domain import CENTRE_LEVELS, COMPLEXITIES, DISPUTE_TYPES, RESOLUTION_PLACES, level_code

NONE = -1


class Rules:
    """Lookup tables of a scenario's handling rules (arrays indexed by code)."""

    def __init__(self, scenario: Scenario) -> None:
        handling = scenario.handling
        n_places = len(RESOLUTION_PLACES)
        self.hotline_level = level_code(handling.hotline_entry_level)
        self.entry_by_complexity = np.array(
            [level_code(handling.entry_level_by_complexity[c]) for c in COMPLEXITIES]
        )
        self.entry_by_type = np.array(
            [
                level_code(handling.entry_level_by_type[t])
                if t in handling.entry_level_by_type
                else 0
                for t in DISPUTE_TYPES
            ]
        )
        self.time_limit = np.full((n_places, len(COMPLEXITIES)), np.inf)
        for level in CENTRE_LEVELS:
            own = handling.time_limit_days_by_level.get(level, {})
            for k, c in enumerate(COMPLEXITIES):
                limit = own.get(c, handling.time_limit_days_by_complexity[c])
                self.time_limit[level_code(level), k] = limit
        self.sessions = np.array([handling.sessions_by_complexity[c] for c in COMPLEXITIES])
        self.p_settle_on_spot = np.array([handling.p_settle_on_spot[c] for c in COMPLEXITIES])
        self.on_spot_stage_factor = handling.on_spot_stage_factor
        self.whistle = np.array([t in handling.whistle_types for t in DISPUTE_TYPES])
        self.split = np.array([c in handling.split_complexities for c in COMPLEXITIES])
        self.diverted = np.array([t in scenario.court.diversion_types for t in DISPUTE_TYPES])
        self.department_of = _owner(scenario.departments)
        self.committee_of = _owner(scenario.committees)
        self._build_logits(scenario)

    def _build_logits(self, scenario: Scenario) -> None:
        handling = scenario.handling
        n_places = len(RESOLUTION_PLACES)
        self.session_hours = np.zeros(n_places)
        self.lead_days = np.zeros(n_places)
        self.level_logit = np.zeros(n_places)
        for level in CENTRE_LEVELS:
            code = level_code(level)
            self.session_hours[code] = handling.mean_session_hours_by_level[level]
            self.lead_days[code] = handling.summons_lead_days_by_level[level]
            self.level_logit[code] = handling.success_logit_by_level[level]
        # committees summon parties as the county centre does
        self.lead_days[level_code("committee")] = handling.summons_lead_days_by_level["county"]
        self.wait_rise = [handling.stage_rise_waiting_per_day[t] for t in DISPUTE_TYPES]
        self.type_logit = np.array([handling.success_logit_by_type[t] for t in DISPUTE_TYPES])
        self.complexity_logit = np.array(
            [handling.success_logit_by_complexity[c] for c in COMPLEXITIES]
        )
        self.stage_logit = np.array(handling.success_logit_by_stage)
        self.specialist_logit = handling.specialist_logit
        self.split_part_logit = handling.split_part_logit

    def entry_level(self, complexity: int, kind: int) -> int:
        """The lowest fitting level: by complexity, raised for types that skip levels."""
        return int(max(self.entry_by_complexity[complexity], self.entry_by_type[kind]))


def _owner(items) -> np.ndarray:
    """Index of the department or committee that owns each dispute type (NONE if none)."""
    owner = np.full(len(DISPUTE_TYPES), NONE)
    for index, item in enumerate(items):
        for t in item.types:
            owner[DISPUTE_TYPES.index(t)] = index
    return owner
