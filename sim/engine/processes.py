"""SimPy processes of a discovered dispute: intake, the ladder of centres, and the court."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.resident import COURT, ESCALATE, INCIDENT, PETITION, WITHDRAW
from sim.domain import CHANNELS, END, LEVEL_COMMITTEE, LEVEL_COURT, STAGES, level_code
from sim.engine.stays import STAY_RESOLVED, STAY_WITHDRAWN

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

PATROL, BUILDING_HEAD, WALK_IN, HOTLINE, COURT_FILING = range(len(CHANNELS))
GRID, TOWNSHIP, CITY = level_code("grid"), level_code("township"), level_code("city")
# Stay outcomes and party choices that end the case where it is, and the end state they give.
STAY_ENDS = {STAY_RESOLVED: "resolved", STAY_WITHDRAWN: "withdrawn"}
CHOICE_ENDS = {WITHDRAW: "withdrawn", PETITION: "petition", INCIDENT: "incident"}


def intake(model: DisputeModel, case_id: int, delay: float):
    """From discovery to the end of a dispute the court does not keep and its grid officer
    did not settle on the spot (both are decided when it leaves the latent pool): a
    committee or the ladder, or a diverted lawsuit sent back to the township centre."""
    env = model.env
    if delay > 0:
        yield env.timeout(delay)
    model.discover(case_id)
    channel = model.cases.channel[case_id]
    if channel == COURT_FILING:
        yield from litigate(model, case_id, None)
        return
    resident = model.claimant(case_id)
    committee = model.committee_for(case_id)
    if committee is not None:
        yield from consult(model, case_id, resident, committee)
        return
    level = model.entry_level(case_id)
    if channel == HOTLINE:
        level = max(level, model.rules.hotline_level)
    yield from climb(model, case_id, resident, level)


def consult(model: DisputeModel, case_id: int, resident, committee):
    """A specialised committee takes the type straight away; if it fails, the ladder's
    higher levels are no better placed, so an unsettled case goes to court."""
    model.arrive_at(case_id, committee)
    outcome = yield from committee.mediate(case_id, resident)
    if outcome in STAY_ENDS:
        end(model, case_id, STAY_ENDS[outcome], committee.level)
        return
    choice = resident.choose_after_failure(
        int(model.cases.stage[case_id]), model.cases.failure_draw(case_id)
    )
    if choice in CHOICE_ENDS:
        model.finish(case_id, CHOICE_ENDS[choice], committee.level)
        return
    yield from litigate(model, case_id, resident, from_centres=True)


def climb(model: DisputeModel, case_id: int, resident, level: int, diverted: bool = False):
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
        model.arrive_at(case_id, centre)
        outcome = yield from centre.mediate(case_id, resident)
        if outcome in STAY_ENDS:
            end(model, case_id, STAY_ENDS[outcome], level)
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


def litigate(model: DisputeModel, case_id: int, resident, from_centres: bool = False):
    """Court: diversion of named types to the township centre, then mediation or judgment."""
    if not from_centres and model.is_diverted_type(case_id):
        mark_court(model, case_id)
        resident = resident or model.claimant(case_id)
        yield from climb(model, case_id, resident, TOWNSHIP, diverted=True)
        return
    enter_court(model, case_id)


def mark_court(model: DisputeModel, case_id: int) -> None:
    """The case reaches the court now (its first time counts as its court day)."""
    cases = model.cases
    if not cases.levels_visited[case_id] & (1 << LEVEL_COURT):
        cases.levels_visited[case_id] |= 1 << LEVEL_COURT
        cases.court_day[case_id] = model.env.now


def enter_court(model: DisputeModel, case_id: int) -> None:
    """The court keeps the case: mediation or judgment, ended by the court's day close."""
    mark_court(model, case_id)
    model.court.file(case_id)


def file_lawsuits(model: DisputeModel, case_ids, at) -> None:
    """``enter_court`` for lawsuits just out of the latent pool (never at court before),
    filed at times ``at`` later today."""
    cases = model.cases
    cases.levels_visited[case_ids] |= 1 << LEVEL_COURT
    cases.court_day[case_ids] = at
    model.court.file_later_today(case_ids, at)


def end(model: DisputeModel, case_id: int, state: str, level: int) -> None:
    if state == "resolved":
        settle(model, case_id, level)
    else:
        model.finish(case_id, state, level)


def settle(model: DisputeModel, case_id: int, level: int) -> None:
    """The case is settled at ``level`` (grid officer, centre or committee); it may relapse
    once, later."""
    model.finish(case_id, "resolved", level)
    cases, rules = model.cases, model.scenario.follow_up
    if cases.n_relapses[case_id] == 0 and cases.u_relapse[case_id] < rules.p_relapse:
        model.env.process(relapse(model, case_id, level))


def settle_many(model: DisputeModel, case_ids, times, level: int) -> None:
    """``settle`` for many cases at once, settled at ``times`` today as soon as found (so
    without a claimant agent, and never relapsed before): the ones that will relapse
    start doing so at their time."""
    model.finish_many(case_ids, np.full(len(case_ids), END["resolved"]), level, times, agents=False)
    rules = model.scenario.follow_up
    relapsing = model.cases.u_relapse[case_ids] < rules.p_relapse
    env = model.env
    for case_id, t in zip(case_ids[relapsing].tolist(), times[relapsing].tolist(), strict=True):
        env.timeout(t - env.now).callbacks.append(partial(_start_relapse, model, case_id, level))


def _start_relapse(model: DisputeModel, case_id: int, level: int, _event) -> None:
    model.env.process(relapse(model, case_id, level))


def relapse(model: DisputeModel, case_id: int, level: int):
    """The settlement breaks down. A follow-up visit catches it and the level that settled
    it takes it back; otherwise the parties come back a stage worse, one level higher."""
    cases, rules = model.cases, model.scenario.follow_up
    yield model.env.timeout(rules.mean_relapse_days * float(cases.e_relapse[case_id]))
    resident = model.reopen(case_id)
    if cases.u_follow_up[case_id] < rules.p_follow_up:
        cases.relapse_caught[case_id] = 1
        back_to = max(level, level_code("community"))
    else:
        cases.stage[case_id] = min(int(cases.stage[case_id]) + 1, len(STAGES) - 1)
        back_to = max(level + 1, level_code("community"))
    if level == LEVEL_COMMITTEE and cases.relapse_caught[case_id]:
        yield from consult(model, case_id, resident, model.committee_for(case_id))
    elif level == LEVEL_COMMITTEE or back_to > CITY:
        yield from litigate(model, case_id, resident, from_centres=True)
    else:
        yield from climb(model, case_id, resident, back_to)
