"""Run a sweep: every design point times every replication seed, into the run store."""

from __future__ import annotations

import datetime as dt
import gc
import sys
import time
import traceback
from pathlib import Path

import pyarrow as pa

from sim import output_folder
from sim.sweeps.designs import design_points
from sim.sweeps.executors import execute
from sim.sweeps.spec import SpecError, SweepSpec
from sim.sweeps.store import KIND, RunStore


def plan(spec: SweepSpec) -> list[dict]:
    """Every run of the sweep: run id, point, replication, seed and the factor values.

    Run ids are point-major, so the same spec always gives the same ids.
    """
    runs: list[dict] = []
    for point_index, point in enumerate(design_points(spec)):
        for rep, seed in enumerate(spec.seeds()):
            runs.append(
                {
                    "run_id": len(runs),
                    "point": point_index,
                    "replication": rep,
                    "seed": seed,
                    **point,
                }
            )
    return runs


def run_sweep(
    spec: SweepSpec,
    out: str | Path | output_folder.Target,
    executor: str = "process",
    workers: int = 0,
    address: str | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    force: bool = False,
) -> RunStore:
    """Run the runs of ``spec`` not yet in the store at ``out``; return the store. A folder
    that holds anything but a sweep store is refused; ``force`` replaces a store of another
    sweep."""
    from sim.provenance import code_version, model_source_hash

    target = (
        out
        if isinstance(out, output_folder.Target)
        else output_folder.check(out, KIND, default=True)
    )
    runs = plan(spec)
    store = RunStore(target.folder)
    manifest = {
        "sweep": spec.name,
        "spec": spec.source,
        "spec_path": str(spec.path.resolve()),
        # what the base resolved to: the same sweep whether its base is written relative
        # to the spec or as an absolute path
        "base_scenario": spec.base.model_dump(mode="json"),
        "model_source": model_source_hash(),
        "code_version": code_version(),
        "n_runs": len(runs),
        "n_points": len(runs) // spec.replications,
        "created": dt.datetime.now(),
    }
    points = pa.Table.from_pylist(
        [
            {k: v for k, v in r.items() if k not in ("run_id", "replication", "seed")}
            for r in runs[:: spec.replications]
        ]
    )
    store.open(manifest, points, target, force)
    done = store.done(retry_failed)
    todo = [r for r in runs if r["run_id"] not in done]
    payloads = (_payload(r, spec) for r in todo)
    bar = _bar(len(todo), len(runs) - len(todo)) if progress else None
    for run, row, cases in execute(run_one, payloads, executor, workers, address):
        if "error" in row:
            store.write_error(run["run_id"], row)
        else:
            store.write_run(run["run_id"], row, cases)
        if bar:
            bar.update()
    if bar:
        bar.close()
    return store


def _payload(run: dict, spec: SweepSpec) -> tuple:
    """What a worker needs; a point that makes no valid scenario fails as that run."""
    try:
        scenario = spec.scenario_at(_point(run, spec)).model_dump(mode="json")
    except SpecError as err:
        return run, str(err), False
    return run, scenario, spec.save_cases


def run_one(payload) -> tuple[dict, dict, pa.Table | None]:
    """Worker: one run. Errors are returned, not raised, so the sweep goes on."""
    from sim.config import Scenario
    from sim.results.simulation import simulate

    run, scenario_json, save_cases = payload
    if isinstance(scenario_json, str):
        return run, run | {"error": scenario_json, "traceback": ""}, None
    started = time.perf_counter()
    try:
        result = simulate(Scenario.from_payload(scenario_json), seed=run["seed"])
    except Exception as err:  # recorded in errors/ with its traceback
        row = run | {
            "error": f"{type(err).__name__}: {err}",
            "traceback": traceback.format_exc(limit=8),
        }
        return run, row, None
    row = run | {"wall_seconds": round(time.perf_counter() - started, 3)}
    row |= result.summary.to_pylist()[0]
    cases = result.cases if save_cases else None
    del result
    gc.collect()  # the model's agents refer to it and back: free it before the next run
    return run, row, cases


def _point(run: dict, spec: SweepSpec) -> dict:
    return {f.name: run[f.name] for f in spec.factors}


def _bar(total: int, initial: int):
    from tqdm import tqdm

    return tqdm(
        total=total + initial,
        initial=initial,
        desc="sweep runs",
        unit="run",
        file=sys.stderr,
        mininterval=0.5,
    )
