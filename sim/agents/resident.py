"""A resident who is a party to a dispute the system has learned of."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

# What a party does after a level fails to settle the dispute.
WITHDRAW, COURT, PETITION, INCIDENT, ESCALATE = range(5)


class Resident(mesa.Agent):
    """The claimant party of a discovered dispute.

    The community's population is held as numbers; a Resident exists only from the
    dispute's discovery to its end (the other parties are counted in ``n_parties``).
    It decides how long to wait for a mediator and what to do after a failure.
    """

    def __init__(
        self, model: DisputeModel, case_id: int, community: int, patience_days: float
    ) -> None:
        super().__init__(model)
        self.case_id = case_id
        self.community = community
        self.patience_days = patience_days

    def choose_after_failure(self, stage: int, u: float) -> int:
        """WITHDRAW, COURT, PETITION, INCIDENT or ESCALATE, from the pre-drawn uniform ``u``."""
        rules = self.model.scenario.handling
        threshold = rules.p_withdraw_after_failure
        if u < threshold:
            return WITHDRAW
        threshold += rules.p_court_after_failure
        if u < threshold:
            return COURT
        threshold += rules.p_petition_after_failure[stage]
        if u < threshold:
            return PETITION
        if stage == 2:
            threshold += rules.p_incident_after_failure_at_harm
            if u < threshold:
                return INCIDENT
        return ESCALATE
