"""The benchmark command and its bare-SimPy yardstick (no timing is asserted)."""

from __future__ import annotations

from sim.cli import main
from sim.model import DisputeModel
from sim.replay import replay_seconds


def test_bare_replay_carries_the_same_flow(small_scenario, small_run):
    model = DisputeModel(small_scenario, seed=11)
    staff = {c.index: len(c.mediators) for c in model.centres}
    seconds, events = replay_seconds(small_run.cases, small_run.stays, small_scenario, staff,
                                     model.staff.court_mediators)
    assert seconds > 0
    # The replay has the run's stays, sessions and court cases, so about as many events.
    assert 0.7 < events / small_run.manifest["simpy_events"] < 1.3


def test_bench_command_runs_small(capsys):
    assert main(["bench", "--repeats", "1", "--scale", "0.02", "--scales", "0.02"]) == 0
    out = capsys.readouterr().out
    assert "model / bare SimPy" in out and "scale  0.02" in out


def test_bench_rejects_bad_scales(capsys):
    assert main(["bench", "--scales", "half,1"]) == 2
    assert "--scales" in capsys.readouterr().err
