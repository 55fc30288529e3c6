"""Output folders never destroy anything: every way of pointing a command at a place that
holds a planner's files is refused before anything runs, and those files are still there
byte for byte; the tool's own earlier results are replaced only with --force (or in a
command's default folder), and then only the files the tool wrote."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from sim.cli import EXIT_BAD_INPUT, main
from sim.output_folder import MARKER

QUICK = ["--scale", "0.02", "--days", "5", "--quiet"]


def snapshot(root: Path) -> dict[str, str]:
    """Every entry below ``root``: its kind and, for files, the hash of its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = "link"
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = "special"
    return found


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A planner's project folder, the working folder, with a scenario and notes in it."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "city.toml").write_text('name = "city"\n')
    (root / "targets.toml").write_text(
        '[[target]]\nid = "r"\ncounts = "received_at_centres"\nvalue = 900\nyear = 2024\n'
    )
    (root / "notes.txt").write_text("the planner's own notes\n")
    (root / "data").mkdir()
    (root / "data" / "budget.xlsx").write_bytes(b"PK\x03\x04 not really excel")
    monkeypatch.chdir(root)
    return root


def refused(argv: list[str], root: Path, capsys, expected: str) -> str:
    """Run the command; it must exit 2 naming ``expected`` and leave ``root`` untouched."""
    before = snapshot(root.parent)
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error:") and expected in err, err
    assert "Traceback" not in err
    assert snapshot(root.parent) == before
    return err


@pytest.mark.parametrize(
    "out, expected",
    [
        ("data", "holds files this tool did not write (budget.xlsx)"),  # a planner's folder
        (".", "working folder or a folder above it"),
        ("..", "working folder or a folder above it"),
        ("newdir/..", "working folder or a folder above it"),
        ("notes.txt", "exists and is not a folder"),
        ("notes.txt/sub", "notes.txt is a file, not a folder"),
        ("x" * 300, "longer than 255 bytes"),
        ("", "not a usable folder name"),
    ],
)
def test_run_refuses_folders_that_are_not_its_own(project, capsys, out, expected):
    refused(["run", "city.toml", "--out", out, *QUICK], project, capsys, expected)


def test_run_refuses_the_folder_holding_its_scenario(project, capsys, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "s.toml").write_text('name = "s"\n')
    refused(
        ["run", str(inputs / "s.toml"), "--out", str(inputs), *QUICK],
        project,
        capsys,
        "holds an input of this command",
    )


def test_run_refuses_the_folder_holding_its_communities_csv(project, capsys):
    csv = (Path(__file__).parent / "data" / "one_centre.csv").read_text()
    (project / "geo").mkdir()
    (project / "geo" / "g.csv").write_text(csv)
    (project / "g.toml").write_text('[geography]\nsource = "csv"\ncsv_path = "geo/g.csv"\n')
    refused(
        ["run", "g.toml", "--out", "geo", *QUICK], project, capsys, "holds an input of this command"
    )


def test_run_refuses_a_fifo_without_hanging(project, capsys):
    os.mkfifo(project / "pipe")
    refused(
        ["run", "city.toml", "--out", "pipe", *QUICK], project, capsys, "exists and is not a folder"
    )


def test_run_refuses_a_symlink(project, capsys):
    (project / "link").symlink_to(project / "data")
    refused(
        ["run", "city.toml", "--out", "link", *QUICK], project, capsys, "exists and is not a folder"
    )


