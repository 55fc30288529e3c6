"""Broken scenario files, command-line values and geography files: a clear error naming
what is wrong and where, exit code 2, and nothing written."""

from __future__ import annotations

import pytest

from sim.city.geography import GeographyError, load_csv
from sim.cli import EXIT_BAD_INPUT, main

BROKEN_SCENARIOS = {
    "unknown_key": ("[staffing]\nmediator_total = 10\n", "staffing.mediator_total"),
    "wrong_type": ('[run]\ndays = "a year"\n', "run.days"),
    "out_of_range": ("[latent]\nwalk_in_per_day = -0.5\n", "latent.walk_in_per_day"),
    "bad_probability": (
        "[handling]\np_withdraw_after_failure = 1.5\n",
        "handling.p_withdraw_after_failure",
    ),
    "unknown_type": (
        "[arrivals.incidence_per_10k_per_year]\nghosts = 3.0\n",
        "arrivals.incidence_per_10k_per_year.ghosts",
    ),
    "shares_do_not_sum": ("[staffing.mediator_share_by_level]\ncommunity = 0.9\n", "staffing"),
    "wrong_list_length": ("[latent]\nlapse_per_day = [0.1]\n", "latent.lapse_per_day"),
    "unknown_section": ("[staffs]\nx = 1\n", "staffs"),
    "bad_level_name": (
        '[handling.entry_level_by_complexity]\nsimple = "village"\n',
        "handling.entry_level_by_complexity.simple",
    ),
    "not_toml": ("[run\ndays = 3\n", "not valid TOML"),
    "missing_csv": ('[geography]\nsource = "csv"\ncsv_path = "nowhere.csv"\n', "nowhere.csv"),
    "bad_department_mode": (
        '[[departments]]\nname = "hr"\ntypes = ["land"]\nmode = "sometimes"\n',
        "departments.0.mode",
    ),
    "type_in_two_committees": (
        '[[committees]]\nname = "a"\ntypes = ["medical"]\n'
        '[[committees]]\nname = "b"\ntypes = ["medical"]\n',
        "'medical' belongs to two committees",
    ),
    "both_staffing_rules": (
        "[staffing]\nmediators_by_level = { county = 3 }\n"
        "mediators_per_10k_by_level = { county = 1.0 }\n",
        "one rule per level",
    ),
    "unknown_room": ('[placement]\nrooms_closed = ["C99999"]\n', "placement.rooms_closed"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_SCENARIOS))
