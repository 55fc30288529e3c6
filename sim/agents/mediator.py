"""A people's mediator working at one centre."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel


class Mediator(mesa.Agent):
    """Holds mediation sessions; keeps the time worked (for utilisation)."""

    def __init__(self, model: DisputeModel, centre) -> None:
        super().__init__(model)
        self.centre = centre
        self.busy_days = 0.0

    def hold_session(self, days: float):
        """One session of ``days`` of this mediator's time: the event it ends with."""
        self.busy_days += days
        return self.model.env.timeout(days)
