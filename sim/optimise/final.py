"""The final stage: the search's non-dominated feasible set, rerun on fresh seeds against
the baseline, paired per (future, seed), so that what the search found by luck falls away.

A policy is reported when, on the fresh seeds, its mean extra cost is within the budget, its
constraints hold and no other such policy dominates it. Each objective's and the cost's
difference from the baseline carries a paired 95% interval (Student t over the pairs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pyarrow as pa

from sim.analysis.paired import paired_differences
from sim.optimise.evaluate import BASELINE, Evaluation
from sim.optimise.levers import candidate_key
from sim.optimise.scores import COST, Score, annual_factor, non_dominated, score
from sim.optimise.search import Searched, status_quo
from sim.optimise.spec import OptimiseSpec


@dataclass
class Policy:
    id: str  # P01, P02, ... in order of the first objective
    score: Score  # on the fresh seeds
    search_score: Score
    differences: dict[str, dict] = field(default_factory=dict)  # outcome -> paired row
    annual: float = 1.0  # from a run's cost difference to the whole city's a year
    reported: bool = False
    better: bool = (
        False  # beats the baseline in the first objective, or the baseline fails its constraints
    )

    @property
    def values(self) -> dict:
        return self.score.values

    def extra_cost_interval(self) -> tuple[float, float, float]:
        row = self.differences.get(COST)
        if row is None:
            return (math.nan, math.nan, math.nan)
        f = self.annual
        return (row["difference"] * f, row["ci_low"] * f, row["ci_high"] * f)


def shortlist(spec: OptimiseSpec, searched: list[Searched]) -> list[Score]:
    """The search's feasible non-dominated candidates (each once; the status quo, which is
    the baseline, left out), at most ``max_final`` spread along the first objective; if
    none is feasible, the least infeasible."""
    current = status_quo(spec)
    same = candidate_key(current) if current is not None else None  # the baseline itself
    unique = list(
        {
            s.score.key: s.score for s in searched if not s.score.error and s.score.key != same
        }.values()
    )
    feasible = [s for s in unique if s.feasible]
    if not feasible:
        return sorted(unique, key=lambda s: sum(s.violations))[: min(3, spec.max_final)]
    front = sorted(non_dominated(feasible), key=lambda s: s.objectives)
    if len(front) <= spec.max_final:
        return front
    if spec.max_final == 1:
        return front[:1]
    step = (len(front) - 1) / (spec.max_final - 1)
    return [front[round(k * step)] for k in range(spec.max_final)]


def finalise(
    spec: OptimiseSpec,
    chosen: list[Score],
    fresh: list[Evaluation],
    baseline: Evaluation,
) -> list[Policy]:
    """Score the shortlisted policies on their fresh runs and mark the reported ones."""
    policies = []
    outcomes = [
        COST,
        *dict.fromkeys(o.outcome for o in spec.objectives),
        *dict.fromkeys(c.outcome for c in spec.constraints),
    ]
    table = _paired_table(fresh, baseline)
    diffs = paired_differences(table, BASELINE, list(dict.fromkeys(outcomes)))
    by_policy: dict[str, dict[str, dict]] = {}
    for row in diffs.to_pylist():
        by_policy.setdefault(row["policy"], {})[row["outcome"]] = row
    for search_score, evaluation in zip(chosen, fresh, strict=True):
        s = score(spec, evaluation, baseline)
        annual = annual_factor(evaluation.rows[0]) if evaluation.rows else 1.0
        policies.append(Policy("", s, search_score, by_policy.get(evaluation.key, {}), annual))
    policies.sort(key=lambda p: p.score.objectives)
    for k, policy in enumerate(policies):
        policy.id = f"P{k + 1:02d}"
    # the baseline (no change, no cost) competes too, if it keeps the constraints: a policy
    # it dominates is not reported
    base = score(spec, baseline, baseline)
    baseline_fails = any(v > 0 for v in base.violations[1:])  # its own constraints, not cost
    contenders = [
        *([] if baseline_fails else [base]),
        *(p.score for p in policies if p.score.feasible),
    ]
    front = {s.key for s in non_dominated(contenders)} - {base.key}
    for policy in policies:
        policy.reported = policy.score.key in front
        policy.better = baseline_fails or improves(spec, policy)
    return policies


def _paired_table(fresh: list[Evaluation], baseline: Evaluation) -> pa.Table:
    """One row per run: policy (the candidate's key), a pairing id per (future, seed), and
    the outcomes."""
    rows = []
    for evaluation, name in [(baseline, BASELINE), *((e, e.key) for e in fresh)]:
        for r in evaluation.rows:
            pairing = int(r["future"]) * 1_000_000_000 + int(r["seed"])
            rows.append({**r, "policy": name, "seed": pairing})
    return pa.Table.from_pylist(rows)


def improves(spec: OptimiseSpec, policy: Policy) -> bool:
    """Whether the policy does better than the baseline in the first objective (mean paired
    difference on the fresh seeds)."""
    first = spec.objectives[0]
    diff = policy.differences.get(first.outcome, {}).get("difference", math.nan)
    return math.isfinite(diff) and first.sign * diff < 0


def best_at_levels(spec: OptimiseSpec, policies: list[Policy]) -> list[tuple[float, Policy | None]]:
    """For each budget level, the reported policy best in the first objective among those
    within it that do better than the baseline there, or all of them when the baseline
    breaks the constraints (None: none does: keep the current policy)."""
    levels = spec.budget_levels or ([spec.budget] if spec.budget is not None else [])
    out = []
    for level in levels:
        within = [
            p
            for p in policies
            if p.reported
            and p.better
            and math.isfinite(p.score.extra_cost)
            and p.score.extra_cost <= level
        ]
        out.append((level, min(within, key=lambda p: p.score.objectives, default=None)))
    return out


def recommended(spec: OptimiseSpec, policies: list[Policy]) -> Policy | None:
    """The reported policy best in the first objective within the whole budget, if it does
    better there than the baseline."""
    reported = [p for p in policies if p.reported and p.better]
    return min(reported, key=lambda p: p.score.objectives, default=None)
