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
    all grids at once (see :mod:`sim.engine.latent` and :func:`settle_on_spot`); a case
    found by patrol keeps its officer (``CaseTable.officer``).
    """

    def __init__(self, model: DisputeModel, index: int, community: int) -> None:
        super().__init__(model)
        self.index = index
        self.community = community


def settle_on_spot(model: DisputeModel, case_ids: np.ndarray, channels: np.ndarray) -> np.ndarray:
    """Which of these just-found disputes their grid officers settle on the spot: those the
    officer's patrol (or building head) brought up, with a chance by complexity that halves
    with each stage of escalation. Returns a mask over ``case_ids``."""
    cases = model.cases
    officer = cases.officer[case_ids]
    tried = BY_OFFICER[channels] & (officer >= 0)
    p = model.rules.p_settle_on_spot[cases.complexity[case_ids]]
    p = p * model.rules.on_spot_stage_factor ** cases.stage[case_ids].astype(np.float64)
    settled = tried & (cases.u_on_spot[case_ids] < p)
    return settled
