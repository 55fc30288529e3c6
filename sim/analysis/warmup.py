"""How long a run must warm up before its measured period starts: MSER-5.

MSER-5 (White 1997; Hoad, Robinson and Davies 2010 found it among the most reliable
truncation rules) averages a daily series in batches of five and picks the truncation
point that minimises the standard error of the mean of what remains, searched over the
first half of the series. The model's slow state is its latent pool (disputes nobody has
found yet, which live for months) and the court's backlog (judgment takes two months):
a warm-up long enough for both is long enough for the centres, which empty in days.
"""

from __future__ import annotations

import numpy as np

BATCH = 5


def mser5(series: np.ndarray) -> int:
    """Days to cut from the start of a daily ``series`` (a multiple of five)."""
    values = np.asarray(series, dtype=float)
    n = len(values) // BATCH
    if n < 4:
        return 0
    batches = values[: n * BATCH].reshape(n, BATCH).mean(axis=1)
    best, best_d = np.inf, 0
    for d in range(n // 2):
        rest = batches[d:]
        score = float(((rest - rest.mean()) ** 2).sum()) / len(rest) ** 2
        if score < best:
            best, best_d = score, d
    return best_d * BATCH


def warmup_days(daily: dict[str, np.ndarray]) -> int:
    """The longest MSER-5 truncation over the named daily series of one run started empty."""
    return max(mser5(values) for values in daily.values())
