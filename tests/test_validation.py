"""Presets of every system in the articles, and `sim validate` against the published
figures (role "validate", never fitted)."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest

from sim.analysis.validation import _judge, load_figures, markdown, validate
from sim.cli import main
from sim.results.simulation import simulate
from sim.scenario_loader import load_scenario, preset_names

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "published_figures.toml"
PRESETS = (
    "hohhot-2023",
    "hohhot-2025",
    "karamay",
    "otog-banner",
    "shanxi-nancheng",
    "shanxi-qincunbei",
)


def test_every_article_system_has_a_preset_citing_its_sources():
    assert set(PRESETS) <= set(preset_names())
    for name in PRESETS:
        text = (
            Path(__file__).resolve().parent.parent / "sim" / "scenarios" / f"{name}.toml"
        ).read_text()
        assert "seeds/" in text or "source" in text.lower()  # sources are cited
        assert load_scenario(name).calibration == "hohhot-2023"


@pytest.mark.parametrize("name", PRESETS)
def test_preset_runs_at_small_scale(name):
    scenario = load_scenario(name, {"run": {"scale": 0.1, "days": 20, "warmup_days": 10}})
    summary = simulate(scenario, seed=1).summary.to_pylist()[0]
    assert summary["n_arisen"] > 0


def test_every_validate_figure_is_listed_once():
    if not SHARED.exists():
        pytest.skip("shared/published_figures.toml is not beside the repository")
    with SHARED.open("rb") as fh:
        published = tomllib.load(fh)
    records = next(v for v in published.values() if isinstance(v, list))
    wanted = {r["id"]: r["value"] for r in records if r.get("role") == "validate"}
    listed = load_figures()
    assert sorted(f["id"] for f in listed) == sorted(wanted)
    for f in listed:
        assert f["value"] == wanted[f["id"]]
        assert ("output" in f) != ("why_none" in f)  # predicted, or says why not
        if "output" in f:
            assert f["preset"] in PRESETS and f.get("if_missed")


def test_bands():
    assert _judge({"value": 100, "band_relative": 0.25}, 124.0)[0]
    assert not _judge({"value": 100, "band_relative": 0.25}, 126.0)[0]
    assert _judge({"value": 0.9, "band_absolute": 0.03}, 0.875)[0]
    assert not _judge({"value": 0.9, "band_absolute": 0.03}, 0.86)[0]
    assert _judge({"value": 20000, "bound": "at_least"}, 20001.0)[0]
    assert not _judge({"value": 20000, "bound": "at_least"}, 19999.0)[0]


def test_validation_table_from_a_small_run():
    table = validate(reps=2, days=30, scale=0.1, executor="serial", progress=False)
    rows = table.to_pylist()
    assert len(rows) == len(load_figures())
    for r in rows:
        assert r["verdict"] in ("within", "miss", "not predicted")
        assert math.isfinite(r["predicted"]) == (r["verdict"] != "not predicted")
        assert r["reason"]  # a note, the likely reason of a miss, or why not predicted
    text = markdown(table)
    assert text.count("\n| ") == len(rows) + 1


def test_validate_command_writes_its_files(tmp_path):
    out = tmp_path / "val"
    assert (
        main(
            [
                "validate",
                "--reps",
                "2",
                "--days",
                "20",
                "--scale",
                "0.1",
                "--preset",
                "shanxi-qincunbei",
                "--executor",
                "serial",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        ".dispute-sim.json",
        "validation.csv",
        "validation.md",
        "validation.png",
    ]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--preset", "atlantis"], "no validation figure uses it"),
        (["--reps", "1"], "--reps 1"),
    ],
)
def test_validate_bad_input(argv, expected, tmp_path, capsys):
    out = tmp_path / "val"
    assert main(["validate", *argv, "--days", "10", "--out", str(out)]) == 2
    assert expected in capsys.readouterr().err
    assert not out.exists()
