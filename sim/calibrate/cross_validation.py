"""Cross-validation of the presets: calibrate on some published figures, predict the rest.

Each fold of ``sim/data/cross_validation.toml`` writes a targets file of its ``fit``
figures, calibrates the preset on it as a planner would (screen, fit, report: the work in
``outputs/cross-validation/<fold>``), then runs the fitted preset with the check seeds and
judges every ``predict`` figure as ``sim validate`` does (its band) or, for a figure of the
Hohhot 2023 calibration, by its tolerance. Beside each prediction stands the preset's
prediction with the shipped Hohhot 2023 calibration, so the table shows what fitting a
place's own figures bought. A miss is written as a miss.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.validation import figure_row, load_figures
from sim.calibrate.conventions import CONVENTIONS
from sim.calibrate.evaluate import Evaluator
from sim.calibrate.plots import cross_validation_figure
from sim.calibrate.settings import Settings
from sim.calibrate.steps import STEPS, run_step
from sim.calibrate.targets import CalibrationError, Target, load_targets
from sim.data import CROSS_VALIDATION_FILE, TARGETS_FILE

WORK = Path("outputs") / "cross-validation"
FIRST_DAY = dt.date(2022, 1, 1)  # a multi-year figure's period is laid out from here
BY_OUTPUT = {c.output: name for name, c in CONVENTIONS.items()}


@dataclass(frozen=True)
class Fold:
    name: str
    preset: str
    fit: list[str]
    predict: list[str]
    from_scratch: bool = False


def load_folds(path: Path = CROSS_VALIDATION_FILE) -> list[Fold]:
    with Path(path).open("rb") as fh:
        entries = tomllib.load(fh)["fold"]
    return [Fold(**entry) for entry in entries]


def cross_validate(
    out: Path, folds: list[str] | None = None, workers: int = 0, **settings: object
) -> Path:
    """Run the folds (all, or those named) and write cross-validation.md and .csv in
    ``out``; return the .md path. ``settings`` go to each fold's :class:`Settings` (a
    quick smoke run: scale, trials ...)."""
    chosen = [f for f in load_folds() if not folds or f.name in folds]
    unknown = sorted(set(folds or []) - {f.name for f in chosen})
    if unknown:
        names = [f.name for f in load_folds()]
        raise CalibrationError(f"--fold {unknown}: no such fold; the folds are {names}")
    rows = [row for fold in chosen for row in _fold_rows(fold, workers, settings)]
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(rows, out / "cross-validation.csv")
    cross_validation_figure(rows, out / "cross-validation.png")
    path = out / "cross-validation.md"
    reps = settings.get("check_reps", Settings.check_reps)
    path.write_text(_markdown(rows, chosen, int(str(reps))), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- one fold


def _fold_rows(fold: Fold, workers: int, extra: dict) -> list[dict]:
    print(f"== fold {fold.name}: fit {fold.fit}", file=sys.stderr)
    work = WORK / fold.name
    work.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        scenario=fold.preset,
        targets_file=_fold_targets(fold, work / "targets.toml"),
        from_prior=not fold.from_scratch,
        workers=workers,
        report_dir=work / "report",
        work_dir=work / "runs",
        fitted_file=work / f"{fold.preset}.calibration.toml",
        **extra,
    )
    settings.prepare(force=False)
    for step in STEPS:  # as `sim calibrate` runs them
        print(run_step(step, settings), file=sys.stderr)
    evaluator = Evaluator(Path(settings.work_dir) / "runs.jsonl", workers)
    seeds = settings.check_seeds()
    fitted = evaluator.run([(settings.calibrated(), s) for s in seeds], desc="fitted")
    shipped_scenario = _shipped(settings)
    shipped = evaluator.run([(shipped_scenario, s) for s in seeds], desc="shipped")
    days = settings.calibrated().run.days
    return [
        _judged(fold, figure_id, role, fitted, shipped, days)
        for role, ids in (("fit", fold.fit), ("predict", fold.predict))
        for figure_id in ids
    ]


def _shipped(settings: Settings):
    """The preset as it ships (with the Hohhot 2023 calibration), on the fold's run."""
    from sim.scenario_loader import load_scenario

    return load_scenario(settings.scenario, settings.run_overrides())


