"""Read what runs left on disk into a few tables, whatever produced them.

Three kinds of folder are understood:
- a run of ``sim run`` (``summary.parquet``, ``manifest.json``): one replication of the
  scenario it names; several such folders of one scenario are its replications;
- a planner script's output (``runs.parquet``, with ``daily``, ``places``, ``centres``);
- a sweep store (``manifest.json`` naming a sweep, ``runs/``, ``points.parquet``, and
  ``sensitivity.csv`` once ``sim sensitivity`` has run).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.analysis.paired import DAILY_COLUMNS
from sim.report.style import ReportError


@dataclass
class Sweep:
    name: str
    runs: pa.Table  # one row per run: factor values and outcomes
    factors: list[str]
    sensitivity: pa.Table | None = None


@dataclass
class Results:
    runs: pa.Table | None = None  # policy, seed, outcomes
    daily: pa.Table | None = None  # policy, seed, day, cases open per level
    places: pa.Table | None = None  # policy, one row per community
    centres: pa.Table | None = None  # policy, one row per centre
    areas: pa.Table | None = None  # policy, seed, one row per county and township
    sweeps: list[Sweep] = field(default_factory=list)
    # policy -> its resolved scenario (JSON dump), where the folder recorded it
    scenarios: dict[str, dict] = field(default_factory=dict)
    baselines: list[str] = field(default_factory=list)  # the baseline of each script folder
    names_zh: dict[str, str] = field(default_factory=dict)  # policy -> its Chinese name

    @property
    def policies(self) -> list[str]:
        if self.runs is None:
            return []
        return list(dict.fromkeys(self.runs.column("policy").to_pylist()))


def load(paths: list[str | Path], labels: list[str] | None = None) -> Results:
    """Results of every folder in ``paths``; ``labels`` renames the policy of each folder."""
    if labels and len(labels) != len(paths):
        raise ReportError(f"--label given {len(labels)} times for {len(paths)} results")
    parts: dict[str, list[pa.Table]] = {
        name: [] for name in ("runs", "daily", "places", "centres", "areas")
    }
    sweeps = []
    variants: dict[str, list[str]] = {}  # scenario name -> settings seen under it
    mapped: set[str] = set()  # policies whose places and centres are already in
    scenarios: dict[str, dict] = {}
    baselines: list[str] = []
    names_zh: dict[str, str] = {}
    for k, path in enumerate(paths):
        path = Path(path)
        label = labels[k] if labels else None
        kind = _kind(path)
        if kind == "sweep":
            sweeps.append(_sweep(path))
            continue
        if kind == "run":
            tables = _run_folder(path, label, variants)
            runs = tables["runs"]
            if runs is not None and runs.num_rows:
                scenarios.setdefault(
                    runs.column("policy")[0].as_py(), _manifest(path).get("scenario", {})
                )
        else:
            tables = _script_folder(path, label)
            record = _script_record(path, label)
            scenarios |= record.scenarios
            baselines += [record.baseline] if record.baseline else []
            names_zh |= record.names_zh
        for name, table in tables.items():
            if table is None or not table.num_rows:
                continue
            if name in ("places", "centres"):  # the same for every seed of a policy
                table = _not_yet(table, mapped, name)
            parts[name].append(table)
    tables = {name: _concat(found) for name, found in parts.items()}
    _check_unique_runs(tables["runs"])
    return Results(
        **tables, sweeps=sweeps, scenarios=scenarios, baselines=baselines, names_zh=names_zh
    )


@dataclass
class ScriptRecord:
    """What a script folder's policies.json says (folders written before it have none)."""

    baseline: str | None = None
    scenarios: dict[str, dict] = field(default_factory=dict)
    names_zh: dict[str, str] = field(default_factory=dict)


def _script_record(path: Path, label: str | None) -> ScriptRecord:
    """The baseline, every policy's scenario and the Chinese names of a script folder."""
    file = path / "policies.json"
    if not file.exists():
        return ScriptRecord()
    data = _json(file)
    found, baseline, zh = data.get("scenarios"), data.get("baseline"), data.get("names_zh", {})
    if not isinstance(found, dict) or not isinstance(baseline, str) or not isinstance(zh, dict):
        raise ReportError(f"{file}: not a policies file of this tool (baseline, scenarios)")
    name = (lambda p: f"{label}: {p}") if label else (lambda p: p)
    return ScriptRecord(
        name(baseline),
        {name(p): s for p, s in found.items() if isinstance(s, dict)},
        {name(p): (f"{label}: {z}" if label else z) for p, z in zh.items() if isinstance(z, str)},
    )


def renamed(results: Results, names: dict[str, str]) -> Results:
    """The results with policies renamed (e.g. to their Chinese names), in every table."""
    if not names:
        return results

    def rename(table: pa.Table | None) -> pa.Table | None:
        if table is None or "policy" not in table.column_names:
            return table
        column = [names.get(p, p) for p in table.column("policy").to_pylist()]
        return table.set_column(
            table.column_names.index("policy"), "policy", pa.array(column, pa.string())
        )

    return Results(
        runs=rename(results.runs),
        daily=rename(results.daily),
        places=rename(results.places),
        centres=rename(results.centres),
        areas=rename(results.areas),
        sweeps=results.sweeps,
        scenarios={names.get(p, p): s for p, s in results.scenarios.items()},
        baselines=[names.get(p, p) for p in results.baselines],
    )


def _not_yet(table: pa.Table, mapped: set, name: str) -> pa.Table:
    policies = set(table.column("policy").to_pylist())
    keep = [p for p in policies if (name, p) not in mapped]
    mapped.update((name, p) for p in keep)
    return table.filter(pc.is_in(table.column("policy"), pa.array(keep, pa.string())))


