"""`sim optimise SPEC`: search, final rerun on fresh seeds, robustness, scenario discovery
and the report, in that order, every run through the store (so a rerun resumes)."""

from __future__ import annotations

import datetime as dt
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sim import output_folder
from sim.optimise.evaluate import Evaluation, Evaluator
from sim.optimise.final import Policy, finalise, recommended, shortlist
from sim.optimise.futures import Future, context_futures, search_futures
from sim.optimise.robustness import Robustness, robustness
from sim.optimise.search import Searched, run_search
from sim.optimise.spec import OptimiseSpec
from sim.optimise.store import KIND, EvaluationStore

DISCOVERY_SEED_OFFSET = 50_000  # discovery's seeds: after the fresh seeds, used by nothing else


@dataclass
class DiscoveryResult:
    policy: str
    futures: list[Future]
    changes: list[float]  # relative change of the outcome, per future
    met: list[bool]
    differences: list[float] = field(default_factory=list)  # policy - baseline, per future
    boxes: list = field(default_factory=list)
    error: str = ""


@dataclass
class OptimiseResult:
    spec: OptimiseSpec
    folder: Path
    searched: list[Searched]
    policies: list[Policy]
    baseline: Evaluation
    fresh_baseline: Evaluation
    robustness: list[Robustness]
    discovery: DiscoveryResult | None
    runs_made: int
    minutes: float
    runs_stored: int = 0

    @property
    def recommended(self) -> Policy | None:
        return recommended(self.spec, self.policies)


def optimise(
    spec: OptimiseSpec,
    out: str | Path | None = None,
    executor: str = "process",
    workers: int = 0,
    address: str | None = None,
    force: bool = False,
    progress: bool = True,
) -> OptimiseResult:
    from sim.provenance import code_version, model_source_hash

    started = time.perf_counter()
    folder = Path(out) if out is not None else Path("outputs") / spec.name
    # a store is resumed, whatever --out names (its runs are keyed by content)
    target = output_folder.check(folder, KIND, inputs=spec.inputs(), default=True)
    store = EvaluationStore(target.folder)
    source = model_source_hash()
    manifest = {
        "optimise": spec.name,
        "spec": spec.source,
        "spec_path": str(spec.path.resolve()),
        "base_scenario": spec.base.model_dump(mode="json"),
        "model_source": source,
        "code_version": code_version(),
        "created": dt.datetime.now(),
    }
    store.open(manifest, target, force)
    evaluator = Evaluator(store, spec.levers, source, executor, workers, address, progress)
    futures = search_futures(spec)
    in_search = futures if spec.uncertainty.in_search else [Future(-1, {}, spec.base)]
    baseline = evaluator.evaluate([{}], in_search, spec.seeds(), "baseline")[0]
    if baseline.error:
        raise RuntimeError(f"the base scenario did not run: {baseline.error}")
    _check_defined(spec, baseline)
    searched = run_search(spec, evaluator, in_search, baseline, progress)
    chosen = shortlist(spec, searched)
    _say(progress, f"rerunning {len(chosen)} policies and the baseline on fresh seeds")
    fresh_all = evaluator.evaluate(
        [{}, *(s.values for s in chosen)], futures, spec.fresh_seeds(), "final"
    )
    fresh_baseline, fresh = fresh_all[0], fresh_all[1:]
    policies = finalise(spec, chosen, fresh, fresh_baseline)
    rows: list[Robustness] = []
    if len(futures) > 1:
        by_id = {p.id: next(e for e in fresh if e.key == p.score.key) for p in policies}
        rows = robustness(spec, by_id, fresh_baseline)
    discovery = _discover(spec, evaluator, policies) if spec.discovery else None
    return OptimiseResult(
        spec,
        target.folder,
        searched,
        policies,
        baseline,
        fresh_baseline,
        rows,
        discovery,
        evaluator.runs_made,
        (time.perf_counter() - started) / 60.0,
        evaluator.runs_stored,
    )


def _discover(spec: OptimiseSpec, evaluator: Evaluator, policies: list[Policy]) -> DiscoveryResult:
    """Run the chosen policy and the baseline across sampled futures; which uncertain facts
    make it miss the criterion."""
    from sim.optimise.discovery import DiscoveryError, find_boxes

    assert spec.discovery is not None
    d = spec.discovery
    policy = _chosen(spec, policies)
    if policy is None:
        return DiscoveryResult(d.policy, [], [], [], error="no reported policy to examine")
    futures = context_futures(spec.base, spec.context, d.futures, spec.search_seed + 1)
    seeds = [spec.fresh_seed + DISCOVERY_SEED_OFFSET + r for r in range(d.replications)]
    _say(
        evaluator.progress,
        f"scenario discovery: {policy.id} and the baseline in {len(futures)} futures",
    )
    base, own = evaluator.evaluate([{}, policy.values], futures, seeds, "discovery")
    changes, differences = [], []
    for f in futures:
        b = [r[d.outcome] for r in base.rows if int(r["future"]) == f.index]
        p = [r[d.outcome] for r in own.rows if int(r["future"]) == f.index]
        mean_b = sum(b) / len(b) if b else math.nan
        mean_p = sum(p) / len(p) if p else math.nan
        changes.append(mean_p / mean_b - 1.0 if mean_b else math.nan)
        differences.append(mean_p - mean_b)
    met = [d.met(c, diff) for c, diff in zip(changes, differences, strict=True)]
    result = DiscoveryResult(policy.id, futures, changes, met, differences)
    import numpy as np

    inputs = {f.name: np.array([fu.values[f.name] for fu in futures]) for f in spec.context}
    try:
        result.boxes = find_boxes(inputs, ~np.array(met), threshold=d.threshold)
    except DiscoveryError as err:
        result.error = str(err)
    return result


def _check_defined(spec: OptimiseSpec, baseline: Evaluation) -> None:
    """An objective or constraint the base never defines (NaN in every run) cannot guide a
    search: say so before it starts."""
    from sim.sweeps.spec import SpecError

    for name in [o.outcome for o in spec.objectives] + [c.outcome for c in spec.constraints]:
        values = [r.get(name) for r in baseline.rows]
        if not any(v is not None and math.isfinite(float(v)) for v in values):
            raise SpecError(
                f"{spec.path}: {name} is undefined (n/a) in every run of the base scenario "
                "(e.g. no centre has a time limit); choose another outcome"
            )


def _chosen(spec: OptimiseSpec, policies: list[Policy]) -> Policy | None:
    assert spec.discovery is not None
    if spec.discovery.policy == "recommended":
        return recommended(spec, policies)
    return next((p for p in policies if p.id == spec.discovery.policy), None)


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, file=sys.stderr)
