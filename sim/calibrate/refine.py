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

STEP = 0.02  # forward-difference step, in unit coordinates (2% of a parameter's range)


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
        return self.misses([u])[0]

    def jacobian(self, u: np.ndarray) -> np.ndarray:
        """Forward differences of the misses (tolerance units per unit coordinate)."""
        steps = np.where(u + STEP <= 1.0, STEP, -STEP)
        points = [u]
        for i, h in enumerate(steps):
            moved = u.copy()
            moved[i] += h
            points.append(moved)
        misses = self.misses(points)
        return np.column_stack([(misses[i + 1] - misses[0]) / steps[i] for i in range(len(steps))])

    def misses(self, points: list[np.ndarray]) -> list[np.ndarray]:
        """Targets' misses (tolerance units) at each point; all points' runs in one batch."""
        from sim.calibrate.fit import score_trial

        settings, seeds = self.settings, self.settings.fit_seeds()
        values = [self.values(u) for u in points]
        jobs = [(settings.scenario_with(v), seed) for v in values for seed in seeds]
        rows = self.evaluator.run(jobs)
        out = []
        for k, v in enumerate(values):
            reps = rows[k * len(seeds) : (k + 1) * len(seeds)]
            if v not in (seen for seen, _ in self.evaluations):  # the Jacobian's base point
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
