"""Local refinement of a fit: bounded nonlinear least squares on the targets' misses.

The exploring optimiser finds the right region; the last few tolerance units are a smooth,
nearly linear problem that least squares solves in a handful of steps. Parameters are
searched in unit coordinates (log-mapped where the parameter is), the residuals are the
targets' misses in tolerance units, and the Jacobian is a forward difference whose
perturbed points run in parallel. Every evaluation uses the fit's seeds (common random
numbers), so differences are the parameters' effect, not noise. Evaluations are cached, so
a killed refinement replays to where it stopped in seconds.
"""

from __future__ import annotations

import numpy as np

from sim.calibrate.evaluate import Evaluator
from sim.calibrate.parameters import FreeParameter
from sim.calibrate.settings import Settings

STEP = 0.03  # forward-difference step, in unit coordinates (3% of a parameter's range)


class Refinement:
    """Least squares from ``start`` (parameter values); ``evaluations`` records every
    point tried as (values, replication rows)."""

    def __init__(self, settings: Settings, params: list[FreeParameter], evaluator: Evaluator):
        self.settings, self.params, self.evaluator = settings, params, evaluator
        self.evaluations: list[tuple[dict, list[dict]]] = []

    def run(self, start: dict[str, float], max_evaluations: int) -> dict[str, float]:
        from scipy.optimize import least_squares

        u0 = np.array([p.to_unit(start[p.name]) for p in self.params])
        result = least_squares(
            self._residuals,
            u0,
            jac=self.jacobian,
            bounds=(0.0, 1.0),
            method="trf",
            x_scale=1.0,
            max_nfev=max_evaluations,
            xtol=1e-4,
            ftol=1e-4,
        )
        return self.values(result.x)

    def values(self, u: np.ndarray) -> dict[str, float]:
        return {p.name: p.from_unit(float(x)) for p, x in zip(self.params, u, strict=True)}

    def _residuals(self, u: np.ndarray) -> np.ndarray:
        return np.concatenate([self.misses([u])[0], self._prior(u)])

    def _prior(self, u: np.ndarray) -> np.ndarray:
        from sim.calibrate.fit import prior_residuals

        return prior_residuals(self.params, self.values(u), self.settings)

    def jacobian(self, u: np.ndarray) -> np.ndarray:
        """Forward differences of the misses (tolerance units per unit coordinate), at low
        fidelity: the slopes of a model of a share of the townships are nearly those of the
        whole city's, for a fraction of the runs; the misses themselves are full-scale."""
        steps = np.where(u + STEP <= 1.0, STEP, -STEP)
        points = [u]
        for i, h in enumerate(steps):
            moved = u.copy()
            moved[i] += h
            points.append(moved)
        misses = self.misses(points, scale=self.settings.low)
        targets = np.column_stack(
            [(misses[i + 1] - misses[0]) / steps[i] for i in range(len(steps))]
        )
        prior = np.column_stack(
            [(self._prior(points[i + 1]) - self._prior(u)) / steps[i] for i in range(len(steps))]
        )
        return np.vstack([targets, prior]) if prior.size else targets

    def target_jacobian(self, u: np.ndarray) -> np.ndarray:
        """The targets' rows of :meth:`jacobian` (without the prior's)."""
        return self.jacobian(u)[: len(self.settings.targets)]

    def misses(self, points: list[np.ndarray], scale: float | None = None) -> list[np.ndarray]:
        """Targets' misses (tolerance units) at each point; all points' runs in one batch.
        Full-scale points are recorded as evaluations."""
        from sim.calibrate.fit import score_trial

        settings, seeds = self.settings, self.settings.fit_seeds()
        full = scale is None or scale == settings.scale
        values = [self.values(u) for u in points]
        jobs = [(settings.scenario_with(v, scale=scale), seed) for v in values for seed in seeds]
        rows = self.evaluator.run(jobs)
        out = []
        for k, v in enumerate(values):
            reps = rows[k * len(seeds) : (k + 1) * len(seeds)]
            if full and v not in (seen for seen, _ in self.evaluations):
                self.evaluations.append((v, reps))
            _, means = score_trial(settings.targets, reps)
            out.append(
                np.array(
                    [
                        np.clip(t.z(means[t.output], means["exposure"]), -1e3, 1e3)
                        for t in settings.targets
                    ]
                )
            )
        return out
