"""Outcomes by county and township, and the labelled CSV and Excel exports of a run."""

from __future__ import annotations

import csv
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.results import export
from sim.results.areas import AREA_OUTCOMES, COLUMNS, MIN_RANKED, areas_table, format_areas
from sim.results.outcomes import OUTCOME
from sim.results.records import read_manifest
from sim.results.text_table import aligned, display_width

COUNTS = ("received_by_centres", "resolved_by_centres", "court_cases", "petitions", "incidents")
RUN = ["run", "--scale", "0.05", "--days", "60", "--seed", "3", "--quiet"]


def _rows(table: pa.Table, kind: str) -> list[dict]:
    return [row for row in table.to_pylist() if row["kind"] == kind]


def test_counties_add_up_to_the_city_and_townships_to_their_county(small_run):
    summary = small_run.summary.to_pylist()[0]
    # A small run has one township per county: group its townships into two counties, so
    # that a county's townships are several.
    townships = sorted(set(small_run.places.column("township").to_pylist()))
    counties = {t: "KA" if k < 2 else "KB" for k, t in enumerate(townships)}
    cases, places = (_regrouped(t, counties) for t in (small_run.cases, small_run.places))
    for areas in (small_run.areas, areas_table(cases, small_run.stays, places, summary["days"])):
        by_county = _rows(areas, "county")
        assert sum(r["received_by_centres"] for r in by_county) > 0
        for name in COUNTS:
            assert sum(r[name] for r in by_county) == summary[name], name
        assert sum(r["residents"] for r in by_county) == summary["population"]
        assert sum(r["communities"] for r in by_county) == small_run.places.num_rows
        for county in by_county:
            own = [r for r in _rows(areas, "township") if r["county"] == county["county"]]
            assert own, county["county"]
            for name in (*COUNTS, "residents", "communities"):
                assert sum(r[name] for r in own) == county[name], (county["county"], name)
    assert {r["county"] for r in _rows(areas, "county")} == {"KA", "KB"}


def _regrouped(table: pa.Table, county_of: dict[str, str]) -> pa.Table:
    counties = [county_of[t] for t in table.column("township").to_pylist()]
    return table.set_column(table.schema.get_field_index("county"), "county", pa.array(counties))


def test_one_area_holding_the_whole_city_is_the_city_summary(small_run):
    """The rates, quantiles and means of an area are counted as the city's: relabel every
    community into one county and its row must equal the summary."""
    one = {t: "ALL" for t in small_run.places.column("township").to_pylist()}
    cases, places = (_regrouped(t, one) for t in (small_run.cases, small_run.places))
    summary = small_run.summary.to_pylist()[0]
    (city,) = _rows(areas_table(cases, small_run.stays, places, summary["days"]), "county")
    for name in (
        "centre_resolution_rate",
        "resolution_days_median",
        "resolution_days_p90",
        "mean_distance_km",
        "court_cases_per_10k",
        "wait_first_session_days_community",
        "wait_first_session_days_township",
    ):
        assert city[name] == pytest.approx(summary[name], rel=1e-12, nan_ok=True), name
    assert city["received_per_10k"] == pytest.approx(
        1e4 * summary["received_by_centres"] / summary["population"]
    )


def test_townships_are_sorted_worst_served_first(small_run):
    townships = _rows(small_run.areas, "township")
    keys = [
        (
            r["received_by_centres"] < MIN_RANKED,
            math.isnan(r["centre_resolution_rate"]),
            r["centre_resolution_rate"],
            -r["mean_distance_km"],
        )
        for r in townships
        if not math.isnan(r["mean_distance_km"])
    ]
    assert keys == sorted(keys)
    assert small_run.areas.column_names == list(COLUMNS)
    for row in townships:
        if row["received_by_centres"]:
            rate = row["resolved_by_centres"] / row["received_by_centres"]
            assert row["centre_resolution_rate"] == pytest.approx(rate)


def test_every_area_column_has_both_labels():
    for name in COLUMNS:
        outcome = AREA_OUTCOMES.get(name) or OUTCOME[name]
        assert outcome.en and outcome.zh and outcome.en != outcome.zh, name


def test_display_width_pads_chinese_as_two_columns():
    assert display_width("中心a") == 5
    lines = aligned([["中心化解率", "1"], ["rate", "22"]], [False, True])
    assert [display_width(line) for line in lines] == [14, 14]
    assert lines[1] == "rate        22"


