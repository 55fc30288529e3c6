"""A grid officer: patrols a grid of households and settles small matters on the spot."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.domain import CHANNELS

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

# Channels through which the grid officer learns of a dispute (the building head reports
# to the officer of the grid), as a lookup by channel code.
BY_OFFICER = np.isin(
    np.arange(len(CHANNELS)), [CHANNELS.index("patrol"), CHANNELS.index("building_head")]
)


class GridOfficer(mesa.Agent):
    """One officer, one grid inside a community.

    Daily patrols, and the officers' tries at settling what they find, are computed for
    all grids at once (see :mod:`sim.engine.latent` and :func:`settle_on_spot`), so the counters
    live in the model's arrays; the officer reads its own entries.
    """

    def __init__(self, model: DisputeModel, index: int, community: int) -> None:
        super().__init__(model)
        self.index = index
        self.community = community

    @property
    def households_visited(self) -> float:
        return float(self.model.officer_visits[self.index])

    @property
    def n_discovered(self) -> int:
        return int(self.model.officer_found[self.index])

    @property
    def n_settled(self) -> int:
        return int(self.model.officer_settled[self.index])


def settle_on_spot(model: DisputeModel, case_ids: np.ndarray, channels: np.ndarray) -> np.ndarray:
    """Which of these just-found disputes their grid officers settle on the spot: those the
    officer's patrol (or building head) brought up, with a chance by complexity that halves
    with each stage of escalation. Returns a mask over ``case_ids``."""
    cases = model.cases
    officer = cases.officer[case_ids]
    tried = BY_OFFICER[channels] & (officer >= 0)
    p = model.rules.p_settle_on_spot[cases.complexity[case_ids]]
    p = p * 0.5 ** cases.stage[case_ids].astype(np.float64)
    settled = tried & (cases.u_on_spot[case_ids] < p)
    np.add.at(model.officer_found, officer[tried], 1)
    np.add.at(model.officer_settled, officer[settled], 1)
    return settled
