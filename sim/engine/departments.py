"""Who else must be in the room: county departments (resident, rotating, on call), the
departments a community summons by 'whistle', and roving teams' village days.

A case's :class:`Support` at a centre says when its sessions can happen (a presence
schedule, and a delay before an on-call department arrives) and the success bonus of
having the matching department there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.domain import level_code
from sim.engine.policies import NONE
from sim.engine.presence import Presence, rotating_weekdays, weekly

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

COMMUNITY, COUNTY = level_code("community"), level_code("county")


@dataclass(frozen=True)
class Support:
    presence: Presence | None = None  # sessions only on its days
    call_days: float = 0.0  # wait before the first session (on-call department)
    logit: float = 0.0  # success bonus

    @property
    def needed(self) -> bool:
        return self.presence is not None or self.call_days > 0.0


NO_SUPPORT = Support()


class Departments:
    """The departments of the scenario and their schedules at each county centre."""

    def __init__(self, model: DisputeModel) -> None:
        self.model = model
        self.configs = model.scenario.departments
        self.rules = model.rules
        self.rotation: dict[tuple[int, int], Presence] = {}
        for d, config in enumerate(self.configs):
            if config.mode == "rotating":
                for k, centre in enumerate(model.network.county_centre.tolist()):
                    days = rotating_weekdays(config.days_per_week, offset=k)
                    self.rotation[(d, centre)] = weekly(model.calendar, days)

    def support(self, case_id: int, centre) -> Support:
        """What the case needs at ``centre`` beyond a mediator."""
        if centre.roving is not None:
            return Support(
                presence=centre.roving.presence_for(int(self.model.cases.community[case_id]))
            )
        if not self.configs:
            return NO_SUPPORT
        kind = int(self.model.cases.type[case_id])
        d = int(self.rules.department_of[kind])
        if d == NONE:
            return NO_SUPPORT
        config = self.configs[d]
        bonus = self.rules.specialist_logit
        if centre.level == COUNTY:
            if config.mode == "resident":
                return Support(logit=bonus)
            if config.mode == "rotating":
                return Support(presence=self.rotation[(d, centre.index)], logit=bonus)
            return Support(call_days=self._call_days(case_id, config), logit=bonus)
        if centre.level == COMMUNITY and self.rules.whistle[kind]:
            return Support(call_days=self._call_days(case_id, config), logit=bonus)
        return NO_SUPPORT

    def _call_days(self, case_id: int, config) -> float:
        return config.on_call_days * float(self.model.cases.e_call[case_id])
