"""Which free parameters matter: Morris elementary effects on every target.

Each parameter's effect on a target is measured in units of that target's tolerance, so
"mu* = 1" means that one step across two thirds of the parameter's range moves the target by
about its tolerance. Parameters below the threshold on every target are held at their
guesses; the fit searches only the others. One seed for all runs (common random numbers),
so the elementary effects are differences of the same disputes, not noise.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np

from sim.calibrate.evaluate import Evaluator
from sim.calibrate.settings import Settings
from sim.calibrate.targets import CalibrationError, Target, exposure

SCREEN_SEED = 1
NUM_LEVELS = 4


def screen(settings: Settings) -> Path:
    """Run the Morris design, write calibration/screening.csv; return its path."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    params = settings.parameters()
    problem = {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[0.0, 1.0]] * len(params),
    }
    design = morris_sample.sample(
        problem, settings.morris_trajectories, num_levels=NUM_LEVELS, seed=settings.seed
    )
    jobs = [
        (
            settings.scenario_with(
                {p.name: p.from_unit(u) for p, u in zip(params, row, strict=True)},
                scale=settings.low,
            ),
            SCREEN_SEED,
        )
        for row in design
    ]
    evaluator = Evaluator(Path(settings.work_dir) / "runs.jsonl", settings.workers)
    rows = evaluator.run(jobs, desc="screening (Morris)")
    scale = exposure(rows[0])
    table = []
    for target in settings.targets:
        z = np.array([target.z(row[target.output], scale) for row in rows])
        z = np.where(np.isfinite(z), z, 0.0)
        with warnings.catch_warnings():  # sigma is undefined with one trajectory (smoke runs)
            warnings.simplefilter("ignore", RuntimeWarning)
            result = morris_analyze.analyze(
                problem, design, z, num_levels=NUM_LEVELS, seed=settings.seed
            )
        for i, p in enumerate(params):
            table.append(
                {
                    "parameter": p.name,
                    "target": target.id,
                    "mu_star": float(result["mu_star"][i]),
                    "mu_star_conf": float(result["mu_star_conf"][i]),
                    "sigma": float(result["sigma"][i]),
                }
            )
    return write_screening(table, params, settings)


def write_screening(table: list[dict], params, settings: Settings) -> Path:
    """One row per (parameter, target) with mu*, and whether the parameter is selected."""
    strongest = {
        p.name: max(r["mu_star"] for r in table if r["parameter"] == p.name) for p in params
    }
    path = Path(settings.report_dir) / "screening.csv"
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="") as fh:
        writer = csv.DictWriter(
            fh,
            ["parameter", "target", "mu_star", "mu_star_conf", "sigma", "max_mu_star", "selected"],
        )
        writer.writeheader()
        for row in table:
            best = strongest[row["parameter"]]
            writer.writerow(
                row | {"max_mu_star": best, "selected": best >= settings.screen_threshold}
            )
    tmp.replace(path)
    return path


def read_selection(path: Path, targets: list[Target] | None = None) -> list[str]:
    """Names of the parameters the screening selected, those that add most first. With
    ``targets``, the screening must have been of those targets."""
    rows = read_screening(path)
    if targets is not None and {r["target"] for r in rows} != {t.id for t in targets}:
        raise CalibrationError(
            f"{path}: screens other targets than this calibration's; screen again "
            "(`sim calibrate screen`, or `all`)"
        )
    return _by_new_direction([r for r in rows if r["selected"] == "True" and r["mu_star"] > 0])


def _by_new_direction(rows: list[dict]) -> list[str]:
    """Parameters in the order each adds most that the chosen ones cannot do.

    First, one per target, greedily the one whose effects on the targets (mu*, tolerance
    units) lie furthest from the span of those already chosen: the incidence moves every
    count at once, so a parameter that moves only the parties per case comes next even
    though its effect is smaller. Once they span every target, each target in turn takes
    its own strongest parameter not yet chosen (a rate's second mover before a count's
    fifth: a count's effects run to hundreds of tolerances, a rate's to tens)."""
    names = sorted({r["parameter"] for r in rows})
    targets = sorted({r["target"] for r in rows})
    effect = np.zeros((len(names), len(targets)))
    for r in rows:
        effect[names.index(r["parameter"]), targets.index(r["target"])] = r["mu_star"]
    order: list[int] = []
    left = list(range(len(names)))
    while left and len(order) < len(targets):
        basis = np.linalg.qr(effect[order].T)[0] if order else np.zeros((len(targets), 0))
        new = [np.linalg.norm(effect[i] - basis @ (basis.T @ effect[i])) for i in left]
        size = [np.linalg.norm(effect[i]) for i in left]
        best = max(range(len(left)), key=lambda k: (round(new[k], 9), size[k]))
        order.append(left.pop(best))
    while left:
        for t in range(len(targets)):
            if left:
                strongest = max(left, key=lambda i: effect[i, t])
                order.append(strongest)
                left.remove(strongest)
    return [names[i] for i in order]


def read_screening(path: Path) -> list[dict]:
    try:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            return [
                r | {k: float(r[k]) for k in ("mu_star", "mu_star_conf", "sigma", "max_mu_star")}
                for r in csv.DictReader(fh)
            ]
    except (ValueError, TypeError, KeyError, csv.Error) as err:
        raise CalibrationError(
            f"{path}: not a screening table written by `sim calibrate "
            f"screen` ({err}); run that step again"
        ) from None
