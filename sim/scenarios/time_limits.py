"""Time limits 7/15/30 days versus 15/30/60: do tighter limits escalate more, and settle
faster or worse?

Limits are per complexity: simple / general / complex (the Qincunbei volunteer room's
7/15/30). Major disputes get the complex limit. When a level's time is up before the
next session, the case goes one level up. Both policies change the limits of every level.

Run: python sim/scenarios/time_limits.py [--reps 10] [--scale 1]
"""

from __future__ import annotations

import sys

from sim.policy_script import main

OUTCOMES = [
    "share_resolved_at_community_or_below",
    "centre_resolution_rate",
    "resolution_days_median",
    "resolution_days_p90",
    "time_limit_compliance",
    "mean_wait_days_county",
    "court_cases",
    "petitions",
    "incidents",
]


def limits(simple: float, general: float, complex_: float) -> dict:
    return {
        "handling": {
            "time_limit_days_by_complexity": {
                "simple": simple,
                "general": general,
                "complex": complex_,
                "major": complex_,
            }
        }
    }


def policies(base, args):
    return {
        "limits 15/30/60": base.with_overrides(limits(15, 30, 60)),
        "limits 7/15/30": base.with_overrides(limits(7, 15, 30)),
    }


def run(argv: list[str] | None = None) -> int:
    return main("time_limits", __doc__, policies, argv, outcomes=OUTCOMES)


if __name__ == "__main__":
    sys.exit(run())
