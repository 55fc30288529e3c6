"""Where to open k new community rooms: a p-median on population-weighted travel distance,
solved exactly as a mixed-integer program (scipy.optimize.milp, HiGHS).

The model's rule is that a community without a room uses the nearest room in its township,
or the township centre when the township has none (or when rooms are not shared), and
the distance the optimiser minimises is to that place. Candidates are the communities
without a room. The
proposal is only the optimiser's view (straight-line distance); the planner scripts then
simulate it against the current placement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.city.geography import Geography


@dataclass(frozen=True)
class Proposal:
    community_ids: list[str]  # where to open rooms
    # Mean distance to the nearest room or township centre of the residents of communities
    # that had no room, before and after.
    mean_km_before: float
    mean_km_after: float


def current_distance(
    geo: Geography, rooms: np.ndarray, township_xy: np.ndarray, share: bool = True
) -> np.ndarray:
    """Per community: km to where its community-level case goes (its room, the nearest room
    in its township, or the township centre)."""
    best = np.hypot(
        geo.x_km - township_xy[geo.township, 0], geo.y_km - township_xy[geo.township, 1]
    )
    best[rooms] = 0.0
    if not share:
        return best
    for c in np.flatnonzero(~rooms):
        same = np.flatnonzero(rooms & (geo.township == geo.township[c]))
        if len(same):
            best[c] = np.hypot(geo.x_km[same] - geo.x_km[c], geo.y_km[same] - geo.y_km[c]).min()
    return best


def propose_rooms(
    geo: Geography,
    rooms: np.ndarray,
    k: int,
    township_xy: np.ndarray | None = None,
    share: bool = True,
) -> Proposal:
    """The k roomless communities whose new rooms cut population-weighted distance most
    (fewer when fewer have no room). With ``share`` off a room serves its own community
    only, so the best k are simply those with most residents x distance saved."""
    try:
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import lil_matrix
    except ImportError as err:  # scipy comes with the 'optimise' extra
        raise ImportError("the room optimiser needs scipy: pip install -e '.[optimise]'") from err
    township_xy = geo.township_xy() if township_xy is None else township_xy
    now = current_distance(geo, rooms, township_xy, share)
    candidates = np.flatnonzero(~rooms)
    k = min(int(k), len(candidates))
    pop = geo.population.astype(float)
    if k == 0:
        return Proposal([], 0.0, 0.0)
    # Variables: y_j (open candidate j), then x_ij (community i served by candidate j, same
    # township), then z_i (community i keeps its current distance).
    pairs = [
        (i, j)
        for i in candidates
        for j in candidates
        if geo.township[i] == geo.township[j] and (share or i == j)
    ]
    n_y, n_x, n_z = len(candidates), len(pairs), len(candidates)
    col_y = {j: n for n, j in enumerate(candidates)}
    row_i = {i: n for n, i in enumerate(candidates)}
    cost = np.zeros(n_y + n_x + n_z)
    for n, (i, j) in enumerate(pairs):
        cost[n_y + n] = pop[i] * np.hypot(geo.x_km[i] - geo.x_km[j], geo.y_km[i] - geo.y_km[j])
    cost[n_y + n_x :] = pop[candidates] * now[candidates]
    a = lil_matrix((n_z + n_x + 1, len(cost)))
    for n, (i, j) in enumerate(pairs):
        a[row_i[i], n_y + n] = 1.0  # each community served once ...
        a[n_z + n, n_y + n] = 1.0  # ... only by an open room: x_ij - y_j <= 0
        a[n_z + n, col_y[j]] = -1.0
    for i in candidates:
        a[row_i[i], n_y + n_x + row_i[i]] = 1.0
    a[n_z + n_x, :n_y] = 1.0  # exactly k new rooms
    lower = np.r_[np.ones(n_z), np.full(n_x, -np.inf), k]
    upper = np.r_[np.ones(n_z), np.zeros(n_x), k]
    integrality = np.r_[np.ones(n_y), np.zeros(n_x + n_z)]
    result = milp(
        cost,
        constraints=LinearConstraint(a.tocsr(), lower, upper),
        integrality=integrality,
        bounds=Bounds(0, 1),
    )
    if not result.success:
        raise RuntimeError(f"room optimiser failed: {result.message}")
    chosen = candidates[np.flatnonzero(result.x[:n_y] > 0.5)]
    opened = rooms.copy()
    opened[chosen] = True
    after = current_distance(geo, opened, township_xy, share)
    return Proposal(
        community_ids=geo.community_id[chosen].tolist(),
        mean_km_before=float(np.average(now[candidates], weights=pop[candidates])),
        mean_km_after=float(np.average(after[candidates], weights=pop[candidates])),
    )
