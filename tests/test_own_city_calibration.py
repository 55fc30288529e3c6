"""A planner's own city: targets files, their errors, the CLI from a scenario file, and
parameter recovery on a synthetic city whose true parameters are known.

The error tests are fast and can fail on any message that stops naming the entry. The
recovery test (slow) is VALIDATION: the figures come from the model at known values, so a
fit that works must meet them on fresh seeds and bracket the parameters they pin.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from sim.calibrate.conventions import CONVENTIONS
from sim.calibrate.settings import Settings
from sim.calibrate.synthetic import simulated_figures, write_targets
from sim.calibrate.targets import CalibrationError, load_targets
from sim.cli import main

CITY = """
name = "testville"
description = "A made-up county for the own-city calibration tests."

[geography]
population = {population}
n_counties = 2
n_urban_counties = 1
n_townships = 8
n_communities = 60

[staffing]
mediators_total = 300
grid_officers = 500
court_mediators = 15
"""


def _city(folder: Path, population: int = 150_000) -> Path:
    path = folder / "testville.toml"
    path.write_text(CITY.format(population=population), encoding="utf-8")
    return path


def _targets(folder: Path, body: str) -> Path:
    path = folder / "targets.toml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """
city = "Testville"

[[target]]
id = "received"
counts = "received_at_centres"
value = 600
year = 2024
source = "county report"

