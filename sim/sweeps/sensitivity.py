"""Sensitivity indices of outcomes from a finished sweep: first-order and total Sobol
indices (Sobol design) or Morris mu*/sigma (Morris design), on the mean over replications
at each design point (the replications share seeds, so the means are paired)."""

from __future__ import annotations

import warnings

import numpy as np
import pyarrow as pa

from sim.sweeps.designs import _morris, unit_problem
from sim.sweeps.spec import SpecError, SweepSpec
from sim.sweeps.store import RunStore


def sensitivity(spec: SweepSpec, store: RunStore, outcomes: list[str]) -> pa.Table:
    """One row per (outcome, factor) with the design's indices and their 95% half-widths."""
    if spec.design not in ("sobol", "morris"):
        raise SpecError(
            f"{store.folder}: sensitivity indices need a sobol or morris design "
            f"(this sweep's is {spec.design!r})"
        )
    if not (store.folder / "points.parquet").is_file():
        raise SpecError(f"{store.folder}: not a complete sweep store (no points.parquet)")
    try:
        runs = store.read_runs()
    except (OSError, pa.ArrowInvalid) as err:
        raise SpecError(f"{store.folder / 'runs'}: cannot read the runs ({err})") from None
    n_points = _n_points(store)
    if runs.num_rows != n_points * spec.replications:
        raise SpecError(
            f"{store.folder}: {runs.num_rows} of {n_points * spec.replications} "
            "runs finished; finish the sweep first (failed runs: errors/)"
        )
    rows = []
    for outcome in outcomes:
        if outcome not in runs.column_names:
            raise SpecError(
                f"--outcome {outcome!r} is not a column of the runs; columns: "
                + ", ".join(runs.column_names)
            )
        y = _point_means(runs, outcome, n_points)
        with warnings.catch_warnings():  # an outcome no factor moves has no variance
            warnings.simplefilter("ignore", RuntimeWarning)
            rows += _indices(spec, outcome, y)
    return pa.Table.from_pylist(rows)


def _n_points(store: RunStore) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(store.folder / "points.parquet").num_rows


def _point_means(runs: pa.Table, outcome: str, n_points: int) -> np.ndarray:
    point = runs.column("point").to_numpy()
    value = runs.column(outcome).to_numpy(zero_copy_only=False).astype(float)
    sums = np.bincount(point, weights=value, minlength=n_points)
    counts = np.bincount(point, minlength=n_points)
    return sums / counts


def _indices(spec: SweepSpec, outcome: str, y: np.ndarray) -> list[dict]:
    problem = unit_problem(spec)
    if spec.design == "sobol":
        from SALib.analyze import sobol

        result = sobol.analyze(problem, y, calc_second_order=False, seed=spec.design_seed)
        return [
            {
                "outcome": outcome,
                "factor": name,
                "S1": float(result["S1"][i]),
                "S1_conf": float(result["S1_conf"][i]),
                "ST": float(result["ST"][i]),
                "ST_conf": float(result["ST_conf"][i]),
                "base_samples": spec.samples,  # N: small N gives wide intervals, said in plots
            }
            for i, name in enumerate(problem["names"])
        ]
    from SALib.analyze import morris

    result = morris.analyze(problem, _morris(spec), y, num_levels=4, seed=spec.design_seed)
    return [
        {
            "outcome": outcome,
            "factor": name,
            "mu_star": float(result["mu_star"][i]),
            "mu_star_conf": float(result["mu_star_conf"][i]),
            "sigma": float(result["sigma"][i]),
        }
        for i, name in enumerate(problem["names"])
    ]
