"""Arrow tables of a finished run, and writing them as Parquet with the run's manifest.

Tables: ``cases`` (one row per dispute), ``stays`` (one row per dispute per level visited),
``daily`` (one row per day), ``summary`` (one row of outcomes, see :mod:`sim.results.metrics`),
``places`` (one row per community), ``centres`` (one row per centre) and ``areas`` (one row
per county and per township, see :mod:`sim.results.areas`).
Each Parquet file carries the manifest (scenario, seed, code version) in its metadata.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.domain import CHANNELS, COMPLEXITIES, DISPUTE_TYPES, END_STATES, RESOLUTION_PLACES, STAGES
from sim.engine.stays import STAY_OUTCOMES
from sim.output_folder import Target, check, staged_folder

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

MANIFEST_KEY = b"dispute_sim.manifest"


def _labels(codes: np.ndarray, names: tuple[str, ...]) -> pa.DictionaryArray:
    """Codes (-1 = missing) as a dictionary-encoded string column."""
    codes = np.asarray(codes, dtype=np.int32)
    mask = codes < 0
    indices = pa.array(np.where(mask, 0, codes), mask=mask, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, type=pa.string()))


def _nan_to_null(values: np.ndarray, shift: float = 0.0) -> pa.Array:
    """Floats with NaN as null; ``shift`` is subtracted (model time -> measured day)."""
    values = np.asarray(values, dtype=np.float64) - shift
    return pa.array(values, mask=np.isnan(values))


def cases_table(model: DisputeModel) -> pa.Table:
    c = model.cases
    geo = model.network.geography
    community = c.column("community")
    township = geo.township[community]
    visited = c.column("levels_visited")
    t0 = model.warmup
    columns = {
        "case_id": pa.array(np.arange(c.n, dtype=np.int64)),
        "community": pa.array(geo.community_id[community]),
        "township": pa.array(geo.township_id[township]),
        "county": pa.array(geo.county_id[geo.county[township]]),
        "urban": pa.array(geo.urban[community]),
        "type": _labels(c.column("type"), DISPUTE_TYPES),
        "complexity": _labels(c.column("complexity"), COMPLEXITIES),
        "n_parties": pa.array(c.column("n_parties")),
        "money_yuan": pa.array(c.column("money_yuan")),
        "arose_day": pa.array(c.column("arose_day") - t0),
        "discovered_day": _nan_to_null(c.column("discovered_day"), t0),
        "channel": _labels(c.column("channel"), CHANNELS),
        "stage_at_discovery": _labels(c.column("stage_at_discovery"), STAGES),
        "entry_level": _labels(c.column("entry_level"), RESOLUTION_PLACES),
        "stage_at_end": _labels(c.column("stage"), STAGES),
        "stage_rises_waiting": pa.array(c.column("stage_rises_waiting")),
        "end_state": _labels(c.column("end_state"), END_STATES),
        "end_level": _labels(c.column("end_level"), RESOLUTION_PLACES),
        "end_day": _nan_to_null(c.column("end_day"), t0),
        "first_centre_day": _nan_to_null(c.column("first_centre_day"), t0),
        "court_day": _nan_to_null(c.column("court_day"), t0),
        "n_escalations": pa.array(c.column("n_escalations")),
        "n_sessions": pa.array(c.column("n_sessions")),
        "wait_days": pa.array(c.column("wait_days")),
        "distance_km": _nan_to_null(c.column("distance_km")),
        "court_mediation": _labels(c.column("court_mediation"), ("none", "succeeded", "failed")),
        "n_relapses": pa.array(c.column("n_relapses")),
        "relapse_caught": pa.array(c.column("relapse_caught") == 1),
    }
    for code, place in enumerate(RESOLUTION_PLACES):
        columns[f"visited_{place}"] = pa.array((visited >> code) & 1 == 1)
    return pa.table(columns)


def stays_table(model: DisputeModel) -> pa.Table:
    raw = model.stays.columns()
    t0 = model.warmup

    def days(name: str) -> pa.Array:
        return _nan_to_null(np.array(raw[name], dtype=float), t0)

    return pa.table(
        {
            "case_id": pa.array(raw["case_id"], type=pa.int64()),
            "level": _labels(np.array(raw["level"], dtype=np.int32), RESOLUTION_PLACES),
            "centre": pa.array(raw["centre"], type=pa.int32()),
            "entered_day": days("entered_day"),
            "first_session_day": days("first_session_day"),
            "left_day": days("left_day"),
            "deadline_day": days("deadline_day"),
            "wait_days": pa.array(raw["wait_days"], type=pa.float64()),
            "n_sessions": pa.array(raw["n_sessions"], type=pa.int32()),
            "outcome": _labels(np.array(raw["outcome"], dtype=np.int32), STAY_OUTCOMES),
        }
    )


def places_table(model: DisputeModel) -> pa.Table:
    """One row per community: where it is, who lives there, which centres serve it and how
    far the nearest open one is (what a map of the placement needs)."""
    geo = model.network.geography
    serving = model.network.serving
    room = np.array(
        [model.centres[k].index if model.centres[k].is_open else -1 for k in serving[:, 0]]
    )
    names = {} if geo.community_name is None else {"name": pa.array(geo.community_name)}
    return pa.table(
        {
            "community": pa.array(geo.community_id),
            **names,  # the communities file's names (Chinese, say), when it gives them
            "township": pa.array(geo.township_id[geo.township]),
            "county": pa.array(geo.county_id[geo.community_county]),
            "x_km": pa.array(geo.x_km, type=pa.float64()),
            "y_km": pa.array(geo.y_km, type=pa.float64()),
            "population": pa.array(geo.population, type=pa.int64()),
            "urban": pa.array(geo.urban),
            "has_room": pa.array(model.network.rooms),
            "room_centre": pa.array(room, type=pa.int32()),  # -1: no room serves it
            "township_centre": pa.array(serving[:, 1], type=pa.int32()),
            "nearest_centre_km": pa.array(model.network.nearest_centre_km, type=pa.float64()),
        }
    )


def centres_table(model: DisputeModel) -> pa.Table:
    """One row per centre, room, roving team and committee."""
    rows = [
        {
            "centre": c.index,
            "level": RESOLUTION_PLACES[c.level],
            "x_km": c.x_km,
            "y_km": c.y_km,
            "mediators": len(c.mediators),
            "open": c.is_open,
            "roving": c.roving is not None,
        }
        for c in model.centres
    ]
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("centre", pa.int32()),
                ("level", pa.string()),
                ("x_km", pa.float64()),
                ("y_km", pa.float64()),
                ("mediators", pa.int32()),
                ("open", pa.bool_()),
                ("roving", pa.bool_()),
            ]
        ),
    )


def daily_table(model: DisputeModel) -> pa.Table:
    series = model.datacollector.model_vars
    table = pa.table({name: pa.array(values) for name, values in series.items()})
    index = np.asarray(series["day"], dtype=int) + model.warmup
    dates = [model.calendar.dates[d] for d in index]
    workday = model.calendar.is_workday[index]
    return table.append_column("date", pa.array(dates, type=pa.date32())).append_column(
        "workday", pa.array(workday)
    )


@dataclass
class RunResult:
    """Tables and manifest of one finished run."""

    cases: pa.Table
    stays: pa.Table
    daily: pa.Table
    summary: pa.Table
    manifest: dict = field(default_factory=dict)
    places: pa.Table | None = None
    centres: pa.Table | None = None
    areas: pa.Table | None = None  # outcomes by county and township (sim.results.areas)

    def write(
        self,
        folder: Path | Target,
        force: bool = False,
        figures: Mapping[str, Callable[[RunResult, Path], object]] | None = None,
    ) -> Path:
        """Write the tables and manifest into ``folder`` atomically: all of it appears, or
        none. A folder is checked first (see :mod:`sim.output_folder`); ``force`` replaces
        earlier results. ``figures`` maps file names to functions drawing them from the
        result (the command line passes the run's overview; figures are the report layer's)."""
        target = folder if isinstance(folder, Target) else check(folder, "run", force=force)
        with staged_folder(target) as staging:
            self._write_files(staging)
            for name, draw in (figures or {}).items():
                draw(self, staging / name)
        return target.folder

    def _write_files(self, folder: Path) -> None:
        meta = {MANIFEST_KEY: json.dumps(self.manifest, default=str).encode()}
        for name in ("cases", "stays", "daily", "summary", "places", "centres", "areas"):
            table = getattr(self, name)
            if table is None:
                continue
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
            pq.write_table(table, folder / f"{name}.parquet")
        (folder / "manifest.json").write_text(
            json.dumps(self.manifest, indent=2, default=str, ensure_ascii=False)
        )


def read_manifest(path: Path) -> dict:
    """The manifest stored in a Parquet file's metadata."""
    meta = pq.read_schema(path).metadata or {}
    return json.loads(meta[MANIFEST_KEY])
