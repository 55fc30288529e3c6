"""The fit report: calibration/report.md with its figures.

It runs the calibrated scenario (the scenario with its calibration file, exactly as planners
get it) for ``check_reps`` replications whose seeds the fit never saw, and sets each target
and each validation figure beside the simulated mean with a 95% interval.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import tomllib
from pathlib import Path

import numpy as np

from sim import input_files
from sim.analysis.paired import mean_interval
from sim.calibrate import plots
from sim.calibrate.evaluate import Evaluator
from sim.calibrate.fit import selected_parameters
from sim.calibrate.screening import read_screening
from sim.calibrate.settings import Settings
from sim.calibrate.targets import CalibrationError, exposure
from sim.data import VALIDATION_FILE


def report(settings: Settings) -> Path:
    """Run the check replications and write report.md and its PNGs; return the .md path."""
    scenario = settings.calibrated()
    if scenario.calibration is None:
        raise CalibrationError(
            f"scenario {settings.scenario!r} names no calibration file; "
            "set `calibration = ...` in it after `sim calibrate fit`"
        )
    evaluator = Evaluator(Path(settings.work_dir) / "runs.jsonl", settings.workers)
    rows = evaluator.run(
        [(scenario, seed) for seed in settings.check_seeds()], desc="check replications"
    )
    out = Path(settings.report_dir)
    target_rows = [_target_row(t, rows) for t in settings.targets]
    validation_rows = (
        [_validation_row(f, rows) for f in _validation_figures()] if settings._is_hohhot() else []
    )
    trials = _read_trials(out / "trials.csv")
    params = selected_parameters(settings)
    screening = read_screening(out / "screening.csv")
    figures = {
        "targets": plots.targets_figure(target_rows, settings.name, out / "report_targets.png"),
        "marginals": plots.marginals_figure(trials, params, out / "report_marginals.png"),
        "convergence": plots.convergence_figure(trials, out / "report_convergence.png"),
        "screening": plots.screening_figure(
            screening,
            {t.id: t.label for t in settings.targets},
            {p.name for p in params},
            out / "report_screening.png",
        ),
    }
    text = _markdown(
        settings, scenario, target_rows, validation_rows, trials, params, screening, figures
    )
    path = out / "report.md"
    path.write_text(text)
    return path


def interval(values: list[float]) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean of replications (undefined if any is)."""
    if not np.isfinite(np.asarray(values, dtype=float)).all():
        return math.nan, math.nan, math.nan
    return mean_interval(values)


def _target_row(target, rows: list[dict]) -> dict:
    scale = exposure(rows[0])
    mean, low, high = interval([r[target.output] for r in rows])
    published, tol = target.expected(scale), target.tolerance_at(scale)
    each = [abs(r[target.output] - published) <= tol for r in rows]
    return {
        "seeds_within": sum(each),
        "id": target.id,
        "label": target.label,
        "published": published,
        "tolerance": tol,
        "mean": mean,
        "low": low,
        "high": high,
        "kind": target.kind,
        "within": abs(mean - published) <= tol,
        "mapping": target.mapping,
        "output": target.output,
    }


def _validation_figures() -> list[dict]:
    with VALIDATION_FILE.open("rb") as fh:
        return tomllib.load(fh)["figure"]


def _validation_row(figure: dict, rows: list[dict]) -> dict:
    row = {"id": figure["id"], "label": figure["label"], "published": figure["value"]}
    if "output" not in figure:
        return row | {"mean": None, "why_none": figure["why_none"]}
    if figure.get("preset", "hohhot-2023") != "hohhot-2023" or "band_relative" not in figure:
        return row | {
            "mean": None,
            "why_none": f"Predicted by the {figure['preset']} preset "
            "in `sim validate` (calibration/validation-presets.md).",
        }
    scale = exposure(rows[0])
    mean, low, high = interval([r[figure["output"]] for r in rows])
    published = figure["value"] * scale
    band = figure["band_relative"]
    return row | {
        "published": published,
        "mean": mean,
        "low": low,
        "high": high,
        "band": band,
        "within": abs(mean / published - 1) <= band,
        "note": figure.get("note", ""),
    }


def _read_trials(path: Path) -> list[dict]:
    if not path.exists():
        raise CalibrationError(f"{path}: no trials yet; run `sim calibrate fit`")
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        out = []
        for r in rows:
            row = {
                k: (
                    v == "True"
                    if k in ("accepted", "within_tolerance")
                    else v
                    if k == "phase"
                    else float(v)
                )
                for k, v in r.items()
            }
            row["trial"] = int(row["trial"])
            out.append(row)
    except (ValueError, TypeError, KeyError, csv.Error) as err:
        raise CalibrationError(
            f"{path}: not a trials table written by `sim calibrate fit` "
            f"({err}); run that step again"
        ) from None
    if not out:
        raise CalibrationError(f"{path}: no trials yet; run `sim calibrate fit`")
    return out


