"""Every policy on every seed, run in parallel, gathered into the tables of a paired
comparison (:mod:`sim.analysis.paired` takes the differences)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from sim.analysis.paired import DAILY_COLUMNS
from sim.config import Scenario


@dataclass
class PolicyRuns:
    """Tables of a paired comparison: one summary row per policy and seed (``runs``), the
    daily backlog of every run (``daily``), and each policy's places and centres (from its
    first seed; placement does not depend on the seed)."""

    runs: pa.Table
    daily: pa.Table
    places: pa.Table
    centres: pa.Table
    areas: pa.Table  # outcomes by county and township, per policy and seed


def run_one(payload: tuple[str, dict, int, bool]) -> dict:
    from sim.results.simulation import simulate

    policy, scenario, seed, first = payload
    result = simulate(Scenario.from_payload(scenario), seed=seed)
    tag = {"policy": policy, "seed": seed}
    daily = result.daily.select(list(DAILY_COLUMNS)).to_pylist()
    out = {
        "summary": {**tag, **result.summary.to_pylist()[0]},
        "daily": [{**tag, **row} for row in daily],
        "areas": [{**tag, **row} for row in (result.areas or pa.table({})).to_pylist()],
    }
    if first and result.places is not None and result.centres is not None:
        out["places"] = [{"policy": policy, **r} for r in result.places.to_pylist()]
        out["centres"] = [{"policy": policy, **r} for r in result.centres.to_pylist()]
    return out


def run_payloads(policies: dict[str, Scenario], seeds: Sequence[int]) -> list[tuple]:
    """One payload per policy and seed, for :func:`run_one` in a worker process."""
    return [
        (name, scenario.model_dump(mode="json"), int(seed), k == 0)
        for name, scenario in policies.items()
        for k, seed in enumerate(seeds)
    ]


def gathered(payloads: list[tuple], results: list[dict]) -> PolicyRuns:
    """The runs' outputs (in any order) as tables in (policy, seed) order."""
    order = {(name, int(seed)): k for k, (name, _, seed, _) in enumerate(payloads)}
    results = sorted(results, key=lambda o: order[(o["summary"]["policy"], o["summary"]["seed"])])
    return PolicyRuns(
        runs=pa.Table.from_pylist([o["summary"] for o in results]),
        daily=pa.Table.from_pylist([row for o in results for row in o["daily"]]),
        places=pa.Table.from_pylist([row for o in results for row in o.get("places", [])]),
        centres=pa.Table.from_pylist([row for o in results for row in o.get("centres", [])]),
        areas=pa.Table.from_pylist([row for o in results for row in o["areas"]]),
    )


def run_policies(
    policies: dict[str, Scenario],
    seeds: Sequence[int],
    executor: str = "process",
    workers: int = 0,
    progress: bool = True,
) -> PolicyRuns:
    """Every policy on every seed; tables in (policy, seed) order whatever the executor."""
    from sim.sweeps.executors import execute

    payloads = run_payloads(policies, seeds)
    results = []
    for k, out in enumerate(execute(run_one, payloads, executor, workers), start=1):
        results.append(out)
        if progress:
            print(f"\r  runs {k}/{len(payloads)}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return gathered(payloads, results)
