"""The Mesa model of a city's dispute-resolution network, driven by one SimPy clock (days)."""

from __future__ import annotations

import datetime as dt
import math

import mesa
import numpy as np
import simpy

from sim import geography as geography_module
from sim.agents import Centre, Court, GridOfficer, Resident
from sim.arrivals import Arrivals
from sim.calendar import Calendar
from sim.cases import (
    CENTRE_LEVELS,
    CLOCK,
    COMPLEXITIES,
    DISPUTE_TYPES,
    END,
    END_STATES,
    NO_LEVEL,
    RESOLUTION_PLACES,
    CaseTable,
    level_code,
)
from sim.config import Scenario
from sim.latent import LatentPool
from sim.processes import intake
from sim.scaling import scale_city
from sim.staffing import allocate
from sim.stays import StayLog
from sim.streams import Streams


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class DisputeModel(mesa.Model):
    """One run: a city, its staff and centres, and the disputes of ``run.days`` days.

    The SimPy clock starts ``run.warmup_days`` before day 0 of the measured period, so
    internal times are shifted by ``self.warmup`` (records shift them back). ``run()`` is the
    only place that advances the clock. After it, the case table, stay log and daily series
    hold everything :mod:`sim.records` writes.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, progress=None) -> None:
        seed = scenario.run.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        self.scenario = scenario
        self.seed = seed
        self.warmup = scenario.run.warmup_days
        self.measured_days = scenario.run.days
        self.days = self.warmup + self.measured_days  # simulated, warm-up included
        self.streams = Streams(seed)
        self.env = simpy.Environment()
        self.progress = progress
        self._build_city()
        start = scenario.run.start_date - dt.timedelta(days=self.warmup)
        self.calendar = Calendar(start, self.days, scenario.calendar.kind)
        self._build_rules()
        n_places = len(RESOLUTION_PLACES)
        self.present_by_level = np.zeros(n_places, dtype=np.int64)  # cases at centres
        self.busy_by_level = np.zeros(n_places, dtype=np.int64)  # mediators in session
        self._build_agents()
        self.arrivals = Arrivals(self)
        self.cases = CaseTable(capacity=int(self.arrivals.expected_per_year() * self.days / 365
                                            * 1.1) + 64)
        self.latent = LatentPool(self)
        self.stays = StayLog()
        self.residents: dict[int, Resident] = {}
        self.officer_visits = np.zeros(len(self.officers))
        self.today = np.zeros(len(END_STATES) + 2, dtype=np.int64)  # ends by state, arisen, found
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        self.env.process(self._daily())

    # ------------------------------------------------------------------ construction

    def _build_city(self) -> None:
        config = self.scenario.geography
        full = geography_module.build(config)
        plan = allocate(full, self.scenario.staffing)
        rng = Streams(config.seed)["scale"]
        self.geography, self.staff, self.effective_scale = scale_city(
            full, plan, self.scenario.run.scale, rng)
        self.population = int(self.geography.population.sum())

    def _build_rules(self) -> None:
        handling = self.scenario.handling
        self.hotline_level = level_code(handling.hotline_entry_level)
        self.entry_levels = np.array(
            [level_code(handling.entry_level_by_complexity[c]) for c in COMPLEXITIES])
        n_places = len(RESOLUTION_PLACES)
        self.mean_session_days = np.zeros(n_places)
        self.level_logit = np.zeros(n_places)
        for level in CENTRE_LEVELS:
            self.mean_session_days[level_code(level)] = handling.mean_session_days_by_level[level]
            self.level_logit[level_code(level)] = handling.success_logit_by_level[level]
        self.type_logit = np.array([handling.success_logit_by_type[t] for t in DISPUTE_TYPES])
        self.complexity_logit = np.array(
            [handling.success_logit_by_complexity[c] for c in COMPLEXITIES])
        self.stage_logit = np.array(handling.success_logit_by_stage)
        diverted = self.scenario.court.diversion_types
        self.diverted_types = np.array([t in diverted for t in DISPUTE_TYPES])

    def _build_agents(self) -> None:
        geo, staff = self.geography, self.staff
        self.officers = [
            GridOfficer(self, k, int(c))
            for k, c in enumerate(np.repeat(np.arange(geo.n_communities), staff.grid_officers))
        ]
        self.centres: list[Centre] = []
        self.room_of = self._add_centres("community", np.column_stack([geo.x_km, geo.y_km]),
                                         staff.community_mediators)
        self.township_centre = self._add_centres("township", geo.township_xy(),
                                                 staff.township_mediators)
        self.county_centre = self._add_centres("county", geo.county_xy(), staff.county_mediators)
        self.city_centre = self._add_centres("city", geo.city_xy()[None, :],
                                             np.array([staff.city_mediators]))[0]
        self.court = Court(self, staff.court_mediators)
        self.serving = self._serving_table()  # computed once: centre_for is on the hot path
        self.intra_km = np.where(geo.urban, self.scenario.geography.intra_community_km["urban"],
                                 self.scenario.geography.intra_community_km["rural"])
        self.nearest_centre_km = self._nearest_open_centre_km()

    def _add_centres(self, level: str, xy: np.ndarray, mediators: np.ndarray) -> np.ndarray:
        code = level_code(level)
        first = len(self.centres)
        for k in range(len(xy)):
            self.centres.append(Centre(self, first + k, code, float(xy[k, 0]), float(xy[k, 1]),
                                       int(mediators[k])))
        return np.arange(first, first + len(xy))

    def _serving_table(self) -> np.ndarray:
        """Centre indices serving each community, shape (community, level), community first."""
        geo = self.geography
        return np.column_stack([
            self.room_of,
            self.township_centre[geo.township],
            self.county_centre[geo.community_county],
            np.full(geo.n_communities, self.city_centre),
        ])

    def distance_km(self, community: int, centre: Centre) -> float:
        """Travel distance from a home in ``community`` to ``centre``."""
        geo = self.geography
        dx = geo.x_km[community] - centre.x_km
        dy = geo.y_km[community] - centre.y_km
        return float(math.hypot(dx, dy) + self.intra_km[community])

    def _nearest_open_centre_km(self) -> np.ndarray:
        nearest = np.full(self.geography.n_communities, np.inf)
        for c in range(self.geography.n_communities):
            for index in self.serving[c]:
                centre = self.centres[index]
                if centre.is_open:
                    nearest[c] = min(nearest[c], self.distance_km(c, centre))
        return nearest

    def _reporters(self) -> dict:
        reporters = {
            "day": lambda m: round(m.env.now) - 1 - m.warmup,
            "arisen": lambda m: int(m.today[-2]),
            "discovered": lambda m: int(m.today[-1]),
            "latent": lambda m: len(m.latent),
            "in_court": lambda m: m.court.n_present,
        }
        for state in END_STATES[1:]:
            reporters[f"ended_{state}"] = lambda m, k=END[state]: int(m.today[k])
        for level in CENTRE_LEVELS:
            code = level_code(level)
            reporters[f"in_{level}"] = lambda m, c=code: int(m.present_by_level[c])
            reporters[f"busy_mediators_{level}"] = lambda m, c=code: int(m.busy_by_level[c])
        return reporters

    # ------------------------------------------------------------------ queries

    def complexity_name(self, case_id: int) -> str:
        return COMPLEXITIES[self.cases.complexity[case_id]]

    def entry_level(self, case_id: int) -> int:
        return int(self.entry_levels[self.cases.complexity[case_id]])

    def is_diverted_type(self, case_id: int) -> bool:
        return bool(self.diverted_types[self.cases.type[case_id]])

    def officer_of(self, case_id: int) -> GridOfficer | None:
        k = self.cases.officer[case_id]
        return self.officers[k] if k >= 0 else None

    def centre_for(self, case_id: int, level: int) -> Centre | None:
        """The staffed centre at ``level`` serving the case's community, if any."""
        centre = self.centres[self.serving[self.cases.community[case_id], level - 1]]
        return centre if centre.is_open else None

    def p_success(self, case_id: int, level: int) -> float:
        cases = self.cases
        logit = (self.level_logit[level] + self.type_logit[cases.type[case_id]]
                 + self.complexity_logit[cases.complexity[case_id]]
                 + self.stage_logit[cases.stage[case_id]])
        return _sigmoid(float(logit))

    # ------------------------------------------------------------------ events of a case

    def discover(self, case_id: int) -> Resident:
        cases = self.cases
        cases.discovered_day[case_id] = self.env.now
        cases.stage_at_discovery[case_id] = cases.stage[case_id]
        self.today[-1] += 1
        resident = Resident(self, case_id, int(cases.community[case_id]),
                            float(cases.patience_days[case_id]))
        self.residents[case_id] = resident
        return resident

    def arrive_at(self, case_id: int, resident: Resident, centre: Centre) -> None:
        cases = self.cases
        cases.levels_visited[case_id] |= 1 << centre.level
        if cases.centre_first[case_id] < 0:
            cases.centre_first[case_id] = centre.index
            cases.first_centre_day[case_id] = self.env.now
            distance = self.distance_km(int(cases.community[case_id]), centre)
            cases.distance_km[case_id] = distance
            resident.travel_to(distance)
        if cases.entry_level[case_id] == NO_LEVEL:
            cases.entry_level[case_id] = centre.level

    def finish(self, case_id: int, state: str, level: int, at: float | None = None) -> None:
        cases = self.cases
        code = END[state]
        cases.end_state[case_id] = code
        cases.end_level[case_id] = level
        cases.end_day[case_id] = self.env.now if at is None else at
        if level >= 0:
            cases.levels_visited[case_id] |= 1 << level
        self.today[code] += 1
        resident = self.residents.pop(case_id, None)
        if resident is not None:
            resident.remove()

    # ------------------------------------------------------------------ the clock

    def _daily(self):
        """Once a day: disputes arise, patrols and reports run, latent clocks advance."""
        env = self.env
        lapse, incident = CLOCK["lapse"], CLOCK["incident"]
        for day in range(self.days):
            workday = bool(self.calendar.is_workday[day])
            rows = self.arrivals.arise(day)
            self.today[-2] += rows.stop - rows.start
            self.latent.add(rows)
            if workday:
                self.officer_visits += self.scenario.latent.households_visited_per_officer_day
            ended, times, clocks = self.latent.advance(day, workday)
            for case_id, t, clock in zip(ended.tolist(), times.tolist(), clocks.tolist(),
                                         strict=True):
                if clock == lapse:
                    self.finish(case_id, "lapsed", NO_LEVEL, at=t)
                elif clock == incident:
                    self.finish(case_id, "incident", NO_LEVEL, at=t)
                else:
                    self.cases.channel[case_id] = clock
                    env.process(intake(self, case_id, t - env.now))
            yield env.timeout(1)
            self._close_day(day)

    def _close_day(self, day: int) -> None:
        self.datacollector.collect(self)
        self.today[:] = 0
        self.days_closed = day + 1
        if self.days_closed == self.warmup:
            self.busy_at_start = self.busy_days()
        if self.progress is not None:
            self.progress(day + 1, self.days)

    def busy_days(self) -> dict[int, float]:
        """Mediator session days so far, per level code (court = LEVEL_COURT)."""
        busy = {code: 0.0 for code in range(len(RESOLUTION_PLACES))}
        for centre in self.centres:
            busy[centre.level] += sum(m.busy_days for m in centre.mediators)
        busy[len(RESOLUTION_PLACES) - 1] = self.court.busy_days
        return busy

    def run(self) -> DisputeModel:
        """Simulate warm-up and horizon (the only call of ``env.run``)."""
        self.days_closed = 0
        self.busy_at_start = self.busy_days()
        self.env.run(until=self.days)
        if self.days_closed < self.days:  # SimPy stops before events at the horizon itself
            self._close_day(self.days - 1)
        self.latent.sync_stages()
        # Mesa 3.3 numbers agents per model in a class-level dict keyed by the model, which
        # would keep every finished model (and its agents) alive for the life of the process.
        mesa.Agent._ids.pop(self, None)
        return self

