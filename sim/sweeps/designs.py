"""Designs: where in the factor space a sweep runs. Each returns a list of points
(factor name -> value); all are deterministic given the spec's design seed."""

from __future__ import annotations

import itertools

import numpy as np

from sim.sweeps.spec import SpecError, SweepSpec


def design_points(spec: SweepSpec) -> list[dict]:
    if spec.design == "factorial":
        return _factorial(spec)
    unit = {"lhs": _lhs, "sobol": _saltelli, "morris": _morris}[spec.design](spec)
    return [
        {f.name: f.from_unit(float(u)) for f, u in zip(spec.factors, row, strict=True)}
        for row in unit
    ]


def unit_problem(spec: SweepSpec) -> dict:
    """The SALib problem: every factor on [0, 1] (values are mapped by the factors)."""
    return {
        "num_vars": len(spec.factors),
        "names": [f.name for f in spec.factors],
        "bounds": [[0.0, 1.0]] * len(spec.factors),
    }


def _factorial(spec: SweepSpec) -> list[dict]:
    names = [f.name for f in spec.factors]
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(f.grid() for f in spec.factors))
    ]


def _lhs(spec: SweepSpec) -> np.ndarray:
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=len(spec.factors), seed=spec.design_seed).random(spec.samples)


def _saltelli(spec: SweepSpec) -> np.ndarray:
    """Saltelli's scheme for first-order and total Sobol indices: N (2D + 2) points."""
    from SALib.sample import sobol

    n = spec.samples
    if n & (n - 1):
        raise SpecError(f"design.samples = {n}: a Sobol design needs a power of 2")
    return sobol.sample(unit_problem(spec), n, calc_second_order=False, seed=spec.design_seed)


def _morris(spec: SweepSpec) -> np.ndarray:
    from SALib.sample import morris

    return morris.sample(unit_problem(spec), spec.samples, num_levels=4, seed=spec.design_seed)