def _fmt(value, kind: str = "count") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if kind == "rate":
        return f"{100 * value:.2f}%"
    return f"{value:,.0f}"


def _markdown(settings, scenario, targets, validation, trials, params, screening, figures) -> str:
    from sim.provenance import code_version

    accepted = [t for t in trials if t["accepted"]]
    best = _written_trial(settings, trials)
    misses = [t for t in targets if not t["within"]]
    prior = settings.prior_file()
    lines = [
        f"# Calibration report: {settings.name}",
        "",
        f"Written by `sim calibrate` on {dt.date.today().isoformat()} (code {code_version()}). "
        f"Scenario `{_shown(str(settings.scenario))}`; targets "
        f"`{_shown(str(Path(settings.targets_file).resolve()))}`; started from "
        + (
            f"the calibration `{_shown(str(prior))}` (the prior)"
            if prior
            else "the model's guesses"
        )
        + f". Scale {settings.scale:g} (screening, exploring and slopes at {settings.low:g}); "
        f"fit: {len(trials)} trials of {settings.reps} replications "
        f"(seeds {settings.fit_seeds()}); check: {settings.check_reps} replications of the "
        f"calibrated scenario with seeds {settings.check_seeds()[0]}..{settings.check_seeds()[-1]}"
        ", which the fit never saw. Calibration file: "
        f"`{_shown(scenario.calibration)}`.",
        "",
        "## Targets",
        "",
        "The published figures the fit used, against the simulated mean of the check "
        "replications, with the 95% interval of that mean; 'seeds within' counts the check "
        "replications that are each within tolerance on their own.",
        "",
        "| target | published | tolerance | simulated mean | 95% interval | within | "
        "seeds within |",
        "|---|---:|---:|---:|---:|:---:|---:|",
    ]
    for t in targets:
        tol = (
            _fmt(t["tolerance"], t["kind"]).replace("%", " pp")
            if t["kind"] == "rate"
            else _fmt(t["tolerance"])
        )
        lines.append(
            f"| {t['label']} (`{t['id']}`) | {_fmt(t['published'], t['kind'])} | ±{tol} | "
            f"{_fmt(t['mean'], t['kind'])} | {_fmt(t['low'], t['kind'])} to "
            f"{_fmt(t['high'], t['kind'])} | {'yes' if t['within'] else '**no**'} | "
            f"{t['seeds_within']} of {settings.check_reps} |"
        )
    lines += ["", f"![targets]({figures['targets'].name})", ""]
    if misses:
        lines += ["Outside tolerance: " + ", ".join(t["label"] for t in misses) + ".", ""]
    else:
        lines += ["Every target is met within its tolerance.", ""]
    lines += ["### What the model counts", ""]
    lines += [f"- **{t['label']}** (`{t['output']}`): {t['mapping']}" for t in targets]
    if validation:
        lines += _validation_section(validation)
    lines += _parameters_section(settings, trials, params, accepted, best)
    lines += [
        f"![marginals]({figures['marginals'].name})",
        "",
        f"![convergence]({figures['convergence'].name})",
        "",
    ]
    lines += _screening_section(screening, settings, figures)
    return "\n".join(lines) + "\n"


def _written_trial(settings, trials: list[dict]) -> dict:
    """The trial whose values the calibration file holds (the best at full scale: a
    low-fidelity trial's objective is not comparable)."""
    provenance = input_files.read_toml(Path(settings.fitted_file), "calibration file")
    number = provenance.get("provenance", {}).get("best_trial")
    return next(
        (t for t in trials if t["trial"] == number), min(trials, key=lambda t: t["objective"])
    )


def _validation_section(validation: list[dict]) -> list[str]:
    lines = [
        "",
        "## Validation figures (not fitted)",
        "",
        "Figures with role `validate`: never used in the fit. A prediction is a match when its "
        "mean is within the stated band of the published value.",
        "",
        "| figure | published | simulated mean | 95% interval | band | match | note |",
        "|---|---:|---:|---:|---:|:---:|---|",
    ]
    for v in validation:
        if v["mean"] is None:
            lines.append(
                f"| {v['label']} (`{v['id']}`) | {_fmt(v['published'], _kind(v))} "
                f"| not predicted | | | | {v['why_none']} |"
            )
        else:
            lines.append(
                f"| {v['label']} (`{v['id']}`) | {_fmt(v['published'])} | {_fmt(v['mean'])} | "
                f"{_fmt(v['low'])} to {_fmt(v['high'])} | ±{v['band']:.0%} | "
                f"{'yes' if v['within'] else '**no**'} | {v['note']} |"
            )
    return lines


