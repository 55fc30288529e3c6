"""The dashboard's modules that need no browser: lever forms generated from the schema
(sim.dashboard.form), uploads (uploads), comparisons in worker processes (jobs), the
Results and Optimise pages' tables (results_view, search_view) and the page's words.

Validation against independent paths: a form's scenario equals ``with_overrides`` of the
same change; a lever's bounds equal the range text sim.config writes for it; the runs a
comparison writes equal a direct ``simulate`` of a scenario loaded with ``load_scenario``;
``sim compare`` (a subprocess) reads the dashboard's folder; the Results table's
difference is the mean paired difference recomputed from runs.parquet.
"""

from __future__ import annotations

import json
import math
import os
import re
import string
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from sim.config import CentreDutyConfig, Scenario, parameters
from sim.dashboard import form, jobs, results_view, search_view, uploads
from sim.dashboard.words import ENTRIES, SECTIONS, WORDS, word
from sim.results.outcomes import KEY_OUTCOMES, OUTCOME, label, plain_number, with_costs
from sim.results.simulation import simulate
from sim.scenario_loader import DEFAULT_PRESET, load_scenario
from tests.conftest import ALL_LEVERS, DATA

REPO = Path(__file__).resolve().parents[1]
DASHBOARD = REPO / "sim" / "dashboard"
CJK = re.compile(r"[\u3400-\u9fff]")
SAFE = re.compile(r"[A-Za-z0-9._-]+")
SHORT_RUN = {"run": {"scale": 0.05, "days": 60, "warmup_days": 30}}
DIVERTED = ["property_management", "heating", "debt"]  # in the declared order
SEEDS = (1, 2)


@pytest.fixture(scope="module")
def fields() -> list[form.LeverField]:
    return form.lever_fields()


@pytest.fixture(scope="module")
def by_key(fields) -> dict[str, form.LeverField]:
    return {f.key: f for f in fields}


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario(DEFAULT_PRESET)


