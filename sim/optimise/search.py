"""The search: optuna's NSGA-II over the levers, a generation at a time.

Each generation asks the sampler for a whole population, evaluates it (every candidate on
the same seeds and futures, through the store and the executors), then tells the sampler
every score in the order asked. The study lives in memory and is rebuilt from the store on
a rerun: the sampler is seeded and its history is the same scores in the same order, so a
search that was killed and rerun asks the same candidates and ends where an uninterrupted
one would, simulating only the runs that were missing. Constraints (budget, at least / at
most) go to the sampler as violations: NSGA-II ranks a feasible candidate before an
infeasible one and infeasible ones by how far they break the constraints.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

from sim.optimise.evaluate import Evaluation, Evaluator
from sim.optimise.futures import Future
from sim.optimise.levers import Lever
from sim.optimise.scores import Score, score
from sim.optimise.spec import OptimiseSpec


@dataclass(frozen=True)
class Searched:
    generation: int
    score: Score


def distributions(levers: list[Lever]) -> dict:
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    out: dict = {}
    for lever in levers:
        if lever.kind == "choice":
            out[lever.name] = CategoricalDistribution(list(lever.labels))
        elif lever.kind in ("integer", "rooms"):
            assert lever.low is not None and lever.high is not None
            out[lever.name] = IntDistribution(int(lever.low), int(lever.high), step=lever.step or 1)
        else:
            assert lever.low is not None and lever.high is not None
            out[lever.name] = FloatDistribution(lever.low, lever.high, log=lever.log)
    return out


def run_search(
    spec: OptimiseSpec,
    evaluator: Evaluator,
    futures: list[Future],
    baseline: Evaluation,
    progress: bool = True,
) -> list[Searched]:
    """Every generation's candidates with their scores, in the order asked."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(population_size=spec.population, seed=spec.search_seed)
    study = optuna.create_study(
        directions=["minimize"] * spec.n_search_objectives, sampler=sampler, study_name=spec.name
    )
    space = distributions(spec.levers)
    start = status_quo(spec)
    if start is not None:  # the first candidate is the current policy: a feasible start
        study.enqueue_trial(start)
    searched: list[Searched] = []
    for generation in range(spec.generations):
        trials = [study.ask(space) for _ in range(spec.population)]
        candidates = [_rounded(t.params, spec.levers) for t in trials]
        evaluations = evaluator.evaluate(candidates, futures, spec.seeds(), "search")
        for trial, evaluation in zip(trials, evaluations, strict=True):
            s = score(spec, evaluation, baseline)
            for k, violation in enumerate(s.violations):
                trial.set_constraint(f"c{k}", float(violation))
            study.tell(trial, list(s.objectives))
            searched.append(Searched(generation, s))
        if progress:
            _report(generation, spec, searched)
    return searched


def status_quo(spec: OptimiseSpec) -> dict | None:
    """The levers' values that leave the base as it is, if each is one the search can ask."""
    values = {}
    for lever in spec.levers:
        value = lever.baseline(spec.base)
        if not _askable(lever, value):
            return None
        values[lever.name] = value
    return _rounded(values, spec.levers)  # typed as the search's candidates are


def _askable(lever: Lever, value) -> bool:
    if lever.kind == "choice":
        return value in lever.labels
    if not isinstance(value, int | float) or lever.low is None or lever.high is None:
        return False
    if not lever.low <= value <= lever.high:
        return False
    return lever.kind == "real" or (value - lever.low) % (lever.step or 1) == 0


def _rounded(params: dict, levers: list[Lever]) -> dict:
    """Lever values as the store keys them: whole numbers as int, reals to 6 digits (the
    sampler's last digits would make every candidate a new scenario for no effect)."""
    out: dict = {}
    for lever in levers:
        value = params[lever.name]
        if lever.kind in ("integer", "rooms"):
            out[lever.name] = int(value)
        elif lever.kind == "real":
            out[lever.name] = float(f"{value:.6g}")
        else:
            out[lever.name] = str(value)
    return out


def _report(generation: int, spec: OptimiseSpec, searched: list[Searched]) -> None:
    feasible = [s.score for s in searched if s.score.feasible]
    first = spec.objectives[0]
    best = min((s.objectives[0] for s in feasible), default=math.nan)
    shown = first.sign * best if math.isfinite(best) else math.nan
    print(
        f"generation {generation + 1}/{spec.generations}: {len(feasible)} of {len(searched)} "
        f"candidates feasible so far; best {first.outcome} {shown:,.1f}",
        file=sys.stderr,
    )
