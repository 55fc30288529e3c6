"""Calibration machinery: targets, free parameters, the run cache, the fit's resumption and
a smoke calibration end to end (tiny runs, so the numbers mean nothing; the slow test at the
bottom is the real check against the published figures)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("optuna")
pytest.importorskip("SALib")

from sim.calibrate import evaluate
from sim.calibrate.evaluate import Evaluator
from sim.calibrate.parameters import load_parameters, overrides
from sim.calibrate.settings import Settings
from sim.calibrate.targets import CalibrationError, exposure, load_targets
from sim.cli import main
from sim.config import Scenario
from sim.scenario_loader import ScenarioError, calibration_path, load_scenario
from tests.conftest import comparable

TINY = ["--scale", "0.02", "--days", "30", "--workers", "1"]


def test_targets_map_to_summary_columns(small_run):
    summary = small_run.summary.to_pylist()[0]
    targets = load_targets()
    assert {t.kind for t in targets} == {"count", "rate"}
    for t in targets:
        assert t.output in summary, t.id
        assert t.tolerance == pytest.approx(0.03 * t.value if t.kind == "count" else 0.01)


def test_target_misses_in_tolerance_units():
    received = next(t for t in load_targets() if t.output == "received_by_centres")
    assert received.z(7748) == 0
    assert received.z(7748 * 1.03) == pytest.approx(1.0)
    assert received.z(7748 * 0.25, exposure=0.25) == 0
    assert math.isinf(received.z(float("nan")))
    assert exposure({"effective_scale": 0.5, "days": 73}) == pytest.approx(0.1)


def test_parameters_at_their_current_values_leave_the_scenario_unchanged():
    base = Scenario()
    params = load_parameters()
    values = {p.name: p.current(base) for p in params}
    assert base.with_overrides(overrides(params, values, base)) == base


def test_scale_and_shift_act_on_every_entry():
    base = Scenario()
    params = {p.name: p for p in load_parameters()}
    scaled = overrides([params["court_filing"]], {"court_filing": 2.0}, base)
    filing = scaled["latent"]["court_filing_per_day"]
    assert filing["debt"] == pytest.approx(2 * base.latent.court_filing_per_day["debt"])
    shifted = overrides([params["success_shift"]], {"success_shift": -0.5}, base)
    logits = shifted["handling"]["success_logit_by_level"]
    assert logits["county"] == pytest.approx(base.handling.success_logit_by_level["county"] - 0.5)


@pytest.mark.parametrize(
    "entry, complaint",
    [
        (
            'key = "latent.no_such_rate"\ntransform = "set"\nlow = 0.1\nhigh = 0.2',
            "not a scenario key",
        ),
        (
            'key = "court.p_court_mediation"\ntransform = "set"\nlow = 0.5\nhigh = 1.5',
            "court.p_court_mediation",
        ),
        ('key = "court.p_court_mediation"\ntransform = "bend"\nlow = 0.5\nhigh = 0.6', "transform"),
        ('key = "court.p_court_mediation"\ntransform = "set"\nlow = 0.6\nhigh = 0.5', "low < high"),
    ],
)
def test_bad_parameter_file_names_the_problem(tmp_path, entry, complaint):
    path = tmp_path / "parameters.toml"
    path.write_text(f'[[parameter]]\nname = "x"\nwhy = "test"\n{entry}\n')
    with pytest.raises(CalibrationError) as err:
        load_parameters(path)
    assert str(path) in str(err.value) and complaint in str(err.value)


def test_evaluator_reuses_finished_runs_and_ignores_a_cut_line(tmp_path, monkeypatch):
    scenario = load_scenario(overrides={"run": {"scale": 0.02, "days": 20}})
    cache = tmp_path / "runs.jsonl"
    first = Evaluator(cache, workers=1, progress=False).run([(scenario, 1), (scenario, 2)])
    with cache.open("a") as fh:
        fh.write('{"key": "cut sh')  # what a kill in mid-write leaves
    calls = []
    monkeypatch.setattr(evaluate, "_simulate_summary", lambda *a: calls.append(a) or {})
    again = Evaluator(cache, workers=1, progress=False).run([(scenario, 2), (scenario, 1)])
    assert calls == [] and comparable(again, ()) == comparable(first[::-1], ())


def test_pool_and_serial_runs_agree(tmp_path):
    scenario = load_scenario(overrides={"run": {"scale": 0.02, "days": 20}})
    jobs = [(scenario, seed) for seed in (1, 2, 3)]
    serial = Evaluator(None, workers=1, progress=False).run(jobs)
    pooled = Evaluator(None, workers=2, progress=False).run(jobs)
    assert comparable(serial) == comparable(pooled)


def _dirs(tmp_path: Path) -> list[str]:
    return [
        "--work-dir",
        str(tmp_path / "work"),
        "--report-dir",
        str(tmp_path / "report"),
        "--fitted-file",
        str(tmp_path / "fitted.toml"),
    ]


def test_smoke_calibration_end_to_end(tmp_path):
    args = [
        "calibrate",
        "all",
        "--trials",
        "3",
        "--refine",
        "1",
        "--uncertainty",
        "2",
        "--reps",
        "1",
        "--morris-trajectories",
        "1",
        "--check-reps",
        "2",
        *TINY,
        *_dirs(tmp_path),
    ]
    assert main(args) == 0
    report = tmp_path / "report"
    text = (report / "report.md").read_text()
    for target in load_targets():
        assert target.id in text
    assert "not fitted" in text and "hohhot-2023-peoples-mediation-amount" in text
    for png in ("report_targets", "report_marginals", "report_convergence", "report_screening"):
        assert (report / f"{png}.png").read_bytes()[:4] == b"\x89PNG"
    trials = (report / "trials.csv").read_text().splitlines()
    phases = [line.split(",")[1] for line in trials[1:]]
    assert phases[:3] == ["explore"] * 3 and phases[-2:] == ["uncertainty"] * 2
    assert "refine" in phases
    # Running the finished calibration again adds no trial and no run.
    runs = (tmp_path / "work" / "runs.jsonl").read_text()
    assert main([*args[:1], "fit", *args[2:]]) == 0
    assert (report / "trials.csv").read_text().splitlines() == trials
    assert (tmp_path / "work" / "runs.jsonl").read_text() == runs
    # The fitted file works as a scenario's calibration and sets the fitted values.
    scenario_file = tmp_path / "city.toml"
    scenario_file.write_text(f'calibration = "{tmp_path / "fitted.toml"}"\n')
    calibrated = load_scenario(scenario_file)
    uncalibrated = load_scenario(scenario_file, use_calibration=False)
    assert calibrated != uncalibrated
    assert calibrated.calibration and uncalibrated.calibration is None


def test_fit_resumes_after_a_kill_without_rerunning(tmp_path):
    base = [
        "calibrate",
        "--reps",
        "1",
        "--morris-trajectories",
        "1",
        "--refine",
        "0",
        "--uncertainty",
        "0",
        *TINY,
        *_dirs(tmp_path),
    ]
    assert main([*base[:1], "screen", *base[1:]]) == 0
    assert main([*base[:1], "fit", "--trials", "2", *base[1:]]) == 0
    # A kill in mid-trial leaves a RUNNING trial in the journal.
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    storage = JournalStorage(JournalFileBackend(str(tmp_path / "work" / "study.journal")))
    study = optuna.load_study(study_name="fit", storage=storage)
    study.ask()
    assert main([*base[:1], "fit", "--trials", "4", *base[1:]]) == 0
    rows = (tmp_path / "report" / "trials.csv").read_text().splitlines()[1:]
    assert len(rows) == 4
    lines = (tmp_path / "work" / "runs.jsonl").read_text().splitlines()
    keys = [json.loads(line)["key"] for line in lines]
    assert len(keys) == len(set(keys))  # no run done twice


def test_fit_refuses_a_work_folder_of_other_settings(tmp_path):
    base = [
        "calibrate",
        "--reps",
        "1",
        "--morris-trajectories",
        "1",
        "--refine",
        "0",
        "--uncertainty",
        "0",
        *TINY,
        *_dirs(tmp_path),
    ]
    assert main([*base[:1], "screen", *base[1:]]) == 0
    assert main([*base[:1], "fit", "--trials", "1", *base[1:]]) == 0
    assert main(["calibrate", "fit", "--trials", "1", "--reps", "2", *TINY, *_dirs(tmp_path)]) == 2


def test_bad_calibrate_arguments_exit_2(tmp_path, capsys):
    assert main(["calibrate", "fit", "--trials", "0", *_dirs(tmp_path)]) == 2
    assert "--trials" in capsys.readouterr().err
    assert main(["calibrate", "fit", "--trials", "1", *TINY, *_dirs(tmp_path)]) == 2
    assert "screening" in capsys.readouterr().err


def test_broken_calibration_file_is_reported(tmp_path):
    fitted = tmp_path / "fitted.toml"
    fitted.write_text("[overrides.court]\np_court_mediation = 2.0\n")
    scenario_file = tmp_path / "city.toml"
    scenario_file.write_text('calibration = "fitted.toml"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenario_file)
    assert "fitted.toml" in str(err.value) and "court.p_court_mediation" in str(err.value)
    scenario_file.write_text('calibration = "missing.toml"\n')
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(scenario_file)


def test_default_preset_uses_the_committed_calibration():
    scenario = load_scenario()
    assert scenario.calibration == "hohhot-2023"
    assert calibration_path(scenario.calibration).is_file()
    assert scenario != load_scenario(use_calibration=False)


@pytest.mark.slow
def test_default_scenario_meets_every_target_over_ten_replications():
    """VALIDATION against the published figures: the calibrated default scenario, run with
    ten seeds the fit never used, meets every calibration target within its tolerance."""
    settings = Settings()
    scenario = load_scenario()
    rows = Evaluator(None, progress=False).run([(scenario, s) for s in settings.check_seeds()])
    misses = {}
    for target in settings.targets:
        mean = sum(r[target.output] for r in rows) / len(rows)
        if abs(target.z(mean)) > 1:
            misses[target.id] = (mean, target.value)
    assert not misses, misses
