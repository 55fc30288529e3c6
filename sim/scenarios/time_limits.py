"""Time limits: the scenario's own against 7/15/30 days and 15/30/60: do tighter limits
escalate more, and settle faster or worse?

Limits are per complexity: simple / general / complex (the Qincunbei volunteer room's
7/15/30). Major disputes get the complex limit. When a level's time is up before the
next session, the case goes one level up. The baseline is the scenario as given (the
model's default limits are 7/15/30/60); each policy sets the limits of every level, and a
policy the baseline already has is left out.

Run: python sim/scenarios/time_limits.py [--reps 10] [--scale 1]
"""

from __future__ import annotations

import sys

from sim.policy_label import PolicyLabel
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
    found = {
        PolicyLabel(f"as given ({_written(base)})", f"按给定情景({_written(base, 'zh')})"): base
    }
    for simple, general, complex_ in ((7, 15, 30), (15, 30, 60)):
        policy = base.with_overrides(limits(simple, general, complex_))
        if policy.handling != base.handling:
            days = f"{simple}/{general}/{complex_}"
            found[PolicyLabel(f"limits {days}", f"时限 {days} 天")] = policy
    return found


def _written(scenario, lang: str = "en") -> str:
    """The scenario's limits as 7/15/30/60 (simple/general/complex/major)."""
    days = scenario.handling.time_limit_days_by_complexity
    shown = [f"{days[c]:g}" for c in ("simple", "general", "complex", "major")]
    by_level = bool(scenario.handling.time_limit_days_by_level)
    if lang == "zh":
        return "时限 " + "/".join(shown) + " 天" + (",另有分级时限" if by_level else "")
    return "limits " + "/".join(shown) + (" + by level" if by_level else "")


def run(argv: list[str] | None = None) -> int:
    return main("time_limits", __doc__, policies, argv, outcomes=OUTCOMES)


if __name__ == "__main__":
    sys.exit(run())
