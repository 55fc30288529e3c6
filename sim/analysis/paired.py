"""Policy against baseline, paired over replications (common random numbers).

Every policy runs on the same seeds, so replication ``r`` of each policy sees the same
disputes arise; the difference policy - baseline is taken per seed, and its mean gets a
95% interval from Student's t over the replications. Pairing removes the between-seed
noise that unpaired intervals would carry, so small effects show with few replications.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from sim.config import Scenario

# What the comparison scripts print by default, with a short label and a format.
KEY_OUTCOMES = (
    ("received_by_centres", "disputes received by centres", "{:,.0f}"),
    ("centre_resolution_rate", "centre resolution rate", "{:.2%}"),
    ("share_resolved_at_community_or_below", "resolved at community or below", "{:.1%}"),
    ("resolution_days_median", "days to resolution, median", "{:.2f}"),
    ("resolution_days_p90", "days to resolution, p90", "{:.1f}"),
    ("mean_wait_days", "wait for a session, mean days", "{:.2f}"),
    ("time_limit_compliance", "stays closed within the time limit", "{:.1%}"),
    ("court_cases", "disputes reaching court", "{:,.0f}"),
    ("petitions", "petitions", "{:,.0f}"),
    ("incidents", "violent incidents", "{:,.0f}"),
    ("mean_distance_km", "travel to first centre, km", "{:.3f}"),
    ("utilisation_township", "township mediator utilisation", "{:.1%}"),
    ("mean_wait_days_community", "wait at community rooms, days", "{:.2f}"),
    ("mean_wait_days_township", "wait at township centres, days", "{:.2f}"),
    ("mean_wait_days_county", "wait at county centres, days", "{:.2f}"),
    ("found_by_walk_in", "disputes found by walk-in", "{:,.0f}"),
    ("found_by_patrol", "disputes found by patrol", "{:,.0f}"),
    ("resolved_at_committee", "settled by specialised committees", "{:,.0f}"),
    ("relapses", "relapses", "{:,.0f}"),
)


DAILY_COLUMNS = ("day", "in_community", "in_township", "in_county", "in_city", "in_court")


@dataclass
class PolicyRuns:
    """Tables of a paired comparison: one summary row per policy and seed (``runs``), the
    daily backlog of every run (``daily``), and each policy's places and centres (from its
    first seed; placement does not depend on the seed)."""

    runs: pa.Table
    daily: pa.Table
    places: pa.Table
    centres: pa.Table


def _run(payload: tuple[str, dict, int, bool]) -> dict:
    from sim.results.simulation import simulate

    policy, scenario, seed, first = payload
    result = simulate(Scenario.from_payload(scenario), seed=seed)
    tag = {"policy": policy, "seed": seed}
    daily = result.daily.select(list(DAILY_COLUMNS)).to_pylist()
    out = {"summary": {**tag, **result.summary.to_pylist()[0]},
           "daily": [{**tag, **row} for row in daily]}
    if first:
        out["places"] = [{"policy": policy, **r} for r in result.places.to_pylist()]
        out["centres"] = [{"policy": policy, **r} for r in result.centres.to_pylist()]
    return out


def run_policies(policies: dict[str, Scenario], seeds: Sequence[int], executor: str = "process",
                 workers: int = 0, progress: bool = True) -> PolicyRuns:
    """Every policy on every seed; tables in (policy, seed) order whatever the executor."""
    from sim.sweeps.executors import execute

    payloads = [(name, scenario.model_dump(mode="json"), int(seed), k == 0)
                for name, scenario in policies.items() for k, seed in enumerate(seeds)]
    order = {(name, int(seed)): k for k, (name, _, seed, _) in enumerate(payloads)}
    results = []
    for k, out in enumerate(execute(_run, payloads, executor, workers), start=1):
        results.append(out)
        if progress:
            print(f"\r  runs {k}/{len(payloads)}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    results.sort(key=lambda o: order[(o["summary"]["policy"], o["summary"]["seed"])])
    return PolicyRuns(
        runs=pa.Table.from_pylist([o["summary"] for o in results]),
        daily=pa.Table.from_pylist([row for o in results for row in o["daily"]]),
        places=pa.Table.from_pylist([row for o in results for row in o.get("places", [])]),
        centres=pa.Table.from_pylist([row for o in results for row in o.get("centres", [])]),
    )


# Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom (standard tables).
T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
         2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
         2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t_quantile_975(df: int) -> float:
    """Two-sided 95% Student t quantile: scipy if installed, else the table above and a
    Cornish-Fisher expansion past it (within 0.01% from df 30 on)."""
    try:
        from scipy.stats import t

        return float(t.ppf(0.975, df))
    except ImportError:
        if df <= len(T_975):
            return T_975[df - 1]
        z = 1.959963985
        return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_interval(values) -> tuple[float, float, float]:
    """(mean, low, high): the mean of the finite values and its 95% Student t interval
    (no interval from fewer than two)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = t_quantile_975(len(values) - 1) * float(values.std(ddof=1)) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def paired_differences(runs: pa.Table, baseline: str,
                       outcomes: Sequence[str] | None = None) -> pa.Table:
    """Per policy and outcome: baseline mean, policy mean, mean paired difference and its
    95% interval (NaN when fewer than two replications pair up)."""
    outcomes = list(outcomes or [name for name, _, _ in KEY_OUTCOMES])
    policy = np.array(runs.column("policy").to_pylist())
    seed = np.array(runs.column("seed").to_pylist())
    base_seeds = seed[policy == baseline]
    rows = []
    for name in dict.fromkeys(policy.tolist()):
        if name == baseline:
            continue
        shared = np.intersect1d(base_seeds, seed[policy == name])
        for outcome in outcomes:
            values = np.array(runs.column(outcome).to_pylist(), dtype=float)
            b = _by_seed(values, policy == baseline, seed, shared)
            p = _by_seed(values, policy == name, seed, shared)
            rows.append({"policy": name, "outcome": outcome, **_interval(b, p)})
    return pa.Table.from_pylist(rows)


