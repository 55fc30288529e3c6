"""Latent disputes: nobody handles them yet; they escalate until discovered or ended.

Every latent dispute carries one clock per way its latent phase can end (patrol,
building head, walk-in, hotline, court filing, private settlement, violent incident)
and one towards the next stage. A clock fires when its accumulated hazard passes the
dispute's own Exp(1) threshold, drawn when the dispute arose. Hazards are constant within
a day, so the firing time inside the day is exact. The whole pool advances once a day
with numpy: patrols and reports are computed for all grids at once.
"""

from __future__ import annotations

import numpy as np

from sim.cases import CLOCK, CLOCKS, DISPUTE_TYPES, STAGES
from sim.patrol import patrol_rule, sweep_days

N_STAGES = len(STAGES)


class LatentPool:
    """The latent disputes, held as compact arrays of their own (one entry per dispute),
    and their daily hazards. The case table is touched only when a dispute leaves."""

    FIELDS = ("rows", "community", "kind", "stage", "start", "h", "e", "h_rise", "e_rise",
              "live")
    # Disputes that leave are marked dead (their clocks can no longer fire) and the arrays
    # are compacted once this share of them is dead, not every day: copying the whole pool
    # daily cost more than carrying a few dead rows through the arithmetic.
    COMPACT_AT = 0.2

    def __init__(self, model) -> None:
        self.model = model
        self._empty()
        config = model.scenario.latent
        geo = model.geography
        staff = model.staff
        households = np.maximum(geo.population / model.scenario.geography.persons_per_household,
                                1.0)
        self.patrol = patrol_rule(config)
        visits = self.patrol.visits_per_day * staff.grid_officers
        self.p_visit = np.minimum(visits / households, 1.0)  # per household, per working day
        self.p_notice = self.patrol.p_notice
        self.has_officer = staff.grid_officers > 0
        self.sweep_day = sweep_days(model.calendar) if self.patrol.sweeps else None
        coverage = np.where(geo.urban, config.building_head_coverage["urban"],
                            config.building_head_coverage["rural"])
        self.building_head = coverage * config.building_head_reports_per_day
        distance = model.nearest_centre_km
        scale_km = config.walk_in_distance_scale_km
        self.walk_in = config.walk_in_per_day * np.exp(-distance / scale_km)
        # On a roving team's day in the village, the team is next door.
        self.walk_in_team = config.walk_in_per_day * np.exp(-model.intra_km / scale_km)
        self.roving_visits = model.roving_visits
        self.hotline = config.hotline_per_day
        self.court = np.array([config.court_filing_per_day[t] for t in DISPUTE_TYPES])
        self.stage_mult = np.array(config.stage_multiplier)
        self.lapse = np.array(config.lapse_per_day)
        self.rise = np.r_[config.stage_rise_per_day, 0.0]
        self.incident = np.array([0.0, 0.0, config.incident_per_day_at_harm])

    def _empty(self) -> None:
        self.rows = np.empty(0, dtype=np.int64)
        self.community = np.empty(0, dtype=np.int32)
        self.kind = np.empty(0, dtype=np.int32)
        self.stage = np.empty(0, dtype=np.int32)
        self.start = np.empty(0)
        self.h = np.empty((0, len(CLOCKS)))
        self.e = np.empty((0, len(CLOCKS)))
        self.h_rise = np.empty(0)
        self.e_rise = np.empty((0, N_STAGES - 1))
        self.live = np.empty(0, dtype=bool)
        self.n_dead = 0

    def __len__(self) -> int:
        return len(self.rows) - self.n_dead

    def add(self, rows: slice) -> None:
        """Take in the disputes that just arose (a contiguous block of case rows)."""
        cases = self.model.cases
        n = rows.stop - rows.start
        new = {
            "rows": np.arange(rows.start, rows.stop),
            "community": cases.community[rows],
            "kind": cases.type[rows],
            "stage": cases.stage[rows],
            "start": cases.arose_day[rows],
            "h": np.zeros((n, len(CLOCKS))),
            "e": cases.e_clock[rows],
            "h_rise": np.zeros(n),
            "e_rise": cases.e_rise[rows],
            "live": np.ones(n, dtype=bool),
        }
        for name in self.FIELDS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))

    def _keep(self, keep: np.ndarray) -> None:
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name)[keep])

    def _remove(self, leaving: np.ndarray) -> None:
        """Mark the leaving disputes dead; compact when enough are."""
        self.live[leaving] = False
        self.e[leaving] = np.inf  # a dead dispute's clocks never fire again
        self.n_dead += len(leaving)
        if self.n_dead > self.COMPACT_AT * len(self.rows):
            self._keep(self.live)
            self.n_dead = 0

    def hazards(self, day: int, workday: bool) -> np.ndarray:
        """Hazard per day of each clock for each latent dispute, shape (dispute, clock)."""
        community, stage = self.community, self.stage
        mult = self.stage_mult[stage]
        h = np.empty((len(stage), len(CLOCKS)))
        if workday:
            p = self.p_visit[community] * self.p_notice[stage]
            if self.sweep_day is not None and self.sweep_day[day]:
                swept = self.has_officer[community] * self.patrol.sweep_notice[stage]
                p = 1.0 - (1.0 - p) * (1.0 - swept)
            h[:, CLOCK["patrol"]] = -np.log1p(-np.minimum(p, 1 - 1e-12))
        else:
            h[:, CLOCK["patrol"]] = 0.0
        h[:, CLOCK["building_head"]] = self.building_head[community] * mult
        walk_in = self.walk_in[community]
        if self.roving_visits is not None:
            here = self.roving_visits[day, community]
            walk_in = np.where(here, np.maximum(walk_in, self.walk_in_team[community]), walk_in)
        h[:, CLOCK["walk_in"]] = walk_in * mult
        h[:, CLOCK["hotline"]] = self.hotline * mult
        h[:, CLOCK["court_filing"]] = self.court[self.kind] * mult
        h[:, CLOCK["lapse"]] = self.lapse[stage]
        h[:, CLOCK["incident"]] = self.incident[stage]
        return h

    def advance(self, day: int, workday: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run every clock through ``day``. Returns (rows, times, clock) of the disputes
        whose latent phase ends today, and removes them from the pool."""
        if len(self) == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, np.empty(0), empty
        start = np.maximum(self.start, day)
        exposure = (day + 1) - start
        h = self.hazards(day, workday)
        before = self.h
        after = before + h * exposure[:, None]
        fired = after >= self.e
        ends = fired.any(axis=1)
        leaving = np.flatnonzero(ends)
        with np.errstate(divide="ignore", invalid="ignore"):
            offset = np.where(fired[leaving], (self.e[leaving] - before[leaving]) / h[leaving],
                              np.inf)
        first = np.argmin(offset, axis=1)
        times = start[leaving] + offset[np.arange(len(leaving)), first]
        rows = self.rows[leaving]
        self.model.cases.stage[rows] = self.stage[leaving]
        self.h = after
        self._rise_stages(exposure)
        self._remove(leaving)
        return rows, times, first

    def _rise_stages(self, exposure: np.ndarray) -> None:
        """Move disputes up a stage whose rise clock fired today (effective tomorrow)."""
        stage = self.stage
        h = self.h_rise + self.rise[stage] * exposure
        top = N_STAGES - 1
        threshold = self.e_rise[np.arange(len(stage)), np.minimum(stage, top - 1)]
        rises = (stage < top) & (h >= threshold)
        self.stage = stage + rises
        self.h_rise = np.where(rises, 0.0, h)

    def sync_stages(self) -> None:
        """Write the current stage of still-latent disputes back to the case table."""
        self.model.cases.stage[self.rows[self.live]] = self.stage[self.live]
