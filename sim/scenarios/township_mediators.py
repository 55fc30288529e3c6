"""+20% township mediators: does hiring at the township centres shorten waits or settle more?

Baseline: the chosen preset (Hohhot 2023 by default). Policy: 20% more mediators at the
township/street centres, everything else unchanged. In the calibrated Hohhot scenario the
mediators are almost idle (about 1% of their working time is in sessions), so extra staff
can only show an effect when they are busy: try the assumption that mediators give a small
share of their time to mediation, e.g.
    --set staffing.availability_by_level.township=0.02

Run: python sim/scenarios/township_mediators.py [--reps 10] [--scale 1]
"""

from __future__ import annotations

import sys

from sim.city.staffing import level_shares
from sim.policy_script import main

OUTCOMES = [
    "mean_wait_days_township",
    "mean_wait_days",
    "utilisation_township",
    "centre_resolution_rate",
    "resolution_days_median",
    "resolution_days_p90",
    "time_limit_compliance",
    "court_cases",
    "petitions",
]


def policies(base, args):
    staffing = base.staffing
    township = staffing.mediators_by_level.get("township", level_shares(staffing)["township"])
    more = round(township * 1.2)
    return {
        "baseline": base,
        f"township mediators {township} -> {more}": base.with_overrides(
            {"staffing": {"mediators_by_level": {"township": more}}}
        ),
    }


def run(argv: list[str] | None = None) -> int:
    return main("township_mediators", __doc__, policies, argv, outcomes=OUTCOMES)


if __name__ == "__main__":
    sys.exit(run())
