"""Messages that say how to fix the input, and scenario names in Chinese.

Each test reproduces a planner's report: a misspelt key with no "did you mean", a key
outside its section, a GBK or semicolon-separated CSV from Excel, a bad --set value blamed
on the scenario file, court staff kept at Hohhot's numbers for a smaller CSV city, and a
Chinese scenario name refused.
"""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from sim.city.staffing_notes import absolute_staff, csv_staffing_notes, staffing_notes
from sim.cli import main
from sim.command_line import command_overrides
from sim.config import Scenario, StaffingConfig
from sim.input_files import looks_gbk
from sim.scenario_loader import ScenarioError
from sim.suggestions import keys_at, unknown_key_hint

HEADER = "id,township,county,x_km,y_km,population,urban\n"
QUICK = ["--quiet", "--scale", "0.05", "--days", "20"]


def refused(tmp_path, capsys, args: list[str]) -> str:
    """Run the CLI, require exit code 2 and nothing written; the message."""
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err, err
    return err


def scenario_file(tmp_path, text: str | bytes, name: str = "s.toml") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def csv_scenario(tmp_path, data: bytes) -> str:
    (tmp_path / "g.csv").write_bytes(data)
    return scenario_file(tmp_path, '[geography]\nsource = "csv"\ncsv_path = "g.csv"\n')


# ---------------------------------------------------------------- 1, 2: unknown keys

UNKNOWN_KEYS = {
    "misspelt": ("[staffing]\nmediator_total = 4000\n", "did you mean staffing.mediators_total?"),
    "outside its section": (
        "mediators_total = 4000\n",
        "mediators_total belongs under [staffing]: write it as [staffing] mediators_total = 4000",
    ),
    "days at the top": ("days = 30\n", "days belongs under [run]: write it as [run] days = 30"),
    "seed at the top": ("seed = 7\n", "seed belongs under [run]: write it as [run] seed = 7"),
    "wrong section": (
        "[run]\nmediators_total = 4000\n",
        "mediators_total belongs under [staffing], not [run]",
    ),
    "misspelt, wrong section": (
        "[run]\ngrid_officer = 3\n",
        "did you mean staffing.grid_officers (under [staffing])?",
    ),
    "misspelt section": ("[staffs]\nx = 1\n", "did you mean staffing?"),
    "top-level key in a section": (
        '[run]\ndescription = "x"\n',
        'description belongs at the top level, not [run]: write it as description = "x"',
    ),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_KEYS))
def test_unknown_keys_say_what_was_meant(case, tmp_path, capsys):
    text, expected = UNKNOWN_KEYS[case]
    err = refused(tmp_path, capsys, ["run", scenario_file(tmp_path, text), *QUICK])
    assert expected in err, err
    assert "unknown key" in err


def test_a_key_with_nothing_close_gets_no_guess():
    assert unknown_key_hint(("staffing", "zzqqxx"), 1) == ""
    assert unknown_key_hint(("qqzzxx",), 1) == ""


def test_hints_walk_lists_and_tables_of_the_schema():
    assert "days_per_week" in keys_at(("departments", 0))
    assert "mediators_total" in keys_at(("staffing",))
    assert keys_at(("staffing", "mediators_total")) == []  # a number, not a table
    hint = unknown_key_hint(("departments", 0, "day_per_week"), 2)
    assert hint == "did you mean departments.0.days_per_week?"


def test_a_value_shown_in_a_hint_is_toml():
    hint = unknown_key_hint(("mediator_share_by_level",), {"community": 0.5, "city": 0.5})
    assert "[staffing] mediator_share_by_level = { community = 0.5, city = 0.5 }" in hint
    assert 'write it as [geography] csv_path = "a.csv"' in unknown_key_hint(("csv_path",), "a.csv")
    assert "[run] save_cases" not in unknown_key_hint(("seed",), True)  # seed: [run] seed
    assert "[run] seed = true" in unknown_key_hint(("seed",), True)


# ---------------------------------------------------------------- 3: GBK files

GBK_CSV = (HEADER + "c1,新城区,呼和浩特,0.0,0.0,20000,1\n").encode("gbk")


def test_a_gbk_csv_says_how_to_save_it_as_utf8(tmp_path, capsys):
    err = refused(tmp_path, capsys, ["run", csv_scenario(tmp_path, GBK_CSV), *QUICK])
    assert "g.csv" in err and "looks GBK-encoded" in err, err
    for words in ("'CSV UTF-8 (comma delimited)'", "另存为", "CSV UTF-8(逗号分隔)", "WPS"):
        assert words in err, words


