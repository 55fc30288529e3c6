"""Grid officers: smaller grids, or the '3458' patrol rule, against today's grids.

Baseline: the preset's grid officers (Hohhot: 6,158, about 210 households each) visiting
1.5 households a working day. Policies: grids of 150 households (more officers, same
visits per officer), and the Shangzhan '3458' rule with today's grids (4 visits a day, a
weekly sweep, harm always reported; see sim/engine/patrol.py for how the rule is read). Earlier
discovery means more disputes reach a centre while they are still quarrels, and fewer turn
into lawsuits or incidents.

Run: python sim/scenarios/grid_patrols.py [--reps 10] [--scale 1] [--households 150]
"""

from __future__ import annotations

import sys

from sim.policy_label import PolicyLabel
from sim.policy_script import main
from sim.scenario_loader import ScenarioError

OUTCOMES = [
    "found_by_patrol",
    "received_by_centres",
    "share_resolved_at_community_or_below",
    "resolution_days_median",
    "court_cases",
    "petitions",
    "incidents",
]


def policies(base, args):
    if args.households < 1:
        raise ScenarioError(f"--households {args.households}: expected at least 1")
    return {
        PolicyLabel("today's grids", "现有网格"): base,
        PolicyLabel(
            f"grids of {args.households} households", f"每格 {args.households} 户"
        ): base.with_overrides({"staffing": {"households_per_grid": args.households}}),
        PolicyLabel("3458 rule", "“3458”巡查机制"): base.with_overrides(
            {"latent": {"patrol_regime": "3458"}}
        ),
    }


def arguments(p):
    p.add_argument("--households", type=int, default=150, help="households per grid")


def run(argv: list[str] | None = None) -> int:
    return main(
        "grid_patrols", __doc__, policies, argv, outcomes=OUTCOMES, extra_arguments=arguments
    )


if __name__ == "__main__":
    sys.exit(run())
