"""A dispute-resolution centre at one level of the ladder, with its mediators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.agents.mediator import Mediator
from sim.domain import HOURS_PER_DAY, level_code
from sim.engine.appointments import AppointmentBook
from sim.engine.stays import STAY_FAILED, STAY_RESOLVED, STAY_TIMED_OUT, STAY_WITHDRAWN

if TYPE_CHECKING:
    from sim.city.duty import DutyPattern
    from sim.engine.model import DisputeModel

COUNTY = level_code("county")


class Centre(mesa.Agent):
    """A community room, township, county or city centre, a roving team (a community-level
    centre that comes to the village) or a specialised committee.

    A case's sessions are appointments. Its parties are summoned for the first after a
    lead time, and can meet again a gap after each session; when they can, the centre's
    appointment book gives the first duty slot in which a mediator is on duty and free
    (and the department or team it needs is there). Waiting may harden the dispute
    (:meth:`DisputeModel.harden`). The model's tallies by level count the cases present
    and the session hours held.
    """

    def __init__(
        self,
        model: DisputeModel,
        index: int,
        level: int,
        x_km: float,
        y_km: float,
        duty: tuple[DutyPattern, ...],
        roving=None,
        logit: float | None = None,
        session_hours: float | None = None,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.level = level  # code in RESOLUTION_PLACES (community = 1 ... committee = 5)
        self.x_km = x_km
        self.y_km = y_km
        self.roving = roving  # the team's round, for a roving team
        rules = model.rules
        self.base_logit = rules.level_logit[level] if logit is None else logit
        hours = rules.session_hours[level] if session_hours is None else session_hours
        self.mean_session_days = hours / HOURS_PER_DAY
        self.lead_days = float(rules.lead_days[level])
        self.mediators = [Mediator(model, self, pattern) for pattern in duty]
        self.book = AppointmentBook(model.timetable, duty, model.scenario.duty.on_call_delay_days)

    @property
    def is_open(self) -> bool:
        return bool(self.mediators)

    def mediate(self, case_id: int, resident):
        """SimPy process: the case's stay at this centre. Returns a STAY_* outcome."""
        model, env = self.model, self.model.env
        rules = model.rules
        complexity = model.cases.complexity.item(case_id)  # item(): Python numbers, not numpy's
        deadline = env.now + rules.time_limit.item(self.level, complexity)
        give_up_at = env.now + resident.patience_days
        support = model.departments.support(case_id, self)
        ready_at = env.now + support.call_days
        stay = model.stays.open(case_id, self.level, self.index, env.now, deadline)
        model.present_by_level[self.level] += 1
        split = bool(rules.split[complexity]) and self.level == COUNTY
        attempt_once = self._split_attempt if split else self._attempt
        outcome = STAY_FAILED
        attempts = model.scenario.handling.attempts_per_level
        for attempt in range(attempts):
            outcome = yield from attempt_once(
                case_id, stay, deadline, give_up_at, support, ready_at, attempt == 0
            )
            if outcome != STAY_FAILED:
                break
            if attempt + 1 < attempts and env.now >= deadline:
                outcome = STAY_TIMED_OUT  # attempts left, but the level's time is up
                break
        model.present_by_level[self.level] -= 1
        model.stays.close(stay, env.now, outcome)
        return outcome

    def _attempt(
        self,
        case_id: int,
        stay: int,
        deadline: float,
        give_up_at: float,
        support,
        ready_at: float,
        first: bool,
        logit: float = 0.0,
        part: int = 0,
    ):
        """One attempt: the sessions, then whether they settled it."""
        model = self.model
        n_sessions = model.rules.sessions.item(model.cases.complexity.item(case_id))
        for session in range(n_sessions):
            stopped = yield from self._session(
                case_id,
                stay,
                deadline,
                give_up_at,
                support,
                ready_at,
                first and session == 0,
                part,
            )
            if stopped is not None:
                return stopped
        u_success, _ = model.cases.next_attempt_draw(case_id)
        if u_success < model.p_success(case_id, self.base_logit, support.logit + logit):
            return STAY_RESOLVED
        return STAY_FAILED

    def _split_attempt(
        self,
        case_id: int,
        stay: int,
        deadline: float,
        give_up_at: float,
        support,
        ready_at: float,
        first: bool,
    ):
        """'One key for one lock': the parts go on in parallel, each with its own mediator,
        and the dispute is settled when every part is."""
        env = self.model.env
        bonus = self.model.rules.split_part_logit
        parts = [
            env.process(
                self._attempt(
                    case_id, stay, deadline, give_up_at, support, ready_at, first, bonus, k
                )
            )
            for k in range(self.model.scenario.handling.split_parts)
        ]
        yield env.all_of(parts)
        outcomes = [part.value for part in parts]
        for worst in (STAY_WITHDRAWN, STAY_TIMED_OUT, STAY_FAILED):
            if worst in outcomes:
                return worst
        return STAY_RESOLVED

    def _session(
        self,
        case_id: int,
        stay: int,
        deadline: float,
        give_up_at: float,
        support,
        ready_at: float,
        first: bool,
        part: int = 0,
    ):
        """The parties can meet after the summons lead time (first session of the stay) or
        the gap after the last one, and an on-call department has come; then the first
        free duty slot is booked and held. Returns None, or the stay outcome if the level's
        time or the party's patience ran out first. Parts of a split dispute book side by
        side, each its own sessions; only part 0 books the waits, so they count once."""
        model, env, cases = self.model, self.model.env, self.model.cases
        began = env.now
        limit = min(deadline, give_up_at)
        e_session, e_before = cases.next_session_draw(case_id)
        before = self.lead_days if first else model.scenario.handling.mean_gap_days
        parties_ready = env.now + before * e_before
        ready = max(parties_ready, ready_at) if first else parties_ready
        booking = None
        if ready <= limit:
            if ready > env.now:
                yield env.timeout(ready - env.now)
            days = self.mean_session_days * e_session
            booking = self.book.book(env.now, days, limit, support.presence)
        if booking is None:  # no session before the limit: wait it out, then leave or go up
            if limit > env.now:
                yield env.timeout(limit - env.now)
            self._waited(case_id, stay, max(env.now - parties_ready, 0.0), began, part)
            return STAY_WITHDRAWN if give_up_at < deadline else STAY_TIMED_OUT
        start, mediator = booking
        cases.n_sessions[case_id] += 1
        model.stays.session_started(stay, start, start - parties_ready if part == 0 else 0.0)
        self._waited(case_id, stay, start - parties_ready, began, part, start)
        yield env.timeout(start + days - env.now)
        self.mediators[mediator].held(start, days * HOURS_PER_DAY)
        return None

    def _waited(
        self,
        case_id: int,
        stay: int,
        for_slot: float,
        began: float,
        part: int,
        until: float | None = None,
    ) -> None:
        """Book the wait since the parties could meet (for a department, a team's day or a
        free duty slot) and let the whole wait since ``began`` (with the summons lead time
        or the gap) harden the dispute."""
        if part != 0:
            return
        model = self.model
        model.cases.wait_days[case_id] += for_slot
        if until is None:
            model.stays.waited(stay, for_slot)
            until = model.env.now
        model.harden(case_id, until - began)