def test_a_gbk_scenario_file_says_how_to_save_it_as_utf8(tmp_path, capsys):
    path = scenario_file(tmp_path, 'description = "呼和浩特市调解中心"\n'.encode("gbk"))
    err = refused(tmp_path, capsys, ["run", path, *QUICK])
    assert path in err and "looks GBK-encoded" in err and "编码 UTF-8" in err, err
    assert "CSV UTF-8" not in err  # that is Excel's advice, for CSVs


def test_latin1_is_not_taken_for_gbk(tmp_path, capsys):
    path = scenario_file(tmp_path, 'description = "résumé, café"\n'.encode("latin-1"))
    err = refused(tmp_path, capsys, ["run", path, *QUICK])
    assert "not UTF-8 text" in err and "GBK-encoded" not in err, err


def test_gbk_detection():
    assert looks_gbk("呼和浩特".encode("gbk"))
    assert looks_gbk("name = '新城区'，ok".encode("gb18030"))
    assert not looks_gbk("résumé".encode("latin-1"))  # é+s decodes as one lone ideograph
    assert not looks_gbk("café\n".encode("latin-1"))  # é+newline is no GBK character
    assert not looks_gbk(b"plain ascii")


# ---------------------------------------------------------------- 4: other separators


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons (';')"), ("\t", "tabs")])
def test_a_csv_with_another_separator_is_named(separator, named, tmp_path, capsys):
    text = (HEADER + "c1,T1,K1,0.0,0.0,20000,1\n").replace(",", separator)
    err = refused(tmp_path, capsys, ["run", csv_scenario(tmp_path, text.encode()), *QUICK])
    assert "g.csv" in err and f"no commas but {named}" in err, err
    assert "'CSV UTF-8 (comma delimited)'" in err


def test_a_comma_csv_missing_a_column_keeps_its_message(tmp_path, capsys):
    text = "id,township,county,x_km,y_km,population\nc1,T;1,K1,0,0,1\n"
    err = refused(tmp_path, capsys, ["run", csv_scenario(tmp_path, text.encode()), *QUICK])
    assert "missing column(s) ['urban']" in err and "no commas" not in err, err


# ---------------------------------------------------------------- 5: --set is named

BAD_SETS = {
    "staffing.mediators_total=abc": "staffing.mediators_total: Input should be a valid integer",
    "nosuch.key=1": "nosuch: unknown key",
    "mediators_total=4000": "write it as --set staffing.mediators_total=4000",
    "staffing.mediator_total=4": "did you mean staffing.mediators_total?",
    "staffing.mediator_share_by_level.communty=0.5": "communty",
}


@pytest.mark.parametrize("option", sorted(BAD_SETS))
def test_a_bad_set_value_is_blamed_on_the_option(option, tmp_path, capsys):
    path = scenario_file(tmp_path, 'name = "x"\n')
    err = refused(tmp_path, capsys, ["run", path, *QUICK, "--set", option])
    assert err.startswith(f"error: --set {option}: "), err
    assert BAD_SETS[option] in err and path not in err, err


def test_a_bad_run_option_is_blamed_on_the_option(tmp_path, capsys):
    path = scenario_file(tmp_path, 'name = "x"\n')
    err = refused(tmp_path, capsys, ["run", path, "--quiet", "--days", "0"])
    assert err.startswith("error: --days 0: ") and path not in err, err


def test_a_set_that_clashes_with_the_file_is_still_the_files(tmp_path, capsys):
    """A share that is fine on its own but does not sum to 1 with the others."""
    path = scenario_file(tmp_path, 'name = "x"\n')
    option = "staffing.mediator_share_by_level.community=0.5"
    err = refused(tmp_path, capsys, ["run", path, *QUICK, "--set", option])
    assert f"{path} with the values given on top of it" in err and "sum to 1" in err, err
    assert "Value error" not in err  # pydantic's prefix is not ours


def test_good_sets_still_merge():
    overrides = command_overrides(
        ["staffing.mediators_total=4000", "staffing.grid_officers=10"], {"days": 5, "seed": None}
    )
    assert overrides == {
        "staffing": {"mediators_total": 4000, "grid_officers": 10},
        "run": {"days": 5},
    }
    with pytest.raises(ScenarioError, match=r"^--set run\.days=true: "):
        command_overrides(["run.days=true"], {})


# ---------------------------------------------------------------- 6: staffing notes

THIRD = 3_400_000 // 3