@pytest.fixture(autouse=True)
def _no_writes_outside_tmp(tmp_path, monkeypatch):
    """Outputs and saved tracebacks (sim.failures.save_traceback) go under tmp_path."""
    monkeypatch.setenv(jobs.OUTPUTS_ENV, str(tmp_path / "outputs"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()


def plain(value):
    """A value as plain data (models dumped), to compare a form's value with a scenario's."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


# --- 1. lever fields from the schema ------------------------------------------------------


def test_one_field_per_lever_in_declaration_order(fields):
    assert [f.key for f in fields] == [row["key"] for row in parameters("lever")]
    kinds = {"int", "float", "bool", "choice", "table", "multi", "names", "toml"}
    for f in fields:
        assert f.kind in kinds, f.key
        assert f.label and f.label_zh and f.help and f.help_zh, f.key
        assert CJK.search(f.label_zh) and CJK.search(f.help_zh), f.key
        if f.kind == "table":
            assert f.entries and f.entry_kind in ("int", "float", "choice"), f.key
        if f.kind in ("choice", "multi") or (f.kind == "table" and f.entry_kind == "choice"):
            assert f.choices, f.key


def test_field_shapes_of_known_levers(by_key):
    total = by_key["staffing.mediators_total"]
    assert (total.kind, total.low, total.high, total.optional) == ("int", 0, 200_000, False)
    duty = by_key["duty.full_time_share_by_level"]
    assert duty.kind == "table" and duty.entry_kind == "float"
    assert duty.entries == ("community", "township", "county", "city")
    assert (duty.low, duty.high) == (0, 1)
    whistle = by_key["handling.whistle_types"]
    assert whistle.kind == "multi" and {"wage_arrears", "land"} <= set(whistle.choices)
    assert by_key["placement.rooms_opened"].kind == "names"
    assert by_key["departments"].kind == "toml"
    assert by_key["placement.share_rooms_within_township"].kind == "bool"
    assert by_key["calendar.kind"].choices == ("china", "weekdays", "every_day")
    limits = by_key["handling.time_limit_days_by_complexity"]
    assert limits.kind == "table" and limits.allows_inf and limits.low_open
    assert limits.entries == ("simple", "general", "complex", "major")
    assert by_key["staffing.households_per_grid"].optional
    entry = by_key["handling.entry_level_by_complexity"]
    assert entry.entry_kind == "choice" and "township" in entry.choices


def _bounds_of_range_text(text: str) -> dict:
    """Bounds as sim.config.value_range writes them, e.g. '>= 0, <= 200,000'."""
    out: dict = {}
    for sign, number in re.findall(r"(>=|>|<=|<) ([0-9][0-9,]*(?:\.[0-9]+)?(?:e[+-]?\d+)?)", text):
        value = float(number.replace(",", ""))
        if sign in (">=", ">"):
            out["low"], out["low_open"] = value, sign == ">"
        else:
            out["high"] = value
    return out


def test_field_bounds_agree_with_the_schemas_range_text(fields):
    numeric = [
        f
        for f in fields
        if f.kind in ("int", "float") or (f.kind == "table" and f.entry_kind != "choice")
    ]
    assert len(numeric) > 20
    for f in numeric:
        expected = _bounds_of_range_text(f.range_text)
        assert f.low == expected.get("low"), f.key
        assert f.low_open == expected.get("low_open", False), f.key
        if not f.allows_inf:  # an "or inf" bound is checked by a validator, not shown
            assert f.high == expected.get("high"), f.key


# --- 2. reading a form back into a scenario ------------------------------------------------


def test_unchanged_form_gives_the_base_scenario(base, fields):
    empty = form.policy_of(base, fields, {})
    assert empty.scenario == base and empty.changed == {} and empty.errors == {}
    shown = {f.key: form.shown(f, form.value_at(base, f.key)) for f in fields}
    full = form.policy_of(base, fields, shown)
    assert full.errors == {} and full.changed == {}
    assert full.scenario is not None
    assert full.scenario.model_dump() == base.model_dump()


def test_typed_number_equals_with_overrides(base, fields):
    got = form.policy_of(base, fields, {"staffing.mediators_total": " 5,000 "})
    assert got.errors == {} and got.changed == {"staffing.mediators_total": 5000}
    assert got.scenario is not None and got.scenario.staffing.mediators_total == 5000
    expected = base.with_overrides({"staffing": {"mediators_total": 5000}})
    assert got.scenario.model_dump() == expected.model_dump()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("abc", "not a number"),
        ("1.5", "whole number"),
        ("", "a number is needed"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("-5", "greater than or equal to 0"),  # the model's bound, under the field's key
        ("200001", "less than or equal to 200000"),
    ],
)
def test_bad_number_is_an_error_under_its_key(base, fields, text, says):
    got = form.policy_of(base, fields, {"staffing.mediators_total": text})
    assert got.scenario is None
    assert list(got.errors) == ["staffing.mediators_total"]
    assert says in got.errors["staffing.mediators_total"]


def test_shares_that_no_longer_sum_to_one_are_an_error(base, fields):
    shares = {"community": "0.9", "township": "0.28", "county": "0.08", "city": "0.02"}
    got = form.policy_of(base, fields, {"staffing.mediator_share_by_level": shares})
    assert got.scenario is None and got.errors
    assert "sum to 1" in " ".join(got.errors.values())
    with pytest.raises(ValueError, match="sum to 1"):  # the model agrees
        base.with_overrides({"staffing": {"mediator_share_by_level": {"community": 0.9}}})


def test_inf_in_a_time_limit_table_is_accepted(base, fields):
    raw = {"handling.time_limit_days_by_complexity": {"simple": "inf", "general": "30"}}
    got = form.policy_of(base, fields, raw)
    assert got.errors == {} and got.scenario is not None
    limits = got.scenario.handling.time_limit_days_by_complexity
    assert limits["simple"] == math.inf and limits["general"] == 30.0
    assert limits == {"simple": math.inf, "general": 30.0}  # entries left empty: not set
    for bad, says in (("-inf", "finite"), ("0", "greater than 0"), ("100000", "3660")):
        raw = {"handling.time_limit_days_by_complexity": {"simple": bad}}
        got = form.policy_of(base, fields, raw)
        assert got.scenario is None, bad
        assert says in got.errors["handling.time_limit_days_by_complexity"], bad


def test_inf_is_refused_where_the_lever_has_no_no_limit(base, fields):
    raw = {"duty.full_time_share_by_level": {"community": "inf"}}
    got = form.policy_of(base, fields, raw)
    assert got.scenario is None
    assert "community" in got.errors["duty.full_time_share_by_level"]


def test_toml_text_is_parsed_never_evaluated(base, fields, tmp_path):
    marker = tmp_path / "evaluated"
    for text in (
        "__import__('os')",
        f"__import__('pathlib').Path({str(marker)!r}).touch()",
        "[{name = ",
        "[1, 2",
    ):
        got = form.policy_of(base, fields, {"departments": text})
        assert got.scenario is None, text
        assert "not TOML" in got.errors["departments"], text
    assert not marker.exists()
    good = '[{name = "human resources", types = ["wage_arrears"], mode = "rotating"}]'
    got = form.policy_of(base, fields, {"departments": good})
    assert got.errors == {} and got.scenario is not None
    expected = base.with_overrides(
        {
            "departments": [
                {"name": "human resources", "types": ["wage_arrears"], "mode": "rotating"}
            ]
        }
    )
    assert got.scenario.model_dump() == expected.model_dump()
    wrong = form.policy_of(base, fields, {"departments": '[{name = "x", types = ["ghosts"]}]'})
    assert wrong.scenario is None and "departments" in wrong.errors


def test_choices_names_booleans_and_optional_numbers(base, fields):
    got = form.policy_of(base, fields, {"calendar.kind": "every_day"})
    assert got.scenario is not None and got.scenario.calendar.kind == "every_day"
    bad = form.policy_of(base, fields, {"calendar.kind": "lunar"})
    assert bad.scenario is None and "china" in bad.errors["calendar.kind"]
    raw = {
        "placement.rooms_opened": "T001, T002\n\n T003 \n",
        "placement.share_rooms_within_township": False,
        "handling.whistle_types": ["land", "wage_arrears", "ghosts"],
        "staffing.households_per_grid": "400",
    }
    got = form.policy_of(base, fields, raw)
    assert got.errors == {} and got.scenario is not None
    assert got.scenario.placement.rooms_opened == ["T001", "T002", "T003"]
    assert got.scenario.placement.share_rooms_within_township is False
    assert sorted(got.scenario.handling.whistle_types) == ["land", "wage_arrears"]
    assert got.scenario.staffing.households_per_grid == 400
    assert set(got.changed) == set(raw)
    cleared = form.policy_of(got.scenario, fields, {"staffing.households_per_grid": " "})
    assert cleared.scenario is not None and cleared.scenario.staffing.households_per_grid is None


def test_problems_are_filed_under_the_deepest_field_key(base, fields):
    raw = {"duty.by_centre": "{T003 = {full_time_share = 0.9, on_call_share = 0.5}}"}
    got = form.policy_of(base, fields, raw)
    assert got.scenario is None
    assert "T003" in got.errors["duty.by_centre"] and "1.4" in got.errors["duty.by_centre"]


def test_a_section_problem_is_filed_under_the_field_that_caused_it(base, fields):
    shares = {"community": "0.9", "township": "0.28", "county": "0.08", "city": "0.02"}
    got = form.policy_of(base, fields, {"staffing.mediator_share_by_level": shares})
    assert "staffing.mediator_share_by_level" in got.errors


# --- 3. shown() then parsed() round-trips -----------------------------------------------


def test_shown_then_parsed_round_trips_every_lever_of_the_default_preset(base, fields):
    for f in fields:
        value = form.value_at(base, f.key)
        again = form.parsed(f, form.shown(f, value))
        assert plain(again) == plain(value), f.key


def _same_model(key: str, base: Scenario, value) -> bool:
    """For tables of records the form drops defaults: compare the scenarios they make."""
    return form.replaced(base, {key: value}).model_dump() == base.model_dump()


def test_round_trip_of_a_scenario_with_every_lever_set(fields):
    scenario = load_scenario(overrides=ALL_LEVERS)
    for f in fields:
        value = form.value_at(scenario, f.key)
        again = form.parsed(f, form.shown(f, value))
        assert _same_model(f.key, scenario, again), f.key
    shown = {f.key: form.shown(f, form.value_at(scenario, f.key)) for f in fields}
    assert form.policy_of(scenario, fields, shown).changed == {}


def test_infinite_time_limit_round_trips(base, by_key):
    lever = by_key["handling.time_limit_days_by_complexity"]
    value = {"simple": math.inf, "general": 15.0}
    assert form.shown(lever, value)["simple"] == "inf"
    assert form.parsed(lever, form.shown(lever, value)) == value


def test_a_multi_choice_keeps_the_scenarios_order(fields):
    scenario = load_scenario("hohhot-2025")
    shown = {f.key: form.shown(f, form.value_at(scenario, f.key)) for f in fields}
    assert form.policy_of(scenario, fields, shown).changed == {}


def test_shown_keeps_every_digit_of_a_float(by_key, fields):
    third = 1 / 3
    scenario = load_scenario(
        overrides={
            "duty": {"on_call_delay_days": 1.23456789},
            "staffing": {
                "mediator_share_by_level": {
                    "community": third,
                    "township": third,
                    "county": third,
                    "city": 0.0,
                }
            },
        }
    )
    lever = by_key["duty.on_call_delay_days"]
    assert form.parsed(lever, form.shown(lever, 1.23456789)) == 1.23456789
    shown = {f.key: form.shown(f, form.value_at(scenario, f.key)) for f in fields}
    got = form.policy_of(scenario, fields, shown)
    assert got.errors == {} and got.changed == {}


def test_toml_text_quotes_chinese_keys(by_key):
    lever = by_key["duty.by_centre"]
    value = {"新城区": CentreDutyConfig(full_time_share=0.5)}
    assert form.parsed(lever, form.shown(lever, value)) == {"新城区": {"full_time_share": 0.5}}


def test_toml_text_escapes_control_characters(by_key):
    lever = by_key["departments"]
    value = [{"name": "human\nresources", "types": ["wage_arrears"]}]
    assert form.parsed(lever, form.shown(lever, value)) == value


# --- 4. uploads --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\scenario.toml", "scenario.toml"),
        ("C:\\Users\\li\\my city.csv", "my_city.csv"),
        (".hidden.toml", "hidden.toml"),
        ("..", "upload"),
        ("", "upload"),
    ],
)
def test_safe_name_strips_folders_and_odd_characters(name, expected):
    assert uploads.safe_name(name) == expected


def test_safe_name_is_ascii_and_keeps_the_suffix():
    for name in ("呼和浩特 情景.toml", "社区 (2023).csv", "a b;c$d|e.geojson", "x\0y.csv"):
        safe = uploads.safe_name(name)
        assert SAFE.fullmatch(safe), (name, safe)
        assert "/" not in safe and not safe.startswith(".")
        assert Path(safe).suffix == Path(name).suffix


@pytest.fixture
def up(tmp_path) -> Path:
    """The browser tab's upload folder."""
    folder = tmp_path / "upload"
    folder.mkdir()
    return folder


def test_save_upload_writes_the_file_under_its_safe_name(up):
    saved = uploads.save_upload(up, "../my scenario.toml", b"x = 1\n", (".toml",))
    assert saved.name == "../my scenario.toml"
    assert saved.path == up / "my_scenario.toml"
    assert saved.path.read_bytes() == b"x = 1\n"
    assert [p.name for p in up.iterdir()] == ["my_scenario.toml"]


def test_save_upload_refuses_wrong_suffix_empty_and_big_files(up, monkeypatch):
    with pytest.raises(uploads.UploadError, match=r"city\.xlsx.*\.csv"):
        uploads.save_upload(up, "city.xlsx", b"a", uploads.COMMUNITY_SUFFIXES)
    with pytest.raises(uploads.UploadError, match=r"noext.*none"):
        uploads.save_upload(up, "noext", b"a", uploads.SCENARIO_SUFFIXES)
    with pytest.raises(uploads.UploadError, match=r"empty\.toml: the file is empty"):
        uploads.save_upload(up, "empty.toml", b"", uploads.SCENARIO_SUFFIXES)
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(uploads.UploadError, match=r"big\.toml: 11 bytes is more than 10"):
        uploads.save_upload(up, "big.toml", b"x" * 11, uploads.SCENARIO_SUFFIXES)
    assert list(up.iterdir()) == []  # nothing refused was saved
    uploads.save_upload(up, "fits.TOML", b"x" * 10, uploads.SCENARIO_SUFFIXES)
    assert [p.name for p in up.iterdir()] == ["fits.toml"]  # the suffix in lower case


def _upload(folder: Path, name: str, data: bytes) -> uploads.Upload:
    suffixes = (
        uploads.SCENARIO_SUFFIXES if name.lower().endswith(".toml") else uploads.COMMUNITY_SUFFIXES
    )
    return uploads.save_upload(folder, name, data, suffixes)


def _refused(scenario: uploads.Upload | None, communities: uploads.Upload | None) -> str:
    with pytest.raises(uploads.UploadError) as err:
        uploads.scenario_from_uploads(scenario, communities)
    message = str(err.value)
    for upload in (scenario, communities):
        if upload is not None:
            assert str(upload.path.parent) not in message, message  # no temporary paths
    assert "unexpected failure" not in message, message  # a bad input, not our fault
    return message


def test_an_invalid_scenario_upload_names_the_key_and_the_file(up):
    bad = _upload(up, "my scenario.toml", b"[staffing]\nmediators_total = -5\n")
    message = _refused(bad, None)
    assert "staffing.mediators_total" in message
    assert "my scenario.toml" in message  # as the planner called it, not my_scenario.toml


@pytest.mark.parametrize(
    "data",
    [
        b'name = "caf\xe9"\n',  # Latin-1
        'description = "城市"\n'.encode("gbk"),
        bytes(range(256)),
        b"\xff\xfe" + "name = 'x'\n".encode("utf-16-le"),
        b"[run\ndays = 3\n",
    ],
    ids=["latin1", "gbk", "binary", "utf16", "not_toml"],
)
def test_an_unreadable_scenario_upload_is_an_upload_error(up, data):
    assert "s.toml" in _refused(_upload(up, "s.toml", data), None)


def test_a_valid_scenario_upload_loads(up):
    text = b'name = "mine"\n[staffing]\nmediators_total = 3000\n'
    loaded = uploads.scenario_from_uploads(_upload(up, "mine.toml", text), None)
    expected = load_scenario(overrides={"name": "mine", "staffing": {"mediators_total": 3000}})
    assert loaded.name == "mine" and loaded.staffing.mediators_total == 3000
    assert loaded.model_dump(exclude={"description", "base"}) == expected.model_dump(
        exclude={"description", "base"}
    )


def test_a_communities_csv_alone_runs_on_the_default_preset(up):
    csv = _upload(up, "one centre.csv", (DATA / "one_centre.csv").read_bytes())
    loaded = uploads.scenario_from_uploads(None, csv)
    assert loaded.geography.source == "csv"
    assert Path(loaded.geography.csv_path) == csv.path
    assert loaded.staffing == load_scenario(DEFAULT_PRESET).staffing


def test_a_scenario_naming_the_uploaded_csv_uses_it(up):
    csv = _upload(up, "city.csv", (DATA / "one_centre.csv").read_bytes())
    text = b'name = "mine"\n[geography]\nsource = "csv"\ncsv_path = "city.csv"\n'
    loaded = uploads.scenario_from_uploads(_upload(up, "mine.toml", text), csv)
    assert Path(loaded.geography.csv_path).resolve() == csv.path.resolve()


def test_a_gis_upload_is_read_as_gis(up):
    pytest.importorskip("geopandas")
    geo = _upload(up, "城市.geojson", (DATA / "planner_city" / "geo.geojson").read_bytes())
    loaded = uploads.scenario_from_uploads(None, geo)
    assert loaded.geography.source == "gis" and Path(loaded.geography.gis_path) == geo.path


def test_a_broken_csv_is_an_upload_error_naming_the_file_and_the_fault(up):
    data = (DATA / "broken" / "csv" / "bad_number.csv").read_bytes()
    message = _refused(None, _upload(up, "bad_number.csv", data))
    assert message.startswith("bad_number.csv:5:")
    assert "x_km" in message and "'east' is not a number" in message


@pytest.mark.parametrize(
    "path", sorted((DATA / "broken" / "csv").glob("*.csv")), ids=lambda p: p.stem
)
def test_every_broken_csv_loads_or_is_an_upload_error(up, path):
    try:
        uploads.scenario_from_uploads(None, _upload(up, path.name, path.read_bytes()))
    except uploads.UploadError as err:
        assert str(err).startswith(path.name), str(err)
        assert str(up) not in str(err)
        assert "unexpected failure" not in str(err)


def test_a_long_communities_file_name_keeps_its_suffix(up):
    name = "社区名单" * 40 + ".csv"
    csv = _upload(up, name, (DATA / "one_centre.csv").read_bytes())
    assert uploads.scenario_from_uploads(None, csv).geography.source == "csv"
    assert csv.path.suffix == ".csv"


def test_an_uploaded_csv_replaces_a_geography_file_of_another_name(up):
    csv = _upload(up, "city.csv", (DATA / "one_centre.csv").read_bytes())
    text = b'name = "mine"\n[geography]\nsource = "csv"\ncsv_path = "old_city.csv"\n'
    loaded = uploads.scenario_from_uploads(_upload(up, "mine.toml", text), csv)
    assert Path(loaded.geography.csv_path) == csv.path


# --- 5. comparisons in worker processes ----------------------------------------------------


def _short(overrides: dict | None = None) -> Scenario:
    return load_scenario(DEFAULT_PRESET, {**SHORT_RUN, **(overrides or {})})


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    """Baseline and one policy (made by the form) on two seeds, at 5% for 60 days."""
    base = _short()
    fields = form.lever_fields()
    policy = form.policy_of(base, fields, {"court.diversion_types": DIVERTED}).scenario
    assert policy is not None
    request = jobs.Comparison(base, {"baseline": base, "diverted": policy}, SEEDS)
    root = tmp_path_factory.mktemp("dashboard")
    folder = root / "x" / "runs"
    progress: list[tuple[int, int]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(jobs.OUTPUTS_ENV, str(root / "outputs"))
        patch.setattr(tempfile, "tempdir", str(root))
        finished = jobs.run_comparison(
            request, lambda d, n: progress.append((d, n)), lambda: False, workers=2, folder=folder
        )
    return request, finished, progress


def test_comparison_writes_what_sim_compare_reads(comparison):
    request, finished, progress = comparison
    folder = finished.folder
    assert folder.name == "runs" and folder.is_dir()
    for name in ("runs.parquet", "areas.parquet", "differences.csv", "policies.json"):
        assert (folder / name).exists(), name
    assert (finished.reports["en"] / "report.html").exists()
    assert finished.reports["en"] == folder.parent / "report-en"
    assert set(finished.reports) | set(finished.report_errors) == {"en", "zh"}
    runs = pq.read_table(folder / "runs.parquet")
    assert runs.num_rows == request.runs == 4
    pairs = list(
        zip(runs.column("policy").to_pylist(), runs.column("seed").to_pylist(), strict=True)
    )
    assert pairs == [("baseline", 1), ("baseline", 2), ("diverted", 1), ("diverted", 2)]
    assert progress[0] == (0, 4) and progress[-1] == (4, 4)
    done = [d for d, _ in progress]
    assert done == sorted(done) and {n for _, n in progress} == {4}
    saved = json.loads((folder / "policies.json").read_text(encoding="utf-8"))
    assert saved["baseline"] == "baseline"
    assert saved["scenarios"]["diverted"]["court"]["diversion_types"] == DIVERTED


def test_runs_equal_a_direct_simulation(comparison):
    _, finished, _ = comparison
    runs = pq.read_table(finished.folder / "runs.parquet").to_pylist()
    scenarios = {"baseline": _short(), "diverted": _short({"court": {"diversion_types": DIVERTED}})}
    keys = ("received_by_centres", "resolved_by_centres", "court_cases")
    for row in runs:
        direct = simulate(scenarios[row["policy"]], seed=row["seed"]).summary.to_pylist()[0]
        assert {k: row[k] for k in keys} == {k: direct[k] for k in keys}, row["policy"]


def test_differences_are_the_mean_paired_differences_of_the_runs(comparison):
    _, finished, _ = comparison
    runs = pq.read_table(finished.folder / "runs.parquet").to_pylist()
    value = {(r["policy"], r["seed"]): r["received_by_centres"] for r in runs}
    mean = sum(value["diverted", s] - value["baseline", s] for s in SEEDS) / len(SEEDS)
    diffs = pacsv.read_csv(finished.folder / "differences.csv").to_pylist()
    row = next(r for r in diffs if r["outcome"] == "received_by_centres")
    assert row["policy"] == "diverted" and row["difference"] == pytest.approx(mean)
    assert mean != 0  # the policy does something: the test can tell policies apart


def test_sim_compare_reads_the_dashboards_folder(comparison, tmp_path):
    _, finished, _ = comparison
    out = tmp_path / "cmp"
    env = {**os.environ, "MPLBACKEND": "Agg", "TMPDIR": str(tmp_path / "tmp")}
    done = subprocess.run(
        [sys.executable, "-m", "sim", "compare", str(finished.folder), "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "report.html").exists()


def test_new_folders_are_under_the_outputs_root_and_differ(tmp_path):
    first, second = jobs.new_folder(), jobs.new_folder()
    assert first != second and first.name == second.name == "runs"
    assert first.parent.parent == tmp_path / "outputs" / "dashboard"
    assert not first.exists()


def test_cancel_stops_the_runs_and_writes_nothing(tmp_path):
    base = _short()
    request = jobs.Comparison(base, {"baseline": base}, (1, 2))
    folder = tmp_path / "x" / "runs"
    with pytest.raises(jobs.Cancelled):
        jobs.run_comparison(request, lambda d, n: None, lambda: True, workers=1, folder=folder)
    assert not folder.parent.exists()
    with pytest.raises(jobs.Cancelled):  # the default folder, under DISPUTE_SIM_OUTPUTS
        jobs.run_comparison(request, lambda d, n: None, lambda: True, workers=1)
    assert not (tmp_path / "outputs").exists()


def test_a_failing_run_raises_in_the_caller_rather_than_hanging():
    payloads = [("p", {"staffing": {"mediators_total": "x"}}, 1, True)]
    outcome: dict = {}

    def run() -> None:
        try:
            jobs._run_all(payloads, lambda d, n: None, lambda: False, 1)
        except BaseException as err:  # whatever reaches the caller
            outcome["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "a failing worker left the comparison hanging"
    assert "mediators_total" in str(outcome.get("error"))


# --- 6. the Results page's tables ---------------------------------------------------------


@pytest.fixture(scope="module")
def saved(comparison) -> results_view.SavedComparison:
    return results_view.SavedComparison(comparison[1].folder)


def test_saved_comparison_reads_policies_and_pairs(saved):
    assert saved.policies == ["baseline", "diverted"]
    assert saved.baseline == "baseline" and saved.pairs == 2


def test_outcome_rows_in_english_and_chinese(saved, comparison):
    en, zh = results_view.outcome_rows(saved, "en"), results_view.outcome_rows(saved, "zh")
    assert {r["policy"] for r in en} == {"diverted"}
    assert [r["key"] for r in en] == with_costs(KEY_OUTCOMES)
    assert [r["key"] for r in zh] == [r["key"] for r in en]
    for e, z in zip(en, zh, strict=True):
        assert CJK.search(z["outcome"]), z
        assert not CJK.search(e["outcome"]), e
        assert (e["baseline"], e["value"], e["difference"]) == (
            z["baseline"],
            z["value"],
            z["difference"],
        )
    diffs = pacsv.read_csv(comparison[1].folder / "differences.csv").to_pylist()
    row = next(r for r in en if r["key"] == "received_by_centres")
    want = next(r for r in diffs if r["outcome"] == "received_by_centres")
    outcome = OUTCOME["received_by_centres"]
    assert row["difference"].startswith(outcome.format_difference(want["difference"]) + " [")
    excludes_zero = want["ci_low"] > 0 or want["ci_high"] < 0
    assert row["difference"].endswith(" *") == excludes_zero
    assert row["baseline"] == outcome.format(want["baseline_mean"])


def test_one_replication_shows_no_interval(saved, tmp_path):
    runs = saved.runs.filter(pc.equal(saved.runs["seed"], SEEDS[0]))
    pq.write_table(runs, tmp_path / "runs.parquet")
    one = results_view.SavedComparison(tmp_path)
    rows = results_view.outcome_rows(one, "en")
    assert one.pairs == 1 and rows
    assert not any("[" in r["difference"] or "*" in r["difference"] for r in rows)
    assert results_view.area_rows(one, "county", "diverted", "en") == []  # no areas.parquet


def test_area_rows_by_county_and_township(saved):
    areas = saved.table("areas").to_pylist()
    counties = {r["county"] for r in areas if r["kind"] == "county"}
    rows = results_view.area_rows(saved, "county", "diverted", "en")
    assert rows and {r["county"] for r in rows} == counties
    for row in rows:
        members = [
            r["residents"]
            for r in areas
            if r["kind"] == "county" and r["policy"] == "diverted" and r["county"] == row["county"]
        ]
        assert row["residents"] == plain_number(sum(members) / len(members))
    zh = results_view.area_rows(saved, "county", "diverted", "zh")
    assert all(CJK.search(k) for r in zh for k in r)
    towns = results_view.area_rows(saved, "township", "diverted", "zh")
    assert 0 < len(towns) <= results_view.WORST_TOWNSHIPS
    assert word("township", "zh") in towns[0]
    assert results_view.area_rows(saved, "county", "no such policy", "en") == []


def test_downloads_are_existing_files_including_the_report(saved, comparison):
    files = results_view.downloads(saved, comparison[1].reports)
    assert all(f.exists() for f in files)
    names = [f.name for f in files]
    assert {"runs.parquet", "areas.parquet", "differences.csv", "report.html"} <= set(names)
    assert comparison[1].reports["en"] / "report.html" in files


# --- 7. the Optimise page's search folder ---------------------------------------------------

MANIFEST = {
    "optimise": "t",
    "spec": {
        "name": "t",
        "lever": [{"name": "a", "label": "A", "label_zh": "甲"}],
        "objective": [{"outcome": "court_cases"}],
    },
}
POLICIES = (
    "policy,reported,feasible,a,extra_cost_yuan,extra_cost_low,extra_cost_high,"
    "court_cases,court_cases_diff,court_cases_low,court_cases_high\n"
    "baseline,False,True,1,0.0,0.0,0.0,20.0,0.0,0.0,0.0\n"
    "P01,True,True,3,1000.0,900.0,1100.0,15.0,-5.0,-8.0,-2.0\n"
)
SEARCHED = (
    "generation,a,extra_cost_yuan,court_cases,court_cases_diff,feasible,error\n"
    "1,1,0.0,20.0,0.0,True,\n"
    "1,2,500.0,18.0,-2.0,True,\n"
    "2,3,1000.0,16.0,-4.0,False,\n"
    "2,4,,,,False,run failed\n"
)


def _search(folder: Path, policies: str = POLICIES, manifest: dict | None = None) -> Path:
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(
        json.dumps(manifest or MANIFEST, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "policies.csv").write_text(policies, encoding="utf-8")
    (folder / "searched.csv").write_text(SEARCHED, encoding="utf-8")
    return folder


def test_load_search_reads_the_manifest_and_tables(tmp_path):
    folder = _search(tmp_path / "s" / "t")
    view = search_view.load_search(f"  {folder}  ")
    assert view.folder == folder and view.name == "t"
    assert view.objectives == ["court_cases"]
    assert [p["policy"] for p in view.policies] == ["baseline", "P01"]
    assert len(view.searched) == 4
    assert view.lever_label(view.levers[0], "zh") == "甲"
    assert view.lever_label(view.levers[0], "en") == "A"
    assert view.lever_label({"name": "b"}, "zh") == "b"


def test_policy_and_lever_rows(tmp_path):
    view = search_view.load_search(_search(tmp_path / "t"))
    court = OUTCOME["court_cases"]
    rows = search_view.policy_rows(view, "P01", "en")
    assert rows[0] == {
        "Outcome": label("court_cases", "en"),
        "Baseline": court.format(20.0),
        "Policy": court.format(15.0),
        "Difference [95% interval]": f"{court.format_difference(-5.0)} "
        f"[{court.format_difference(-8.0)}, {court.format_difference(-2.0)}]",
    }
    assert rows[-1]["Policy"] == plain_number(1000.0)
    assert rows[-1]["Difference [95% interval]"] == "1,000 [900, 1,100]"
    zh = search_view.policy_rows(view, "P01", "zh")
    assert len(zh) == len(rows) and all(CJK.search(k) for r in zh for k in r)
    assert CJK.search(zh[0][word("outcome", "zh")])
    levers = search_view.lever_rows(view, "P01", "zh")
    assert levers == [
        {
            word("levers_of", "zh"): "甲",
            word("baseline_value", "zh"): "1",
            word("policy_value", "zh"): "3",
        }
    ]


def test_front_figure_has_the_searched_and_the_final_policies(tmp_path):
    go = pytest.importorskip("plotly.graph_objects")
    view = search_view.load_search(_search(tmp_path / "t"))
    figure = search_view.front_figure(view, "court_cases", "zh")
    assert isinstance(figure, go.Figure) and len(figure.data) == 2
    searched, final = figure.data
    assert list(searched.x) == [0.0, 500.0, 1000.0]  # the failed candidate is left out
    assert list(searched.y) == [0.0, -2.0, -4.0]
    assert list(final.x) == [1000.0] and list(final.y) == [-5.0] and list(final.text) == ["P01"]
    assert list(final.error_y.array) == [3.0] and list(final.error_y.arrayminus) == [3.0]
    assert "甲: 3" in final.customdata[0]
    assert searched.name == word("searched", "zh") and final.name == word("final", "zh")


def test_front_figure_error_bar_reaching_zero(tmp_path):
    pytest.importorskip("plotly")
    policies = POLICIES.replace("-5.0,-8.0,-2.0", "-5.0,-8.0,0.0")
    view = search_view.load_search(_search(tmp_path / "t", policies))
    final = search_view.front_figure(view, "court_cases", "en").data[1]
    assert list(final.error_y.array) == [5.0]


def test_find_searches_finds_only_finished_searches(tmp_path):
    root = tmp_path / "outputs"
    found = _search(root / "optimise" / "t")
    other = root / "runs" / "r"
    other.mkdir(parents=True)
    (other / "manifest.json").write_text('{"scenario_name": "x"}', encoding="utf-8")
    (other / "policies.csv").write_text("policy\n", encoding="utf-8")
    unfinished = root / "optimise" / "u"
    unfinished.mkdir()
    (unfinished / "manifest.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    broken = root / "optimise" / "v"
    broken.mkdir()
    (broken / "manifest.json").write_text('{"optimise": ', encoding="utf-8")
    (broken / "policies.csv").write_text(POLICIES, encoding="utf-8")
    assert search_view.find_searches(root) == [found]
    assert search_view.find_searches(tmp_path / "nothing here") == []


def test_load_search_refuses_folders_that_are_not_searches(tmp_path):
    with pytest.raises(search_view.SearchError, match="no such folder"):
        search_view.load_search(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(search_view.SearchError, match=r"no manifest\.json"):
        search_view.load_search(tmp_path / "empty")
    (tmp_path / "file").write_text("x")
    with pytest.raises(search_view.SearchError):
        search_view.load_search(tmp_path / "file")
    half = _search(tmp_path / "half")
    (half / "searched.csv").unlink()
    with pytest.raises(search_view.SearchError, match=r"searched\.csv"):
        search_view.load_search(half)
    garbled = _search(tmp_path / "garbled", policies="")
    with pytest.raises(search_view.SearchError, match="cannot be read"):
        search_view.load_search(garbled)


def test_a_manifest_without_a_spec_is_a_search_error(tmp_path):
    folder = _search(tmp_path / "t", manifest={"optimise": "t"})
    with pytest.raises(search_view.SearchError):
        search_view.load_search(folder)


# --- 8. the page's words ------------------------------------------------------------------

NOT_CHINESE = {"language"}  # the button names the other language


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(WORDS))
def test_every_word_has_both_languages_with_the_same_placeholders(key):
    en, zh = WORDS[key]
    assert en.strip() and zh.strip()
    if key not in NOT_CHINESE:
        assert CJK.search(zh), zh
    assert _placeholders(en) == _placeholders(zh)
    values = dict.fromkeys(_placeholders(en), "X")
    assert "X" in word(key, "zh", **values) or not values
    assert word(key, "en", **values) == en.format(**values)


def test_sections_and_table_entries_have_chinese_names(fields):
    for f in fields:
        assert f.section in SECTIONS, f.key
        for entry in f.entries:
            assert entry in ENTRIES, (f.key, entry)
    for en, zh in [*SECTIONS.values(), *ENTRIES.values()]:
        assert en and CJK.search(zh), (en, zh)


def test_every_word_the_pages_ask_for_exists():
    used = {
        key
        for path in DASHBOARD.glob("*.py")
        for key in re.findall(r"\bword\(\s*[\"']([a-z_]+)[\"']", path.read_text(encoding="utf-8"))
    }
    assert len(used) > 30
    assert sorted(used - set(WORDS)) == []


def test_tables_of_records_may_be_written_as_in_a_scenario_file(base, fields):
    """[[departments]] and its keys on lines, as a scenario file writes them, equals the
    one-line value."""
    document = '[[departments]]\nname = "human resources"\ntypes = ["wage_arrears"]\n'
    got = form.policy_of(base, fields, {"departments": document})
    one_line = '[{name = "human resources", types = ["wage_arrears"]}]'
    expected = form.policy_of(base, fields, {"departments": one_line})
    assert got.scenario is not None and expected.scenario is not None
    assert got.scenario.model_dump() == expected.scenario.model_dump()


def test_a_decimal_comma_is_refused_and_thousands_are_read(base, fields):
    got = form.policy_of(base, fields, {"staffing.mediators_total": "5,000"})
    assert got.scenario is not None and got.scenario.staffing.mediators_total == 5000
    for text in ("0,5", "5,00", "1,0000"):
        bad = form.policy_of(base, fields, {"follow_up.p_follow_up": text})
        assert bad.scenario is None and "point" in bad.errors["follow_up.p_follow_up"], text


def test_a_refused_upload_never_replaces_the_file_in_use(tmp_path):
    """Each attempt saves into a new folder with copies of the other upload: the file the
    accepted scenario reads is left as it was when a same-named bad file comes."""
    first = uploads.upload_folder()
    good = uploads.save_upload(first, "c.toml", b"[staffing]\nmediators_total = 3000\n", (".toml",))
    scenario = uploads.scenario_from_uploads(good, None)
    second = uploads.upload_folder()
    bad = uploads.save_upload(second, "c.toml", b"[staffing]\nmediators_total = -1\n", (".toml",))
    with pytest.raises(uploads.UploadError):
        uploads.scenario_from_uploads(bad, None)
    assert good.path.read_bytes() == b"[staffing]\nmediators_total = 3000\n"
    assert scenario.staffing.mediators_total == 3000
    moved = uploads.copied(good, second)
    assert moved is not None and moved.path.parent == second and moved.name == "c.toml"


def test_the_forms_own_messages_come_in_chinese_too(base, fields):
    got = form.policy_of(
        base, fields, {"staffing.mediators_total": "abc", "duty.on_call_delay_days": "0,5"}
    )
    zh = got.errors_in("zh")
    assert "不是数值" in zh["staffing.mediators_total"]
    assert "小数点" in zh["duty.on_call_delay_days"]
    assert got.errors_in("en") == got.errors  # English is the form's own language
    bounded = form.policy_of(base, fields, {"staffing.mediators_total": "-5"})
    assert bounded.errors_in("zh") == bounded.errors  # the model's messages stay English
