"""Targets that the model itself made: a city whose true parameters are known.

A parameter-recovery check writes a planner's targets file from runs of the scenario with
chosen parameter values (the truth), then calibrates on it as a planner would. A fit that
works finds figures within tolerance and an accepted set that holds the truth for the
parameters the figures pin. The published figure of a real city is one year of one city,
so the synthetic figure is one run (one seed the fit never uses), not a mean.
"""

from __future__ import annotations

from pathlib import Path

from sim.calibrate.conventions import CONVENTIONS
from sim.calibrate.evaluate import Evaluator
from sim.calibrate.settings import Settings

TRUTH_SEED = 4242  # not among the fit's seeds (1..reps) nor the check's (1001..)


def simulated_figures(
    settings: Settings, truth: dict[str, float], counts: list[str], seed: int = TRUTH_SEED
) -> dict[str, float]:
    """The figures ``counts`` (convention names) of one run of the scenario at ``truth``
    (values of ``settings``'s free parameters, acting on its prior)."""
    scenario = settings.scenario_with(truth)
    [row] = Evaluator(None, workers=1, progress=False).run([(scenario, seed)])
    return {name: float(row[CONVENTIONS[name].output]) for name in counts}


def write_targets(path: Path, figures: dict[str, float], year: int) -> Path:
    """A targets file of ``figures`` for ``year``, in the format a planner writes."""
    lines = ['city = "synthetic"', 'description = "Figures the model made (parameter recovery)."']
    for name, value in figures.items():
        shown = f"{value:.6f}" if CONVENTIONS[name].kind == "rate" else f"{round(value)}"
        lines += ["", "[[target]]", f'id = "{name}"', f'counts = "{name}"']
        lines += [f"value = {shown}", f"year = {year}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
