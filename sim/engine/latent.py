"""Latent disputes: nobody handles them yet; they escalate until discovered or ended.

Every latent dispute carries one clock per way its latent phase can end (patrol,
building head, walk-in, hotline, court filing, private settlement, violent incident)
and one towards the next stage. A clock fires when its accumulated hazard passes the
dispute's own Exp(1) threshold, drawn when the dispute arose. Hazards are constant within
a day, so the firing time inside the day is exact. The whole pool advances once a day
with numpy: patrols and reports are computed for all grids at once.

A dispute's hazards depend on its community, type and stage, and on the kind of day. Each
dispute keeps its hazards of a plain working day, computed when it arises and again when
its stage rises; a day of another kind (rest day, sweep day, roving team's round) adjusts
a copy. This gives the same numbers as computing every hazard daily, at a fraction of the
cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.domain import CLOCK, CLOCKS, DISPUTE_TYPES, STAGES
from sim.engine.patrol import patrol_rule, sweep_days

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

N_STAGES = len(STAGES)


def _buffer(capacity: int, shape: tuple, dtype) -> np.ndarray:
    """Room for ``capacity`` disputes. Tables of clocks are stored clock by clock (Fortran
    order): asking whether any of a dispute's clocks fired is then a few vector operations,
    where row by row it took numpy 40 times longer."""
    return np.zeros((capacity, *shape), dtype=dtype, order="F")


class _InUse:
    """A field of the pool: reading it gives the entries in use (a view of its buffer)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, pool: LatentPool, owner: type | None = None) -> np.ndarray:
        return pool.buffers[self.name][: pool.n]


