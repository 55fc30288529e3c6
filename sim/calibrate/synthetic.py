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
from sim.calibrate.targets import common_period

TRUTH_SEED = 4242  # not among the fit's seeds (1..reps) nor the check's (1001..)


def simulated_figures(
    settings: Settings, truth: dict[str, float], counts: list[str], seed: int = TRUTH_SEED
) -> dict[str, float]:
    """The figures ``counts`` (convention names) of one run of the scenario at ``truth``
    (values of ``settings``'s free parameters, acting on its prior)."""
    scenario = settings.scenario_with(truth)
    [row] = Evaluator(None, workers=1, progress=False).run([(scenario, seed)])
    return {name: _published(row, name, settings) for name in counts}


def _published(row: dict, name: str, settings: Settings) -> float:
    """A run's value on a published figure's basis: the whole place over the targets'
    period (a run at a scale below 1, or of other days, counts less)."""
    value = float(row[CONVENTIONS[name].output])
    if CONVENTIONS[name].kind == "rate":
        return value
    period = common_period(settings.targets)
    days = (period[1] - period[0]).days + 1 if period else 365
    return value * days / (row["effective_scale"] * row["days"])


def write_targets(path: Path, figures: dict[str, float], year: int) -> Path:
    """A targets file of ``figures`` for ``year``, in the format a planner writes."""
    lines = ['city = "synthetic"', 'description = "Figures the model made (parameter recovery)."']
    for name, value in figures.items():
        count = max(1, round(value))  # a count of 0 is no figure
        shown = f"{value:.6f}" if CONVENTIONS[name].kind == "rate" else f"{count}"
        lines += ["", "[[target]]", f'id = "{name}"', f'counts = "{name}"']
        lines += [f"value = {shown}", f"year = {year}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
