"""The report's table by area: the baseline's worst-served townships, and how each policy
fares in them (means over replications of the ``areas`` tables runs write)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from sim.report.style import Language
from sim.results.areas import MIN_RANKED, kind_label
from sim.results.outcomes import OUTCOME

SHOWN = 10  # townships in the report; the rest are in areas.parquet
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
    order = sorted(base, key=lambda t: _worst_first(base[t]))
    header = [kind_label("county", lang.code), kind_label("township", lang.code)]
    header += [words["residents"], words["per_10k"], words["km"]]
    header += [words["rate"].format(policy=p) for p in policies]
    rate = OUTCOME["centre_resolution_rate"]
    rows = []
    for township in order[:SHOWN]:
        row = base[township]
        cells = [row["county"], township, f"{row['residents']:,.0f}"]
        cells += [f"{row['per_10k']:.1f}", f"{row['km']:.2f}"]
        cells += [rate.format(means.get(p, {}).get(township, {}).get("rate")) for p in policies]
        rows.append(cells)
    return words["heading"].format(baseline=baseline), header, rows


def _township_means(areas: pa.Table) -> dict[str, dict[str, dict]]:
    """policy -> township -> means over seeds of the columns the table shows."""
    rows = [r for r in areas.to_pylist() if r.get("kind") == "township"]
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        grouped.setdefault((row["policy"], row["township"]), []).append(row)
    means: dict[str, dict[str, dict]] = {}
    for (policy, township), found in grouped.items():
        means.setdefault(policy, {})[township] = {
            "county": found[0]["county"],
            "residents": found[0]["residents"],
            "rate": _mean(r["centre_resolution_rate"] for r in found),
            "received": _mean(r["received_by_centres"] for r in found),
            "km": _mean(r["mean_distance_km"] for r in found),
            "per_10k": _mean(r["received_per_10k"] for r in found),
        }
    return means


def _mean(values) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(finite)) if finite else math.nan


def _worst_first(row: dict) -> tuple[bool, float, float]:
    """As the areas table ranks: enough disputes to rank by a rate first, lowest rate, then
    longest distance."""
    return (row["received"] < MIN_RANKED, _or_inf(row["rate"]), -_or_zero(row["km"]))


def _or_zero(value: float) -> float:
    return 0.0 if math.isnan(value) else value


def _or_inf(value: float) -> float:
    """Townships with nothing received sort last."""
    return math.inf if math.isnan(value) else value
