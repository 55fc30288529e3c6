"""Run many (scenario overrides, seed) pairs in parallel, remembering every finished run.

Each finished run's summary is appended at once as one JSON line to a cache file, keyed by
a hash of what determines it (model source, scenario, seed). A calibration that is killed
and started again reuses these lines and runs only what is missing. Results come back in
the order asked for, so they do not depend on the number of workers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from concurrent.futures import as_completed
from pathlib import Path

from sim.config import Scenario
from sim.provenance import model_source_hash
from sim.sweeps.executors import process_pool

# Scenario fields that name or describe a run without changing it.
LABELS = {"name", "description", "calibration"}


def run_key(scenario: Scenario, seed: int) -> str:
    """What determines a run: the model's code, the scenario's parameters and the seed (the
    values are in the key, so the presets' files are left out of the code's hash: writing
    the fitted file does not make the next calibration start again)."""
    parameters = scenario.model_dump(mode="json", exclude=LABELS)
    key = {"model": model_source_hash(presets=False), "seed": seed, "scenario": parameters}
    files = _geography_files(scenario)
    text = json.dumps(key | {"files": files} if files else key, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@functools.lru_cache(maxsize=64)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _geography_files(scenario: Scenario) -> dict[str, str]:
    """The communities files' contents (hashed): an edited CSV or GIS layer under the same
    name is another city."""
    from sim.scenario_loader import GEOGRAPHY_FILES

    out = {}
    for key in GEOGRAPHY_FILES:
        name = getattr(scenario.geography, key)
        if name:
            try:
                info = Path(name).stat()
            except OSError:
                continue  # the run itself names the missing file
            out[key] = _file_hash(name, info.st_size, info.st_mtime_ns)
            # a Shapefile's attributes live beside it
            for side in (".dbf", ".prj", ".cpg"):
                other = Path(name).with_suffix(side)
                if other.is_file() and other != Path(name):
                    i = other.stat()
                    out[key + side] = _file_hash(str(other), i.st_size, i.st_mtime_ns)
    return out


def _simulate_summary(scenario_json: dict, seed: int) -> dict:
    """Worker: one run, its summary row with the extra outputs that targets may name
    (plain floats and ints)."""
    from sim.results.metrics import extra_outputs
    from sim.results.simulation import simulate

    scenario = Scenario.from_payload(scenario_json)
    result = simulate(scenario, seed=seed)
    summary = result.summary.to_pylist()[0]
    return summary | extra_outputs(summary, result.cases, result.stays)


class Evaluator:
    """Runs scenarios with a pool of ``workers`` processes and a JSON-lines cache."""

    def __init__(self, cache_path: Path | None, workers: int = 0, progress: bool = True):
        self.cache_path = Path(cache_path) if cache_path else None
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress
        self.cache = self._load_cache()

    def run(self, jobs: list[tuple[Scenario, int]], desc: str = "runs") -> list[dict]:
        """Summaries of ``jobs`` (scenario, seed), in order; cached runs are not rerun."""
        keys = [run_key(scenario, seed) for scenario, seed in jobs]
        todo: dict[str, tuple[Scenario, int]] = {}
        for key, job in zip(keys, jobs, strict=True):
            if key not in self.cache:
                todo.setdefault(key, job)
        if todo:
            self._run_missing(todo, desc)
        return [self.cache[key] for key in keys]

    def _run_missing(self, todo: dict, desc: str) -> None:
        bar = _bar(len(todo), desc) if self.progress else None
        if self.workers == 1:
            for key, (scenario, seed) in todo.items():
                self._store(key, _simulate_summary(scenario.model_dump(mode="json"), seed))
                if bar:
                    bar.update()
        else:
            with process_pool(min(self.workers, len(todo))) as pool:
                futures = {
                    pool.submit(_simulate_summary, scenario.model_dump(mode="json"), seed): key
                    for key, (scenario, seed) in todo.items()
                }
                for future in as_completed(futures):
                    self._store(futures[future], future.result())
                    if bar:
                        bar.update()
        if bar:
            bar.close()

    def _store(self, key: str, summary: dict) -> None:
        self.cache[key] = summary
        if self.cache_path:
            with self.cache_path.open("a") as fh:
                fh.write(json.dumps({"key": key, "summary": summary}) + "\n")
                fh.flush()

    def _load_cache(self) -> dict:
        cache: dict = {}
        if self.cache_path is None or not self.cache_path.exists():
            return cache
        with self.cache_path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except (ValueError, RecursionError):  # a line cut short by a kill: rerun it
                    continue
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("key"), str)
                    and isinstance(entry.get("summary"), dict)
                ):
                    cache[entry["key"]] = entry["summary"]
        return cache


def _bar(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="run", file=sys.stderr, mininterval=0.5)
