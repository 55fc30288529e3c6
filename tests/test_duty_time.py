"""Duty time, appointments and the cost of delay: each lever moves outcomes through the
mechanism it names, with common random numbers; plus exact checks of the timetable and
the appointment book on hand-made cases.

The lever tests are directions on the same seeds (regression of behaviour, not pinned
numbers). On the model before duty time (mediators always there, sessions stretched by an
availability share) none of these levers existed, and its nearest one, availability, moved
compliance the wrong way (more staff, lower compliance: the issue's measurement).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.city.duty import (
    FULL_TIME_DUTY,
    ON_CALL_DUTY,
    PART_TIME,
    CentreMix,
    DutyPattern,
    level_mixes,
    patterns,
)
from sim.city.network import build_network
from sim.config import DutyConfig, Scenario
from sim.domain import DISPUTE_TYPES
from sim.engine.appointments import AppointmentBook
from sim.engine.calendar import Calendar
from sim.engine.presence import Presence
from sim.engine.timetable import DutyTimetable
from sim.scenario_loader import ScenarioError, load_scenario
from tests.test_levers import scenario, summaries

# ------------------------------------------------------------------ the timetable, exactly

MONDAY = dt.date(2024, 1, 1)  # a Monday; "weekdays" calendar: no holidays


def _timetable(**duty) -> DutyTimetable:
    return DutyTimetable(Calendar(MONDAY, 21, "weekdays"), DutyConfig(**duty))


def test_full_time_duty_is_the_working_hours_of_working_days():
    table = _timetable(day_start_hour=8.0, hours_per_day=8.0)
    assert table.next_on_duty(FULL_TIME_DUTY, 0.0) == pytest.approx(8 / 24)  # Monday 8:00
    assert table.next_on_duty(FULL_TIME_DUTY, 0.5) == 0.5  # Monday noon: on duty
    assert table.next_on_duty(FULL_TIME_DUTY, 4.9) == pytest.approx(7 + 8 / 24)  # Fri night
    # 5 days x 8 hours a week
    assert table.duty_days(FULL_TIME_DUTY, 0.0, 7.0) * 24 == pytest.approx(40.0)


def test_a_part_timer_is_on_duty_in_his_half_days_only():
    table = _timetable(day_start_hour=8.0, hours_per_day=8.0)
    wednesday_afternoon = DutyPattern(PART_TIME, 1, offset=5)  # half-day 5 of the week
    assert table.next_on_duty(wednesday_afternoon, 0.0) == pytest.approx(2 + 12 / 24)
    assert table.next_on_duty(wednesday_afternoon, 2.7) == pytest.approx(9 + 12 / 24)
    assert table.duty_days(wednesday_afternoon, 0.0, 14.0) * 24 == pytest.approx(8.0)


def test_staggered_part_timers_cover_different_half_days():
    duty = patterns(CentreMix(full_time=0, on_call=0, part_time_half_days=2), mediators=5)
    covered = {k for p in duty for k in range(10) if p.on_duty(k)}
    assert covered == set(range(10))  # 5 part-timers x 2 half-days: the whole week


def test_level_mix_keeps_the_level_share_however_small_the_centres():
    config = DutyConfig(full_time_share_by_level={"community": 0.25})
    mediators = np.array([1, 1, 1, 1, 2, 2])  # 8 mediators in six rooms
    mixes = level_mixes(config, "community", mediators)
    assert sum(m.full_time for m in mixes) == 2  # 25% of 8, though no room has 4
    assert all(m.full_time + m.on_call <= n for m, n in zip(mixes, mediators, strict=True))


def test_the_book_gives_the_first_free_mediator_on_duty_and_takes_no_time_past_the_limit():
    table = _timetable(day_start_hour=8.0, hours_per_day=8.0)
    book = AppointmentBook(table, (FULL_TIME_DUTY,), on_call_delay=0.0)
    first = book.book(0.4, days=0.1, limit=10.0)
    assert first == (0.4, 0)
    second = book.book(0.45, days=0.1, limit=10.0)  # the mediator is in session until 0.5
    assert second == (pytest.approx(0.5), 0)
    assert book.book(0.46, days=0.1, limit=0.55) is None  # would start at 0.6
    assert book.book(0.46, days=0.1, limit=1.0) == (pytest.approx(0.6), 0)  # nothing lost


def test_an_on_call_mediator_comes_after_the_delay_and_a_presence_day_is_kept():
    table = _timetable(day_start_hour=8.0, hours_per_day=8.0)
    book = AppointmentBook(table, (ON_CALL_DUTY,), on_call_delay=1.0)
    assert book.book(0.4, days=0.1, limit=10.0) == (pytest.approx(1.4), 0)
    thursdays = np.zeros(30, dtype=bool)
    thursdays[[3, 10, 17]] = True
    book = AppointmentBook(table, (FULL_TIME_DUTY,), on_call_delay=0.0)
    start, _ = book.book(0.4, days=0.1, limit=10.0, presence=Presence(thursdays))
    assert start == pytest.approx(3 + 8 / 24)


def test_named_centre_takes_its_own_duty_mix():
    small = Scenario().model_dump() | {"run": {"scale": 0.05}}
    kept = build_network(Scenario.model_validate(small)).geography.township_id[0]
    small["duty"]["by_centre"] = {str(kept): {"full_time_share": 1.0}}
    network = build_network(Scenario.model_validate(small))
    township = network.township_centre[0]
    assert network.geography.township_id[0] == kept
    assert all(p == FULL_TIME_DUTY for p in network.duty[township])


def test_unknown_named_centre_is_refused_with_its_id():
    with pytest.raises(Exception, match=r"duty\.by_centre: unknown centre id"):
        build_network(Scenario(duty=DutyConfig(by_centre={"T999": {"full_time_share": 1.0}})))


@pytest.mark.parametrize(
    ("section", "key", "replacement"),
    [
        ("staffing", "availability_by_level", "full_time_share_by_level"),
        ("handling", "mean_session_days_by_level", "mean_session_hours_by_level"),
        ("court", "mean_mediation_days", "mean_mediation_hours"),
    ],
)
def test_removed_keys_say_what_replaced_them(section, key, replacement):
    with pytest.raises(ScenarioError, match=replacement):
        load_scenario(overrides={section: {key: {"community": 0.5}}})


# ------------------------------------------------------------------ levers, paired seeds

PART_TIME_TOWNSHIPS = {
    "full_time_share_by_level": {"township": 0.0, "community": 0.0},
    "on_call_share_by_level": {"community": 0.0},
    "part_time_half_days_by_level": {"township": 1, "community": 1},
}


# About one mediator per township centre and room: their duty calendar is the centre's.
FEW = {"mediators_by_level": {"township": 90, "community": 1400}}


def test_more_duty_half_days_shorten_waits_and_raise_compliance():
    base = scenario(duty=PART_TIME_TOWNSHIPS, staffing=FEW)
    more = {"duty": {"part_time_half_days_by_level": {"township": 5, "community": 5}}}
    pairs = summaries(base, more)
    for before, after in pairs:
        for level in ("community", "township"):
            key = f"wait_first_session_days_{level}"
            assert after[key] < before[key], level
    compliance = [(a["time_limit_compliance"], b["time_limit_compliance"]) for a, b in pairs]
    assert sum(b for _, b in compliance) > sum(a for a, _ in compliance), compliance


def test_part_timers_made_full_time_shorten_waits():
    base = scenario(duty=PART_TIME_TOWNSHIPS, staffing=FEW)
    change = {"duty": {"full_time_share_by_level": {"township": 0.5}}}
    for before, after in summaries(base, change):
        key = "wait_first_session_days_township"
        assert after[key] < before[key]
        assert after["duty_hours_township"] > before["duty_hours_township"]


def test_a_longer_summons_lead_time_lengthens_time_to_resolution():
    base = scenario()
    slower = {
        "handling": {
            "summons_lead_days_by_level": {
                "community": 5.0,
                "township": 8.0,
                "county": 10.0,
                "city": 10.0,
            }
        }
    }
    for before, after in summaries(base, slower):
        assert after["resolution_days_median"] > before["resolution_days_median"]
        assert (
            after["wait_first_session_days_community"] > before["wait_first_session_days_community"]
        )


def test_disputes_that_harden_while_waiting_settle_less():
    calm = {"stage_rise_waiting_per_day": dict.fromkeys(DISPUTE_TYPES, 0.0)}
    hard = {"stage_rise_waiting_per_day": dict.fromkeys(DISPUTE_TYPES, 0.05)}
    base = scenario(handling=calm)
    for before, after in summaries(base, {"handling": hard}):
        assert before["hardened_waiting_share"] == 0.0
        assert after["hardened_waiting_share"] > 0.05
        assert after["mean_stage_at_resolution"] > before["mean_stage_at_resolution"]
        assert after["centre_resolution_rate"] < before["centre_resolution_rate"]
