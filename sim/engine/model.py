"""The Mesa model of a city's dispute-resolution network, driven by one SimPy clock (days)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import math
from collections.abc import Callable

import mesa
import numpy as np
import simpy

from sim.agents import Centre, Court, GridOfficer, Resident
from sim.agents.grid_officer import settle_on_spot
from sim.city import run_size
from sim.city.network import build_network
from sim.config import Scenario
from sim.domain import (
    CENTRE_LEVELS,
    CLOCK,
    END,
    END_STATES,
    NO_LEVEL,
    RESOLUTION_PLACES,
    STAGES,
    level_code,
)
from sim.engine.arrivals import Arrivals
from sim.engine.calendar import Calendar
from sim.engine.cases import CaseTable
from sim.engine.departments import Departments
from sim.engine.latent import LatentPool
from sim.engine.ledger import ARISEN, FOUND, REOPENED, CaseLedger
from sim.engine.policies import NONE, Rules
from sim.engine.processes import COURT_FILING, GRID, file_lawsuits, intake, settle_many
from sim.engine.roving_team import RovingTeam, visited_today
from sim.engine.sessions import SessionLog
from sim.engine.stays import StayLog
from sim.engine.timetable import DutyTimetable
from sim.streams import Streams


def _tally(model: DisputeModel, slot: int) -> int:
    return int(model.today[slot])


def _present(model: DisputeModel, code: int) -> int:
    return int(model.present_by_level[code])


def _session_hours(model: DisputeModel, code: int) -> float:
    return round(model.sessions.hours_today[code], 3)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@contextlib.contextmanager
def _fewer_collections(gen0: int = 50_000):
    """Run with the cyclic garbage collector triggered less often. The run allocates
    millions of short-lived events that reference counting frees; the default threshold
    (700) made the collector walk the model's long-lived agents about 185 times a year,
    7% of a run and more at larger scales. Results do not depend on it."""
    old = gc.get_threshold()
    gc.set_threshold(gen0, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


class DisputeModel(mesa.Model):
    """One run: a city, its staff and centres, and the disputes of ``run.days`` days.

    The SimPy clock starts ``run.warmup_days`` before day 0 of the measured period, so
    internal times are shifted by ``self.warmup`` (records shift them back). ``run()`` is the
    only place that advances the clock. After it, the case table, stay log and daily series
    hold everything :mod:`sim.results.records` writes.
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
        start = scenario.run.start_date - dt.timedelta(days=self.warmup)
        self.calendar = Calendar(start, self.days, scenario.calendar.kind)
        self.network = build_network(scenario)
        run_size.check_staff(self.network.staff_counts(scenario))
        self.rules = Rules(scenario)
        self.timetable = DutyTimetable(self.calendar, scenario.duty)
        n_places = len(RESOLUTION_PLACES)
        self.present_by_level = [0] * n_places  # cases at centres, updated by the centres
        self.sessions = SessionLog(n_places)
        self._build_agents()
        self.arrivals = Arrivals(self)
        run_size.check_disputes(self.arrivals.expected_per_year(), self.days)
        self.cases = CaseTable(
            capacity=int(self.arrivals.expected_per_year() * self.days / 365 * 1.1) + 64
        )
        self.latent = LatentPool(self)
        self.stays = StayLog()
        self.residents: dict[int, Resident] = {}
        self.ledger = CaseLedger(self.cases)
        self.today = self.ledger.today  # today's flows, read by the daily reporters
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        self.env.process(self._daily())

    # ------------------------------------------------------------------ construction

    def _build_agents(self) -> None:
        """Agents on the network's sites: grid officers, a centre per site (a roving team's
        base gets its team), the court, the departments."""
        network = self.network
        geo, staff = network.geography, network.staff
        self.officers = [
            GridOfficer(self, k, int(c))
            for k, c in enumerate(np.repeat(np.arange(geo.n_communities), staff.grid_officers))
        ]
        self.roving_teams = [
            RovingTeam(villages, self.calendar, self.scenario.roving.villages_per_day)
            for villages in network.rounds
        ]
        self.centres: list[Centre] = [
            Centre(
                self,
                index,
                level_code(site.level),
                site.x_km,
                site.y_km,
                network.duty[index],
                roving=None if site.round is None else self.roving_teams[site.round],
                logit=site.logit,
                session_hours=site.session_hours,
            )
            for index, site in enumerate(network.sites)
        ]
        self.court = Court(self, network.court_duty)
        self.roving_visits = (
            visited_today(self.roving_teams, geo.n_communities, self.days)
            if self.roving_teams
            else None
        )
        self.departments = Departments(self)

    def distance_km(self, community: int, centre: Centre) -> float:
        """Travel distance from a home in ``community`` to ``centre``."""
        return self.network.distance_km(community, self.network.sites[centre.index])

    def _reporters(self) -> dict[str, Callable[[DisputeModel], float]]:
        reporters: dict[str, Callable[[DisputeModel], float]] = {
            "day": lambda m: round(m.env.now) - 1 - m.warmup,
            "arisen": lambda m: int(m.today[ARISEN]),
            "discovered": lambda m: int(m.today[FOUND]),
            "reopened": lambda m: int(m.today[REOPENED]),
            "latent": lambda m: len(m.latent),
            "in_court": lambda m: m.court.n_present,
        }
        for state in END_STATES[1:]:
            reporters[f"ended_{state}"] = functools.partial(_tally, slot=END[state])
        for level in (*CENTRE_LEVELS, "committee"):
            code = level_code(level)
            reporters[f"in_{level}"] = functools.partial(_present, code=code)
            reporters[f"session_hours_{level}"] = functools.partial(_session_hours, code=code)
        return reporters

    # ------------------------------------------------------------------ queries

    def entry_level(self, case_id: int) -> int:
        cases = self.cases
        return self.rules.entry_level(cases.complexity[case_id], cases.type[case_id])

    def is_diverted_type(self, case_id: int) -> bool:
        return bool(self.rules.diverted[self.cases.type[case_id]])

    def committee_for(self, case_id: int) -> Centre | None:
        """The specialised committee that takes this case's type, if the scenario has one."""
        k = self.rules.committee_of[self.cases.type[case_id]]
        if k == NONE:
            return None
        centres = self.network.committee_centres[k]
        if len(centres) > 1:  # one per county
            county = self.network.geography.community_county[self.cases.community[case_id]]
            return self.centres[centres[county]]
        return self.centres[centres[0]]

    def centre_for(self, case_id: int, level: int) -> Centre | None:
        """The staffed centre at ``level`` serving the case's community, if any."""
        centre = self.centres[self.network.serving[self.cases.community[case_id], level - 1]]
        return centre if centre.is_open else None

    def p_success(self, case_id: int, base_logit: float, bonus: float = 0.0) -> float:
        """Chance an attempt settles the case, from its centre's base logit."""
        cases, rules = self.cases, self.rules
        logit = (
            base_logit
            + bonus
            + rules.type_logit.item(cases.type.item(case_id))
            + rules.complexity_logit.item(cases.complexity.item(case_id))
            + rules.stage_logit.item(cases.stage.item(case_id))
        )
        return _sigmoid(logit)

    def harden(self, case_id: int, waited: float) -> None:
        """The dispute waited ``waited`` days at a centre: its stage rises where the
        hazard accumulated while waiting passes the case's pre-drawn thresholds."""
        cases = self.cases
        hazard = self.rules.wait_rise[cases.type.item(case_id)] * waited
        if hazard <= 0.0:
            return
        total = cases.wait_hazard.item(case_id) + hazard
        cases.wait_hazard[case_id] = total
        rises = cases.stage_rises_waiting.item(case_id)
        stage = cases.stage.item(case_id)
        thresholds = cases.e_wait_rise[case_id]
        threshold = float(thresholds[: rises + 1].sum())
        while stage < len(STAGES) - 1 and rises < len(thresholds) and total >= threshold:
            stage += 1
            rises += 1
            if rises < len(thresholds):
                threshold += float(thresholds[rises])
        cases.stage[case_id] = stage
        cases.stage_rises_waiting[case_id] = rises

    # ------------------------------------------------------------------ events of a case

    def discover(self, case_id: int) -> None:
        self.ledger.discover(case_id, self.env.now)

    def claimant(self, case_id: int) -> Resident:
        """The case's claimant as an agent, created when the case goes on to a centre or a
        committee (a lawsuit that stays in court, or a dispute its grid officer settles on
        the spot, never needs one: more than half the cases)."""
        resident = self.residents.get(case_id)
        if resident is None:
            cases = self.cases
            resident = Resident(
                self, case_id, int(cases.community[case_id]), float(cases.patience_days[case_id])
            )
            self.residents[case_id] = resident
        return resident

    def arrive_at(self, case_id: int, centre: Centre) -> None:
        """The case's claimant arrives at ``centre`` (the distance is worked out only for
        the first centre, the one it is recorded for)."""
        if self.ledger.arrive(case_id, centre.level, centre.index, self.env.now):
            community = int(self.cases.community[case_id])
            self.ledger.travelled(case_id, self.distance_km(community, centre))

    def finish(self, case_id: int, state: str, level: int, at: float | None = None) -> None:
        self.ledger.finish(case_id, END[state], level, self.env.now if at is None else at)
        resident = self.residents.pop(case_id, None)
        if resident is not None:
            resident.remove()

    def finish_many(
        self,
        case_ids: np.ndarray,
        states: np.ndarray,
        level: int,
        at: np.ndarray,
        agents: bool = True,
    ) -> None:
        """``finish`` for many distinct cases at once (``states`` are END codes);
        ``agents=False`` when none of them can have a claimant agent (latent ones)."""
        self.ledger.finish_many(case_ids, states, level, at)
        if agents and self.residents:
            for case_id in case_ids.tolist():
                resident = self.residents.pop(case_id, None)
                if resident is not None:
                    resident.remove()

    def reopen(self, case_id: int) -> Resident:
        """A settled case comes back (relapse): open again, with its claimant back."""
        self.ledger.reopen(case_id)
        return self.claimant(case_id)

    # ------------------------------------------------------------------ the clock

    def _daily(self):
        """Once a day: disputes arise, patrols and reports run, latent clocks advance."""
        env = self.env
        for day in range(self.days):
            workday = bool(self.calendar.is_workday[day])
            rows = self.arrivals.arise(day)
            self.ledger.arisen(rows.stop - rows.start)
            self.latent.add(rows)
            self._leave_latent(*self.latent.advance(day, workday))
            yield env.timeout(1)
            self._close_day(day)

    def _leave_latent(self, rows: np.ndarray, times: np.ndarray, clocks: np.ndarray) -> None:
        """Disputes whose latent phase ends today (at ``times``): lapsed and incidents end.
        The found ones are discovered at their time: lawsuits the court keeps are filed
        and what a grid officer settles on the spot ends there (neither needs a process,
        see Court and settle_on_spot); the others go on as SimPy processes."""
        cases = self.cases
        ends = (clocks == CLOCK["lapse"]) | (clocks == CLOCK["incident"])
        self.finish_many(
            rows[ends],
            np.where(clocks[ends] == CLOCK["lapse"], END["lapsed"], END["incident"]),
            NO_LEVEL,
            times[ends],
            agents=False,
        )
        rows, times, clocks = rows[~ends], times[~ends], clocks[~ends]
        cases.channel[rows] = clocks
        lawsuit = (clocks == COURT_FILING) & ~self.rules.diverted[cases.type[rows]]
        on_spot = settle_on_spot(self, rows, clocks)
        now_known = lawsuit | on_spot
        self.ledger.discover_many(rows[now_known], times[now_known])
        file_lawsuits(self, rows[lawsuit], times[lawsuit])
        settle_many(self, rows[on_spot], times[on_spot], GRID)
        now = self.env.now
        for case_id, t in zip(rows[~now_known].tolist(), times[~now_known].tolist(), strict=True):
            self.env.process(intake(self, case_id, t - now))

    def _close_day(self, day: int, final: bool = False) -> None:
        self.court.close_day(day + 1, final)
        self.datacollector.collect(self)
        self.ledger.close_day()
        self.sessions.close_day()
        self.days_closed = day + 1
        if self.progress is not None:
            self.progress(day + 1, self.days)

    def mediators_by_place(self) -> dict[str, int]:
        """Mediators at each centre level and at the committees (teams count as community)."""
        counts = dict.fromkeys((*CENTRE_LEVELS, "committee"), 0)
        for centre in self.centres:
            counts[RESOLUTION_PLACES[centre.level]] += len(centre.mediators)
        return counts

    def run(self) -> DisputeModel:
        """Simulate warm-up and horizon (the only call of ``env.run``)."""
        self.days_closed = 0
        with _fewer_collections():
            self.env.run(until=self.days)
        if self.days_closed < self.days:  # SimPy stops before events at the horizon itself
            self._close_day(self.days - 1, final=True)
        self.latent.sync_stages()
        # Mesa 3.3 numbers agents per model in a class-level dict keyed by the model, which
        # would keep every finished model (and its agents) alive for the life of the process.
        mesa.Agent._ids.pop(self, None)
        return self
