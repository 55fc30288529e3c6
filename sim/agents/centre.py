"""A dispute-resolution centre at one level of the ladder, with its mediators."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import simpy

from sim.agents.mediator import Mediator
from sim.domain import level_code
from sim.engine.stays import STAY_FAILED, STAY_RESOLVED, STAY_TIMED_OUT, STAY_WITHDRAWN

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

COUNTY = level_code("county")


class Centre(mesa.Agent):
    """A community room, township, county or city centre, a roving team (a community-level
    centre that comes to the village) or a specialised committee.

    Idle mediators wait in a SimPy store; a case takes one for each session (first come,
    first served) and gives it back after. The model's tallies by level count
    the cases present and the mediators in session.
    """

    def __init__(
        self,
        model: DisputeModel,
        index: int,
        level: int,
        x_km: float,
        y_km: float,
        n_mediators: int,
        roving=None,
        logit: float | None = None,
        session_days: float | None = None,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.level = level  # code in RESOLUTION_PLACES (community = 1 ... committee = 5)
        self.x_km = x_km
        self.y_km = y_km
        self.roving = roving  # the team's round, for a roving team
        rules = model.rules
        self.base_logit = rules.level_logit[level] if logit is None else logit
        mean = rules.mean_session_days[level] if session_days is None else session_days
        self.mean_session_days = mean / model.availability[level]
        self.mediators = [Mediator(model, self) for _ in range(n_mediators)]
        self.idle = simpy.Store(model.env)
        self.idle.items.extend(self.mediators)

    @property
    def is_open(self) -> bool:
        return bool(self.mediators)

    @property
    def n_busy(self) -> int:
        return len(self.mediators) - len(self.idle.items)

    def _count(self, present: int = 0, busy: int = 0) -> None:
        """Update the model's per-level tallies of cases present and mediators busy."""
        if present:
            self.model.present_by_level[self.level] += present
        if busy:
            self.model.busy_by_level[self.level] += busy

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
        self._count(present=1)
        split = bool(rules.split[complexity]) and self.level == COUNTY
        attempt_once = self._split_attempt if split else self._attempt
        outcome = STAY_FAILED
        attempts = model.scenario.handling.attempts_per_level
        for attempt in range(attempts):
            outcome = yield from attempt_once(
                case_id, stay, deadline, give_up_at, support, ready_at
            )
            if outcome != STAY_FAILED:
                break
            if attempt + 1 < attempts and env.now >= deadline:
                outcome = STAY_TIMED_OUT  # attempts left, but the level's time is up
                break
        self._count(present=-1)
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
                session + 1 == n_sessions,
                part,
            )
            if stopped is not None:
                return stopped
        u_success, _ = model.cases.next_attempt_draw(case_id)
        if u_success < model.p_success(case_id, self.base_logit, support.logit + logit):
            return STAY_RESOLVED
        return STAY_FAILED

    def _split_attempt(
        self, case_id: int, stay: int, deadline: float, give_up_at: float, support, ready_at: float
    ):
        """'One key for one lock': the parts go on in parallel, each with its own mediator,
        and the dispute is settled when every part is."""
        env = self.model.env
        bonus = self.model.rules.split_part_logit
        parts = [
            env.process(
                self._attempt(
                    case_id, stay, deadline, give_up_at, support, ready_at, logit=bonus, part=k
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
        last: bool,
        part: int = 0,
    ):
        """Wait for whoever must be there and a mediator, hold the session and the gap after
        it. Returns None, or the stay outcome if time or patience ran out first. Parts of a
        split dispute wait side by side; only part 0 books the wait, so it counts once."""
        model, env, cases = self.model, self.model.env, self.model.cases
        queued_at = env.now
        mediator = None
        while mediator is None:
            if support.needed:
                here = yield from self._wait_for(support, ready_at, min(deadline, give_up_at))
                if not here:
                    return self._stop(case_id, stay, queued_at, deadline, give_up_at, part)
            if env.now >= deadline:  # the level's time is up: it hands the case on
                self._stop(case_id, stay, queued_at, deadline, give_up_at, part)
                return STAY_TIMED_OUT
            mediator = self._idle_mediator()
            if mediator is None:
                mediator = yield from self._take_mediator(deadline, give_up_at)
            if mediator is None:
                return self._stop(case_id, stay, queued_at, deadline, give_up_at, part)
            delay = model.calendar.delay_until_open(env.now)
            if delay > 0:
                yield env.timeout(delay)
            if support.presence is not None and support.presence.delay(env.now) > 0:
                self._release(mediator)  # the department or team has left meanwhile
                mediator = None
        waited = env.now - queued_at if part == 0 else 0.0
        cases.wait_days[case_id] += waited
        cases.n_sessions[case_id] += 1
        model.stays.session_started(stay, env.now, waited)
        e_session, e_gap = cases.next_session_draw(case_id)
        yield mediator.hold_session(self.mean_session_days * e_session)
        self._release(mediator)
        gap = model.scenario.handling.mean_gap_days
        if not last and gap > 0:
            yield env.timeout(gap * e_gap)
        return None

    def _stop(
        self,
        case_id: int,
        stay: int,
        queued_at: float,
        deadline: float,
        give_up_at: float,
        part: int,
    ) -> int:
        """No session came: book the wait (it counts all the same) and say why."""
        if part == 0:
            waited = self.model.env.now - queued_at
            self.model.cases.wait_days[case_id] += waited
            self.model.stays.waited(stay, waited)
        return STAY_WITHDRAWN if give_up_at < deadline else STAY_TIMED_OUT

    def _wait_for(self, support, ready_at: float, limit: float):
        """Until an on-call department has come and a scheduled one (or the team) is here;
        False if that would be after ``limit`` (the deadline or the party's patience)."""
        env = self.model.env
        at = max(ready_at, env.now)
        if support.presence is not None:
            at += support.presence.delay(at)
        if at > limit:
            if limit > env.now:
                yield env.timeout(limit - env.now)
            return False
        if at > env.now:
            yield env.timeout(at - env.now)
        return True

    def _release(self, mediator: Mediator) -> None:
        """Give the mediator back: to the first waiting case, or to the idle ones."""
        self._count(busy=-1)
        if self.idle.get_queue:
            self.idle.put(mediator)  # SimPy hands it to the waiting case
        else:
            self.idle.items.append(mediator)  # nobody waits: no event needed

    def _idle_mediator(self) -> Mediator | None:
        """An idle mediator if the centre is open now and nobody is ahead (no event)."""
        idle, model = self.idle, self.model
        if idle.items and not idle.get_queue and model.calendar.is_open(model.env.now):
            self._count(busy=1)
            return idle.items.pop(0)
        return None

    def _take_mediator(self, deadline: float, give_up_at: float):
        """An idle mediator, waiting if needed; None if the deadline or patience runs out."""
        env = self.model.env
        delay = self.model.calendar.delay_until_open(env.now)
        if delay > 0:
            yield env.timeout(delay)
        mediator = self._idle_mediator()
        if mediator is not None:
            return mediator
        limit = min(deadline, give_up_at) - env.now
        request = self.idle.get()
        if not request.triggered:  # nobody idle: wait, unless time or patience has run out
            if limit <= 0:
                request.cancel()
                return None
            if math.isinf(limit):
                yield request
            else:
                yield request | env.timeout(limit)
            if not request.triggered:
                request.cancel()
                return None
        mediator = request.value
        self._count(busy=1)
        return mediator
