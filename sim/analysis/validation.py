"""``sim validate``: every preset, run with the Hohhot 2023 calibration, against the
published figures it can predict (role "validate": never fitted).

The figures, their mapping to model outputs and their bands are in
``sim/data/validation.toml``. Each preset runs ``reps`` replications (seeds 1001 on);
a figure's prediction is the mean over them with a 95% interval, per year times the years
the figure covers (counts of a shorter or scaled-down run are scaled up to a year and the
whole place). A miss is reported as a miss, with the reason written in the file
before the prediction was seen; nothing is tuned to close it.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

import numpy as np
import pyarrow as pa

from sim.analysis.paired import mean_interval
from sim.data import VALIDATION_FILE
from sim.results.metrics import extra_outputs
from sim.scenario_loader import ScenarioError, load_scenario

FIRST_SEED = 1001


def run_one(payload: tuple[str, int, dict]) -> dict:
    """One replication of a preset: its summary row and the derived outputs."""
    from sim.results.simulation import simulate

    preset, seed, overrides = payload
    result = simulate(load_scenario(preset, overrides), seed=seed)
    summary = result.summary.to_pylist()[0]
    return {
        "preset": preset,
        "seed": seed,
        **summary,
        **extra_outputs(summary, result.cases, result.stays),
    }


def load_figures(path: Path = VALIDATION_FILE) -> list[dict]:
    with Path(path).open("rb") as fh:
        figures = tomllib.load(fh)["figure"]
    for f in figures:
        if "output" in f and not (
            "band_relative" in f or "band_absolute" in f or f.get("bound") == "at_least"
        ):
            raise ScenarioError(f"{path}: figure {f['id']} has an output but no band")
    return figures


def validate(
    reps: int = 5,
    days: int = 365,
    scale: float = 1.0,
    executor: str = "process",
    workers: int = 0,
    presets: list[str] | None = None,
    progress: bool = True,
    path: Path = VALIDATION_FILE,
) -> pa.Table:
    """The validation table: one row per figure (predicted or with the reason why not)."""
    from sim.sweeps.executors import execute

    figures = load_figures(path)
    wanted = sorted({f["preset"] for f in figures if "preset" in f})
    if presets:
        unknown = sorted(set(presets) - set(wanted))
        if unknown:
            raise ScenarioError(
                f"--preset {unknown}: no validation figure uses it; presets with figures: {wanted}"
            )
        wanted = presets
    overrides = {"run": {"days": days, "scale": scale}}
    payloads = [(p, FIRST_SEED + k, overrides) for p in wanted for k in range(reps)]
    runs: dict[str, list[dict]] = {p: [] for p in wanted}
    for n, row in enumerate(execute(run_one, payloads, executor, workers), start=1):
        runs[row["preset"]].append(row)
        if progress:
            print(f"\r  runs {n}/{len(payloads)}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    rows = [figure_row(f, runs, days) for f in figures if not presets or f.get("preset") in wanted]
    return pa.Table.from_pylist(rows)


def figure_row(figure: dict, runs: dict[str, list[dict]], days: int) -> dict:
    row = {
        "id": figure["id"],
        "label": figure["label"],
        "published": float(figure["value"]),
        "preset": figure.get("preset", ""),
        "output": figure.get("output", ""),
        "kind": figure.get("kind", "count"),
        "predicted": math.nan,
        "low": math.nan,
        "high": math.nan,
        "band": "",
        "verdict": "not predicted",
        "reason": figure.get("why_none", ""),
    }
    if "output" not in figure:
        return row
    mine = runs[figure["preset"]]
    values = np.array([r[figure["output"]] for r in mine], dtype=float)
    if figure.get("kind", "count") == "count":
        # counts of the measured period and population -> the figure's years, whole place
        scale = np.array([r["effective_scale"] for r in mine], dtype=float)
        values = values * figure.get("years", 1) * 365.0 / days / scale
    if not np.isfinite(values).all():  # the output is undefined in these runs (no cases)
        return row | {"reason": f"{figure['output']} is undefined in every run"}
    mean, low, high = mean_interval(values)
    within, band = _judge(figure, mean)
    return row | {
        "predicted": mean,
        "low": low,
        "high": high,
        "band": band,
        "verdict": "within" if within else "miss",
        "reason": figure.get("note", "") if within else figure.get("if_missed", ""),
    }


def _judge(figure: dict, mean: float) -> tuple[bool, str]:
    value = float(figure["value"])
    if figure.get("bound") == "at_least":
        shown = f"{value:.0%}" if figure.get("kind") == "rate" else f"{value:g}"
        return mean >= value, f">= {shown}"
    if "band_absolute" in figure:
        b = figure["band_absolute"]
        return abs(mean - value) <= b, f"+/- {100 * b:g} pp"
    b = figure["band_relative"]
    return abs(mean / value - 1) <= b, f"+/- {100 * b:g}%"


def markdown(table: pa.Table) -> str:
    lines = [
        "# Validation: presets against published figures (not fitted)",
        "",
        "Each preset runs with the Hohhot 2023 calibration; predictions are means over "
        "replications with 95% intervals, per year times the years a figure covers.",
        "",
        "| figure | preset | published | predicted [95%] | band | verdict | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in table.to_pylist():
        lines.append(
            f"| {r['label']} | {r['preset'] or '-'} | "
            f"{_num(r['published'], r['kind'])} | "
            f"{_interval(r)} | {r['band'] or '-'} | {r['verdict']} | {r['reason']} |"
        )
    counts = {
        v: sum(1 for r in table.to_pylist() if r["verdict"] == v)
        for v in ("within", "miss", "not predicted")
    }
    lines += [
        "",
        f"{counts['within']} within their band, {counts['miss']} missed, "
        f"{counts['not predicted']} not predicted.",
    ]
    return "\n".join(lines) + "\n"


def _num(value: float, kind: str = "count") -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.1%}" if kind == "rate" else f"{value:,.0f}"


def _interval(r: dict) -> str:
    kind = r["kind"]
    if not math.isfinite(r["predicted"]):
        return "-"
    if not math.isfinite(r["low"]):
        return _num(r["predicted"], kind)
    return f"{_num(r['predicted'], kind)} [{_num(r['low'], kind)}, {_num(r['high'], kind)}]"
