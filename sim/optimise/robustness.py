"""How each final policy fares across futures (what we do not know): mean, worst case and
regret per objective, and the share of futures in which it meets the budget and
constraints.

In future f a policy's value is its mean over the fresh seeds there. Its regret in f is how
much worse it does than the best of the final policies (and the baseline) in f; minimax
regret picks the policy whose largest regret is smallest, so it is never far from the best
whatever the future turns out to be.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.optimise.evaluate import Evaluation
from sim.optimise.scores import COST, annual_factor
from sim.optimise.spec import OptimiseSpec


@dataclass(frozen=True)
class Robustness:
    policy: str
    mean: dict[str, float]  # objective outcome -> mean over futures
    worst: dict[str, float]  # the worst future's value
    max_regret: dict[str, float]
    share_meeting: float  # futures where budget and constraints hold


def robustness(
    spec: OptimiseSpec, named: dict[str, Evaluation], baseline: Evaluation
) -> list[Robustness]:
    """Per policy id (and "baseline") in ``named``: its robustness over the futures."""
    everyone = {"baseline": baseline, **{k: e for k, e in named.items() if e.rows}}
    per_future = {name: _by_future(e) for name, e in everyone.items()}
    futures = sorted(set.intersection(*(set(f) for f in per_future.values())))
    if not futures:  # nothing ran in a future shared by all
        return []
    out = []
    for name in everyone:
        mean, worst, regret = {}, {}, {}
        for o in spec.objectives:
            values = np.array([per_future[name][f][o.outcome] for f in futures])
            best = np.array(
                [min(o.sign * per_future[q][f][o.outcome] for q in everyone) for f in futures]
            )
            mean[o.outcome] = float(values.mean())
            worst[o.outcome] = float(o.sign * np.max(o.sign * values))
            regret[o.outcome] = float(np.max(o.sign * values - best))
        meets = [_meets(spec, per_future[name][f], per_future["baseline"][f]) for f in futures]
        out.append(Robustness(name, mean, worst, regret, float(np.mean(meets))))
    return out


def minimax_regret(rows: list[Robustness], outcome: str) -> str:
    """The policy whose largest regret in ``outcome`` is smallest."""
    return min(rows, key=lambda r: r.max_regret[outcome]).policy


def _by_future(evaluation: Evaluation) -> dict[int, dict[str, float]]:
    """Per future: every outcome's mean over the seeds, and the run-to-year cost factor."""
    grouped: dict[int, list[dict]] = {}
    for row in evaluation.rows:
        grouped.setdefault(int(row["future"]), []).append(row)
    out = {}
    for future, rows in grouped.items():
        names = [k for k, v in rows[0].items() if isinstance(v, int | float)]
        means = {k: _mean([r[k] for r in rows]) for k in names}
        means["_factor"] = annual_factor(rows[0])
        out[future] = means
    return out


def _meets(spec: OptimiseSpec, policy: dict, base: dict) -> bool:
    extra = (policy[COST] - base[COST]) * policy["_factor"]
    if spec.budget is not None and not extra <= spec.budget:
        return False
    return all(c.violation(policy[c.outcome]) <= 0 for c in spec.constraints)


def _mean(values: list) -> float:
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    return float(np.mean(finite)) if finite else math.nan
