"""County-centre departments: resident versus rotating (and on call).

The departments disputes of some types need (Hohhot 2025 and Xinghualing: resident,
rotating and on-call modes, 常驻/轮驻/随驻): human resources for wage arrears, natural
resources for land, housing for property management, heating and demolition. Resident:
always at the county centre. Rotating: two working days a week at each county centre, on
staggered days. On call: summoned when a case needs it, arriving after 2 days on average.
A case that needs its department waits for it before every session; a department at the
table adds ``handling.specialist_logit`` to the chance of settling.

The baseline is the scenario as given (the presets have no departments at the county
centres: the committees and centres mediate alone); each policy puts the three departments
there in one mode, and a policy the scenario already has is left out.

Run: python sim/scenarios/departments.py [--reps 10] [--scale 1] [--days-per-week 2]
"""

from __future__ import annotations

import sys

from sim.policy_label import PolicyLabel
from sim.policy_script import main

NEEDS = {
    "human resources": ["wage_arrears"],
    "natural resources": ["land"],
    "housing": ["property_management", "heating", "housing_demolition"],
}
OUTCOMES = [
    "mean_wait_days_county",
    "resolution_days_median",
    "resolution_days_p90",
    "time_limit_compliance",
    "centre_resolution_rate",
    "court_cases",
    "petitions",
]


def departments(mode: str, days_per_week: int, on_call_days: float) -> dict:
    return {
        "departments": [
            {
                "name": name,
                "types": types,
                "mode": mode,
                "days_per_week": days_per_week,
                "on_call_days": on_call_days,
            }
            for name, types in NEEDS.items()
        ]
    }


def policies(base, args):
    found = {
        PolicyLabel("as given", "按给定情景")
        if base.departments
        else PolicyLabel("no departments (as given)", "无部门进驻(按给定情景)"): base
    }
    for mode, zh in (("resident", "常驻"), ("rotating", "轮驻"), ("on_call", "随驻")):
        policy = base.with_overrides(departments(mode, args.days_per_week, args.on_call_days))
        if policy.departments != base.departments:
            found[PolicyLabel(mode, zh)] = policy
    return found


def arguments(p):
    p.add_argument(
        "--days-per-week",
        type=int,
        default=2,
        choices=range(1, 6),
        help="days a rotating department sits at each county centre",
    )
    p.add_argument(
        "--on-call-days",
        type=float,
        default=2.0,
        help="mean days an on-call department takes to come",
    )


def run(argv: list[str] | None = None) -> int:
    return main(
        "departments", __doc__, policies, argv, outcomes=OUTCOMES, extra_arguments=arguments
    )


if __name__ == "__main__":
    sys.exit(run())
