"""The evaluation store of a search: one small Parquet file per finished run, written
atomically as it finishes, named by what determines its result.

Layout of ``outputs/<name>/``: ``manifest.json`` (the latest spec, the base as it resolved,
the model's source hash), ``runs/<key>.parquet`` (one row: stage, candidate, future, seed and
the run's outcomes), ``errors/<key>.parquet`` (runs that raised) and the report's files. A
run's key hashes its scenario, its seed and the model's source, so a rerun after a kill
finds exactly the runs that were done, and a candidate the search proposes twice runs once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim import output_folder
from sim.sweeps.spec import SpecError
from sim.sweeps.store import atomic_parquet, atomic_text

KIND = "optimise"
REPORT_FILES = (
    "searched.csv",
    "policies.csv",
    "robustness.csv",
    "discovery.csv",
    "report.md",
    "report_zh.md",
    "front.png",
    "front_zh.png",
    "levers.png",
    "levers_zh.png",
)


def run_key(scenario_json: dict, seed: int, model_source: str) -> str:
    """What fixes a run's result: its scenario, its seed and the model's code."""
    text = json.dumps([scenario_json, seed, model_source], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class EvaluationStore:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.runs, self.errors = self.folder / "runs", self.folder / "errors"

    def open(self, manifest: dict, target: output_folder.Target, force: bool) -> None:
        """Create the store or reuse it. Runs are keyed by what fixes their result, so a
        store serves any spec: an edited spec reruns only the runs it does not share with
        what is there. ``force`` clears the stored runs first (only the store's own files)."""
        if force:
            self.clear()
        output_folder.make_folder(target)
        output_folder.write_marker(
            self.folder, KIND, {"manifest.json", "runs", "errors", *REPORT_FILES}
        )
        for folder in (self.runs, self.errors):
            folder.mkdir(parents=True, exist_ok=True)
        atomic_text(json.dumps(manifest, indent=2, default=str), self.folder / "manifest.json")

    def clear(self) -> None:
        for folder in (self.runs, self.errors):
            for part in (*folder.glob("*.parquet"), *folder.glob(".*.tmp")):
                part.unlink()
            with contextlib.suppress(OSError):  # a planner's files are there: keep them
                folder.rmdir()
        for name in ("manifest.json", *REPORT_FILES):
            (self.folder / name).unlink(missing_ok=True)

    def done(self) -> set[str]:
        return {p.stem for p in self.runs.glob("*.parquet")}

    def failed(self) -> set[str]:
        return {p.stem for p in self.errors.glob("*.parquet")}

    def write(self, key: str, row: dict) -> None:
        folder = self.errors if "error" in row else self.runs
        atomic_parquet(pa.Table.from_pylist([row]), folder / f"{key}.parquet")

    def read(self, keys: list[str]) -> dict[str, dict]:
        """The stored row of each key (that finished)."""
        rows = {}
        for key in dict.fromkeys(keys):
            path = self.runs / f"{key}.parquet"
            if path.exists():
                try:
                    rows[key] = pq.read_table(path).to_pylist()[0]
                except (OSError, pa.ArrowInvalid, IndexError) as err:
                    raise SpecError(
                        f"{path}: cannot read this run's file ({err}); delete it to run it again"
                    ) from None
        return rows

    def error(self, key: str) -> str:
        path = self.errors / f"{key}.parquet"
        return str(pq.read_table(path).to_pylist()[0].get("error", "")) if path.exists() else ""
