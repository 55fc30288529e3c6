"""The model hash changes with exactly the source that decides results (sim.provenance)."""

from __future__ import annotations

import shutil

import pytest

from sim import provenance


@pytest.fixture
def package_copy(tmp_path):
    root = tmp_path / "sim"
    shutil.copytree(provenance.PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _touch(path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# whitespace\n", encoding="utf-8")


def test_copy_hashes_like_the_package(package_copy):
    assert provenance.source_hash(package_copy) == provenance.model_source_hash()


@pytest.mark.parametrize(
    "edited",
    [
        "results/outcomes.py",
        "report/style.py",
        "report/overview_plot.py",
        "cli.py",
        "sweeps/store.py",
        "calibrate/report.py",
        "analysis/paired.py",
        "bench/benchmark.py",
    ],
)
def test_edits_outside_the_model_keep_the_hash(package_copy, edited):
    before = provenance.source_hash(package_copy)
    _touch(package_copy / edited)
    assert provenance.source_hash(package_copy) == before


@pytest.mark.parametrize(
    "edited",
    [
        "input_files.py",
        "engine/model.py",
        "agents/centre.py",
        "city/staffing.py",
        "config.py",
        "domain.py",
        "results/metrics.py",
        "scenarios/otog-banner.toml",
    ],
)
def test_edits_to_the_model_change_the_hash(package_copy, edited):
    before = provenance.source_hash(package_copy)
    _touch(package_copy / edited)
    assert provenance.source_hash(package_copy) != before


def test_preset_files_stay_out_of_the_calibration_key(package_copy):
    before = provenance.source_hash(package_copy, presets=False)
    _touch(package_copy / "scenarios/fitted/hohhot-2023.toml")
    assert provenance.source_hash(package_copy, presets=False) == before
    assert provenance.source_hash(package_copy) != provenance.model_source_hash()
