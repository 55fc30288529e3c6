"""A grid officer: patrols a grid of households and settles small matters on the spot."""

from __future__ import annotations

import mesa


class GridOfficer(mesa.Agent):
    """One officer, one grid inside a community.

    Daily patrols are computed for all grids at once (see :mod:`sim.latent`), so the visit
    counter lives in the model's array; the officer's own decisions are made here.
    """

    def __init__(self, model, index: int, community: int) -> None:
        super().__init__(model)
        self.index = index
        self.community = community
        self.n_discovered = 0
        self.n_settled = 0

    @property
    def households_visited(self) -> float:
        return float(self.model.officer_visits[self.index])

    def settle_on_spot(self, case_id: int) -> bool:
        """Try to settle a dispute this officer's patrol (or building head) brought up."""
        cases = self.model.cases
        self.n_discovered += 1
        complexity = self.model.complexity_name(case_id)
        p = self.model.scenario.handling.p_settle_on_spot[complexity]
        p *= 0.5 ** int(cases.stage[case_id])
        if cases.u_on_spot[case_id] < p:
            self.n_settled += 1
            return True
        return False
