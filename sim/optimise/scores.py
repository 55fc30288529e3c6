"""A candidate's score against the baseline: objective means, extra public cost a year and
how far it breaks the budget and constraints, all over runs paired by (future, seed).

The extra cost is the mean paired difference of the public cost, per year (the measured
period may be shorter) and per whole city (a run at scale s simulates that share of the
city, so its cost difference is divided by s: the budget is the city's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.optimise.evaluate import Evaluation
from sim.optimise.spec import OptimiseSpec

COST = "cost_public_yuan"
DAYS_PER_YEAR = 365.0
FAILED = 1e18  # the objectives of a candidate that could not run (worse than any)


@dataclass(frozen=True)
class Score:
    key: str
    values: dict
    means: dict[str, float]  # outcome -> mean over its runs
    extra_cost: float  # yuan a year, whole city
    objectives: tuple[float, ...]  # signed, smaller is better; the extra cost last if budgeted
    violations: tuple[float, ...]  # budget first, then each constraint; 0 is met
    n_runs: int
    error: str = ""

    @property
    def feasible(self) -> bool:
        return not self.error and all(v <= 0 for v in self.violations)


def pairs(evaluation: Evaluation) -> dict[tuple[int, int], dict]:
    return {(int(r["future"]), int(r["seed"])): r for r in evaluation.rows}


def score(spec: OptimiseSpec, evaluation: Evaluation, baseline: Evaluation) -> Score:
    """Means over the candidate's runs; the cost paired with the baseline's same runs."""
    n_violations = 1 + len(spec.constraints)
    if evaluation.error or not evaluation.rows:
        return Score(
            evaluation.key,
            evaluation.values,
            {},
            math.nan,
            (FAILED,) * spec.n_search_objectives,
            (FAILED,) * n_violations,
            0,
            evaluation.error or "no runs",
        )
    own, base = pairs(evaluation), pairs(baseline)
    shared = sorted(set(own) & set(base))
    names = [o.outcome for o in spec.objectives] + [c.outcome for c in spec.constraints]
    means = {name: _mean([own[k][name] for k in own]) for name in names}
    extra = extra_cost_per_year([own[k] for k in shared], [base[k] for k in shared])
    means[COST] = _mean([own[k][COST] for k in own])
    objectives = tuple(o.sign * means[o.outcome] for o in spec.objectives)
    if spec.budget is not None:
        objectives += (extra if math.isfinite(extra) else FAILED,)
    budget = 0.0
    if spec.budget is not None:
        budget = (
            max(extra - spec.budget, 0.0) / max(spec.budget, 1.0) if math.isfinite(extra) else 1.0
        )
    violations = (budget, *(c.violation(means[c.outcome]) for c in spec.constraints))
    return Score(evaluation.key, evaluation.values, means, extra, objectives, violations, len(own))


def extra_cost_per_year(policy_rows: list[dict], base_rows: list[dict]) -> float:
    """Mean paired public-cost difference, per year and whole city."""
    if not policy_rows:
        return math.nan
    diffs = [p[COST] - b[COST] for p, b in zip(policy_rows, base_rows, strict=True)]
    return float(np.mean(diffs)) * annual_factor(policy_rows[0])


def annual_factor(row: dict) -> float:
    """From a run's cost to a whole city's cost a year."""
    return DAYS_PER_YEAR / float(row["days"]) / max(float(row["effective_scale"]), 1e-9)


def _mean(values: list) -> float:
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    return float(np.mean(finite)) if finite else math.nan


def non_dominated(scores: list[Score]) -> list[Score]:
    """The scores no other dominates (at least as good in every objective, better in one);
    of equal objective vectors the first is kept."""
    front: list[Score] = []
    for s in scores:
        if any(_dominates(o.objectives, s.objectives) for o in scores):
            continue
        if any(f.objectives == s.objectives for f in front):
            continue
        front.append(s)
    return front


def _dominates(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(
        x < y for x, y in zip(a, b, strict=True)
    )
