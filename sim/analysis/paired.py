"""Policy against baseline, paired over replications (common random numbers).

Every policy runs on the same seeds, so replication ``r`` of each policy sees the same
disputes arise; the difference policy - baseline is taken per seed, and its mean gets a
95% interval from Student's t over the replications. Pairing removes the between-seed
noise that unpaired intervals would carry, so small effects show with few replications.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from sim.results.outcomes import KEY_OUTCOMES, OUTCOME, label, plain_number

# The daily series a comparison keeps of each run (the backlog by level).
DAILY_COLUMNS = ("day", "in_community", "in_township", "in_county", "in_city", "in_court")
FREE = (-math.inf, math.inf)
# Fewer replications than this give intervals too wide to read much into; tables say so.
FEW_REPLICATIONS = 5


# Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom (standard tables).
T_975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


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


def mean_interval(values, bounds: tuple[float, float] = FREE) -> tuple[float, float, float]:
    """(mean, low, high): the mean of the finite values and its 95% Student t interval
    (no interval from fewer than two), clipped to the outcome's ``bounds``."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = t_quantile_975(len(values) - 1) * float(values.std(ddof=1)) / math.sqrt(len(values))
    return mean, max(mean - half, bounds[0]), min(mean + half, bounds[1])


def bounds_of(outcome: str) -> tuple[float, float]:
    """The natural range of an outcome's values (free for names the registry lacks)."""
    known = OUTCOME.get(outcome)
    return known.bounds if known else FREE


def paired_differences(
    runs: pa.Table, baseline: str, outcomes: Sequence[str] | None = None
) -> pa.Table:
    """Per policy and outcome: seeds the policy shares with the baseline (``pairs``), how
    many of them define the outcome for both (``n``), baseline mean, policy mean, mean
    paired difference and its 95% interval (NaN when fewer than two pair up), clipped so
    that the policy's mean could lie in the outcome's natural range."""
    outcomes = list(outcomes or KEY_OUTCOMES)
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
            row = {"policy": name, "outcome": outcome, "pairs": len(shared), **_interval(b, p)}
            rows.append(_clipped(row, bounds_of(outcome)))
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
    return {
        "n": n,
        "baseline_mean": float(base.mean()) if n else math.nan,
        "policy_mean": float(policy.mean()) if n else math.nan,
        "difference": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
    }


def _clipped(row: dict, bounds: tuple[float, float]) -> dict:
    """A difference's interval within what the policy's mean can be: a rate's difference
    from a baseline of 98% is at most +2 pp."""
    if math.isfinite(row["baseline_mean"]):
        low, high = (b - row["baseline_mean"] for b in bounds)
        row["ci_low"] = max(row["ci_low"], low)
        row["ci_high"] = min(row["ci_high"], high)
    return row


def format_table(differences: pa.Table, changes: dict[str, str] | None = None) -> str:
    """The differences as an aligned text table, one block per policy (labels and formats
    from the outcome registry). ``changes`` maps each policy to what it changes, and ""
    to the baseline's label."""
    lines = []
    rows = differences.to_pylist()
    width = max([36, *(len(label(r["outcome"])) for r in rows)])
    baseline = changes.get("", "baseline") if changes else "baseline"
    for policy in dict.fromkeys(r["policy"] for r in rows):
        pairs = max(r.get("pairs", r["n"]) for r in rows if r["policy"] == policy)
        lines.append(f"\n{policy} vs {baseline} (paired over {pairs} replications)")
        if changes and changes.get(policy):
            lines.append(f"  changes: {changes[policy]}")
        if pairs < FEW_REPLICATIONS:
            lines.append(
                f"  only {pairs} paired replications: the intervals are wide "
                f"(use --reps {FEW_REPLICATIONS * 2} or more)"
            )
        lines.append(
            f"  {'outcome':{width}s} {'baseline':>12s} {'policy':>12s}   "
            f"{'difference [95% interval]':>36s}"
        )
        lines += [_line(r, width) for r in rows if r["policy"] == policy]
    lines.append("  * the 95% interval of the difference excludes zero; pp: percentage points")
    return "\n".join(lines)


def _line(r: dict, width: int) -> str:
    outcome = OUTCOME.get(r["outcome"])
    value = outcome.format if outcome else plain_number
    diff = outcome.format_difference if outcome else _signed
    low, high = diff(r["ci_low"]), diff(r["ci_high"])
    star = "  *" if excludes_zero(r, low, high) else ""
    return (
        f"  {label(r['outcome']):{width}s} {value(r['baseline_mean']):>12s} "
        f"{value(r['policy_mean']):>12s}   {diff(r['difference']):>12s} "
        f"[{low}, {high}]{star}"
    )


def excludes_zero(row: dict, low_text: str, high_text: str) -> bool:
    """Whether a difference's interval excludes zero as printed (``low_text`` and
    ``high_text`` are its bounds as shown), not only below the last digit shown."""
    outside = row["ci_low"] > 0 or row["ci_high"] < 0
    return outside and not (_reads_zero(low_text) or _reads_zero(high_text))


def _reads_zero(text: str) -> bool:
    digits = [c for c in text if c.isdigit()]
    return bool(digits) and set(digits) == {"0"}


def _signed(value: float | None) -> str:
    text = plain_number(value)
    return text if text.startswith("-") or text in ("0", "n/a") else "+" + text
