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

N_STAGES = len(STAGES)


class LatentPool:
    """Rows of the case table that are latent, and their daily hazards."""

    def __init__(self, model) -> None:
        self.model = model
        self.rows = np.empty(0, dtype=np.int64)
        config = model.scenario.latent
        geo = model.geography
        staff = model.staff
        households = np.maximum(geo.population / model.scenario.geography.persons_per_household,
                                1.0)
        visits = config.households_visited_per_officer_day * staff.grid_officers
        self.p_visit = np.minimum(visits / households, 1.0)  # per household, per working day
        self.p_notice = np.array(config.p_notice_on_visit)
        coverage = np.where(geo.urban, config.building_head_coverage["urban"],
                            config.building_head_coverage["rural"])
        self.building_head = coverage * config.building_head_reports_per_day
        distance = model.nearest_centre_km
        self.walk_in = config.walk_in_per_day * np.exp(-distance / config.walk_in_distance_scale_km)
        self.hotline = config.hotline_per_day
        self.court = np.array([config.court_filing_per_day[t] for t in DISPUTE_TYPES])
        self.stage_mult = np.array(config.stage_multiplier)
        self.lapse = np.array(config.lapse_per_day)
        self.rise = np.r_[config.stage_rise_per_day, 0.0]
        self.incident = np.array([0.0, 0.0, config.incident_per_day_at_harm])

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, rows: slice) -> None:
        self.rows = np.concatenate([self.rows, np.arange(rows.start, rows.stop)])

    def hazards(self, rows: np.ndarray, workday: bool) -> np.ndarray:
        """Hazard per day of each clock for each latent row, shape (row, clock)."""
        cases = self.model.cases
        community = cases.community[rows]
        stage = cases.stage[rows]
        mult = self.stage_mult[stage]
        h = np.empty((len(rows), len(CLOCKS)))
        if workday:
            p = self.p_visit[community] * self.p_notice[stage]
            h[:, CLOCK["patrol"]] = -np.log1p(-np.minimum(p, 1 - 1e-12))
        else:
            h[:, CLOCK["patrol"]] = 0.0
        h[:, CLOCK["building_head"]] = self.building_head[community] * mult
        h[:, CLOCK["walk_in"]] = self.walk_in[community] * mult
        h[:, CLOCK["hotline"]] = self.hotline * mult
        h[:, CLOCK["court_filing"]] = self.court[cases.type[rows]] * mult
        h[:, CLOCK["lapse"]] = self.lapse[stage]
        h[:, CLOCK["incident"]] = self.incident[stage]
        return h

    def advance(self, day: int, workday: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run every clock through ``day``. Returns (rows, times, clock) of the disputes
        whose latent phase ends today, and removes them from the pool."""
        rows = self.rows
        if len(rows) == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, np.empty(0), empty
        cases = self.model.cases
        start = np.maximum(cases.arose_day[rows], day)
        exposure = (day + 1) - start
        h = self.hazards(rows, workday)
        before = cases.h_clock[rows]
        after = before + h * exposure[:, None]
        thresholds = cases.e_clock[rows]
        fired = after >= thresholds
        ends = fired.any(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            offset = np.where(fired, (thresholds - before) / h, np.inf)
        first = np.argmin(offset, axis=1)
        times = start + offset[np.arange(len(rows)), first]
        cases.h_clock[rows] = after
        self._rise_stages(rows[~ends], exposure[~ends])
        self.rows = rows[~ends]
        return rows[ends], times[ends], first[ends]

    def _rise_stages(self, rows: np.ndarray, exposure: np.ndarray) -> None:
        """Move disputes up a stage whose rise clock fired today (effective tomorrow)."""
        cases = self.model.cases
        stage = cases.stage[rows]
        h = cases.h_rise[rows] + self.rise[stage] * exposure
        top = N_STAGES - 1
        threshold = cases.e_rise[rows, np.minimum(stage, top - 1)]
        rises = (stage < top) & (h >= threshold)
        cases.stage[rows] = stage + rises
        cases.h_rise[rows] = np.where(rises, 0.0, h)
