"""A scaled-down default run through the command line writes every promised file."""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from sim.cli import main
from sim.results.records import read_manifest


def test_scaled_default_run_writes_outputs(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--scale", "0.05", "--seed", "3", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "disputes received by the centres" in printed and "centre resolution rate" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".dispute-sim.json",
        "areas.parquet",
        "cases.parquet",
        "centres.parquet",
        "daily.parquet",
        "manifest.json",
        "overview.png",
        "places.parquet",
        "stays.parquet",
        "summary.parquet",
    ]
    summary = pq.read_table(out / "summary.parquet")
    assert summary.num_rows == 1
    daily = pq.read_table(out / "daily.parquet")
    days = daily.column("day").to_pylist()
    assert days == list(range(-365, 365))  # warm-up days are negative
    manifest = read_manifest(out / "cases.parquet")
    assert manifest["seed"] == 3 and manifest["scenario"]["run"]["scale"] == 0.05
    assert manifest == json.loads((out / "manifest.json").read_text())
    assert (out / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_rerun_needs_force_and_replaces_only_the_tools_files(tmp_path):
    out = tmp_path / "run"
    args = ["run", "--scale", "0.02", "--days", "30", "--out", str(out), "--quiet"]
    assert main(args) == 0
    (out / "notes.txt").write_text("a planner's notes")
    (out / "summary.parquet").write_bytes(b"stale")
    assert main(args) == 2  # an earlier run's folder: replaced only when asked
    assert (out / "summary.parquet").read_bytes() == b"stale"
    assert main([*args, "--force", "--seed", "2"]) == 0
    assert (out / "notes.txt").read_text() == "a planner's notes"
    assert pq.read_table(out / "summary.parquet").num_rows == 1
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert not [p for p in tmp_path.iterdir() if p.name != "run"]  # no staging or backup


def test_presets_listed(capsys):
    assert main(["presets"]) == 0
    assert "hohhot-2023" in capsys.readouterr().out


def test_levers_lists_every_planner_key(capsys):
    from sim.cli import main

    assert main(["levers"]) == 0
    out = capsys.readouterr().out
    for key in (
        "staffing.mediators_by_level",
        "placement.rooms_opened",
        "departments",
        "handling.whistle_types",
        "roving.teams_per_county",
        "follow_up.p_follow_up",
    ):
        assert f"\n{key} = " in f"\n{out}"
    assert "arrivals.incidence_per_10k_per_year" not in out  # context, not a lever
