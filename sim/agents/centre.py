"""A dispute-resolution centre at one level of the ladder, with its mediators."""

from __future__ import annotations

import math

import mesa
import simpy

from sim.agents.mediator import Mediator
from sim.stays import STAY_FAILED, STAY_RESOLVED, STAY_TIMED_OUT, STAY_WITHDRAWN


class Centre(mesa.Agent):
    """A community room, township, county or city centre.

    Idle mediators wait in a SimPy store; a case takes one for each session (first come,
    first served) and gives it back after. ``n_present`` counts the cases at this centre.
    """

    def __init__(self, model, index: int, level: int, x_km: float, y_km: float,
                 n_mediators: int) -> None:
        super().__init__(model)
        self.index = index
        self.level = level  # code in RESOLUTION_PLACES (community = 1 ... city = 4)
        self.x_km = x_km
        self.y_km = y_km
        self.mediators = [Mediator(model, self) for _ in range(n_mediators)]
        self.idle = simpy.Store(model.env)
        self.idle.items.extend(self.mediators)
        self.n_present = 0
        self.n_received = 0

    @property
    def is_open(self) -> bool:
        return bool(self.mediators)

    @property
    def n_busy(self) -> int:
        return len(self.mediators) - len(self.idle.items)

    def _count(self, present: int = 0, busy: int = 0) -> None:
        """Keep this centre's and the model's per-level tallies in step."""
        self.n_present += present
        self.model.present_by_level[self.level] += present
        self.model.busy_by_level[self.level] += busy

    def mediate(self, case_id: int, resident):
        """SimPy process: the case's stay at this centre. Returns a STAY_* outcome."""
        model, env = self.model, self.model.env
        rules = model.scenario.handling
        complexity = model.complexity_name(case_id)
        deadline = env.now + rules.time_limit_days_by_complexity[complexity]
        give_up_at = env.now + resident.patience_days
        stay = model.stays.open(case_id, self.level, self.index, env.now, deadline)
        self._count(present=1)
        self.n_received += 1
        outcome = STAY_FAILED
        for attempt in range(rules.attempts_per_level):
            outcome = yield from self._attempt(case_id, stay, deadline, give_up_at)
            if outcome != STAY_FAILED:
                break
            if attempt + 1 < rules.attempts_per_level and env.now >= deadline:
                outcome = STAY_TIMED_OUT  # attempts left, but the level's time is up
                break
        self._count(present=-1)
        model.stays.close(stay, env.now, outcome)
        return outcome

    def _attempt(self, case_id: int, stay: int, deadline: float, give_up_at: float):
        model, env, cases = self.model, self.model.env, self.model.cases
        rules = model.scenario.handling
        complexity = model.complexity_name(case_id)
        n_sessions = rules.sessions_by_complexity[complexity]
        mean_session = model.mean_session_days[self.level]
        for session in range(n_sessions):
            queued_at = env.now
            mediator = yield from self._take_mediator(deadline, give_up_at)
            if mediator is None:
                return STAY_WITHDRAWN if give_up_at < deadline else STAY_TIMED_OUT
            delay = model.calendar.delay_until_open(env.now)
            if delay > 0:
                yield env.timeout(delay)
            waited = env.now - queued_at
            cases.wait_days[case_id] += waited
            cases.n_sessions[case_id] += 1
            model.stays.session_started(stay, env.now, waited)
            e_session, e_gap = cases.next_session_draw(case_id)
            yield from mediator.hold_session(mean_session * e_session)
            self._release(mediator)
            if session + 1 < n_sessions and rules.mean_gap_days > 0:
                yield env.timeout(rules.mean_gap_days * e_gap)
        u_success, _ = cases.next_attempt_draw(case_id)
        if u_success < model.p_success(case_id, self.level):
            return STAY_RESOLVED
        return STAY_FAILED

    def _release(self, mediator: Mediator) -> None:
        """Give the mediator back: to the first waiting case, or to the idle ones."""
        self._count(busy=-1)
        if self.idle.get_queue:
            self.idle.put(mediator)  # SimPy hands it to the waiting case
        else:
            self.idle.items.append(mediator)  # nobody waits: no event needed

    def _take_mediator(self, deadline: float, give_up_at: float):
        """An idle mediator, waiting if needed; None if the deadline or patience runs out."""
        env = self.model.env
        delay = self.model.calendar.delay_until_open(env.now)
        if delay > 0:
            yield env.timeout(delay)
        if self.idle.items and not self.idle.get_queue:  # one is idle and nobody is ahead
            self._count(busy=1)
            return self.idle.items.pop(0)
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
