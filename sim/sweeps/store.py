"""The run store of a sweep: one small Parquet file per finished run, written atomically.

Layout of ``outputs/<sweep>/``: ``manifest.json`` (the spec, the model's source hash, the
number of runs), ``points.parquet`` (the design), ``runs/part-<run_id>.parquet`` (one row:
run id, point, replication, seed, factor values, outcomes), ``errors/part-<run_id>.parquet``
(runs that raised, with the error) and, when asked, ``cases/part-<run_id>.parquet``.
``runs/`` reads as one table in pandas (``pd.read_parquet``), Polars or DuckDB. A run is
done when its file exists, so a killed sweep restarts with exactly the missing runs.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim import output_folder
from sim.sweeps.spec import SpecError

PART = "part-{:06d}.parquet"
KIND = "sweep"


def _identity(manifest: dict) -> dict:
    """What makes two sweeps the same: the spec (its base by what it resolved to, where
    the manifest records that), the model's source and the number of runs."""
    keys = ("spec", "base_scenario", "model_source", "n_runs")
    found = {k: json.loads(json.dumps(manifest.get(k), default=str)) for k in keys}
    if found["base_scenario"] is not None and isinstance(found["spec"], dict):
        found["spec"] = {k: v for k, v in found["spec"].items() if k != "base"}
    return found


class RunStore:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.runs, self.errors, self.cases = (self.folder / d for d in ("runs", "errors", "cases"))

    def open(
        self, manifest: dict, points: pa.Table, target: output_folder.Target, force: bool = False
    ) -> None:
        """Create the store, or check that an existing one belongs to the same sweep (with
        ``force``, a store of another sweep is cleared first: only the store's own files)."""
        path = self.folder / "manifest.json"
        if path.exists():
            old, new = _identity(read_manifest(self.folder)), _identity(manifest)
            other = [k for k in new if old.get(k) != new[k]]
            if not other:
                return
            if not force:
                raise SpecError(
                    f"{self.folder}: holds a sweep with another {other[0].replace('_', ' ')}; use "
                    "another --out, or add --force to replace that sweep's runs"
                )
            self.clear()
        output_folder.make_folder(target)
        output_folder.write_marker(self.folder, KIND, output_folder.files_of(KIND))
        for folder in (self.runs, self.errors, self.cases):
            folder.mkdir(parents=True, exist_ok=True)
        atomic_parquet(points, self.folder / "points.parquet")
        atomic_text(json.dumps(manifest, indent=2, default=str), path)

    def clear(self) -> None:
        """Remove the store's own files (run parts, points, manifest, sensitivity table);
        anything else a planner put in its folders stays."""
        for folder in (self.runs, self.errors, self.cases):
            for path in (*folder.glob("part-*.parquet"), *folder.glob(".part-*.tmp")):
                path.unlink()
            with contextlib.suppress(OSError):  # not empty: a planner's files are there
                folder.rmdir()
        for name in ("points.parquet", "manifest.json", "sensitivity.csv"):
            (self.folder / name).unlink(missing_ok=True)

    def done(self, retry_failed: bool = False) -> set[int]:
        ids = _ids(self.runs)
        if not retry_failed:
            ids |= _ids(self.errors)
        return ids

    def write_run(self, run_id: int, row: dict, cases: pa.Table | None = None) -> None:
        if cases is not None:
            atomic_parquet(cases, self.cases / PART.format(run_id))
        (self.errors / PART.format(run_id)).unlink(missing_ok=True)  # a retried failure
        atomic_parquet(pa.Table.from_pylist([row]), self.runs / PART.format(run_id))

    def write_error(self, run_id: int, row: dict) -> None:
        atomic_parquet(pa.Table.from_pylist([row]), self.errors / PART.format(run_id))

    def read_runs(self) -> pa.Table:
        return _read_folder(self.runs)

    def read_errors(self) -> pa.Table:
        return _read_folder(self.errors)


def read_manifest(folder: Path) -> dict:
    """A store's manifest.json, or a SpecError saying what is wrong with it."""
    path = Path(folder) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{folder}: not a sweep store (no manifest.json)") from None
    except (OSError, ValueError) as err:  # UnicodeDecodeError and JSON errors too
        raise SpecError(f"{path}: cannot read the sweep's manifest ({err})") from None
    except RecursionError:
        raise SpecError(f"{path}: the sweep's manifest nests too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("spec"), dict):
        raise SpecError(
            f"{path}: not a sweep manifest (it must hold the sweep's spec); "
            "run the sweep again into a new --out"
        )
    return data


def _read_folder(folder: Path) -> pa.Table:
    files = sorted(folder.glob("part-*.parquet"))
    if not files:
        return pa.table({})
    tables = []
    for path in files:
        try:
            tables.append(pq.read_table(path))
        except (OSError, pa.ArrowInvalid) as err:
            raise SpecError(
                f"{path}: cannot read this run's file ({err}); delete it to run that run again"
            ) from None
    return pa.concat_tables(tables, promote_options="default")


def _ids(folder: Path) -> set[int]:
    return {int(p.stem.removeprefix("part-")) for p in folder.glob("part-*.parquet")}


def atomic_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