class LatentPool:
    """The latent disputes, held as compact arrays of their own (one entry per dispute),
    and their daily hazards. The case table is touched only when a dispute leaves.

    The arrays are buffers with room to grow; the first ``n`` entries are in use, the
    newest (today's arrivals) last."""

    # per dispute: (trailing shape, dtype)
    FIELDS = {
        "rows": ((), np.int64),  # row in the case table
        "community": ((), np.int64),
        "kind": ((), np.int64),
        "stage": ((), np.int64),
        "start": ((), np.float64),  # when it arose
        "h": ((len(CLOCKS),), np.float64),  # accumulated hazard of each clock
        "e": ((len(CLOCKS),), np.float64),  # Exp(1) thresholds of the clocks
        "hazard": ((len(CLOCKS),), np.float64),  # per day, on a plain working day
        "h_rise": ((), np.float64),  # accumulated hazard of the next stage rise
        "rise_rate": ((), np.float64),  # its hazard per day (0 at the top stage)
        "e_rise": ((N_STAGES - 1,), np.float64),  # Exp(1) thresholds of the stage rises
        "rise_at": ((), np.float64),  # the threshold of the next rise (inf at the top)
        "live": ((), bool),
    }
    # Disputes that leave are marked dead (their clocks can no longer fire) and the arrays
    # are compacted once this share of them is dead, not every day: copying the whole pool
    # daily cost more than carrying a few dead rows through the arithmetic.
    COMPACT_AT = 0.2
    # The fields, declared (a test checks they are FIELDS).
    rows = _InUse()
    community = _InUse()
    kind = _InUse()
    stage = _InUse()
    start = _InUse()
    h = _InUse()
    e = _InUse()
    hazard = _InUse()
    h_rise = _InUse()
    rise_rate = _InUse()
    e_rise = _InUse()
    rise_at = _InUse()
    live = _InUse()

    def __init__(self, model: DisputeModel) -> None:
        self.model = model
        self.n = 0  # entries in use
        self.n_new = 0  # of which arose today
        self.n_dead = 0
        self.buffers = {
            name: _buffer(64, shape, dtype) for name, (shape, dtype) in self.FIELDS.items()
        }
        config = model.scenario.latent
        geo = model.network.geography
        staff = model.network.staff
        households = np.maximum(
            geo.population / model.scenario.geography.persons_per_household, 1.0
        )
        self.patrol = patrol_rule(config)
        visits = self.patrol.visits_per_day * staff.grid_officers
        self.p_visit = np.minimum(visits / households, 1.0)  # per household, per working day
        self.p_notice = self.patrol.p_notice
        self.has_officer = staff.grid_officers > 0
        self.sweep_day = sweep_days(model.calendar) if self.patrol.sweeps else None
        coverage = np.where(
            geo.urban,
            config.building_head_coverage["urban"],
            config.building_head_coverage["rural"],
        )
        self.building_head = coverage * config.building_head_reports_per_day
        distance = model.network.nearest_centre_km
        scale_km = config.walk_in_distance_scale_km
        self.walk_in = config.walk_in_per_day * np.exp(-distance / scale_km)
        # On a roving team's day in the village, the team is next door.
        self.walk_in_team = config.walk_in_per_day * np.exp(-model.network.intra_km / scale_km)
        self.roving_visits = model.roving_visits
        self.hotline = config.hotline_per_day
        self.court = np.array([config.court_filing_per_day[t] for t in DISPUTE_TYPES])
        self.stage_mult = np.array(config.stage_multiplier)
        self.lapse = np.array(config.lapse_per_day)
        self.rise = np.r_[config.stage_rise_per_day, 0.0]
        self.incident = np.array([0.0, 0.0, config.incident_per_day_at_harm])
        self.plain_by_place, self.court_by_type = self._plain_tables()

    def __len__(self) -> int:
        return self.n - self.n_dead

    # ------------------------------------------------------------------ membership

    def add(self, rows: slice) -> None:
        """Take in the disputes that just arose (a contiguous block of case rows)."""
        cases = self.model.cases
        k = rows.stop - rows.start
        self._reserve(self.n + k)
        new = slice(self.n, self.n + k)
        self.n += k
        self.n_new = k
        b = self.buffers
        b["rows"][new] = np.arange(rows.start, rows.stop)
        b["community"][new] = cases.community[rows]
        b["kind"][new] = cases.type[rows]
        b["stage"][new] = cases.stage[rows]
        b["start"][new] = cases.arose_day[rows]
        b["h"][new] = 0.0
        b["e"][new] = cases.e_clock[rows]
        b["h_rise"][new] = 0.0
        b["e_rise"][new] = cases.e_rise[rows]
        b["live"][new] = True
        self._set_stage_terms(np.arange(new.start, new.stop))

    def _reserve(self, needed: int) -> None:
        capacity = len(self.buffers["rows"])
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        for name, old in self.buffers.items():
            grown = _buffer(capacity, old.shape[1:], old.dtype)
            grown[: self.n] = old[: self.n]
            self.buffers[name] = grown

    def _remove(self, leaving: np.ndarray) -> None:
        """Mark the leaving disputes dead; compact when enough are."""
        self.buffers["live"][leaving] = False
        self.buffers["e"][leaving] = np.inf  # a dead dispute's clocks never fire again
        self.n_dead += len(leaving)
        if self.n_dead > self.COMPACT_AT * self.n:
            live = np.flatnonzero(self.live)
            for buffer in self.buffers.values():
                buffer[: len(live)] = buffer[: self.n].take(live, axis=0)
            self.n, self.n_dead = len(live), 0

    # ------------------------------------------------------------------ hazards

    def _plain_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """Plain-working-day hazards by (community, stage), shape (community * stage,
        clock), and the court-filing hazard by (type, stage)."""
        n_communities = len(self.p_visit)
        community = np.repeat(np.arange(n_communities), N_STAGES)
        stage = np.tile(np.arange(N_STAGES), n_communities)
        mult = self.stage_mult[stage]
        h = np.empty((len(stage), len(CLOCKS)))
        h[:, CLOCK["patrol"]] = self._patrol(community, stage, sweep=False)
        h[:, CLOCK["building_head"]] = self.building_head[community] * mult
        h[:, CLOCK["walk_in"]] = self.walk_in[community] * mult
        h[:, CLOCK["hotline"]] = self.hotline * mult
        h[:, CLOCK["court_filing"]] = 0.0  # by type: see the second table
        h[:, CLOCK["lapse"]] = self.lapse[stage]
        h[:, CLOCK["incident"]] = self.incident[stage]
        court = (self.court[:, None] * self.stage_mult[None, :]).ravel()
        return h, court

    def _set_stage_terms(self, at: np.ndarray) -> None:
        """Plain-working-day hazards and next-rise terms of the entries ``at``, from their
        current stage."""
        b = self.buffers
        stage = b["stage"][at]
        h = self.plain_by_place[b["community"][at] * N_STAGES + stage]
        h[:, CLOCK["court_filing"]] = self.court_by_type[b["kind"][at] * N_STAGES + stage]
        b["hazard"][at] = h
        b["rise_rate"][at] = self.rise[stage]
        top = N_STAGES - 1
        threshold = b["e_rise"][at, np.minimum(stage, top - 1)]
        b["rise_at"][at] = np.where(stage < top, threshold, np.inf)

    def _patrol(self, community: np.ndarray, stage: np.ndarray, sweep: bool) -> np.ndarray:
        """Hazard per working day of being noticed by the grid officer's visits (and, on
        a sweep day, by the sweep)."""
        p = self.p_visit[community] * self.p_notice[stage]
        if sweep:
            swept = self.has_officer[community] * self.patrol.sweep_notice[stage]
            p = 1.0 - (1.0 - p) * (1.0 - swept)
        return -np.log1p(-np.minimum(p, 1 - 1e-12))

    def hazards(self, day: int, workday: bool) -> np.ndarray:
        """Hazard per day of each clock for each latent dispute, shape (dispute, clock). On
        a plain working day this is a view of the pool's own table: read it, don't keep it."""
        h = self.hazard
        sweep = workday and self.sweep_day is not None and bool(self.sweep_day[day])
        if workday and not sweep and self.roving_visits is None:
            return h  # a plain working day
        h = h.copy(order="F")
        if not workday:
            h[:, CLOCK["patrol"]] = 0.0
        elif sweep:
            h[:, CLOCK["patrol"]] = self._patrol(self.community, self.stage, sweep=True)
        if self.roving_visits is not None:
            community = self.community
            here = self.roving_visits[day, community]
            walk_in = self.walk_in[community]
            walk_in = np.where(here, np.maximum(walk_in, self.walk_in_team[community]), walk_in)
            h[:, CLOCK["walk_in"]] = walk_in * self.stage_mult[self.stage]
        return h

    # ------------------------------------------------------------------ the day

    def advance(self, day: int, workday: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run every clock through ``day``. Returns (rows, times, clock) of the disputes
        whose latent phase ends today, and removes them from the pool."""
        if len(self) == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, np.empty(0), empty
        h = self.hazards(day, workday)
        before = self.h
        # Older disputes are exposed all day (an exposure of exactly 1); today's arrivals
        # only from the time they arose, and their clocks start at zero.
        old = self.n - self.n_new
        new_exposure = (day + 1) - self.start[old:]
        after = before + h
        after[old:] = h[old:] * new_exposure[:, None]
        fired = after >= self.e
        leaving = np.flatnonzero(fired.any(axis=1))
        start = np.where(leaving < old, float(day), self.start[leaving])
        with np.errstate(divide="ignore", invalid="ignore"):
            offset = np.where(
                fired[leaving], (self.e[leaving] - before[leaving]) / h[leaving], np.inf
            )
        first = np.argmin(offset, axis=1)
        times = start + offset[np.arange(len(leaving)), first]
        rows = self.rows[leaving]
        self.model.cases.stage[rows] = self.stage[leaving]
        before[:] = after
        self._rise_stages(old, new_exposure)
        self._remove(leaving)
        self.n_new = 0
        return rows, times, first

    def _rise_stages(self, old: int, new_exposure: np.ndarray) -> None:
        """Move disputes up a stage whose rise clock fired today (effective tomorrow)."""
        h = self.h_rise
        np.add(h, self.rise_rate, out=h)
        h[old:] = self.rise_rate[old:] * new_exposure
        risen = np.flatnonzero(h >= self.rise_at)
        h[risen] = 0.0  # the clock of the next stage starts from zero
        if len(risen):
            self.stage[risen] += 1
            self._set_stage_terms(risen)

    def sync_stages(self) -> None:
        """Write the current stage of still-latent disputes back to the case table."""
        self.model.cases.stage[self.rows[self.live]] = self.stage[self.live]
