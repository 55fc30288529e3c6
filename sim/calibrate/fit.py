"""Fit the selected free parameters to the targets, resumably: explore, then refine.

Explore: optuna's TPE proposes ``trials`` parameter vectors (trial 0 is the scenario's own
guesses); each runs ``reps`` replications with the same seeds as every other trial (common
random numbers) and is scored by the sum of squared misses of the replication means in
tolerance units. Trials are proposed ``batch`` at a time and their runs share the process
pool. Refine: bounded least squares from the best explored trial (see
:mod:`sim.calibrate.refine`); its evaluations are added to the study as trials.

The study lives in a journal file and every run in the evaluator's cache, so a killed
calibration resumes where it stopped: trials left half-done are proposed again with the
same values (their finished runs come from the cache) and marked failed; an unfinished
refinement replays from the cache.

Last, samples around the best trial are simulated and those meeting every target form the
accepted set, the parameter uncertainty reported (see :mod:`sim.calibrate.acceptance`).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sys
from pathlib import Path

import numpy as np

from sim.calibrate.evaluate import Evaluator
from sim.calibrate.parameters import FreeParameter, model_coordinates
from sim.calibrate.screening import read_selection
from sim.calibrate.settings import Settings
from sim.calibrate.targets import CalibrationError, Target, exposure

PRIOR_STARTS = 5  # of the prior's accepted samples, tried after the prior's best


def fit(settings: Settings) -> dict:
    """Run (or resume) the study until it has ``settings.trials`` complete trials."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    params = selected_parameters(settings)
    study = _open_study(settings, params)
    evaluator = Evaluator(Path(settings.work_dir) / "runs.jsonl", settings.workers, progress=False)
    bar = _bar(settings.trials, _complete(study))
    while (done := _complete(study)) < settings.trials:
        study.sampler = _sampler(study, params, settings)
        trials = [study.ask() for _ in range(min(settings.batch, settings.trials - done))]
        values = [
            {p.name: t.suggest_float(p.name, p.low, p.high, log=p.log) for p in params}
            for t in trials
        ]
        low = settings.low
        jobs = [
            (settings.scenario_with(v, scale=low), seed)
            for v in values
            for seed in settings.fit_seeds()
        ]
        rows = evaluator.run(jobs)
        for k, trial in enumerate(trials):
            reps = rows[k * settings.reps : (k + 1) * settings.reps]
            score, means = score_trial(settings.targets, reps)
            trial.set_user_attr("means", means)
            trial.set_user_attr("scale", low)
            study.tell(trial, score + prior_penalty(params, values[k], settings))
        bar.update(len(trials))
        bar.set_postfix(best=f"{study.best_value:.3g}")
    bar.close()
    if settings.refine_evaluations and not study.user_attrs.get("refined"):
        _refine(study, params, settings, evaluator)
    if settings.acceptance_samples and not study.user_attrs.get("uncertainty"):
        _sample_uncertainty(study, params, settings, evaluator)
    write_accepted(study, params, settings)
    return write_fitted(study, params, settings)


def _sampler(study, params: list[FreeParameter], settings: Settings):
    """TPE, made afresh per batch and seeded by the trials so far, so that a resumed study
    proposes what an uninterrupted one would have (same batch size)."""
    import optuna

    return optuna.samplers.TPESampler(
        seed=settings.seed + _complete(study),
        multivariate=True,
        n_startup_trials=max(10, 2 * len(params)),
    )


def _refine(study, params, settings: Settings, evaluator: Evaluator) -> None:
    """Least squares from the best explored trial; its evaluations become trials."""
    from sim.calibrate.refine import Refinement

    print("refining the best trial (least squares)", file=sys.stderr)
    evaluator.progress = True
    refinement = Refinement(settings, params, evaluator)
    refinement.run(dict(best_trial(study).params), settings.refine_evaluations)
    _add_trials(study, refinement.evaluations, params, settings, "refine")
    study.set_user_attr("refined", True)


def _sample_uncertainty(study, params, settings: Settings, evaluator: Evaluator) -> None:
    """Proposals around the best trial, simulated; see :mod:`sim.calibrate.acceptance`."""
    from sim.calibrate.acceptance import sample
    from sim.calibrate.refine import Refinement

    print("sampling the parameter uncertainty", file=sys.stderr)
    evaluator.progress = True
    refinement = Refinement(settings, params, evaluator)
    samples = sample(
        refinement, dict(best_trial(study).params), settings.acceptance_samples, settings.seed
    )
    _add_trials(study, samples, params, settings, "uncertainty")
    study.set_user_attr("uncertainty", True)


