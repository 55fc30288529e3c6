"""Staffing: more mediators, more of them full time, or rooms open more half-days?

Baseline: the chosen preset (Hohhot 2023 by default). Three policies, each alone:
- +20% township mediators (the new ones keep the level's duty mix);
- a tenth of the part-time mediators at every level made full-time;
- community-room part-timers on duty 5 half-days a week instead of the level's setting
  (2 in the default).
Mediators' time is their duty (sim/config.py, [duty]): a case waits for the first
half-day in which a mediator is on duty and free, so staff act through waits, and waits
through time limits, patience and disputes hardening while they wait.

Run: python sim/scenarios/staffing.py [--reps 10] [--scale 1]
"""

from __future__ import annotations

import sys

from sim.city.staffing import level_shares
from sim.domain import CENTRE_LEVELS
from sim.policy_label import PolicyLabel
from sim.policy_script import main

OUTCOMES = [
    "wait_first_session_days_community",
    "wait_first_session_days_township",
    "wait_first_session_p90_township",
    "mean_wait_days",
    "resolution_days_median",
    "time_limit_compliance",
    "centre_resolution_rate",
    "court_cases",
    "incidents",
    "petitions",
    "utilisation_township",
]


def policies(base, args):
    staffing, duty = base.staffing, base.duty
    township = staffing.mediators_by_level.get("township", level_shares(staffing)["township"])
    more = round(township * 1.2)
    full_time = {
        level: duty.full_time_share_by_level.get(level, 0.0)
        + 0.1
        * (
            1.0
            - duty.full_time_share_by_level.get(level, 0.0)
            - duty.on_call_share_by_level.get(level, 0.0)
        )
        for level in CENTRE_LEVELS
    }
    room_half_days = duty.part_time_half_days_by_level.get("community", 2)
    return {
        PolicyLabel("baseline", "基线"): base,
        PolicyLabel(
            f"township mediators {township} -> {more}", f"街道(乡镇)调解员 {township}→{more} 人"
        ): base.with_overrides({"staffing": {"mediators_by_level": {"township": more}}}),
        PolicyLabel("10% of part-timers full-time", "一成兼职调解员转专职"): base.with_overrides(
            {"duty": {"full_time_share_by_level": full_time}}
        ),
        PolicyLabel(
            f"rooms {room_half_days} -> 5 half-days a week",
            f"社区调解室值班 每周 {room_half_days}→5 个半天",
        ): base.with_overrides({"duty": {"part_time_half_days_by_level": {"community": 5}}}),
    }


def run(argv: list[str] | None = None) -> int:
    return main("staffing", __doc__, policies, argv, outcomes=OUTCOMES)


if __name__ == "__main__":
    sys.exit(run())
