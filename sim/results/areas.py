"""Outcomes by county and by township, from a run's ``cases``, ``stays`` and ``places``.

One row per county, then one per township: who lives there (residents, communities, how far
they live from the nearest open centre) and the key outcomes of the disputes that arose
there, counted exactly as the city summary counts them (:func:`sim.results.metrics.case_basis`):
the county rows' counts add up to the city's, and a county's townships add up to it.
Rows are sorted worst-served first: lowest centre resolution rate, ties broken by the
longest mean distance to the first centre; areas that received fewer than ``MIN_RANKED``
disputes (too few to rank by a rate) follow, and those that received none come last.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sim.results.arrays import column, finite, mean_or_nan, quantile_or_nan, ratio_or_nan

# The summary's own masks, so that an area's value is computed as the city's is.
from sim.results.metrics import case_basis, case_rows, first_session_waits
from sim.results.outcomes import COUNT, OUTCOME, PLACE_LABELS, Outcome
from sim.results.text_table import aligned, display_width

KINDS = ("county", "township")
WAIT_LEVELS = ("community", "township", "county")  # where residents first meet a mediator

# Columns that are not outcomes of the city summary, with their labels.
AREA_OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome("kind", "area kind", "区域类型", "", "{}", "county or township"),
        Outcome("county", "county", "县(区)", "", "{}", "county (district) of the area"),
        Outcome("township", "township", "街道(乡镇)", "", "{}", "township (street) of the area"),
        Outcome("residents", "residents", "常住人口", "residents", COUNT, "residents run"),
        Outcome("communities", "communities", "社区(村)数", "communities", COUNT, "communities"),
        Outcome(
            "nearest_centre_km",
            "residents' distance to the nearest open centre, km",
            "居民到最近开放中心的距离(公里)",
            "km",
            "{:.2f}",
            "mean over residents of their community's distance to the nearest open centre",
        ),
        Outcome(
            "received_per_10k",
            "disputes received per 10,000 residents",
            "每万人中心受理纠纷数",
            "per 10,000 residents",
            "{:.1f}",
            "disputes received by the centres per 10,000 residents of the area",
        ),
    )
}
COUNTS = ("received_by_centres", "resolved_by_centres", "court_cases", "petitions", "incidents")
COLUMNS: tuple[str, ...] = (
    "kind",
    "county",
    "township",
    "residents",
    "communities",
    "nearest_centre_km",
    *COUNTS[:2],
    "centre_resolution_rate",
    "resolution_days_median",
    "resolution_days_p90",
    *COUNTS[2:],
    "mean_distance_km",
    "received_per_10k",
    "court_cases_per_10k",
    *(f"wait_first_session_days_{level}" for level in WAIT_LEVELS),
)


def area_outcome(name: str) -> Outcome | None:
    """The registry entry of an areas column (the summary's where it is an outcome)."""
    return AREA_OUTCOMES.get(name) or OUTCOME.get(name)


def kind_label(kind: str, lang: str = "en") -> str:
    return PLACE_LABELS["zh" if lang == "zh" else "en"][kind]


def areas_table(cases: pa.Table, stays: pa.Table, places: pa.Table, days: int) -> pa.Table:
    """The areas table of one run (see the module docstring for rows and order)."""
    rows = [*_rows(cases, stays, places, days, "county"), *_rows(cases, stays, places, days)]
    return pa.Table.from_pylist(rows, schema=_schema())


def _rows(
    cases: pa.Table, stays: pa.Table, places: pa.Table, days: int, kind: str = "township"
) -> list[dict]:
    """One row per area of ``kind``, worst-served first."""
    names = sorted(set(_distinct(places, kind)) | set(_distinct(cases, kind)))
    county_of = _county_of(places) | _county_of(cases)
    people = _by_area(places, _codes(places, kind, names), len(names))
    disputes = _dispute_outcomes(cases, stays, days, _codes(cases, kind, names), len(names))
    rows = []
    for k, name in enumerate(names):
        area = {"kind": kind, "county": name, "township": ""}
        if kind == "township":
            area |= {"county": county_of[name], "township": name}
        row = area | people[k] | disputes[k]
        row["received_per_10k"] = _per_10k(row["received_by_centres"], row["residents"])
        row["court_cases_per_10k"] = _per_10k(row["court_cases"], row["residents"])
        rows.append(row)
    return sorted(rows, key=worst_first)


def _encoded(table: pa.Table, name: str) -> pa.DictionaryArray:
    return table.column(name).cast(pa.string()).fill_null("").combine_chunks().dictionary_encode()


def _distinct(table: pa.Table, name: str) -> list[str]:
    return _encoded(table, name).dictionary.to_pylist()


def _codes(table: pa.Table, name: str, names: list[str]) -> np.ndarray:
    """Each row's position in ``names`` (integers compare far faster than labels)."""
    encoded = _encoded(table, name)
    position = {label: k for k, label in enumerate(names)}
    to_names = np.array([position[label] for label in encoded.dictionary.to_pylist()], dtype=int)
    return to_names[encoded.indices.to_numpy()] if len(to_names) else np.zeros(0, dtype=int)


def _county_of(table: pa.Table) -> dict[str, str]:
    pairs = table.select(["township", "county"]).group_by(["township", "county"]).aggregate([])
    return dict(zip(pairs["township"].to_pylist(), pairs["county"].to_pylist(), strict=True))


def _by_area(places: pa.Table, area: np.ndarray, n: int) -> list[dict]:
    """Residents, communities and their mean distance to the nearest open centre."""
    population = places.column("population").to_numpy().astype(float)
    distance = places.column("nearest_centre_km").to_numpy(zero_copy_only=False).astype(float)
    known = np.isfinite(distance)
    rows = []
    for k in range(n):
        own = area == k
        weights = population[own & known]
        rows.append(
            {
                "residents": int(population[own].sum()),
                "communities": int(own.sum()),
                "nearest_centre_km": ratio_or_nan(
                    (distance[own & known] * weights).sum(), weights.sum()
                ),
            }
        )
    return rows


def _dispute_outcomes(
    cases: pa.Table, stays: pa.Table, days: int, area: np.ndarray, n: int
) -> list[dict]:
    """The summary's case outcomes restricted to the disputes of each area."""
    basis = case_basis(cases, days)
    wait, had = first_session_waits(stays, days)
    stay_area = area[case_rows(cases, column(stays, "case_id"))]
    stay_level = column(stays, "level")
    rows = []
    for k in range(n):
        own = area == k
        received = basis.received & own
        resolved = basis.resolved_by_centres & own
        duration = basis.resolution_days[basis.network_ended & own]
        row = {
            "received_by_centres": int(received.sum()),
            "resolved_by_centres": int(resolved.sum()),
            "centre_resolution_rate": ratio_or_nan(resolved.sum(), received.sum()),
            "resolution_days_median": quantile_or_nan(duration, 0.5),
            "resolution_days_p90": quantile_or_nan(duration, 0.9),
            "court_cases": int((basis.court & own).sum()),
            "petitions": int((basis.petitions & own).sum()),
            "incidents": int((basis.incidents & own).sum()),
            "mean_distance_km": mean_or_nan(finite(basis.distance_km[received])),
        }
        for level in WAIT_LEVELS:
            counted = had & (stay_area == k) & (stay_level == level)
            row[f"wait_first_session_days_{level}"] = mean_or_nan(wait[counted])
        rows.append(row)
    return rows


def _per_10k(count: int, residents: int) -> float:
    return 1e4 * count / residents if residents else float("nan")


# Below this many disputes received, an area's resolution rate is too uncertain to rank by
# (6 received, 2 unresolved reads 67%): such areas follow the ranked ones.
MIN_RANKED = 20


def worst_first(row: dict) -> tuple[bool, bool, float, float]:
    """Sort key: areas with enough disputes to rank first; among them the lowest
    resolution rate first, then the longest distance; NaN last."""
    rate, distance = row["centre_resolution_rate"], row["mean_distance_km"]
    return (
        row["received_by_centres"] < MIN_RANKED,
        bool(np.isnan(rate)),
        rate if not np.isnan(rate) else 0.0,
        -distance if not np.isnan(distance) else 0.0,
    )


def _schema() -> pa.Schema:
    text = ("kind", "county", "township")
    whole = ("residents", "communities", *COUNTS)
    return pa.schema(
        [
            (name, pa.string() if name in text else pa.int64() if name in whole else pa.float64())
            for name in COLUMNS
        ]
    )


# The terminal table's columns, with short headers (the full labels are in AREA_OUTCOMES
# and the registry; the Parquet, CSV and Excel files carry those).
TERMINAL_COLUMNS: dict[str, tuple[str, str]] = {
    "residents": ("residents", "人口"),
    "received_by_centres": ("received", "受理"),
    "centre_resolution_rate": ("resolved %", "化解率"),
    "resolution_days_median": ("days, median", "用时中位数(天)"),
    "received_per_10k": ("received/10k", "每万人受理"),
    "court_cases_per_10k": ("court/10k", "每万人诉讼"),
    "petitions": ("petitions", "信访"),
    "incidents": ("incidents", "暴力事件"),
    "mean_distance_km": ("km to centre", "到中心(公里)"),
    "wait_first_session_days_township": ("wait, township", "街道首次等候(天)"),
}
TERMINAL_NOTES = {
    "en": (
        "{kind} outcomes, worst-served first (lowest centre resolution rate, then longest\n"
        "travel; areas that received fewer than 20 disputes follow). Disputes of the area;\n"
        "received/resolved: by the centres; km: home to the first centre; wait: days to the\n"
        "first session at the township centre.",
        "... and {more} more townships in areas.parquet",
    ),
    "zh": (
        "{kind}结果,服务最弱者在前(中心化解率最低,其次距离最远;受理不足20件的区域排在后面)。\n"
        "均为本区域的纠纷;受理、化解:由中心受理、化解;距离:住所到首个中心;\n"
        "等候:到街道中心首次调解的天数。",
        "……另有{more}个街道(乡镇)见 areas.parquet",
    ),
}


def format_areas(table: pa.Table, kind: str, lang: str = "en", limit: int = 15) -> str:
    """The areas of ``kind`` as an aligned terminal table, at most ``limit`` townships (the
    worst-served; a line says how many more there are)."""
    rows = [row for row in table.to_pylist() if row["kind"] == kind]
    shown = rows if kind == "county" else rows[:limit]
    names = ["county"] if kind == "county" else ["county", "township"]
    zh = lang == "zh"
    header = [kind_label(n, lang) for n in names]
    header += [labels[zh] for labels in TERMINAL_COLUMNS.values()]
    cells = [
        [str(row[n]) for n in names] + [_cell(row, c) for c in TERMINAL_COLUMNS] for row in shown
    ]
    right = [False] * len(names) + [True] * len(TERMINAL_COLUMNS)
    lines = aligned([header, *cells], right)
    note, more = TERMINAL_NOTES["zh" if zh else "en"]
    kind_name = kind_label(kind, lang) if zh else kind.capitalize()
    text = [note.format(kind=kind_name), lines[0], "-" * display_width(lines[0]), *lines[1:]]
    if len(rows) > len(shown):
        text.append(more.format(more=len(rows) - len(shown)))
    return "\n".join(text)


def _cell(row: dict, name: str) -> str:
    outcome = area_outcome(name)
    return outcome.format(row[name]) if outcome else str(row[name])
