"""A finished ``sim optimise`` search as the Optimise page shows it: its manifest, the
candidates it searched and the final policies it re-ran on fresh seeds (searched.csv and
policies.csv, as the report wrote them), and the Pareto front as an interactive figure."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv

from sim.dashboard.words import word
from sim.results.outcomes import OUTCOME, label, plain_number


class SearchError(ValueError):
    """A folder that is not a finished search."""


@dataclass(frozen=True)
class SearchView:
    folder: Path
    name: str
    objectives: list[str]
    levers: list[dict]  # the spec's [[lever]] entries
    policies: list[dict]  # policies.csv: the baseline first
    searched: list[dict]  # searched.csv

    def lever_label(self, lever: dict, lang: str) -> str:
        if lang == "zh" and lever.get("label_zh"):
            return str(lever["label_zh"])
        return str(lever.get("label") or lever["name"])


def find_searches(root: Path) -> list[Path]:
    """Search folders under ``root`` (a manifest naming a search, and its policies.csv)."""
    found = []
    for manifest in sorted(root.glob("**/manifest.json"))[:500]:
        if (manifest.parent / "policies.csv").exists() and _is_search(manifest):
            found.append(manifest.parent)
    return found


def _is_search(manifest: Path) -> bool:
    try:
        return "optimise" in json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def load_search(folder: str | Path) -> SearchView:
    folder = Path(str(folder).strip())
    manifest = folder / "manifest.json"
    if not folder.is_dir():
        raise SearchError(f"{folder}: no such folder")
    if not manifest.exists() or not _is_search(manifest):
        raise SearchError(f"{folder}: no manifest.json of a search (sim optimise writes one)")
    for name in ("policies.csv", "searched.csv"):
        if not (folder / name).exists():
            raise SearchError(f"{folder}: no {name}; the search has not finished (run it again)")
    spec = json.loads(manifest.read_text(encoding="utf-8")).get("spec")
    if not isinstance(spec, dict):
        raise SearchError(f"{manifest}: holds no search spec (sim optimise writes one)")
    return SearchView(
        folder=folder,
        name=str(spec.get("name", folder.name)),
        objectives=[str(o["outcome"]) for o in spec.get("objective", [])],
        levers=list(spec.get("lever", [])),
        policies=_rows(folder / "policies.csv"),
        searched=_rows(folder / "searched.csv"),
    )


def _rows(path: Path) -> list[dict]:
    try:
        return pacsv.read_csv(path).to_pylist()
    except Exception as err:  # a CSV the search did not write as it does
        raise SearchError(f"{path}: cannot be read ({err})") from None


def front_figure(view: SearchView, objective: str, lang: str) -> Any:
    """Extra public cost against an objective's change: every searched candidate, and the
    final policies with their 95% intervals; hover shows each one's lever values."""
    import plotly.graph_objects as go

    figure = go.Figure()
    searched = [r for r in view.searched if _finite(r.get(f"{objective}_diff"))]
    figure.add_trace(
        go.Scatter(
            x=[r["extra_cost_yuan"] for r in searched],
            y=[r[f"{objective}_diff"] for r in searched],
            mode="markers",
            name=word("searched", lang),
            marker={"color": "lightgrey", "size": 7},
            text=[_lever_text(view, r, lang) for r in searched],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    final = [r for r in view.policies if r["policy"] != "baseline"]
    figure.add_trace(
        go.Scatter(
            x=[r["extra_cost_yuan"] for r in final],
            y=[r.get(f"{objective}_diff") for r in final],
            error_y=_error_bars(final, objective),
            mode="markers+text",
            name=word("final", lang),
            marker={"color": "crimson", "size": 11},
            text=[r["policy"] for r in final],
            textposition="top center",
            customdata=[_lever_text(view, r, lang) for r in final],
            hovertemplate="<b>%{text}</b><br>%{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        height=480,
        width=900,
        margin={"l": 60, "r": 10, "t": 40, "b": 50},
        title=word("front", lang),
        xaxis={"title": word("extra_cost", lang)},
        yaxis={"title": f"Δ {label(objective, lang)}"},
    )
    return figure


def _error_bars(rows: list[dict], objective: str) -> dict:
    """Bars to each policy's interval bounds (a bound of exactly 0 is a bound)."""
    diff = [_or(r.get(f"{objective}_diff"), 0.0) for r in rows]
    high = [_or(r.get(f"{objective}_high"), d) - d for r, d in zip(rows, diff, strict=True)]
    low = [d - _or(r.get(f"{objective}_low"), d) for r, d in zip(rows, diff, strict=True)]
    return {"type": "data", "symmetric": False, "array": high, "arrayminus": low}


def _or(value: Any, default: float) -> float:
    return float(value) if _finite(value) else default


def _lever_text(view: SearchView, row: dict, lang: str) -> str:
    cost = plain_number(row.get("extra_cost_yuan"))
    parts = [f"{view.lever_label(lv, lang)}: {row.get(lv['name'])}" for lv in view.levers]
    return "<br>".join([*parts, f"{word('extra_cost', lang)}: {cost}"])


def policy_rows(view: SearchView, policy: str, lang: str) -> list[dict[str, str]]:
    """One policy's comparison with the baseline: each objective and constraint outcome
    (baseline, policy, difference [95% interval]) and the extra cost."""
    rows = {r["policy"]: r for r in view.policies}
    base, chosen = rows["baseline"], rows[policy]
    outcomes = [k.removesuffix("_diff") for k in chosen if k.endswith("_diff")]
    out = []
    for outcome in outcomes:
        registry = OUTCOME.get(outcome)
        value = registry.format if registry else plain_number
        diff = registry.format_difference if registry else plain_number
        low, high = chosen.get(f"{outcome}_low"), chosen.get(f"{outcome}_high")
        interval = f" [{diff(low)}, {diff(high)}]" if _finite(low) and _finite(high) else ""
        out.append(
            {
                word("outcome", lang): label(outcome, lang),
                word("baseline_value", lang): value(base.get(outcome)),
                word("policy_value", lang): value(chosen.get(outcome)),
                word("difference", lang): f"{diff(chosen.get(f'{outcome}_diff'))}{interval}",
            }
        )
    cost = [chosen.get(k) for k in ("extra_cost_yuan", "extra_cost_low", "extra_cost_high")]
    out.append(
        {
            word("outcome", lang): word("extra_cost", lang),
            word("baseline_value", lang): "0",
            word("policy_value", lang): plain_number(cost[0]),
            word("difference", lang): f"{plain_number(cost[0])} "
            f"[{plain_number(cost[1])}, {plain_number(cost[2])}]",
        }
    )
    return out


def lever_rows(view: SearchView, policy: str, lang: str) -> list[dict[str, str]]:
    rows = {r["policy"]: r for r in view.policies}
    return [
        {
            word("levers_of", lang): view.lever_label(lv, lang),
            word("baseline_value", lang): _lever_value(rows["baseline"].get(lv["name"])),
            word("policy_value", lang): _lever_value(rows[policy].get(lv["name"])),
        }
        for lv in view.levers
    ]


def _lever_value(value: Any) -> str:
    """A lever's value as the spec gives it (a count read back as 3.0 is 3)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)
