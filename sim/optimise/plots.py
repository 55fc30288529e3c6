"""The report's figures from the result's rows (sim/report/optimise_plot.py draws them)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.optimise.run import OptimiseResult


def draw_figures(result: OptimiseResult, policies: list[dict], searched: list[dict]) -> list[Path]:
    """front.png, levers.png and their Chinese versions (skipped without the CJK font)."""
    from sim.report.optimise_plot import LeverAxis, plot_front, plot_levers
    from sim.report.style import Language, ReportError

    spec = result.spec
    objectives = [(o.outcome, o.direction) for o in spec.objectives]
    axes = [
        LeverAxis(
            lever.name,
            lever.label,
            lever.label_zh,
            lever.low,
            lever.high,
            lever.labels if lever.kind == "choice" else None,
        )
        for lever in spec.levers
    ]
    budget = spec.budget if spec.budget is not None else math.nan
    written = []
    for code, suffix in (("en", ""), ("zh", "_zh")):
        lang = Language(code)
        try:
            written.append(
                plot_front(
                    policies,
                    searched,
                    objectives,
                    budget,
                    lang,
                    result.folder / f"front{suffix}.png",
                )
            )
            written.append(
                plot_levers(
                    policies,
                    axes,
                    spec.objectives[0].outcome,
                    lang,
                    result.folder / f"levers{suffix}.png",
                )
            )
        except ReportError:  # no CJK font: the English figures stand
            if code == "en":
                raise
    return written