[[target]]
id = "rate"
counts = "centre_resolution_rate"
value = "97.5%"
period = { from = 2024-01-01, to = 2024-06-30 }
tolerance = "2pp"
"""


def test_a_planner_targets_file_reads_as_written(tmp_path):
    received, rate = load_targets(_targets(tmp_path, GOOD))
    assert (received.kind, received.value, received.tolerance) == ("count", 600, 18)
    assert received.period == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (rate.kind, rate.value, rate.tolerance) == ("rate", 0.975, 0.02)
    assert rate.period_days == 182
    assert received.convention == "received_at_centres"


def test_a_count_compares_per_day_of_its_period(tmp_path):
    half_year = GOOD.replace(
        "year = 2024\nsource", "period = { from = 2024-01-01, to = 2024-06-30 }\nsource"
    )
    received = load_targets(_targets(tmp_path, half_year))[0]
    # 600 over 182 days is 600 * 365 / 182 over a run of one city-year
    assert received.z(600 * 365 / 182, exposure=1.0) == pytest.approx(0.0)
    assert received.z(600, exposure=1.0) < -10


BAD = [
    (
        "[[target]]\nid = 'a'\ncounts = 'received_at_centers'\nvalue = 5\nyear = 2024\n",
        ["target[0]", "'a'", "received_at_centres"],
    ),
    (
        "[[target]]\nid = 'a'\ncounts = 'centre_resolution_rate'\nvalue = 97\nyear = 2024\n",
        ["target[0]", "value", "0.97"],
    ),
    (
        "[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 0\nyear = 2024\n",
        ["target[0]", "value"],
    ),
    ("[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 10\n", ["target[0]", "year"]),
    (
        "[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 10\nyear = 2024\nvalu = 3\n",
        ["target[0]", "valu", "value"],
    ),
    (
        "[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 10\nyear = 2024\n"
        "period = { from = 2024-01-01, to = 2024-03-31 }\n",
        ["target[0]", "one of the two"],
    ),
    (
        "[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 10\nyear = 2024\n"
        "[[target]]\nid = 'a'\ncounts = 'petitions'\nvalue = 10\nyear = 2024\n",
        ["target[1]", "'a'"],
    ),
    (
        "[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 10\nyear = 2024\nkind = 'rate'\n",
        ["target[0]", "kind"],
    ),
    (
        "[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 10\nyear = 2024\n"
        "tolerance = '1pp'\n",
        ["target[0]", "tolerance"],
    ),
    ("city = 'x'\n", ["[[target]]"]),
    (
        "[[target]]\nid = 'a'\ncounts = 'centre_resolution_rate'\nvalue = '150%'\nyear = 2024\n",
        ["target[0]", "above 100%"],
    ),
    (
        "[[target]]\nid = 'a'\ncounts = 'court_cases'\nvalue = 10\n"
        "period = { from = 1900-01-01, to = 1900-12-31 }\n",
        ["target[0]", "period.from", "1950"],
    ),
]


@pytest.mark.parametrize(("body", "named"), BAD)
def test_bad_targets_file_names_the_entry(tmp_path, body, named):
    with pytest.raises(CalibrationError) as err:
        load_targets(_targets(tmp_path, body))
    message = str(err.value)
    assert "targets.toml" in message
    for word in named:
        assert word in message, message


def test_bad_targets_file_from_the_command_line_is_one_message(tmp_path, capsys):
    city = _city(tmp_path)
    targets = _targets(tmp_path, BAD[0][0])
    assert main(["calibrate", "--scenario", str(city), "--targets", str(targets)]) == 2
    err = capsys.readouterr().err
    assert "received_at_centres" in err and "Traceback" not in err


def test_another_city_needs_its_own_targets(tmp_path, capsys):
    assert main(["calibrate", "--scenario", str(_city(tmp_path))]) == 2
    assert "--targets" in capsys.readouterr().err


def test_help_targets_lists_every_convention(capsys):
    assert main(["calibrate", "--help-targets"]) == 0
    out = capsys.readouterr().out
    for name in CONVENTIONS:
        assert name in out


def test_own_city_end_to_end_from_the_command_line(tmp_path, monkeypatch, capsys):
    """A planner's scenario and targets, the default folders: a calibration file beside the
    scenario that the scenario can then name, and a report under calibration/<name>."""
    monkeypatch.chdir(tmp_path)
    city = _city(tmp_path, population=60_000)
    targets = _targets(tmp_path, GOOD)
    quick = ["--trials", "3", "--refine", "1", "--uncertainty", "2", "--reps", "1"]
    quick += ["--morris-trajectories", "1", "--check-reps", "2", "--workers", "1"]
    args = ["calibrate", "--scenario", str(city), "--targets", str(targets), *quick]
    assert main(args) == 0
    out = capsys.readouterr().out
    fitted = tmp_path / "testville.calibration.toml"
    assert 'calibration = "testville.calibration.toml"' in out
    document = tomllib.loads(fitted.read_text(encoding="utf-8"))
    assert document["provenance"]["prior"].endswith("hohhot-2023.toml")
    assert "overrides" in document
    assert (tmp_path / "calibration" / "testville" / "report.md").is_file()
    run = ["run", str(city), "--days", "20", "--quiet", "--out", str(tmp_path / "run")]
    assert main(run) == 0
    assert "testville.calibration.toml beside testville.toml is not used" in (
        capsys.readouterr().err
    )
    city.write_text(
        city.read_text(encoding="utf-8").replace(
            "description", 'calibration = "testville.calibration.toml"\ndescription', 1
        ),
        encoding="utf-8",
    )
    assert main([*run, "--force"]) == 0
    assert "not used" not in capsys.readouterr().err
    assert main(args) == 2  # the file it would write is now its own prior
    assert "its own prior" in capsys.readouterr().err
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["calibration"].endswith("testville.calibration.toml")


def test_cross_validation_table_names_fit_and_predicted_figures(tmp_path, monkeypatch):
    """Smoke (tiny runs): a fold fits its figures, predicts the others, and the table says
    which were which, with every miss written as a miss."""
    from sim.calibrate.cross_validation import cross_validate, load_folds

    monkeypatch.chdir(tmp_path)
    quick = {"scale": 0.1, "trials": 2, "refine_evaluations": 1, "acceptance_samples": 1}
    quick |= {"reps": 1, "morris_trajectories": 1, "check_reps": 2}
    path = cross_validate(tmp_path / "out", ["otog-banner-rate"], workers=1, **quick)
    rows = list(csv.DictReader((tmp_path / "out" / "cross-validation.csv").open()))
    fold = next(f for f in load_folds() if f.name == "otog-banner-rate")
    assert [r["id"] for r in rows if r["role"] == "fit"] == fold.fit
    assert [r["id"] for r in rows if r["role"] == "predict"] == fold.predict
    text = path.read_text(encoding="utf-8")
    for r in rows:
        assert r["fitted_verdict"] in ("within", "miss")
    misses = sum(r["fitted_verdict"] == "miss" for r in rows)
    assert text.count("| **miss** |") >= misses
    assert "`otog-3y-success-rate`" in text
    assert (tmp_path / "out" / "cross-validation.png").stat().st_size > 0


def test_every_fold_names_known_figures():
    from sim.analysis.validation import load_figures
    from sim.calibrate.cross_validation import load_folds

    known = {f["id"] for f in load_figures()} | {t.id for t in load_targets()}
    for fold in load_folds():
        assert set(fold.fit) <= known and set(fold.predict) <= known, fold.name
        assert not set(fold.fit) & set(fold.predict), fold.name


@pytest.mark.slow
def test_parameter_recovery_on_a_synthetic_city(tmp_path, monkeypatch):
    """VALIDATION: figures made by the model at known parameter values (one seed the fit
    never uses) are met on ten fresh seeds, and the accepted set brackets the incidence,
    which the counts pin (rates trade off against each other: see the closing note)."""
    monkeypatch.chdir(tmp_path)
    city = _city(tmp_path)
    counts = ["received_at_centres", "centre_resolution_rate", "court_cases"]
    draft = {c: 0.5 if CONVENTIONS[c].kind == "rate" else 100.0 for c in counts}
    targets = write_targets(tmp_path / "targets.toml", draft, 2024)
    truth = {"incidence": 1.5, "success_shift": 1.0, "patience": 300.0}
    figures = simulated_figures(Settings(scenario=str(city), targets_file=targets), truth, counts)
    write_targets(targets, figures, 2024)
    args = ["calibrate", "--scenario", str(city), "--targets", str(targets), "--trials", "24"]
    assert main(args) == 0
    report = (tmp_path / "calibration" / "testville" / "report.md").read_text(encoding="utf-8")
    assert "Every target is met within its tolerance." in report
    fitted = tomllib.loads((tmp_path / "testville.calibration.toml").read_text("utf-8"))
    prior = 0.783166  # the shipped Hohhot calibration's incidence (model coordinates)
    incidence = [row["incidence"] / prior for row in fitted["accepted"]]
    assert incidence, "no accepted samples"
    assert min(incidence) <= truth["incidence"] <= max(incidence)


def test_the_command_line_runs_the_calibration_steps():
    from sim.calibrate.steps import STEPS
    from sim.cli import CALIBRATION_STEPS

    assert CALIBRATION_STEPS == STEPS


def test_an_edited_communities_file_is_another_city_to_the_run_cache(tmp_path):
    from sim.calibrate.evaluate import run_key
    from sim.city.geography import synthetic, write_csv
    from sim.scenario_loader import load_scenario

    csv_file = tmp_path / "communities.csv"
    write_csv(synthetic(load_scenario("shanxi-nancheng").geography), csv_file)
    scenario = tmp_path / "city.toml"
    scenario.write_text('[geography]\nsource = "csv"\ncsv_path = "communities.csv"\n')
    before = run_key(load_scenario(str(scenario)), 1)
    csv_file.write_text(csv_file.read_text().replace(",1\n", ",0\n", 1))
    assert run_key(load_scenario(str(scenario)), 1) != before