def _add_trials(study, evaluations, params, settings: Settings, phase: str) -> None:
    import optuna

    distributions = study.best_trial.distributions
    for values, reps in evaluations:
        score, means = score_trial(settings.targets, reps)
        penalty = prior_penalty(params, values, settings)
        study.add_trial(
            optuna.trial.create_trial(
                params=values,
                distributions=distributions,
                value=score + penalty,
                user_attrs={"means": means, "phase": phase, "scale": settings.scale},
            )
        )


# The prior's pull, in unit coordinates: straying half a parameter's range from the prior
# costs as much as missing one target by its tolerance. Weak on purpose: a city's figures
# may need values far from Hohhot's; parameters they cannot move stay at Hohhot's.
PRIOR_SD = 0.5


def prior_residuals(params: list[FreeParameter], values: dict, settings: Settings) -> np.ndarray:
    """Misses from the prior, in prior standard deviations (none without a prior)."""
    if not settings.from_prior:
        return np.zeros(0)
    base = settings.base()
    return np.array(
        [(p.to_unit(values[p.name]) - p.to_unit(p.current(base))) / PRIOR_SD for p in params]
    )


def prior_penalty(params: list[FreeParameter], values: dict, settings: Settings) -> float:
    return float(np.sum(prior_residuals(params, values, settings) ** 2))


def best_trial(study):
    """The best trial of the highest fidelity reached (low-fidelity scores are not
    comparable with full-scale ones)."""
    trials = complete_trials(study)
    top = max(t.user_attrs.get("scale", 1.0) for t in trials)
    return min((t for t in trials if t.user_attrs.get("scale", 1.0) == top), key=lambda t: t.value)


def selected_parameters(settings: Settings) -> list[FreeParameter]:
    """The parameters the screening selected, the strongest first, at most
    ``max_parameters`` (default two per target and one more: a few figures cannot pin
    many rates, and each fitted parameter costs a run per Jacobian)."""
    screening = Path(settings.report_dir) / "screening.csv"
    params = {p.name: p for p in settings.parameters()}
    if not screening.exists():
        raise CalibrationError(f"{screening}: no screening yet; run `sim calibrate screen`")
    chosen = read_selection(screening, settings.targets)
    unknown = [name for name in chosen if name not in params]
    if unknown:
        raise CalibrationError(
            f"{screening}: selects parameters this fit does not have: {sorted(unknown)}; "
            "screen again (`sim calibrate screen`)"
        )
    cap = settings.max_parameters or 2 * len(settings.targets) + 1
    strongest = chosen[:cap]
    return [p for name, p in params.items() if name in strongest]


def score_trial(targets: list[Target], reps: list[dict]) -> tuple[float, dict]:
    """Sum of squared misses (tolerance units) of the replication means; the means."""
    means = {t.output: float(np.mean([r[t.output] for r in reps])) for t in targets}
    means["exposure"] = exposure(reps[0])
    score = sum(min(t.z(means[t.output], means["exposure"]) ** 2, 1e6) for t in targets)
    return score, means


def _open_study(settings: Settings, params: list[FreeParameter]):
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend
    from optuna.trial import TrialState

    journal = Path(settings.work_dir) / "study.journal"
    storage = JournalStorage(JournalFileBackend(str(journal)))
    study = optuna.create_study(
        study_name="fit", storage=storage, direction="minimize", load_if_exists=True
    )
    signature = settings.signature(params)
    recorded = study.user_attrs.get("signature")
    if recorded is None:
        study.set_user_attr("signature", signature)
        base = settings.base()  # trial 0: the prior's values (or the model's guesses)
        starts = [{p.name: p.current(base) for p in params}]
        for row in settings.prior_accepted():  # then the best few of the prior's accepted set
            start = {p.name: row.get(p.name, p.current(base)) for p in params}
            if len(starts) <= PRIOR_STARTS and all(_apart(start, s) for s in starts):
                starts.append(start)
        for start in starts:
            study.enqueue_trial(start)
    elif recorded != signature:
        raise CalibrationError(
            f"{journal}: holds a study with other settings ({recorded}); use another --work-dir "
            "folder or --fresh to start over"
        )
    for stale in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study.enqueue_trial(stale.params)  # propose the same values again (runs are cached)
        study.tell(stale.number, state=TrialState.FAIL)
    return study