def test_rerun_into_a_named_folder_needs_force_and_keeps_other_files(project, capsys):
    assert main(["run", "city.toml", "--out", "res", *QUICK]) == 0
    (project / ".res.old").mkdir()  # a planner's folder that the old code deleted
    (project / ".res.old" / "keep.txt").write_text("mine")
    (project / "res" / "my-notes.md").write_text("what I saw")
    refused(
        ["run", "city.toml", "--out", "res", *QUICK], project, capsys, "add --force to replace them"
    )
    before = snapshot(project / "res")
    assert main(["run", "city.toml", "--out", "res", "--force", "--seed", "4", *QUICK]) == 0
    after = snapshot(project / "res")
    assert after["my-notes.md"] == before["my-notes.md"]
    assert after["summary.parquet"] != before["summary.parquet"]  # another seed
    assert (project / ".res.old" / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == [".res.old"]


def test_force_refuses_to_overwrite_a_planner_file_of_the_same_name(project, capsys):
    assert main(["run", "city.toml", "--out", "res", *QUICK]) == 0
    marker = json.loads((project / "res" / MARKER).read_text())
    marker["files"].remove("overview.png")  # as if the planner had made overview.png
    (project / "res" / MARKER).write_text(json.dumps(marker))
    refused(
        ["run", "city.toml", "--out", "res", "--force", *QUICK],
        project,
        capsys,
        "same name that this tool did not write (overview.png)",
    )


def test_default_folder_is_replaced_without_force(project, capsys):
    assert main(["run", "city.toml", *QUICK]) == 0
    default = project / "outputs" / "city-seed1-scale0.02"
    (default / "mine.txt").write_text("kept")
    assert main(["run", "city.toml", *QUICK, "--seed", "1"]) == 0
    assert (default / "mine.txt").read_text() == "kept"


def test_a_failed_run_leaves_nothing_behind(project, capsys, monkeypatch):
    import sim.results.simulation

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in the model")

    monkeypatch.setattr(sim.results.simulation, "simulate", broken)
    before = snapshot(project.parent)
    assert main(["run", "city.toml", "--out", "deep/new/res", *QUICK]) == 1
    err = capsys.readouterr().err
    assert "unexpected failure" in err and "Traceback" not in err
    assert snapshot(project.parent) == before  # not even the parent folders


def test_compare_refuses_a_folder_with_other_files(project, capsys):
    assert main(["run", "city.toml", "--out", "res", *QUICK]) == 0
    refused(
        ["compare", "res", "--out", "data"], project, capsys, "holds files this tool did not write"
    )
    refused(["compare", "res", "--out", "res"], project, capsys, "holds")


def test_validate_refuses_a_folder_with_other_files(project, capsys):
    refused(
        ["validate", "--reps", "2", "--out", "data"],
        project,
        capsys,
        "holds files this tool did not write",
    )


def test_planner_script_refuses_a_folder_with_other_files(project, capsys):
    from sim.scenarios import time_limits

    before = snapshot(project.parent)
    assert (
        time_limits.run(
            [
                "--scenario",
                "city.toml",
                "--reps",
                "1",
                "--out",
                "data",
                "--scale",
                "0.02",
                "--days",
                "5",
            ]
        )
        == EXIT_BAD_INPUT
    )
    assert "holds files this tool did not write" in capsys.readouterr().err
    assert snapshot(project.parent) == before


SPEC = """name = "{name}"
base = "city.toml"
[run]
scale = 0.02
days = 5
[[factor]]
key = "handling.attempts_per_level"
values = [1, 2]
"""


@pytest.mark.parametrize("name", ["../escape", "/tmp/abs", "", ".", "..", ".hidden", "a/b"])
def test_sweep_names_cannot_leave_outputs(project, capsys, name):
    (project / "spec.toml").write_text(SPEC.format(name=name))
    refused(
        ["sweep", "spec.toml", "--executor", "serial", "--quiet"], project, capsys, "spec.toml.name"
    )


def test_sweep_refuses_a_foreign_folder_and_replaces_its_own_only_with_force(project, capsys):
    (project / "spec.toml").write_text(SPEC.format(name="s"))
    refused(
        ["sweep", "spec.toml", "--out", "data", "--executor", "serial", "--quiet"],
        project,
        capsys,
        "holds files this tool did not write",
    )
    assert main(["sweep", "spec.toml", "--out", "store", "--executor", "serial", "--quiet"]) == 0
    (project / "store" / "mine.txt").write_text("kept")
    (project / "spec.toml").write_text(SPEC.format(name="s").replace("[1, 2]", "[1, 3]"))
    refused(
        ["sweep", "spec.toml", "--out", "store", "--executor", "serial", "--quiet"],
        project,
        capsys,
        "add --force",
    )
    assert (
        main(["sweep", "spec.toml", "--out", "store", "--executor", "serial", "--quiet", "--force"])
        == 0
    )
    assert (project / "store" / "mine.txt").read_text() == "kept"


def test_sensitivity_refuses_broken_manifests(project, capsys):
    (project / "store").mkdir()
    (project / "store" / MARKER).write_text(
        json.dumps({"written_by": "dispute-sim", "kind": "sweep", "files": ["manifest.json"]})
    )
    for text, expected in (
        ("{not json", "cannot read the sweep's manifest"),
        ("[1, 2]", "not a sweep manifest"),
        ('{"sweep": "x"}', "not a sweep manifest"),
    ):
        (project / "store" / "manifest.json").write_text(text)
        refused(["sensitivity", "store", "--outcome", "court_cases"], project, capsys, expected)
    refused(
        ["sensitivity", "data", "--outcome", "court_cases"], project, capsys, "not a sweep store"
    )


def test_calibrate_refuses_foreign_folders_and_files(project, capsys):
    own = ["--scenario", "city.toml", "--targets", "targets.toml", "--fitted-file", "f.toml"]
    refused(
        ["calibrate", "screen", *own, "--work-dir", "data", "--report-dir", "r"],
        project,
        capsys,
        "--work-dir data: holds files this tool did not write",
    )
    refused(
        ["calibrate", "screen", *own, "--report-dir", "data", "--work-dir", "w"],
        project,
        capsys,
        "--report-dir data",
    )
    refused(
        [
            "calibrate",
            "screen",
            "--scenario",
            "city.toml",
            "--targets",
            "targets.toml",
            "--fitted-file",
            "notes.txt",
            "--work-dir",
            "w",
            "--report-dir",
            "r",
        ],
        project,
        capsys,
        "--fitted-file notes.txt: exists and was not written by this tool",
    )
    refused(
        ["calibrate", "screen", *own, "--work-dir", "w", "--report-dir", "w"],
        project,
        capsys,
        "give two folders",
    )


def test_calibrate_needs_force_to_replace_the_shipped_calibration(project, capsys):
    refused(
        ["calibrate", "screen", "--from-scratch", "--work-dir", "w"],
        project,
        capsys,
        "add --force",
    )


@pytest.mark.parametrize(
    "kind_files, command",
    [
        ({"manifest.json": '{"name": "my web app"}'}, ["run", "city.toml", "--force"]),
        ({"validation.csv": "my,own,table\n"}, ["validate", "--reps", "2", "--force"]),
        ({"runs.jsonl": "my log\n"}, None),
    ],
)
def test_a_planner_file_with_a_name_the_tool_uses_is_not_taken_for_the_tools(
    project, capsys, kind_files, command
):
    (project / "mine").mkdir()
    for name, text in kind_files.items():
        (project / "mine" / name).write_text(text)
    if command is None:
        command = [
            "calibrate",
            "screen",
            "--scenario",
            "city.toml",
            "--targets",
            "targets.toml",
            "--fitted-file",
            "f.toml",
            "--report-dir",
            "r",
            "--work-dir",
        ]
        refused([*command, "mine"], project, capsys, "holds files this tool did not write")
        return
    refused(
        [*command, "--out", "mine", *QUICK[:-1]],
        project,
        capsys,
        "holds files this tool did not write",
    )


def test_out_through_a_new_folder_and_back_is_the_folder_it_names(project, capsys):
    refused(
        ["run", "city.toml", "--out", "data/newdir/..", *QUICK],
        project,
        capsys,
        "holds files this tool did not write",
    )


def test_compare_refuses_to_write_inside_an_input_folder(project, capsys):
    assert main(["run", "city.toml", "--out", "res", *QUICK]) == 0
    refused(
        ["compare", "res", "--out", "res/report"],
        project,
        capsys,
        "lies inside an input of this command",
    )


def test_an_interrupted_replacement_puts_the_earlier_results_back(project, capsys, monkeypatch):
    assert main(["run", "city.toml", "--out", "res", *QUICK]) == 0
    (project / "res" / "mine.txt").write_text("kept")  # so files move one by one
    before = snapshot(project)
    real_rename = Path.rename
    calls = {"n": 0}

    def flaky(self, target):
        calls["n"] += 1
        if calls["n"] == 6:  # part-way through moving the new files in
            raise KeyboardInterrupt
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", flaky)
    assert main(["run", "city.toml", "--out", "res", "--force", "--seed", "7", *QUICK]) == 130
    monkeypatch.setattr(Path, "rename", real_rename)
    assert snapshot(project) == before


def test_sweep_force_keeps_a_planners_files_inside_the_store(project, capsys):
    (project / "spec.toml").write_text(SPEC.format(name="s"))
    assert main(["sweep", "spec.toml", "--out", "store", "--executor", "serial", "--quiet"]) == 0
    (project / "store" / "runs" / "notes.ipynb").write_text("analysis")
    (project / "spec.toml").write_text(SPEC.format(name="s").replace("[1, 2]", "[1, 3]"))
    assert (
        main(["sweep", "spec.toml", "--out", "store", "--executor", "serial", "--quiet", "--force"])
        == 0
    )
    assert (project / "store" / "runs" / "notes.ipynb").read_text() == "analysis"


def test_an_older_report_folder_is_recognised(project, capsys):
    assert main(["run", "city.toml", "--out", "res", *QUICK]) == 0
    assert main(["compare", "res", "--out", "rep"]) == 0
    (project / "rep" / MARKER).unlink()  # as written before the marker existed
    assert main(["compare", "res", "--out", "rep", "--force"]) == 0


def test_csv_error_does_not_echo_a_system_file(project, capsys):
    (project / "g.toml").write_text('[geography]\nsource = "csv"\ncsv_path = "/etc/passwd"\n')
    err = refused(["run", "g.toml", "--out", "res", *QUICK], project, capsys, "missing column(s)")
    assert "root" not in err and "/bin/" not in err
