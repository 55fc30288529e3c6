"""The benchmark command and its bare-SimPy yardstick (no timing is asserted)."""

from __future__ import annotations

import numpy as np

from sim.bench.replay import _plan, replay_seconds
from sim.cli import main
from sim.engine.model import DisputeModel


def test_bare_replay_carries_the_same_flow(small_scenario, small_run):
    plan = _plan(small_run.cases, small_run.stays)
    visits = [v for _, dispute_visits, _, _ in plan for v in dispute_visits]
    assert len(visits) == small_run.stays.num_rows  # every stay, once
    court = np.isfinite(small_run.cases.column("court_day").to_numpy(zero_copy_only=False))
    assert sum(c is not None for _, _, c, _ in plan) == court.sum()  # every court case
    assert min(start for start, *_ in plan) == 0.0
    model = DisputeModel(small_scenario, seed=11)
    staff = {c.index: len(c.mediators) for c in model.centres}
    seconds, events = replay_seconds(
        small_run.cases, small_run.stays, small_scenario, staff, model.network.staff.court_mediators
    )
    assert seconds > 0 and events > len(visits)


def test_bench_command_runs_small(capsys):
    assert main(["bench", "--repeats", "1", "--scale", "0.02", "--scales", "0.02"]) == 0
    out = capsys.readouterr().out
    assert "model / bare SimPy" in out and "scale  0.02" in out


def test_bench_rejects_bad_scales(capsys):
    assert main(["bench", "--scales", "half,1"]) == 2
    assert "--scales" in capsys.readouterr().err
