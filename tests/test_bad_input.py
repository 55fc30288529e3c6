"""Broken scenario files, command-line values and geography files: a clear error naming
what is wrong and where, exit code 2, and nothing written."""

from __future__ import annotations

import pytest

from sim.cli import EXIT_BAD_INPUT, main
from sim.geography import GeographyError, load_csv

BROKEN_SCENARIOS = {
    "unknown_key": ("[staffing]\nmediator_total = 10\n", "staffing.mediator_total"),
    "wrong_type": ("[run]\ndays = \"a year\"\n", "run.days"),
    "out_of_range": ("[latent]\nwalk_in_per_day = -0.5\n", "latent.walk_in_per_day"),
    "bad_probability": ("[handling]\np_withdraw_after_failure = 1.5\n",
                        "handling.p_withdraw_after_failure"),
    "unknown_type": ("[arrivals.incidence_per_10k_per_year]\nghosts = 3.0\n",
                     "arrivals.incidence_per_10k_per_year.ghosts"),
    "shares_do_not_sum": (
        "[staffing.mediator_share_by_level]\ncommunity = 0.9\n", "staffing"),
    "wrong_list_length": ("[latent]\nlapse_per_day = [0.1]\n", "latent.lapse_per_day"),
    "unknown_section": ("[staffs]\nx = 1\n", "staffs"),
    "bad_level_name": ("[handling.entry_level_by_complexity]\nsimple = \"village\"\n",
                       "handling.entry_level_by_complexity.simple"),
    "not_toml": ("[run\ndays = 3\n", "not valid TOML"),
    "missing_csv": ("[geography]\nsource = \"csv\"\ncsv_path = \"nowhere.csv\"\n",
                    "nowhere.csv"),
    "bad_department_mode": ("[[departments]]\nname = \"hr\"\ntypes = [\"land\"]\n"
                            "mode = \"sometimes\"\n", "departments.0.mode"),
    "type_in_two_committees": ("[[committees]]\nname = \"a\"\ntypes = [\"medical\"]\n"
                               "[[committees]]\nname = \"b\"\ntypes = [\"medical\"]\n",
                               "'medical' belongs to two committees"),
    "both_staffing_rules": ("[staffing]\nmediators_by_level = { county = 3 }\n"
                            "mediators_per_10k_by_level = { county = 1.0 }\n",
                            "one rule per level"),
    "unknown_room": ("[placement]\nrooms_closed = [\"C99999\"]\n",
                     "placement.rooms_closed"),
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


@pytest.mark.parametrize("argv, expected", [
    (["--days", "0"], "run.days"),
    (["--scale", "-1"], "run.scale"),
    (["--seed", "-3"], "run.seed"),
    (["--set", "handling.attempts_per_level=0"], "handling.attempts_per_level"),
    (["--set", "nonsense"], "KEY.PATH=VALUE"),
    (["no-such-preset"], "neither a scenario file nor a preset"),
])
def test_bad_command_line_values(argv, expected, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", *argv, "--out", str(out), "--quiet"])
    assert code == EXIT_BAD_INPUT
    assert expected in capsys.readouterr().err
    assert not out.exists()


BROKEN_CSVS = {
    "missing_column": ("id,township,county,x_km,y_km,population\nA,T,K,0,0,10\n",
                       "missing column(s) ['urban']"),
    "not_a_number": ("id,township,county,x_km,y_km,population,urban\nA,T,K,east,0,10,1\n",
                     ":2: column 'x_km': 'east' is not a number"),
    "negative_population": ("id,township,county,x_km,y_km,population,urban\n"
                            "A,T,K,0,0,-4,1\n", "column 'population'"),
    "bad_flag": ("id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,4,maybe\n",
                 "column 'urban'"),
    "duplicate_id": ("id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,4,1\n"
                     "A,T,K,1,1,5,1\n", ":3: column 'id': duplicate"),
    "township_in_two_counties": ("id,township,county,x_km,y_km,population,urban\n"
                                 "A,T,K,0,0,4,1\nB,T,L,1,1,5,1\n", "township 'T'"),
    "empty": ("id,township,county,x_km,y_km,population,urban\n", "no communities"),
    "empty_cell": ("id,township,county,x_km,y_km,population,urban\nA,,K,0,0,4,1\n",
                   "column 'township' is empty"),
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
    (tmp_path / "g.csv").write_text("id,township,county,x_km,y_km,population,urban\n"
                                    "A,T,K,0,0,lots,1\n")
    (tmp_path / "s.toml").write_text("[geography]\nsource = \"csv\"\ncsv_path = \"g.csv\"\n")
    out = tmp_path / "out"
    code = main(["run", str(tmp_path / "s.toml"), "--out", str(out), "--quiet"])
    assert code == EXIT_BAD_INPUT
    assert "'lots' is not a whole number" in capsys.readouterr().err
    assert not out.exists()
