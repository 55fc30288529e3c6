"""Split a whole number over weighted parts (largest-remainder method)."""

from __future__ import annotations

import numpy as np


def apportion(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Integers summing to ``total``, proportional to ``weights``, each >= ``minimum``.

    The minimum is honoured only when ``total`` allows it for every part; otherwise the
    total is split by weight alone. Ties break towards lower indices, deterministically.
    """
    weights = np.asarray(weights, dtype=float)
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if total < 0:
        raise ValueError("cannot apportion a negative total")
    base = np.zeros(n, dtype=np.int64)
    if minimum * n <= total:
        base[:] = minimum
    rest = total - int(base.sum())
    w_sum = weights.sum()
    if rest == 0:
        return base
    shares = weights / w_sum * rest if w_sum > 0 else np.full(n, rest / n)
    floors = np.floor(shares).astype(np.int64)
    remainder = rest - int(floors.sum())
    order = np.argsort(-(shares - floors), kind="stable")
    floors[order[:remainder]] += 1
    return base + floors