def test_township_table_shows_the_worst_and_counts_the_rest(small_run):
    text = format_areas(small_run.areas, "township", "en", limit=2)
    n = len(_rows(small_run.areas, "township"))
    assert f"... and {n - 2} more townships in areas.parquet" in text
    worst = _rows(small_run.areas, "township")[0]["township"]
    lines = text.splitlines()
    header = next(k for k, line in enumerate(lines) if line.startswith("county"))
    assert worst in lines[header + 2]
    assert len(lines) == header + 2 + 2 + 1  # header, rule, two rows, the "more" line


def test_run_by_township_in_chinese_writes_areas_and_spreadsheets(tmp_path, capsys):
    out = tmp_path / "run"
    args = [*RUN, "--out", str(out), "--by", "township", "--lang", "zh", "--xlsx", "--csv"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "中心化解率" in printed and "街道(乡镇)结果" in printed
    rows = [line for line in printed.splitlines() if line.startswith(OUTCOME["n_arisen"].zh)]
    assert rows and display_width(rows[0]) == 60  # padded by display width
    for name in ("areas.parquet", "results.xlsx", "summary.csv", "areas.csv", "overview.png"):
        assert (out / name).is_file(), name
    areas = pq.read_table(out / "areas.parquet")
    assert read_manifest(out / "areas.parquet") == read_manifest(out / "summary.parquet")
    _check_workbook(out / "results.xlsx", areas)
    with (out / "areas.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert (
        table[0][COLUMNS.index("centre_resolution_rate")] == "中心化解率 (centre_resolution_rate)"
    )
    assert len(table) == areas.num_rows + 1 and table[1][0] == "县(区)"


def _check_workbook(path, areas: pa.Table) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book.sheetnames == ["summary", "areas"]
    summary, sheet = book["summary"], book["areas"]
    assert summary.freeze_panes == "A2" and sheet.freeze_panes == "A2"
    rows = {row[0].value: row for row in summary.iter_rows(min_row=2)}
    rate = rows["centre_resolution_rate"]
    assert rate[1].value == "中心化解率" and rate[2].number_format == "0.00%"
    assert rows["received_by_centres"][2].number_format == "#,##0"
    headers = [c.value for c in sheet[1]]
    assert headers[COLUMNS.index("residents")] == "常住人口 (residents)"
    assert sheet.max_row == areas.num_rows + 1
    first = [c.value for c in sheet[2]]
    assert first[0] == "县(区)" and first[1] == areas.column("county")[0].as_py()
    received = COLUMNS.index("received_by_centres")
    assert first[received] == areas.column("received_by_centres")[0].as_py()
    assert sheet.column_dimensions["A"].width > 0


def test_by_county_in_english_is_aligned(tmp_path, capsys):
    assert main([*RUN, "--out", str(tmp_path / "run"), "--by", "county"]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("county  residents"))
    table = lines[
        start : start + 2 + len(_rows(pq.read_table(tmp_path / "run" / "areas.parquet"), "county"))
    ]
    assert len({len(line) for line in table}) == 1  # every row as wide as the header
    assert "results.xlsx" not in printed and not (tmp_path / "run" / "results.xlsx").exists()


def test_xlsx_without_openpyxl_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    real = export.importlib.util.find_spec
    monkeypatch.setattr(
        export.importlib.util, "find_spec", lambda name: None if name == "openpyxl" else real(name)
    )
    assert main([*RUN, "--out", str(tmp_path / "run"), "--xlsx"]) == 2
    assert "pip install 'dispute-sim[xlsx]'" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_excel_formats_follow_the_registry():
    assert export._format_of(OUTCOME["received_by_centres"]) == "#,##0"
    assert export._format_of(OUTCOME["time_limit_compliance"]) == "0.0%"
    assert export._format_of(OUTCOME["backlog_mean"]) == "#,##0.0"
    assert export._format_of(OUTCOME["mean_distance_km"]) == "0.000"
    assert (
        export.header("centre_resolution_rate") == "centre resolution rate (centre_resolution_rate)"
    )
    assert export.header("not_an_outcome", "zh") == "not_an_outcome"


def test_summary_rows_keep_undefined_values_empty(tmp_path):
    rows = export.summary_rows({"received_by_centres": 3, "centre_resolution_rate": float("nan")})
    assert rows.column("value").to_pylist() == [3.0, None]
    path = export.write_csv(tmp_path / "s.csv", rows)
    text = path.read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "name,outcome (label),value,unit,definition"
    assert text[1].startswith("received_by_centres,disputes received by the centres,3,")
    assert text[2].split(",")[2] == ""  # NaN as an empty cell, not "nan"