def _parameters_section(settings, trials, params, accepted, best) -> list[str]:
    held = sorted(settings.held_keys())
    lines = [
        "",
        "## Fitted parameters",
        "",
        f"Best trial {int(best['trial'])} ({best['phase']} phase; objective "
        f"{best['objective']:.3g}, the sum of squared misses in tolerance units over the fit's "
        f"replications). Trials by phase: {_phase_counts(trials)}.",
        "",
        "The accepted set is the parameter uncertainty: samples drawn around the best fit "
        "from its linearised posterior (misses with a standard deviation of 0.35 tolerance, "
        "a prior of a tenth of each range around the best), simulated with the fit's seeds, "
        "and kept when "
        f"every target is within tolerance: {len(accepted)} of "
        f"{sum(t['phase'] == 'uncertainty' for t in trials)} samples. A narrow spread means "
        "the published figures pin the parameter; a wide one means they cannot tell its "
        f"values apart (the figures are {len(settings.targets)}, the parameters more). The "
        "sampling prior keeps samples near the best fit, so this describes its "
        "neighbourhood, not every distant region that might also fit.",
        "",
    ]
    if settings.from_prior:
        lines += [
            "Values act on the prior calibration: a scale of 1 or a shift of 0 keeps the "
            "prior's value. The fit also pays for straying from the prior (half a range "
            "costs as much as missing one target by its tolerance), so a parameter the "
            "figures cannot move stays near the prior's value. Parameters not listed keep "
            "the prior's values.",
            "",
        ]
    if held:
        lines += [
            "Held, because the scenario writes these keys itself (a calibration sits "
            "beneath them): " + ", ".join(f"`{k}`" for k in held) + ".",
            "",
        ]
    lines += [
        "| parameter | scenario key | how | range searched | best | accepted: median | "
        "accepted: min to max |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for p in params:
        values = [t[p.name] for t in accepted]
        spread = (
            f"{np.median(values):.4g} | {min(values):.4g} to {max(values):.4g}"
            if values
            else "n/a | n/a"
        )
        lines.append(
            f"| {p.name} | `{p.key}` | {p.transform} | {p.low:g} to {p.high:g}"
            f"{' (log)' if p.log else ''} | {best[p.name]:.4g} | {spread} |"
        )
    return [*lines, ""]


def _shown(path: str) -> str:
    """A path relative to the working folder when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _phase_counts(trials: list[dict]) -> str:
    counts: dict[str, int] = {}
    for t in trials:
        counts[t["phase"]] = counts.get(t["phase"], 0) + 1
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def _kind(row: dict) -> str:
    return "rate" if isinstance(row["published"], float) and row["published"] <= 1 else "count"


def _screening_section(screening, settings, figures) -> list[str]:
    strongest: dict[str, tuple[float, str]] = {}
    for r in screening:
        if r["mu_star"] > strongest.get(r["parameter"], (0.0, "none"))[0]:
            strongest[r["parameter"]] = (r["mu_star"], r["target"])
        strongest.setdefault(r["parameter"], (0.0, "none"))
    fitted = {p.name for p in selected_parameters(settings)}
    cap = settings.max_parameters or 2 * len(settings.targets) + 1
    lines = [
        "## Screening",
        "",
        f"Morris elementary effects ({settings.morris_trajectories} trajectories, 4 levels, one "
        "seed for every run) of each free parameter on each target, in tolerance units. "
        f"Parameters with mu* >= {settings.screen_threshold:g} on some target are candidates; "
        f"the fit takes at most {cap} (two per target and one more, or --max-parameters): "
        "first, one per target, each the furthest from what those already taken can do; "
        "then each target's own strongest in turn. The others keep the values they had "
        "(the prior's, or the model's guesses).",
        "",
        "| parameter | largest mu* | on target | candidate | fitted |",
        "|---|---:|---|:---:|:---:|",
    ]
    for name, (mu, target) in strongest.items():
        candidate = "yes" if mu >= settings.screen_threshold else "no"
        taken = "yes" if name in fitted else "no"
        lines.append(f"| {name} | {mu:.2f} | {target} | {candidate} | {taken} |")
    lines += ["", f"![screening]({figures['screening'].name})", ""]
    return lines
