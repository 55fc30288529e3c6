"""The run store of a sweep: one small Parquet file per finished run, written atomically.

Layout of ``outputs/<sweep>/``: ``manifest.json`` (the spec, the model's source hash, the
number of runs), ``points.parquet`` (the design), ``runs/part-<run_id>.parquet`` (one row:
run id, point, replication, seed, factor values, outcomes), ``errors/part-<run_id>.parquet``
(runs that raised, with the error) and, when asked, ``cases/part-<run_id>.parquet``.
``runs/`` reads as one table in pandas (``pd.read_parquet``), Polars or DuckDB. A run is
done when its file exists, so a killed sweep restarts with exactly the missing runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.sweeps.spec import SpecError

PART = "part-{:06d}.parquet"


class RunStore:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.runs, self.errors, self.cases = (self.folder / d for d in ("runs", "errors",
                                                                         "cases"))

    def open(self, manifest: dict, points: pa.Table) -> None:
        """Create the store, or check that an existing one belongs to the same sweep."""
        path = self.folder / "manifest.json"
        if path.exists():
            old = json.loads(path.read_text())
            for key in ("spec", "model_source", "n_runs"):
                if old.get(key) != manifest.get(key):
                    raise SpecError(f"{self.folder}: holds a sweep with another {key}; use "
                                    "another --out (or delete the folder) to start over")
            return
        for folder in (self.runs, self.errors, self.cases):
            folder.mkdir(parents=True, exist_ok=True)
        _atomic_parquet(points, self.folder / "points.parquet")
        _atomic_text(json.dumps(manifest, indent=2, default=str), path)

    def done(self, retry_failed: bool = False) -> set[int]:
        ids = _ids(self.runs)
        if not retry_failed:
            ids |= _ids(self.errors)
        return ids

    def write_run(self, run_id: int, row: dict, cases: pa.Table | None = None) -> None:
        if cases is not None:
            _atomic_parquet(cases, self.cases / PART.format(run_id))
        (self.errors / PART.format(run_id)).unlink(missing_ok=True)  # a retried failure
        _atomic_parquet(pa.Table.from_pylist([row]), self.runs / PART.format(run_id))

    def write_error(self, run_id: int, row: dict) -> None:
        _atomic_parquet(pa.Table.from_pylist([row]), self.errors / PART.format(run_id))

    def read_runs(self) -> pa.Table:
        return _read_folder(self.runs)

    def read_errors(self) -> pa.Table:
        return _read_folder(self.errors)


def _read_folder(folder: Path) -> pa.Table:
    files = sorted(folder.glob("part-*.parquet"))
    if not files:
        return pa.table({})
    return pa.concat_tables([pq.read_table(f) for f in files], promote_options="default")


def _ids(folder: Path) -> set[int]:
    return {int(p.stem.removeprefix("part-")) for p in folder.glob("part-*.parquet")}


def _atomic_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
