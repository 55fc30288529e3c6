"""A people's mediator working at one centre, on a duty pattern."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.city.duty import DutyPattern
    from sim.engine.model import DisputeModel


class Mediator(mesa.Agent):
    """Holds mediation sessions in its duty half-days; each goes into the session log."""

    def __init__(self, model: DisputeModel, centre, duty: DutyPattern) -> None:
        super().__init__(model)
        self.centre = centre
        self.duty = duty
        self.number = model.sessions.add_mediator(centre.level, duty)

    def held(self, start: float, hours: float) -> None:
        """A session of ``hours`` that began at ``start`` has ended now."""
        self.model.sessions.held(self.number, self.centre.level, start, hours)
