"""The report's table by area: the baseline's worst-served townships, and how each policy
fares in them (means over replications of the ``areas`` tables runs write)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from sim.report.style import Language
from sim.results.areas import kind_label, worst_first
from sim.results.outcomes import OUTCOME, Outcome

SHOWN = 10  # townships in the report; the rest are in areas.parquet
MEANS = ("centre_resolution_rate", "received_by_centres", "mean_distance_km", "received_per_10k")
TEXT = {
    "en": {
        "heading": "Worst-served townships of {baseline} (lowest centre resolution rate "
        "first; townships that received fewer than 20 disputes follow)",
        "residents": "residents",
        "rate": "{policy}: resolved by centres",
        "km": "km to the first centre",
        "per_10k": "received per 10,000 residents",
    },
    "zh": {
        "heading": "{baseline}中服务最弱的街道(乡镇)(中心化解率最低者在前;受理不足20件者排在后面)",
        "residents": "人口",
        "rate": "{policy}:中心化解率",
        "km": "到首个中心(公里)",
        "per_10k": "每万人受理数",
    },
}


def worst_townships(
    areas: pa.Table, policies: list[str], baseline: str, lang: Language
) -> tuple[str, list[str], list[list[str]]] | None:
    """(heading, header, rows) for the page, or None when the results hold no areas."""
    means = _township_means(areas)
    base = means.get(baseline)
    if not base:
        return None
    words = TEXT[lang.code]
    order = sorted(base, key=lambda t: worst_first(base[t]))  # as the areas table ranks
    header = [kind_label("county", lang.code), kind_label("township", lang.code)]
    header += [words["residents"], words["per_10k"], words["km"]]
    header += [words["rate"].format(policy=p) for p in policies]
    rate = OUTCOME["centre_resolution_rate"]
    rows = []
    for township in order[:SHOWN]:
        row = base[township]
        cells = [row["county"], township, f"{row['residents']:,.0f}"]
        cells += [f"{row['received_per_10k']:.1f}", f"{row['mean_distance_km']:.2f}"]
        cells += [_rate(rate, means.get(p, {}).get(township)) for p in policies]
        rows.append(cells)
    return words["heading"].format(baseline=baseline), header, rows


def _township_means(areas: pa.Table) -> dict[str, dict[str, dict]]:
    """policy -> township -> means over seeds of the areas columns the table shows."""
    rows = [r for r in areas.to_pylist() if r.get("kind") == "township"]
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        grouped.setdefault((row["policy"], row["township"]), []).append(row)
    means: dict[str, dict[str, dict]] = {}
    for (policy, township), found in grouped.items():
        means.setdefault(policy, {})[township] = {
            "county": found[0]["county"],
            "residents": found[0]["residents"],
            **{name: _mean(r[name] for r in found) for name in MEANS},
        }
    return means


def _mean(values) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(finite)) if finite else math.nan


def _rate(rate: Outcome, row: dict | None) -> str:
    return rate.format(row["centre_resolution_rate"] if row else None)
