"""A planner's own scenario runs calibrated unless it says otherwise, and says so when not.

Validation against the shipped files: the calibrated values a planner's file gets are the
ones in sim/scenarios/fitted/hohhot-2023.toml, read independently here.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from sim.cli import main
from sim.config import Scenario
from sim.scenario_loader import PRESET_DIR, ScenarioError, load_scenario

FITTED = tomllib.loads((PRESET_DIR / "fitted" / "hohhot-2023.toml").read_text("utf-8"))
FITTED_LOGITS = FITTED["overrides"]["handling"]["success_logit_by_level"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_planners_file_builds_on_the_default_preset_and_its_calibration(tmp_path):
    path = _write(tmp_path, "city", 'name = "city"\n[staffing]\nmediators_total = 3000\n')
    scenario = load_scenario(path)
    assert scenario.base == "hohhot-2023"
    assert scenario.calibration == "hohhot-2023"
    assert scenario.handling.success_logit_by_level == FITTED_LOGITS
    assert scenario.staffing.mediators_total == 3000  # the file's own keys lie on top


@pytest.mark.parametrize("written", ["hohhot-2023", "fitted/hohhot-2023.toml"])
def test_the_shipped_calibration_is_found_by_name_from_any_folder(tmp_path, written):
    path = _write(tmp_path, "named", f'calibration = "{written}"\n')
    assert load_scenario(path).handling.success_logit_by_level == FITTED_LOGITS


def test_calibration_none_runs_the_model_defaults(tmp_path):
    path = _write(tmp_path, "raw", 'calibration = "none"\n')
    scenario = load_scenario(path)
    assert scenario.calibration is None
    assert scenario.handling.success_logit_by_level == Scenario().handling.success_logit_by_level


def test_base_inherits_another_presets_structure(tmp_path):
    path = _write(tmp_path, "k", 'base = "karamay"\n[geography]\nn_communities = 120\n')
    scenario = load_scenario(path)
    karamay = load_scenario("karamay")
    assert scenario.geography.population == karamay.geography.population
    assert scenario.geography.n_communities == 120
    assert scenario.name == "k"  # the preset's name and description are not inherited


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('base = "hohot-2023"\n', ["base", "karamay", "hohhot-2023"]),
        ('calibration = "nosuch"\n', ["calibration", "nosuch", "hohhot-2023", '"none"']),
        ("calibration = 3\n", ["calibration", "shipped"]),
    ],
)
def test_a_wrong_base_or_calibration_names_the_choices(tmp_path, text, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, "bad", text))
    for word in words:
        assert word in str(err.value)


def test_an_uncalibrated_run_says_so_on_the_terminal_and_in_its_manifest(tmp_path, capsys):
    raw = _write(tmp_path, "raw", 'name = "raw"\ncalibration = "none"\n')
    tiny = ["--scale", "0.05", "--days", "20", "--quiet"]
    assert main(["run", str(raw), *tiny, "--out", str(tmp_path / "raw-out")]) == 0
    assert "UNCALIBRATED" in capsys.readouterr().err
    manifest = json.loads((tmp_path / "raw-out" / "manifest.json").read_text("utf-8"))
    assert manifest["scenario"]["calibration"] is None

    city = _write(tmp_path, "city", 'name = "city"\n')
    assert main(["run", str(city), *tiny, "--out", str(tmp_path / "city-out")]) == 0
    assert "UNCALIBRATED" not in capsys.readouterr().err
    manifest = json.loads((tmp_path / "city-out" / "manifest.json").read_text("utf-8"))
    assert manifest["scenario"]["calibration"] == "hohhot-2023"
    assert manifest["scenario"]["base"] == "hohhot-2023"