def test_broken_scenario_is_rejected_and_writes_nothing(case, tmp_path, capsys):
    text, expected = BROKEN_SCENARIOS[case]
    scenario = tmp_path / f"{case}.toml"
    scenario.write_text(text)
    out = tmp_path / "out"
    code = main(["run", str(scenario), "--out", str(out), "--quiet", "--scale", "0.02"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert expected in err, err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [scenario.name]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--days", "0"], "run.days"),
        (["--scale", "-1"], "run.scale"),
        (["--seed", "-3"], "run.seed"),
        (["--set", "handling.attempts_per_level=0"], "handling.attempts_per_level"),
        (["--set", "nonsense"], "KEY.PATH=VALUE"),
        (["no-such-preset"], "neither a scenario file nor a preset"),
    ],
)
def test_bad_command_line_values(argv, expected, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", *argv, "--out", str(out), "--quiet"])
    assert code == EXIT_BAD_INPUT
    assert expected in capsys.readouterr().err
    assert not out.exists()


BROKEN_CSVS = {
    "missing_column": (
        "id,township,county,x_km,y_km,population\nA,T,K,0,0,10\n",
        "missing column(s) ['urban']",
    ),
    "not_a_number": (
        "id,township,county,x_km,y_km,population,urban\nA,T,K,east,0,10,1\n",
        ":2: column 'x_km': 'east' is not a number",
    ),
    "negative_population": (
        "id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,-4,1\n",
        "column 'population'",
    ),
    "bad_flag": (
        "id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,4,maybe\n",
        "column 'urban'",
    ),
    "duplicate_id": (
        "id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,4,1\nA,T,K,1,1,5,1\n",
        ":3: column 'id': duplicate",
    ),
    "township_in_two_counties": (
        "id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,4,1\nB,T,L,1,1,5,1\n",
        "township 'T'",
    ),
    "empty": ("id,township,county,x_km,y_km,population,urban\n", "no communities"),
    "empty_cell": (
        "id,township,county,x_km,y_km,population,urban\nA,,K,0,0,4,1\n",
        "column 'township' is empty",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_CSVS))
def test_broken_geography_csv(case, tmp_path):
    text, expected = BROKEN_CSVS[case]
    path = tmp_path / "g.csv"
    path.write_text(text)
    with pytest.raises(GeographyError) as err:
        load_csv(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_broken_geography_through_cli_writes_nothing(tmp_path, capsys):
    (tmp_path / "g.csv").write_text(
        "id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,lots,1\n"
    )
    (tmp_path / "s.toml").write_text('[geography]\nsource = "csv"\ncsv_path = "g.csv"\n')
    out = tmp_path / "out"
    code = main(["run", str(tmp_path / "s.toml"), "--out", str(out), "--quiet"])
    assert code == EXIT_BAD_INPUT
    assert "'lots' is not a whole number" in capsys.readouterr().err
    assert not out.exists()


# Values that used to crash, hang or be taken as something else (issue: bad input never
# crashes, hangs or destroys anything). Each must be refused naming its key.
STRICT_SETS = {
    "run.days=true": "run.days",  # a boolean is not a number
    "handling.success_logit_by_type.debt=true": "handling.success_logit_by_type.debt",
    "run.days=365.0": "run.days",  # nor a whole number written as a float
    'placement.share_rooms_within_township="no"': "placement.share_rooms_within_township",
    "staffing.mediators_total=1e19": "staffing.mediators_total",
    "staffing.mediators_total=9223372036854775807": "staffing.mediators_total",
    "staffing.grid_officers=1000000000000": "staffing.grid_officers",
    "geography.population=1000000000000000": "geography.population",
    "geography.population=1": "population 1 is fewer than one resident per community",
    "arrivals.incidence_per_10k_per_year.debt=inf": "arrivals.incidence_per_10k_per_year.debt",
    "arrivals.incidence_per_10k_per_year.debt=1e15": "arrivals.incidence_per_10k_per_year.debt",
    "arrivals.incidence_per_10k_per_year.debt=nan": "arrivals.incidence_per_10k_per_year.debt",
    "arrivals.extra_parties_mean.land=1e19": "arrivals.extra_parties_mean.land",
    "arrivals.money_sigma=1e19": "arrivals.money_sigma",
    "geography.seed=-1": "geography.seed",
    "run.seed=100000000000000000000": "run.seed",
    "run.start_date=0001-01-01": "run.start_date",
    "run.start_date=9999-12-31": "run.start_date",
    "placement.moved_centres.T001=[nan, 0.0]": "placement.moved_centres.T001.0",
    "placement.moved_centres.T001=[inf, 0.0]": "placement.moved_centres.T001.0",
    "placement.moved_centres.T001=[1e300, 0.0]": "placement.moved_centres.T001.0",
    "handling.mean_patience_days=nan": "handling.mean_patience_days",
    "handling.time_limit_days_by_complexity.simple=1e9": "time_limit_days_by_complexity.simple",
    "staffing.households_per_grid=10": "staff",  # fine alone: too many officers for a run
}


@pytest.mark.parametrize("assignment", sorted(STRICT_SETS))
def test_strict_and_bounded_values_are_refused(assignment, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["run", "--set", assignment, "--out", str(out), "--quiet"]
    if not assignment.startswith("run.days"):
        argv += ["--days", "5"]  # in case it is wrongly accepted
    if assignment.startswith("staffing.households_per_grid"):
        argv += ["--set", "geography.population=100000000"]
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert STRICT_SETS[assignment] in err, err
    assert list(tmp_path.iterdir()) == []


def test_inf_still_means_no_limit_where_documented():
    from sim.scenario_loader import load_scenario

    scenario = load_scenario(
        overrides={
            "handling": {
                "time_limit_days_by_complexity": {"simple": float("inf")},
                "mean_patience_days": float("inf"),
            }
        }
    )
    assert scenario.handling.mean_patience_days == float("inf")


ENCODINGS = {
    "binary": (b"\x00\x01\x02PK\x03\x04" * 50, "binary data"),
    "utf16": ('name = "x"\n'.encode("utf-16"), "UTF-16"),
    "latin1": (
        'name = "x"\ndescription = "caf\xe9"\n'.encode("latin-1"),
        "not UTF-8 text (byte 0xE9 at line 2",
    ),
    "gbk": ('description = "城市"\n'.encode("gbk"), "GBK/GB18030"),
    "empty": (b"", "is empty"),
    "deep": (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "too deeply"),
    "deep_below_recursion": (b"a = " + b"[" * 200 + b"]" * 200 + b"\n", "too deeply"),
}


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_unreadable_scenario_files_are_named(case, tmp_path, capsys):
    data, expected = ENCODINGS[case]
    path = tmp_path / "s.toml"
    path.write_bytes(data)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err, err
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]


def test_a_folder_named_as_a_scenario_is_named(tmp_path, capsys):
    (tmp_path / "s.toml").mkdir()
    assert main(["run", str(tmp_path / "s.toml"), "--quiet"]) == 2
    assert "is a folder, not a scenario file" in capsys.readouterr().err


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_unreadable_calibration_and_sweep_files_are_named(case, tmp_path, capsys):
    data, expected = ENCODINGS[case]
    (tmp_path / "cal.toml").write_bytes(data)
    (tmp_path / "s.toml").write_text('calibration = "cal.toml"\n')
    assert main(["run", str(tmp_path / "s.toml"), "--quiet"]) == 2
    assert expected in capsys.readouterr().err
    (tmp_path / "spec.toml").write_bytes(data)
    assert main(["sweep", str(tmp_path / "spec.toml"), "--quiet"]) == 2
    assert expected in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.toml", "s.toml", "spec.toml"]


MORE_CSVS = {
    "superscript_population": ("A,T,K,0,0,²,1\n", "'²' is not a whole number"),
    "huge_population": ("A,T,K,0,0,1000000000000000000000000000000,1\n", "at most 10,000,000"),
    "no_residents": ("A,T,K,0,0,0,1\nB,T,K,1,1,0,0\n", "no residents at all"),
    "huge_coordinate": ("A,T,K,1e300,0,10,1\n", "farther than 40,000 km"),
    "short_row": ("A,T,K,0\n", "is empty"),
}


@pytest.mark.parametrize("case", sorted(MORE_CSVS))
def test_more_broken_csvs(case, tmp_path):
    text, expected = MORE_CSVS[case]
    path = tmp_path / "g.csv"
    path.write_text("id,township,county,x_km,y_km,population,urban\n" + text)
    with pytest.raises(GeographyError) as err:
        load_csv(path)
    assert expected in str(err.value)


def test_a_long_csv_with_a_bad_last_row_is_refused_without_reading_it_twice(tmp_path):
    rows = [f"C{i},T{i // 50},K{i // 5000},{i % 100},{i // 100},100,1" for i in range(100_000)]
    rows[-1] = rows[-1].replace(",100,1", ",lots,1")
    path = tmp_path / "g.csv"
    path.write_text("id,township,county,x_km,y_km,population,urban\n" + "\n".join(rows))
    with pytest.raises(GeographyError) as err:
        load_csv(path)  # was quadratic (minutes); now one pass
    assert ":100001: column 'population': 'lots'" in str(err.value)


def test_a_misspelt_column_is_suggested(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("id,township,county,x_km,y_km,populaton,urban\nA,T,K,0,0,1,1\n")
    with pytest.raises(GeographyError) as err:
        load_csv(path)
    assert "did you mean 'populaton' for 'population'?" in str(err.value)


SPEC_HEAD = 'base = "hohhot-2023"\n[run]\nscale = 0.02\ndays = 5\n'
BROKEN_SPECS = {
    "save_cases_string": (
        SPEC_HEAD + 'save_cases = "no"\n[[factor]]\nkey = "run.seed"\nvalues = [1]\n',
        "run.save_cases: expected true or false",
    ),
    "integer_key": (SPEC_HEAD + "[[factor]]\nkey = 3\nvalues = [1]\n", "key: expected text"),
    "integer_name": (
        SPEC_HEAD + '[[factor]]\nkey = "handling.attempts_per_level"\nname = 3\nvalues = [1]\n',
        "name: expected text",
    ),
    "two_on_one_key": (
        SPEC_HEAD + '[[factor]]\nkey = "handling.attempts_per_level"\n'
        'values = [1]\n[[factor]]\nkey = "handling.attempts_per_level"\n'
        'name = "again"\nvalues = [2]\n',
        "two factors have the same key",
    ),
    "huge_levels": (
        SPEC_HEAD + '[[factor]]\nkey = "latent.walk_in_per_day"\nlow = 0.0\n'
        "high = 0.001\nlevels = 1000000000\n",
        "levels: must be at most 101",
    ),
    "huge_replications": (
        "replications = 1000000000\n"
        + SPEC_HEAD
        + '[[factor]]\nkey = "handling.attempts_per_level"\nvalues = [1]\n',
        "replications: must be at most 1,000",
    ),
    "bool_low": (
        SPEC_HEAD + '[[factor]]\nkey = "latent.walk_in_per_day"\nlow = false\nhigh = 0.001\n',
        "low: expected a finite number",
    ),
    "too_many_runs": (
        SPEC_HEAD.replace("base", "replications = 1000\nbase")
        + '[[factor]]\nkey = "latent.walk_in_per_day"\nlow = 0.0\n'
        "high = 0.001\nlevels = 101\n",
        "at most 100,000",
    ),
}
for _column in ("seed", "run_id", "point", "replication", "error", "centre_resolution_rate"):
    BROKEN_SPECS[f"name_{_column}"] = (
        SPEC_HEAD + f'[[factor]]\nkey = "handling.attempts_per_level"\nname = "{_column}"\n'
        "values = [1]\n",
        "is a column of the run store",
    )


@pytest.mark.parametrize("case", sorted(BROKEN_SPECS))
def test_broken_sweep_specs(case, tmp_path, capsys):
    text, expected = BROKEN_SPECS[case]
    (tmp_path / "spec.toml").write_text(text)
    assert (
        main(
            [
                "sweep",
                str(tmp_path / "spec.toml"),
                "--out",
                str(tmp_path / "out"),
                "--quiet",
                "--executor",
                "serial",
            ]
        )
        == 2
    )
    assert expected in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["spec.toml"]


def test_unexpected_failures_become_one_line_with_a_saved_traceback(tmp_path, capsys, monkeypatch):
    import sim.cli

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)

    def broken(args):
        raise KeyError("a fault of ours")

    monkeypatch.setattr(sim.cli, "cmd_presets", broken)
    assert main(["presets"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected failure in 'sim presets'" in err
    saved = list(tmp_path.glob("dispute-sim-*/traceback-*.txt"))
    assert len(saved) == 1 and "KeyError" in saved[0].read_text()
    assert str(saved[0]) in err
