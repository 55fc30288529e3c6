"""SimPy processes of a discovered dispute: intake, the ladder of centres, and the court."""

from __future__ import annotations

from sim.agents.resident import COURT, ESCALATE, INCIDENT, PETITION, WITHDRAW
from sim.cases import CHANNELS, LEVEL_COURT, level_code
from sim.stays import STAY_RESOLVED, STAY_WITHDRAWN

PATROL, BUILDING_HEAD, WALK_IN, HOTLINE, COURT_FILING = range(len(CHANNELS))
TOWNSHIP, CITY = level_code("township"), level_code("city")
# Stay outcomes and party choices that end the case where it is, and the end state they give.
STAY_ENDS = {STAY_RESOLVED: "resolved", STAY_WITHDRAWN: "withdrawn"}
CHOICE_ENDS = {WITHDRAW: "withdrawn", PETITION: "petition", INCIDENT: "incident"}


def intake(model, case_id: int, delay: float):
    """From discovery to the end: who takes the dispute, then where it goes."""
    env = model.env
    if delay > 0:
        yield env.timeout(delay)
    resident = model.discover(case_id)
    channel = model.cases.channel[case_id]
    if channel == COURT_FILING:
        yield from litigate(model, case_id, resident)
        return
    if channel in (PATROL, BUILDING_HEAD):
        officer = model.officer_of(case_id)
        if officer is not None and officer.settle_on_spot(case_id):
            model.finish(case_id, "resolved", level_code("grid"))
            return
    level = model.entry_level(case_id)
    if channel == HOTLINE:
        level = max(level, model.hotline_level)
    yield from climb(model, case_id, resident, level)


def climb(model, case_id: int, resident, level: int, diverted: bool = False):
    """Mediate at ``level`` and go up the ladder after each failure.

    A case the court diverted (``diverted``) goes back to court after its first failure.
    """
    cases = model.cases
    while True:
        centre = model.centre_for(case_id, level)
        if centre is None:  # no staffed centre at this level: go up, or to court at the top
            if level >= CITY:
                yield from litigate(model, case_id, resident, from_centres=True)
                return
            level += 1
            continue
        model.arrive_at(case_id, resident, centre)
        outcome = yield from centre.mediate(case_id, resident)
        if outcome in STAY_ENDS:
            model.finish(case_id, STAY_ENDS[outcome], level)
            return
        u_choice = cases.failure_draw(case_id)
        choice = resident.choose_after_failure(int(cases.stage[case_id]), u_choice)
        if choice in CHOICE_ENDS:
            model.finish(case_id, CHOICE_ENDS[choice], level)
            return
        if diverted or choice == COURT or (choice == ESCALATE and level >= CITY):
            yield from litigate(model, case_id, resident, from_centres=True)
            return
        cases.n_escalations[case_id] += 1
        level += 1


def litigate(model, case_id: int, resident, from_centres: bool = False):
    """Court: diversion of named types to the township centre, then mediation or judgment."""
    cases = model.cases
    if not cases.levels_visited[case_id] & (1 << LEVEL_COURT):
        cases.levels_visited[case_id] |= 1 << LEVEL_COURT
        cases.court_day[case_id] = model.env.now
    if not from_centres and model.is_diverted_type(case_id):
        yield from climb(model, case_id, resident, TOWNSHIP, diverted=True)
        return
    settled = yield from model.court.hear(case_id)
    model.finish(case_id, "resolved" if settled else "judged", LEVEL_COURT)

