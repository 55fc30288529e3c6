"""Parameter uncertainty: which values the published figures cannot tell apart.

Seven published figures cannot pin fifteen rates: some combinations of rates move no target
(more disputes arising, fewer of them noticed). Samples are proposed from the linearised
posterior at the best fit: in unit coordinates the misses are z(u) ~ z* + J (u - u*); each
miss is treated as Gaussian with a standard deviation of 0.35 tolerance, and the prior is
Gaussian around the best fit with a tenth of each parameter's range as its standard
deviation (wider proposals leave the region where the linearisation holds: with a quarter
of the range, most samples missed some target). Each sample is then simulated with the
fit's seeds and accepted only if every target's replication mean is within tolerance (ABC
rejection). The accepted samples' spread per parameter is the reported uncertainty: narrow
means the figures pin it, wide means they do not. It describes the neighbourhood of the
best fit, not every distant region that might also fit.
"""

from __future__ import annotations

import numpy as np

from sim.calibrate.refine import Refinement

MISS_SD = 0.35  # tolerance units
PRIOR_SD = 0.1  # unit coordinates


def propose(jacobian: np.ndarray, best_u: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` points (rows, unit coordinates) from the linearised posterior at ``best_u``."""
    precision = jacobian.T @ jacobian / MISS_SD**2 + np.eye(len(best_u)) / PRIOR_SD**2
    covariance = np.linalg.inv(precision)
    rng = np.random.default_rng(seed)
    points = rng.multivariate_normal(best_u, covariance, size=n, method="eigh")
    return np.clip(points, 0.0, 1.0)


def sample(refinement: Refinement, best: dict[str, float], n: int, seed: int) -> list:
    """Simulate ``n`` proposals around ``best``; returns the refinement's new evaluations
    as (values, replication rows)."""
    best_u = np.array([p.to_unit(best[p.name]) for p in refinement.params])
    jacobian = refinement.target_jacobian(best_u)
    before = len(refinement.evaluations)
    refinement.misses(list(propose(jacobian, best_u, n, seed)))
    return refinement.evaluations[before:]