def _by_seed(values, mask, seed, shared) -> np.ndarray:
    index = {s: v for s, v in zip(seed[mask].tolist(), values[mask].tolist(), strict=True)}
    return np.array([index[s] for s in shared.tolist()], dtype=float)


def _interval(base: np.ndarray, policy: np.ndarray) -> dict:
    ok = np.isfinite(base) & np.isfinite(policy)  # seeds where both are defined
    base, policy = base[ok], policy[ok]
    n = len(base)
    diff = policy - base
    mean = float(diff.mean()) if n else math.nan
    half = math.nan
    if n >= 2:
        half = t_quantile_975(n - 1) * float(diff.std(ddof=1)) / math.sqrt(n)
    return {"n": n, "baseline_mean": float(base.mean()) if n else math.nan,
            "policy_mean": float(policy.mean()) if n else math.nan,
            "difference": mean, "ci_low": mean - half, "ci_high": mean + half}


def format_table(differences: pa.Table, labels: Sequence[tuple[str, str, str]] = KEY_OUTCOMES
                 ) -> str:
    """The differences as an aligned text table, one block per policy."""
    label = {name: (text, fmt) for name, text, fmt in labels}
    lines = []
    rows = differences.to_pylist()
    for policy in dict.fromkeys(r["policy"] for r in rows):
        n = max(r["n"] for r in rows if r["policy"] == policy)
        lines.append(f"\n{policy} vs baseline (paired over {n} replications)")
        lines.append(f"  {'outcome':36s} {'baseline':>12s} {'policy':>12s}   "
                     f"{'difference [95% interval]':>36s}")
        for r in (r for r in rows if r["policy"] == policy):
            text, fmt = label.get(r["outcome"], (r["outcome"], "{:.4g}"))
            lines.append(f"  {text:36s} {_fmt(fmt, r['baseline_mean']):>12s} "
                         f"{_fmt(fmt, r['policy_mean']):>12s}   "
                         f"{_signed(fmt, r['difference']):>12s} "
                         f"[{_signed(fmt, r['ci_low'])}, {_signed(fmt, r['ci_high'])}]"
                         + ("  *" if r["ci_low"] > 0 or r["ci_high"] < 0 else ""))
    lines.append("  * the 95% interval of the difference excludes zero")
    return "\n".join(lines)


def _fmt(fmt: str, value: float) -> str:
    return "n/a" if not math.isfinite(value) else fmt.format(value)


def _signed(fmt: str, value: float) -> str:
    text = _fmt(fmt, value)
    return text if text.startswith("-") or text == "n/a" else "+" + text