def test_a_city_a_third_the_size_gets_a_note_naming_keys_and_values():
    (note,) = staffing_notes(Scenario(), THIRD)
    assert "33% of the 3,400,000 (geography.population)" in note
    assert "staffing.court_mediators = 383: about 128" in note
    assert "staffing.mediators_total = 4,112: about 1,371" in note and "county 8%" in note
    assert "staffing.grid_officers = 6,158: about 2,053" in note
    assert "[geography] population = 1133333" in note


@pytest.mark.parametrize("population", [3_400_000, int(3_400_000 * 0.76), int(3_400_000 * 1.24)])
def test_a_city_of_about_the_same_size_gets_no_note(population):
    assert staffing_notes(Scenario(), population) == []


def test_staff_that_follows_population_is_not_named():
    config = StaffingConfig(
        mediators_per_10k_by_level={"community": 2.0, "township": 1.0},
        mediators_by_level={"county": 30, "city": 8},
        households_per_grid=300,
    )
    keys = [key for key, _, _ in absolute_staff(config)]
    assert keys == [
        "staffing.court_mediators",
        "staffing.mediators_by_level.county",
        "staffing.mediators_by_level.city",
    ]


def test_a_synthetic_city_gets_no_note():
    assert csv_staffing_notes(Scenario(geography={"population": 100_000})) == []


def third_of_hohhot_csv(folder) -> None:
    rows = [f"C{i},T{i // 10},K{i // 100},{i % 20},{i // 20},{THIRD // 300},1" for i in range(300)]
    (folder / "g.csv").write_text(HEADER + "\n".join(rows) + "\n")


def test_sim_run_prints_and_records_the_note_and_changes_no_result(tmp_path, capsys):
    third_of_hohhot_csv(tmp_path)
    geography = '[geography]\nsource = "csv"\ncsv_path = "g.csv"\n'
    noted = scenario_file(tmp_path, 'name = "third"\n' + geography, "noted.toml")
    silent = scenario_file(tmp_path, f'name = "third"\n{geography}population = 1133100\n', "q.toml")
    assert main(["run", noted, *QUICK, "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "note: the communities file holds 1,133,100 residents" in err, err
    assert "staffing.court_mediators = 383: about 128" in err
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["notes"] and "staffing.court_mediators" in manifest["notes"][0]
    assert main(["run", silent, *QUICK, "--out", str(tmp_path / "b")]) == 0
    assert "note: the communities CSV" not in capsys.readouterr().err
    assert "notes" not in json.loads((tmp_path / "b" / "manifest.json").read_text())
    tables = [pq.read_table(tmp_path / run / "summary.parquet").to_pylist() for run in "ab"]
    assert repr(tables[0]) == repr(tables[1])  # the note changes nothing (nan != nan: repr)


# ---------------------------------------------------------------- 7: Chinese names


def test_a_chinese_scenario_name_runs_and_names_its_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = scenario_file(tmp_path, 'name = "呼和浩特-2026"\n')
    assert main(["run", path, "--quiet", "--scale", "0.05", "--days", "20"]) == 0
    folder = tmp_path / "outputs" / "呼和浩特-2026-seed1-scale0.05"
    assert (folder / "summary.parquet").is_file()
    assert json.loads((folder / "manifest.json").read_text())["scenario_name"] == "呼和浩特-2026"


@pytest.mark.parametrize("name", ["呼和浩特_新城区", "Zürich.2", "Ürümqi-乌鲁木齐", "a" * 80])
def test_letters_of_any_script_are_names(name):
    assert Scenario(name=name).name == name


BAD_NAMES = {
    "../escape": "holds '/'",
    "a\\b": "holds '\\\\'",
    "c:d": "holds ':'",
    "two words": "holds space",
    "tab\there": "holds '\\t'",
    ".hidden": "starts with '.'",
    "..": "starts with '.'",
    "x" * 81: "at most 80 characters",
}


@pytest.mark.parametrize("name", sorted(BAD_NAMES))
def test_names_that_are_not_folder_names_are_refused(name, tmp_path, capsys):
    path = scenario_file(tmp_path, f"name = {json.dumps(name)}\n")
    err = refused(tmp_path, capsys, ["run", path, *QUICK])
    assert "- name: " in err and BAD_NAMES[name] in err, err


def test_staff_numbers_written_for_the_city_are_taken_as_meant():
    own = Scenario(staffing={"court_mediators": 130, "grid_officers": 2200})
    (note,) = staffing_notes(own, THIRD, inherited=Scenario().staffing)
    assert "staffing.mediators_total" in note  # left at the preset's 4,112
    assert "court_mediators" not in note and "grid_officers" not in note