def _apart(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two starting points that are not the same trial (the prior's best is usually the
    first of its accepted set too)."""
    return any(abs(a[k] - b[k]) > 1e-6 * max(1.0, abs(b[k])) for k in a)


def _complete(study) -> int:
    from optuna.trial import TrialState

    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def complete_trials(study) -> list:
    from optuna.trial import TrialState

    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def within_tolerance(trial, targets: list[Target]) -> bool:
    means = trial.user_attrs["means"]
    return all(abs(t.z(means[t.output], means["exposure"])) <= 1 for t in targets)


def accepted(trial, targets: list[Target]) -> bool:
    """In the accepted set: an uncertainty sample that meets every target."""
    return phase(trial) == "uncertainty" and within_tolerance(trial, targets)


def phase(trial) -> str:
    return trial.user_attrs.get("phase", "explore")


def write_accepted(study, params: list[FreeParameter], settings: Settings) -> Path:
    """calibration/trials.csv: every complete trial, its values, misses and acceptance."""
    path = Path(settings.report_dir) / "trials.csv"
    tmp = path.with_suffix(".csv.tmp")
    targets = settings.targets
    with tmp.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "trial",
                "phase",
                "objective",
                "within_tolerance",
                "accepted",
                *[p.name for p in params],
                *[f"z:{t.id}" for t in targets],
            ]
        )
        for trial in complete_trials(study):
            means = trial.user_attrs["means"]
            scale = means["exposure"]
            writer.writerow(
                [
                    trial.number,
                    phase(trial),
                    trial.value,
                    within_tolerance(trial, targets),
                    accepted(trial, targets),
                    *[trial.params[p.name] for p in params],
                    *[round(t.z(means[t.output], scale), 4) for t in targets],
                ]
            )
    tmp.replace(path)
    return path


def write_fitted(study, params: list[FreeParameter], settings: Settings) -> dict:
    """Write the best trial's values as the scenario's calibration file; return them.

    The file stands alone: the prior's overrides updated by the fit's. Its parameter values
    and accepted set are in model coordinates, so a later fit can take it as its prior.
    """
    import tomli_w

    from sim.provenance import code_version, model_source_hash

    best = best_trial(study)
    prior = settings.prior_values()
    samples = sorted(  # best first: a later fit starts from the first few
        (t for t in complete_trials(study) if accepted(t, settings.targets)),
        key=lambda t: t.value,
    )
    prior_file = settings.prior_file()
    provenance = {
        "written_by": "sim calibrate fit",
        "date": dt.date.today().isoformat(),
        "code_version": code_version(),
        "scenario": settings.scenario,
        "targets": str(Path(settings.targets_file).resolve()),
        "prior": str(prior_file.resolve()) if prior_file else "none (the model's guesses)",
        "scale": settings.scale,
        "low_scale": settings.low,
        "fit_seeds": settings.fit_seeds(),
        "trials_complete": _complete(study),
        "best_trial": best.number,
        "objective": best.value,
        "accepted_trials": len(samples),
        "model_source": model_source_hash(presets=False),  # as the run cache keys it
        "fitted": [p.name for p in params],
        "parameters": model_coordinates(params, best.params, prior),
    }
    document = {
        "provenance": provenance,
        "overrides": settings.fitted_overrides(best.params),
        "accepted": [model_coordinates(params, t.params, prior) for t in samples],
    }
    path = Path(settings.fitted_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    header = (
        "# Fitted parameter values, written by `sim calibrate fit`; do not edit by hand.\n"
        "# Scenarios name this file as their `calibration`; its report says how it was made.\n"
    )
    tmp.write_text(header + tomli_w.dumps(_rounded(document)))
    tmp.replace(path)
    return provenance


def _rounded(tree):
    """Floats to 6 significant digits, for a file people read."""
    if isinstance(tree, dict):
        return {k: _rounded(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_rounded(v) for v in tree]
    if isinstance(tree, float) and math.isfinite(tree):
        return float(f"{tree:.6g}")
    return tree


def _bar(total: int, initial: int):
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        desc="calibration trials",
        unit="trial",
        file=sys.stderr,
        mininterval=0.5,
    )
