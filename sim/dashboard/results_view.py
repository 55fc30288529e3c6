"""A finished comparison as the Results page shows it: read back from the files it wrote
(the same files ``sim compare`` reads), as rows of labelled, formatted text."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.analysis.paired import excludes_zero, paired_differences
from sim.dashboard.words import word
from sim.results.outcomes import KEY_OUTCOMES, OUTCOME, label, plain_number, with_costs

AREA_OUTCOMES = (
    "residents",
    "received_by_centres",
    "centre_resolution_rate",
    "resolution_days_median",
    "court_cases",
    "mean_distance_km",
)
WORST_TOWNSHIPS = 15


@dataclass(frozen=True)
class SavedComparison:
    """The runs folder of a comparison (runs, places, centres, areas .parquet)."""

    folder: Path

    @cached_property
    def runs(self) -> pa.Table:
        return pq.read_table(self.folder / "runs.parquet")

    @property
    def policies(self) -> list[str]:
        return list(dict.fromkeys(self.runs.column("policy").to_pylist()))

    @property
    def baseline(self) -> str:
        return self.policies[0]

    @property
    def pairs(self) -> int:
        seeds = self.runs.column("seed").to_pylist()
        return len(set(seeds))

    def table(self, name: str) -> pa.Table:
        path = self.folder / f"{name}.parquet"
        return pq.read_table(path) if path.exists() else pa.table({})

    @cached_property
    def differences(self) -> pa.Table:
        return paired_differences(self.runs, self.baseline, with_costs(KEY_OUTCOMES))


def outcome_rows(saved: SavedComparison, lang: str) -> list[dict[str, str]]:
    """One row per policy and outcome: label, baseline, policy, difference [interval]."""
    rows = []
    for r in saved.differences.to_pylist():
        outcome = OUTCOME.get(r["outcome"])
        value = outcome.format if outcome else plain_number
        diff = outcome.format_difference if outcome else plain_number
        low, high = diff(r["ci_low"]), diff(r["ci_high"])
        interval = f" [{low}, {high}]" if math.isfinite(r["ci_low"]) else ""
        star = " *" if excludes_zero(r, low, high) else ""  # as the CLI's table stars it
        rows.append(
            {
                "policy": r["policy"],
                "outcome": label(r["outcome"], lang),
                "key": r["outcome"],
                "baseline": value(r["baseline_mean"]),
                "value": value(r["policy_mean"]),
                "difference": f"{diff(r['difference'])}{interval}{star}",
            }
        )
    return rows


def area_rows(saved: SavedComparison, kind: str, policy: str, lang: str) -> list[dict]:
    """Outcomes by county (all) or township (the worst-served), means over the seeds."""
    areas = saved.table("areas")
    if areas.num_rows == 0:
        return []
    rows = [r for r in areas.to_pylist() if r["kind"] == kind and r["policy"] == policy]
    name = "county" if kind == "county" else "township"
    grouped: dict[str, list[dict]] = {}
    for r in rows:
        grouped.setdefault(str(r[name]), []).append(r)
    out = [_area_row(word(name, lang), area, members, lang) for area, members in grouped.items()]
    if kind == "township":
        out.sort(key=lambda r: r["_rate"])
        out = out[:WORST_TOWNSHIPS]
    return [{k: v for k, v in r.items() if k != "_rate"} for r in out]


def _area_row(header: str, area: str, members: list[dict], lang: str) -> dict:
    row: dict = {header: area}
    for outcome in AREA_OUTCOMES:
        values = [m[outcome] for m in members if m.get(outcome) is not None]
        values = [v for v in values if math.isfinite(v)]
        mean = sum(values) / len(values) if values else math.nan
        shown = OUTCOME[outcome].format if outcome in OUTCOME else plain_number
        row[word(outcome, lang) if outcome == "residents" else label(outcome, lang)] = shown(mean)
        if outcome == "centre_resolution_rate":
            row["_rate"] = mean if math.isfinite(mean) else 2.0
    return row


def downloads(saved: SavedComparison, reports: dict[str, Path]) -> list[Path]:
    """The files a planner may take away: tables (Parquet, CSV, xlsx) and the reports."""
    files = [saved.folder / n for n in ("runs.parquet", "areas.parquet", "differences.csv")]
    for folder in reports.values():
        files += sorted(folder.glob("*.csv")) + sorted(folder.glob("*.xlsx"))
        files.append(folder / "report.html")
    return [f for f in files if f.exists()]
