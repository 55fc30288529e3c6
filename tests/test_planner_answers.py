"""What a planner reads is what was compared: scripts keep the given scenario as the
baseline and say what each policy changes; comparisons refuse other cities; one counting
basis for terminal and figure; intervals inside an outcome's natural range.

Validation here is against rules the model did not produce: the scenario files a test
writes (what changed), conservation of disputes (open = known + latent), and the
arithmetic bounds of shares and counts.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from sim.analysis.paired import format_table, mean_interval, paired_differences
from sim.cli import main
from sim.config import Scenario
from sim.report.errors import ReportError
from sim.report.overview_plot import end_counts
from sim.results.outcomes import OUTCOME, RUN_TABLE
from sim.scenario_diff import changes, city_changes, summary
from tests.test_policy_scripts import SMALL, load_script

TINY = ["--scale", "0.05", "--days", "20", "--quiet"]


def test_changes_name_exactly_the_keys_that_differ():
    base = Scenario().model_dump(mode="json")
    other = Scenario().with_overrides(
        {"name": "x", "run": {"seed": 9}, "staffing": {"mediators_total": 10}}
    )
    found = changes(base, other.model_dump(mode="json"))
    assert [c.key for c in found] == ["staffing.mediators_total"]  # not the name or seed
    assert "4112 -> 10" in summary(found)
    assert city_changes(found) == []
    moved = Scenario().with_overrides({"geography": {"population": 10**6}, "run": {"days": 30}})
    keys = {c.key for c in city_changes(changes(base, moved.model_dump(mode="json")))}
    assert keys == {"geography.population", "run.days"}


def test_a_script_keeps_the_given_scenario_as_its_baseline(tmp_path, capsys):
    given = tmp_path / "slow.toml"
    given.write_text(
        'name = "slow"\n[handling.time_limit_days_by_complexity]\n'
        "simple = 15.0\ngeneral = 30.0\ncomplex = 60.0\nmajor = 60.0\n",
        encoding="utf-8",
    )
    out = tmp_path / "tl"
    args = [*SMALL, "--scenario", str(given), "--out", str(out), "--xlsx", "--lang", "zh"]
    code = load_script("time_limits").run(args)
    assert code == 0
    captured = capsys.readouterr()
    # the scenario's own limits are the baseline; the policy equal to it is left out
    assert "as given (limits 15/30/60/60)" in captured.out
    assert "limits 15/30/60'" not in captured.err
    policies = json.loads((out / "policies.json").read_text("utf-8"))
    assert list(policies["scenarios"]) == ["as given (limits 15/30/60/60)", "limits 7/15/30"]
    table = pacsv.read_csv(out / "policies.csv").to_pylist()
    limits = {"simple": (15, 7), "general": (30, 15), "complex": (60, 30), "major": (60, 30)}
    assert {(r["key"], float(r["baseline"]), float(r["policy_value"])) for r in table} == {
        (f"handling.time_limit_days_by_complexity.{c}", b, a) for c, (b, a) in limits.items()
    }
    differences = pacsv.read_csv(out / "differences.csv")
    assert all("simple: 15.0 -> 7.0" in c for c in differences.column("changes").to_pylist())
    from openpyxl import load_workbook

    book = load_workbook(out / "comparison.xlsx", read_only=True)
    assert book.sheetnames == ["differences", "changes", "runs"]
    labels = [row[1] for row in book["differences"].iter_rows(min_row=2, values_only=True)]
    assert OUTCOME["court_cases"].zh in labels  # labelled in the language asked for
    rows = {r[1]: r for r in book["differences"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in next(book["differences"].iter_rows(max_row=1))]
    rate = rows[OUTCOME["time_limit_compliance"].zh]
    assert rate[2] == "% / pp" and 50 < rate[header.index("基线均值 (baseline_mean)")] <= 100
    from sim.report.compare import compare

    report = compare([out], tmp_path / "zh", lang="zh") / "report.md"
    text = report.read_text("utf-8")
    assert "按给定情景(时限 15/30/60/60 天)" in text and "时限 7/15/30 天" in text
    assert "limits 7/15/30" not in text  # the scripts' policies by their Chinese names


def test_a_script_that_changes_the_baseline_says_so(tmp_path, capsys):
    out = tmp_path / "rooms"
    script = load_script("new_community_rooms")
    assert script.run([*SMALL, "--rooms", "2", "--rural-room-share", "0.8", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "changed by this script's options: placement.rural_room_share: 1.0 -> 0.8" in err
    assert "2 rooms, optimiser" in err


def test_a_script_with_nowhere_to_put_rooms_says_how_to_plan(tmp_path, capsys):
    code = load_script("new_community_rooms").run([*SMALL, "--out", str(tmp_path / "r")])
    assert code == 2
    assert "--rural-room-share 0.8" in capsys.readouterr().err


def test_pairs_count_the_shared_seeds_even_where_an_outcome_is_undefined():
    rows = [
        {"policy": p, "seed": s, "time_limit_compliance": v, "court_cases": 100.0 + s}
        for p, v in (("none", math.nan), ("limits", 0.95))
        for s in range(1, 6)
    ]
    found = paired_differences(pa.Table.from_pylist(rows), "none", ["time_limit_compliance"])
    row = found.to_pylist()[0]
    assert row["pairs"] == 5 and row["n"] == 0
    assert "paired over 5 replications" in format_table(found)


def test_intervals_stay_inside_the_natural_range():
    rate = OUTCOME["centre_resolution_rate"].bounds
    mean, low, high = mean_interval([0.99, 1.0, 0.97, 1.0], rate)
    assert high <= 1.0 and low < mean
    _, low, _ = mean_interval([0.0, 0.0, 3.0], OUTCOME["incidents"].bounds)
    assert low >= 0.0
    rows = [
        {"policy": p, "seed": s, "centre_resolution_rate": v}
        for p, values in (("a", (0.97, 0.99, 0.98)), ("b", (1.0, 0.99, 1.0)))
        for s, v in zip((1, 2, 3), values, strict=True)
    ]
    diff = paired_differences(pa.Table.from_pylist(rows), "a", ["centre_resolution_rate"])
    r = diff.to_pylist()[0]
    assert r["ci_high"] <= 1.0 - r["baseline_mean"] + 1e-12  # the policy cannot pass 100%


def test_share_differences_are_percentage_points_and_zero_has_no_sign():
    rate = OUTCOME["centre_resolution_rate"]
    assert rate.format_difference(0.0052) == "+0.52 pp"
    assert rate.format_difference(-1e-7) == "0.00 pp"
    assert rate.format(-1e-9) == "0.00%"
    assert OUTCOME["court_cases"].format_difference(-0.2) == "-0.2"
    assert OUTCOME["court_cases"].format_difference(-0.02) == "0.0"
    table = paired_differences(
        pa.Table.from_pylist(
            [{"policy": p, "seed": s, "mean_wait_days": 1.0} for p in "ab" for s in (1, 2)]
        ),
        "a",
        ["mean_wait_days"],
    )
    text = format_table(table)
    assert "-0" not in text and "only 2 paired replications" in text


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory):
    root = tmp_path_factory.mktemp("cities")
    folders = []
    for name, extra in (("a", ""), ("b", "[geography]\npopulation = 2000000\n")):
        path = root / f"{name}.toml"
        path.write_text(f'name = "{name}"\n{extra}', encoding="utf-8")
        assert main(["run", str(path), *TINY, "--out", str(root / name)]) == 0
        folders.append(root / name)
    return folders


def test_compare_refuses_results_of_different_cities(two_cities, tmp_path):
    with pytest.raises(ReportError, match=r"another city or period.*geography\.population"):
        from sim.report.compare import compare

        compare(two_cities, tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_terminal_and_figure_count_alike(small_run):
    row = small_run.summary.to_pylist()[0]
    bars = end_counts(row)
    assert bars["violent incident"] == (row["incidents"], row["incidents_unseen"])
    assert bars["still open at the end"][0] == row["n_open_at_end"]
    assert bars["latent at the end"][0] == row["n_latent_at_end"]
    for name in ("incidents", "incidents_unseen", "n_open_at_end", "n_latent_at_end"):
        assert name in RUN_TABLE
    # conservation: every dispute still open is known to somebody or latent
    state = np.array(small_run.cases.column("end_state").cast(pa.string()).to_pylist())
    assert row["n_open_at_end"] + row["n_latent_at_end"] == int((state == "open").sum())


def test_named_tables_are_compared_entry_by_entry():
    def with_mode(mode: str) -> dict:
        entry = {"name": "housing", "types": ["heating"], "mode": mode}
        return Scenario().with_overrides({"departments": [entry]}).model_dump(mode="json")

    found = changes(with_mode("resident"), with_mode("rotating"))
    assert [c.text() for c in found] == ["departments.housing.mode: resident -> rotating"]
    added = changes(Scenario().model_dump(mode="json"), with_mode("resident"))
    assert "departments.housing.mode: (not set) -> resident" in summary(added, limit=20)
    assert not any(c.key == "departments" for c in added)  # no "[] -> (not set)"


def test_a_calendar_is_a_lever_not_another_city():
    base = Scenario().model_dump(mode="json")
    other = Scenario().with_overrides({"calendar": {"kind": "every_day"}})
    assert city_changes(changes(base, other.model_dump(mode="json"))) == []


def test_base_cannot_be_set_from_the_command_line(capsys):
    assert main(["run", *TINY, "--set", "base=karamay", "--out", "/nonexistent/x"]) == 2
    assert "write base = " in capsys.readouterr().err


def test_compare_reads_script_folders_written_before_policies_json(tmp_path):
    from sim.report.compare import compare

    out = tmp_path / "old"
    assert load_script("grid_patrols").run([*SMALL, "--out", str(out)]) == 0
    (out / "policies.json").unlink()  # as a folder of an earlier version
    (out / "areas.parquet").unlink()
    report = compare([out], tmp_path / "report") / "report.md"
    assert "does not record its scenario" in report.read_text("utf-8")


def test_a_script_on_a_csv_city_tells_of_staff_sized_for_another_city(tmp_path, capsys):
    rows = [f"C{k},T{k % 2},K0,{k}.0,0.0,4000,true" for k in range(6)]
    (tmp_path / "c.csv").write_text(
        "id,township,county,x_km,y_km,population,urban\n" + "\n".join(rows) + "\n", "utf-8"
    )
    city = tmp_path / "c.toml"
    city.write_text('[geography]\nsource = "csv"\ncsv_path = "c.csv"\n', encoding="utf-8")
    args = ["--scenario", str(city), "--reps", "2", "--days", "20", "--executor", "serial"]
    assert load_script("time_limits").run([*args, "--out", str(tmp_path / "o")]) == 0
    assert "note: the communities file holds 24,000 residents" in capsys.readouterr().err
