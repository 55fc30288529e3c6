"""Sweeps: designs, the run store's resumption after a kill, executor equivalence, failure
isolation, bad specs, and sensitivity indices checked on a function with known indices."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.sweeps import runner
from sim.sweeps.designs import _saltelli, design_points
from sim.sweeps.runner import plan, run_sweep
from sim.sweeps.sensitivity import _indices
from sim.sweeps.spec import SpecError, load_spec
from sim.sweeps.store import RunStore
from tests.conftest import comparable

REPO = Path(__file__).resolve().parents[1]
TINY_RUN = "[run]\nscale = 0.02\ndays = 20\n"
FACTORS = """
[[factor]]
key = "staffing.mediators_total"
low = 2000
high = 6000
integer = true
[[factor]]
key = "handling.success_logit_by_level"
name = "success_shift"
transform = "shift"
low = -1.0
high = 1.0
"""


def _spec(
    tmp_path: Path,
    design: str,
    samples: int = 4,
    reps: int = 2,
    extra: str = "",
    factors: str = FACTORS,
) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(
        f'name = "t"\nreplications = {reps}\n[design]\nkind = "{design}"\n'
        f"samples = {samples}\nseed = 3\n{TINY_RUN}{extra}{factors}"
    )
    return path


@pytest.mark.parametrize(
    "design, samples, points",
    [("factorial", 4, 9), ("lhs", 5, 5), ("sobol", 4, 4 * (2 + 2)), ("morris", 3, 3 * 3)],
)
def test_design_sizes_and_common_seeds(tmp_path, design, samples, points):
    spec = load_spec(_spec(tmp_path, design, samples))
    runs = plan(spec)
    assert len(runs) == points * 2
    assert [r["run_id"] for r in runs] == list(range(len(runs)))
    seeds = {}
    for r in runs:
        seeds.setdefault(r["point"], []).append(r["seed"])
    assert all(s == [1, 2] for s in seeds.values())  # the same seeds at every point (CRN)
    for r in runs:
        assert 2000 <= r["staffing.mediators_total"] <= 6000
        assert isinstance(r["staffing.mediators_total"], int)


def test_factorial_crosses_value_lists(tmp_path):
    factors = (
        '[[factor]]\nkey = "handling.attempts_per_level"\nvalues = [1, 2]\n'
        '[[factor]]\nkey = "calendar.kind"\nvalues = ["china", "weekdays", "every_day"]\n'
    )
    spec = load_spec(_spec(tmp_path, "factorial", reps=1, factors=factors))
    points = design_points(spec)
    assert len(points) == 6
    assert {(p["handling.attempts_per_level"], p["calendar.kind"]) for p in points} == {
        (a, k) for a in (1, 2) for k in ("china", "weekdays", "every_day")
    }


def _table(store: RunStore):
    return comparable(store.read_runs().sort_by("run_id").to_pylist())


def test_executors_give_identical_tables(tmp_path):
    pytest.importorskip("distributed")
    spec = load_spec(_spec(tmp_path, "lhs", samples=3))
    serial = run_sweep(spec, tmp_path / "serial", "serial", progress=False)
    pool = run_sweep(spec, tmp_path / "pool", "process", workers=2, progress=False)
    dask = run_sweep(spec, tmp_path / "dask", "dask", workers=2, progress=False)
    assert len(_table(serial)) == 6
    assert _table(serial) == _table(pool) == _table(dask)


def test_killed_sweep_resumes_with_exactly_the_missing_runs(tmp_path):
    spec_path = _spec(tmp_path, "lhs", samples=10, reps=2)
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    command = [
        sys.executable,
        "-m",
        "sim",
        "sweep",
        str(spec_path),
        "--executor",
        "serial",
        "--quiet",
    ]
    env = os.environ | {"PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [*command, "--out", str(killed)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while len(list((killed / "runs").glob("part-*.parquet"))) < 4 and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = len(list((killed / "runs").glob("part-*.parquet")))
    assert 4 <= partial < 20, "the sweep should have been killed part-way"
    assert (
        main(["sweep", str(spec_path), "--out", str(killed), "--executor", "serial", "--quiet"])
        == 0
    )
    assert (
        main(["sweep", str(spec_path), "--out", str(whole), "--executor", "serial", "--quiet"]) == 0
    )
    assert _table(RunStore(killed)) == _table(RunStore(whole))
    assert not [p for p in (killed / "runs").iterdir() if not p.name.startswith("part-")]


def test_failed_runs_are_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    spec = load_spec(_spec(tmp_path, "lhs", samples=3))
    import sim.results.simulation

    real = sim.results.simulation.simulate

    def flaky(scenario, seed=None, progress=None):
        if seed == 2:
            raise RuntimeError("boom")
        return real(scenario, seed=seed, progress=progress)

    monkeypatch.setattr(sim.results.simulation, "simulate", flaky)
    store = run_sweep(spec, tmp_path / "out", "serial", progress=False)
    assert store.read_runs().num_rows == 3 and store.read_errors().num_rows == 3
    assert set(store.read_errors().column("error").to_pylist()) == {"RuntimeError: boom"}
    monkeypatch.setattr(sim.results.simulation, "simulate", real)
    run_sweep(spec, tmp_path / "out", "serial", progress=False)  # failures are not retried
    assert store.read_errors().num_rows == 3
    run_sweep(spec, tmp_path / "out", "serial", retry_failed=True, progress=False)
    assert store.read_runs().num_rows == 6 and store.read_errors().num_rows == 0


@pytest.mark.parametrize(
    "change, complaint",
    [
        ('colour = "red"\n', "unknown key"),
        ('[design]\nkind = "grid"\n', "design.kind"),
        ('[[factor]]\nkey = "staffing.no_such"\nvalues = [1]\n', "staffing.no_such"),
        (
            '[[factor]]\nkey = "court.p_court_mediation"\nvalues = [0.5, 1.5]\n',
            "court.p_court_mediation",
        ),
        ('[[factor]]\nkey = "court.p_court_mediation"\nlow = 0.9\nhigh = 0.5\n', "low < high"),
        ('[[factor]]\nkey = "court.p_court_mediation"\nvalues = [0.5]\nlow = 0.1\n', "either"),
        ("replications = 0\n", "replications"),
    ],
)
def test_bad_spec_is_named_and_writes_nothing(tmp_path, capsys, change, complaint):
    head = 'name = "bad"\n' + (change if not change.startswith("[") else "")
    body = change if change.startswith("[") else ""
    if "[[factor]]" not in body:
        body += '[[factor]]\nkey = "handling.attempts_per_level"\nvalues = [1, 2]\n'
    path = tmp_path / "bad.toml"
    path.write_text(head + body)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and complaint in err
    assert not out.exists()


def test_sobol_design_needs_a_power_of_two(tmp_path):
    with pytest.raises(SpecError, match="power of 2"):
        plan(load_spec(_spec(tmp_path, "sobol", samples=6)))


def test_a_store_refuses_another_spec(tmp_path):
    spec = load_spec(_spec(tmp_path, "lhs", samples=2, reps=1))
    run_sweep(spec, tmp_path / "out", "serial", progress=False)
    other = load_spec(_spec(tmp_path, "lhs", samples=3, reps=1))
    with pytest.raises(SpecError, match="another"):
        run_sweep(other, tmp_path / "out", "serial", progress=False)


def test_sobol_indices_of_a_known_function(tmp_path):
    """VALIDATION of the index plumbing: y = u0 + 0.5 u1 (additive, u uniform) has
    first-order indices 0.8 and 0.2, equal to the total ones."""
    spec = load_spec(_spec(tmp_path, "sobol", samples=512, reps=1))
    unit = _saltelli(spec)
    rows = _indices(spec, "y", unit[:, 0] + 0.5 * unit[:, 1])
    s1 = {r["factor"]: r["S1"] for r in rows}
    st = {r["factor"]: r["ST"] for r in rows}
    assert s1["staffing.mediators_total"] == pytest.approx(0.8, abs=0.05)
    assert s1["success_shift"] == pytest.approx(0.2, abs=0.05)
    assert st["staffing.mediators_total"] == pytest.approx(0.8, abs=0.05)


def test_sensitivity_command_on_a_finished_sweep(tmp_path, capsys):
    path = _spec(tmp_path, "morris", samples=2, reps=1)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    assert main(["sensitivity", str(out), "--outcome", "centre_resolution_rate"]) == 0
    assert "mu_star" in capsys.readouterr().out
    assert (out / "sensitivity.csv").exists()
    runs = pq.read_table(out / "runs")  # the folder reads as one dataset
    assert runs.num_rows == 2 * 3 and "centre_resolution_rate" in runs.column_names
    assert np.all(np.isfinite(runs.column("seed").to_numpy()))


def test_runner_payload_turns_a_bad_point_into_a_failed_run(tmp_path):
    spec = load_spec(_spec(tmp_path, "lhs", samples=1, reps=1))
    run = plan(spec)[0] | {"staffing.mediators_total": -5}
    _, row, _ = runner.run_one(runner._payload(run, spec))
    assert "staffing.mediators_total" in row["error"]


@pytest.mark.parametrize("name", ["staffing-and-limits", "context-sobol"])
def test_example_specs_load_and_plan(name):
    spec = load_spec(REPO / "sim" / "scenarios" / "sweeps" / f"{name}.toml")
    runs = plan(spec)
    assert runs and spec.scenario_at({f.name: runs[-1][f.name] for f in spec.factors})


def test_dask_executor_by_scheduler_address(tmp_path):
    distributed = pytest.importorskip("distributed")
    path = _spec(tmp_path, "lhs", samples=2, reps=1)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        assert (
            main(
                [
                    "sweep",
                    str(path),
                    "--out",
                    str(tmp_path / "remote"),
                    "--executor",
                    "dask",
                    "--scheduler",
                    cluster.scheduler_address,
                    "--quiet",
                ]
            )
            == 0
        )
    assert (
        main(
            [
                "sweep",
                str(path),
                "--out",
                str(tmp_path / "serial"),
                "--executor",
                "serial",
                "--quiet",
            ]
        )
        == 0
    )
    assert _table(RunStore(tmp_path / "remote")) == _table(RunStore(tmp_path / "serial"))


def test_declared_outcome_names_are_the_summary_columns(small_run):
    """Sweeps refuse factor names from this list; it must be exactly what a run reports."""
    from sim.results.metrics import OUTCOME_NAMES

    assert tuple(small_run.summary.column_names) == OUTCOME_NAMES
