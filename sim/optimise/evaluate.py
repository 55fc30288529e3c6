"""Evaluate candidates: each candidate in each future on the same seeds (common random
numbers), the runs not yet in the store sent to the sweep executors (process pool, Dask),
each written to the store as it finishes."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sim.optimise.futures import Future
from sim.optimise.levers import Lever, apply_levers, candidate_key
from sim.optimise.store import EvaluationStore, run_key
from sim.sweeps.executors import execute
from sim.sweeps.runner import run_one
from sim.sweeps.spec import SpecError

BASELINE = "baseline"


@dataclass
class Evaluation:
    """A candidate's runs: one row per (future, seed); ``error`` when it could not run."""

    values: dict  # lever name -> value; {} for the baseline
    rows: list[dict]
    error: str = ""

    @property
    def key(self) -> str:
        return candidate_key(self.values)


@dataclass
class Evaluator:
    store: EvaluationStore
    levers: list[Lever]
    model_source: str
    executor: str = "process"
    workers: int = 0
    address: str | None = None
    progress: bool = True
    runs_made: int = 0  # runs this process simulated
    runs_stored: int = 0  # runs it found in the store (an earlier call, or a repeat)

    def evaluate(
        self, candidates: list[dict], futures: list[Future], seeds: list[int], stage: str
    ) -> list[Evaluation]:
        """Every candidate in every future on every seed; ``{}`` is the baseline."""
        plans = [self._plan(values, futures, seeds, stage) for values in candidates]
        done = self.store.done()
        todo = {
            run["key"]: (run, scenario)
            for plan in plans
            for run, scenario in plan
            if run["key"] not in done
        }
        self.runs_stored += len({run["key"] for plan in plans for run, _ in plan}) - len(todo)
        self._run(list(todo.values()), stage)
        out = []
        for values, plan in zip(candidates, plans, strict=True):
            keys = [run["key"] for run, _ in plan]
            rows = self.store.read(keys)
            missing = [k for k in keys if k not in rows]
            error = (self.store.error(missing[0]) or "did not run") if missing else ""
            if not plan:  # no valid scenario: the plan is empty and the error says why
                error = self._invalid.get(candidate_key(values), "no valid scenario")
            # the plan's own future and seed: two futures can make the same scenario (one run)
            found = [rows[run["key"]] | run for run, _ in plan if run["key"] in rows]
            out.append(Evaluation(values, found, error))
        return out

    def _plan(self, values: dict, futures: list[Future], seeds: list[int], stage: str):
        """(run, scenario json) of each run of a candidate; [] if it makes no scenario."""
        plan = []
        for future in futures:
            try:
                scenario = (
                    apply_levers(future.scenario, self.levers, values)
                    if values
                    else (future.scenario)
                )
            except SpecError as err:
                self._invalid[candidate_key(values)] = str(err)
                return []
            payload = scenario.model_dump(mode="json")
            for seed in seeds:
                run = {
                    "key": run_key(payload, seed, self.model_source),
                    "stage": stage,
                    "candidate": candidate_key(values) if values else BASELINE,
                    "future": future.index,
                    "seed": seed,
                }
                plan.append((run, payload))
        return plan

    def _run(self, todo: list[tuple[dict, dict]], stage: str) -> None:
        if not todo:
            return
        bar = _bar(len(todo), stage) if self.progress else None
        payloads = ((run, scenario, False) for run, scenario in todo)
        for run, row, _ in execute(run_one, payloads, self.executor, self.workers, self.address):
            self.store.write(run["key"], row)
            self.runs_made += 1
            if bar:
                bar.update()
        if bar:
            bar.close()

    def __post_init__(self) -> None:
        self._invalid: dict[str, str] = {}


def _bar(total: int, stage: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"{stage} runs", unit="run", file=sys.stderr, mininterval=0.5)