def _fold_targets(fold: Fold, path: Path) -> Path:
    """A targets file of the fold's fit figures, in the format a planner writes."""
    shipped = {entry["id"]: entry for entry in _raw_targets()}
    figures = _validation_figures()
    lines = [f'city = "{fold.preset}"', f'description = "Cross-validation fold {fold.name}."']
    for figure_id in fold.fit:
        if figure_id in shipped:
            lines += ["", "[[target]]", *_toml_lines(shipped[figure_id])]
        elif figure_id in figures:
            lines += ["", "[[target]]", *_target_from_figure(figures[figure_id])]
        else:
            raise CalibrationError(
                f"{CROSS_VALIDATION_FILE}: fold {fold.name}: no figure {figure_id!r}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _raw_targets() -> list[dict]:
    with TARGETS_FILE.open("rb") as fh:
        return tomllib.load(fh)["target"]


def _toml_lines(entry: dict) -> list[str]:
    keep = ("id", "counts", "value", "year", "label", "source", "locator")
    return [f"{k} = {_toml_value(entry[k])}" for k in keep if k in entry]


def _toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _target_from_figure(figure: dict) -> list[str]:
    """A validation figure as a target: its output's convention, its years laid out as a
    period from 2022 (counts are compared per day, so only the length matters)."""
    if figure.get("bound") == "at_least":
        raise CalibrationError(f"figure {figure['id']}: a 'more than' figure cannot be fitted")
    days = round(float(figure.get("years", 1)) * 365)
    last = FIRST_DAY + dt.timedelta(days=days - 1)
    entry = {
        "id": figure["id"],
        "counts": BY_OUTPUT[figure["output"]],
        "value": figure["value"],
        "label": figure["label"],
    }
    period = f"period = {{ from = {FIRST_DAY.isoformat()}, to = {last.isoformat()} }}"
    return [*_toml_lines(entry), period]


# ---------------------------------------------------------------------------- judging


def _judged(fold: Fold, figure_id: str, role: str, fitted, shipped, days: int) -> dict:
    target = _shipped_target(figure_id)
    if target is not None:
        with_fit, with_shipped = _by_tolerance(target, fitted), _by_tolerance(target, shipped)
    else:
        figure = _validation_figures()[figure_id]
        with_fit = figure_row(figure, {figure["preset"]: fitted}, days)
        with_shipped = figure_row(figure, {figure["preset"]: shipped}, days)
    return {
        "fold": fold.name,
        "preset": fold.preset,
        "role": role,
        "id": figure_id,
        "label": with_fit["label"],
        "kind": with_fit["kind"],
        "published": with_fit["published"],
        "band": with_fit["band"],
        "fitted": with_fit["predicted"],
        "fitted_low": with_fit["low"],
        "fitted_high": with_fit["high"],
        "fitted_verdict": with_fit["verdict"],
        "shipped": with_shipped["predicted"],
        "shipped_verdict": with_shipped["verdict"],
    }


def _shipped_target(figure_id: str) -> Target | None:
    return _shipped_targets().get(figure_id)


@functools.cache
def _shipped_targets() -> dict[str, Target]:
    return {t.id: t for t in load_targets(TARGETS_FILE)}


@functools.cache
def _validation_figures() -> dict[str, dict]:
    return {f["id"]: f for f in load_figures()}


def _by_tolerance(target: Target, rows: list[dict]) -> dict:
    """A Hohhot 2023 calibration figure judged by its tolerance, on a city-year basis."""
    from sim.calibrate.report import interval
    from sim.calibrate.targets import exposure

    mean, low, high = interval([target.over_period(r[target.output], exposure(r)) for r in rows])
    published, tolerance = target.value, target.tolerance
    band = f"+/- {100 * tolerance:g} pp" if target.kind == "rate" else f"+/- {tolerance:,.0f}"
    return {
        "label": target.label,
        "kind": target.kind,
        "published": published,
        "band": band,
        "predicted": mean,
        "low": low,
        "high": high,
        "verdict": "within" if abs(mean - published) <= tolerance else "miss",
    }


# ---------------------------------------------------------------------------- writing

COLUMNS = (
    "fold",
    "preset",
    "role",
    "id",
    "label",
    "kind",
    "published",
    "band",
    "fitted",
    "fitted_low",
    "fitted_high",
    "fitted_verdict",
    "shipped",
    "shipped_verdict",
)


def _write_csv(rows: list[dict], path: Path) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def _num(value: float, kind: str) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.1%}" if kind == "rate" else f"{value:,.0f}"


def _markdown(rows: list[dict], folds: list[Fold], reps: int) -> str:
    lines = [
        "# Cross-validation of the presets",
        "",
        "Written by `sim cross-validate`. Each fold calibrates a preset on its **fit** figures "
        "(a targets file as a planner writes one; `sim calibrate` with its defaults) and "
        "predicts its **predict** figures, which the fit never saw. Predictions are means of "
        f"{reps} replications with seeds the fit never used, with their 95% interval; "
        "'shipped' is the same preset with the shipped Hohhot 2023 calibration. Counts are "
        "over the figure's period (per year times its years). Bands are those of "
        "`sim validate` (calibration/validation-presets.md) or, for Hohhot 2023's "
        "calibration figures, their tolerance. The folds and why each was chosen: "
        "`sim/data/cross_validation.toml`.",
        "",
        "| fold | role | figure | published | band | fold's fit [95%] | verdict | shipped | "
        "verdict |",
        "|---|---|---|---:|---|---:|---|---:|---|",
    ]
    for r in rows:
        k = r["kind"]
        lines.append(
            f"| {r['fold']} | {r['role']} | {r['label']} | {_num(r['published'], k)} | "
            f"{r['band']} | {_num(r['fitted'], k)} [{_num(r['fitted_low'], k)}, "
            f"{_num(r['fitted_high'], k)}] | {_verdict(r['fitted_verdict'])} | "
            f"{_num(r['shipped'], k)} | {_verdict(r['shipped_verdict'])} |"
        )
    lines += ["", *_tally(rows), "", "![cross-validation](cross-validation.png)"]
    lines += ["", "Fits used:", ""]
    lines += [
        f"- **{f.name}** ({f.preset}, from {START[f.from_scratch]}): "
        + ", ".join(f"`{i}`" for i in f.fit)
        for f in folds
    ]
    return "\n".join(lines) + "\n"


START = {True: "the model's guesses", False: "the Hohhot 2023 calibration"}


def _verdict(verdict: str) -> str:
    return "**miss**" if verdict == "miss" else verdict


def _tally(rows: list[dict]) -> list[str]:
    predicted = [r for r in rows if r["role"] == "predict"]
    fitted = [r for r in rows if r["role"] == "fit"]
    hits = sum(r["fitted_verdict"] == "within" for r in predicted)
    shipped_hits = sum(r["shipped_verdict"] == "within" for r in predicted)
    met = sum(r["fitted_verdict"] == "within" for r in fitted)
    return [
        f"Predicted figures within their band: {hits} of {len(predicted)} after fitting the "
        f"fold's own figures, {shipped_hits} of {len(predicted)} with the shipped "
        f"calibration. Fitted figures met on the fresh seeds: {met} of {len(fitted)}."
    ]