def _check_unique_runs(runs: pa.Table | None) -> None:
    if runs is None:
        return
    pairs = list(
        zip(runs.column("policy").to_pylist(), runs.column("seed").to_pylist(), strict=True)
    )
    repeated = sorted({p for p in pairs if pairs.count(p) > 1})
    if repeated:
        raise ReportError(
            f"the same policy and seed appear twice: {repeated[:3]}; give the "
            "folders distinct --label values"
        )


def _kind(path: Path) -> str:
    if not path.is_dir():
        raise ReportError(f"{path}: no such folder")
    if (path / "summary.parquet").exists():
        return "run"
    if (path / "runs.parquet").exists():
        return "script"
    manifest = path / "manifest.json"
    if manifest.exists() and (path / "runs").is_dir():
        return "sweep"
    raise ReportError(
        f"{path}: not a run folder (summary.parquet), a planner script's output "
        "(runs.parquet) or a sweep (manifest.json and runs/)"
    )


def _read(path: Path) -> pa.Table | None:
    if not path.exists():
        return None
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as err:
        raise ReportError(f"{path}: cannot read ({err})") from None


def _tag(table: pa.Table | None, policy: str, seed: int | None = None) -> pa.Table | None:
    if table is None:
        return None
    for name in ("policy", "seed"):
        if name in table.column_names:
            table = table.drop_columns([name])
    if seed is not None:
        table = table.add_column(0, "seed", pa.array([seed] * table.num_rows, pa.int64()))
    return table.add_column(0, "policy", pa.array([policy] * table.num_rows, pa.string()))


def _manifest(path: Path) -> dict:
    """A result folder's manifest.json, which must be a JSON object."""
    return _json(path / "manifest.json")


def _json(file: Path) -> dict:
    """A JSON object the tool wrote (a manifest, a policies file)."""
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:  # UnicodeDecodeError and JSON errors are ValueErrors
        raise ReportError(f"{file}: cannot read ({err})") from None
    except RecursionError:
        raise ReportError(f"{file}: nests too deeply to be a manifest of this tool") from None
    if not isinstance(manifest, dict):
        raise ReportError(f"{file}: not written by this tool (not a JSON object)")
    return manifest


def _run_folder(path: Path, label: str | None, variants: dict[str, list[str]]) -> dict:
    manifest = _manifest(path)
    seed = manifest.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ReportError(f"{path / 'manifest.json'}: seed: expected a whole number (got {seed!r})")
    if not isinstance(manifest.get("scenario", {}), dict):
        raise ReportError(f"{path / 'manifest.json'}: scenario: expected a table")
    policy = label or _policy_name(manifest, path, variants)
    daily = _read(path / "daily.parquet")
    if daily is not None:
        daily = daily.select([c for c in DAILY_COLUMNS if c in daily.column_names])
    return {
        "runs": _tag(_read(path / "summary.parquet"), policy, seed),
        "daily": _tag(daily, policy, seed),
        "places": _tag(_read(path / "places.parquet"), policy),
        "centres": _tag(_read(path / "centres.parquet"), policy),
        "areas": _tag(_read(path / "areas.parquet"), policy, seed),
    }


def _policy_name(manifest: dict, path: Path, variants: dict[str, list[str]]) -> str:
    """The scenario's name; runs of one name with other settings (e.g. --set) become
    'name (2)', 'name (3)', so they are compared, not pooled as replications."""
    name = manifest.get("scenario_name", path.name)
    scenario = dict(manifest.get("scenario", {}))
    scenario.pop("description", None)
    run = dict(scenario.pop("run", {}))
    run.pop("seed", None)
    key = json.dumps({**scenario, "run": run}, sort_keys=True, default=str)
    seen = variants.setdefault(name, [])
    if key not in seen:
        seen.append(key)
    k = seen.index(key)
    return name if k == 0 else f"{name} ({k + 1})"


def _script_folder(path: Path, label: str | None) -> dict:
    tables = {
        name: _read(path / f"{name}.parquet")
        for name in ("runs", "daily", "places", "centres", "areas")
    }
    if label:  # one folder holds several policies: the label prefixes them
        tables = {name: _prefix(t, label) for name, t in tables.items()}
    return tables


def _prefix(table: pa.Table | None, label: str) -> pa.Table | None:
    if table is None:
        return None
    policy = pc.binary_join_element_wise(label, table.column("policy"), ": ")
    return table.set_column(table.column_names.index("policy"), "policy", policy)


def _sweep(path: Path) -> Sweep:
    from sim.sweeps.store import RunStore

    try:
        runs = RunStore(path).read_runs()
    except (OSError, pa.ArrowInvalid) as err:
        raise ReportError(f"{path / 'runs'}: cannot read the sweep's runs ({err})") from None
    points = _read(path / "points.parquet")
    if runs.num_rows == 0 or points is None:
        raise ReportError(f"{path}: the sweep has no finished runs yet")
    factors = [c for c in points.column_names if c != "point"]
    sensitivity = None
    if (path / "sensitivity.csv").exists():
        try:
            sensitivity = pacsv.read_csv(path / "sensitivity.csv")
        except (OSError, pa.ArrowInvalid) as err:
            raise ReportError(f"{path / 'sensitivity.csv'}: cannot read ({err})") from None
    name = str(_manifest(path).get("sweep", path.name))
    return Sweep(name=name, runs=runs, factors=factors, sensitivity=sensitivity)


def _concat(tables: list[pa.Table]) -> pa.Table | None:
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")
