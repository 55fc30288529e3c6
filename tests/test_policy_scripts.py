"""Paired comparisons and the planners' scripts in sim/scenarios/.

The statistics are checked against scipy's paired t-test (an independent computation);
each script runs end to end at a small scale and leaves its table, runs and figure.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from sim.analysis.paired import format_table, paired_differences, t_quantile_975
from sim.report.paired_plot import differences_figure
from sim.results.outcomes import with_costs

SCRIPTS = Path(__file__).resolve().parent.parent / "sim" / "scenarios"
SMALL = ["--scale", "0.05", "--days", "30", "--reps", "2", "--executor", "serial"]


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"script_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def runs_table(rng) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    seeds = np.arange(1, 9)
    base = rng.normal(10, 3, len(seeds))  # large between-seed noise ...
    policy = base + 0.5 + rng.normal(0, 0.1, len(seeds))  # ... small paired effect
    table = pa.table(
        {
            "policy": ["base"] * 8 + ["new"] * 8,
            "seed": np.r_[seeds, seeds[::-1]],  # order must not matter
            "x": np.r_[base, policy[::-1]],
        }
    )
    return table, base, policy


def test_paired_interval_matches_scipy_paired_t_test():
    stats = pytest.importorskip("scipy.stats")
    table, base, policy = runs_table(np.random.default_rng(3))
    row = paired_differences(table, "base", ["x"]).to_pylist()[0]
    reference = stats.ttest_rel(policy, base).confidence_interval(0.95)
    assert row["difference"] == pytest.approx(np.mean(policy - base))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((reference.low, reference.high))
    assert row["ci_low"] > 0  # pairing finds the effect the between-seed noise would hide
    assert row["n"] == 8


def test_t_quantile_fallback_is_close_to_scipy(monkeypatch):
    stats = pytest.importorskip("scipy.stats")
    import sys

    exact = {df: stats.t.ppf(0.975, df) for df in (1, 2, 3, 5, 9, 30, 31, 60, 200)}
    monkeypatch.setitem(sys.modules, "scipy.stats", None)  # as without scipy
    for df, value in exact.items():
        assert t_quantile_975(df) == pytest.approx(value, rel=1e-3)


def test_means_use_only_seeds_where_both_policies_are_defined():
    table = pa.table(
        {
            "policy": ["base"] * 3 + ["new"] * 3,
            "seed": [1, 2, 3] * 2,
            "x": [1.0, 10.0, 1.0, 2.0, float("nan"), 2.0],
        }
    )
    row = paired_differences(table, "base", ["x"]).to_pylist()[0]
    assert (row["n"], row["baseline_mean"], row["policy_mean"], row["difference"]) == (
        2,
        1.0,
        2.0,
        1.0,
    )


def test_one_replication_has_no_interval():
    table = pa.table({"policy": ["base", "new"], "seed": [1, 1], "x": [1.0, 2.0]})
    row = paired_differences(table, "base", ["x"]).to_pylist()[0]
    assert row["difference"] == 1.0 and np.isnan(row["ci_low"])
    assert "n/a" in format_table(paired_differences(table, "base", ["x"]))


def test_differences_figure_has_a_panel_per_outcome_and_a_row_per_policy():
    rows = [
        {
            "policy": p,
            "outcome": o,
            "n": 5,
            "baseline_mean": 1.0,
            "policy_mean": 1.2,
            "difference": 0.2,
            "ci_low": 0.1,
            "ci_high": 0.3,
        }
        for p in ("A", "B")
        for o in ("mean_wait_days", "court_cases", "petitions")
    ]
    fig = differences_figure(pa.Table.from_pylist(rows), "title", "base")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 3
    assert panels[0].get_title() == "wait for a session, mean days"
    for ax in panels:
        assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
        assert len(ax.lines) == 2 * 2 + 1  # interval and point per policy, and the zero line
    plt.close(fig)


@pytest.mark.parametrize(
    "name, policies, options",
    [
        ("staffing", 4, []),
        ("time_limits", 3, []),
        ("departments", 4, []),
        ("new_community_rooms", 3, ["--rural-room-share", "0.8"]),
        ("grid_patrols", 3, []),
    ],
)
def test_script_runs_at_small_scale(name, policies, options, tmp_path, capsys):
    script = load_script(name)
    out = tmp_path / name
    assert script.run([*SMALL, *options, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "paired over 2 replications" in printed and "95% interval" in printed
    assert "intervals are wide" in printed  # 2 replications: the table says so
    runs = pq.read_table(out / "runs.parquet")
    day = np.array(pq.read_table(out / "daily.parquet").column("day").to_pylist())
    assert (day >= 0).sum() == policies * 2 * 30  # and the warm-up before day 0
    assert set(pq.read_table(out / "places.parquet").column("policy").to_pylist()) == set(
        runs.column("policy").to_pylist()
    )
    assert runs.num_rows == policies * 2
    assert runs.column("seed").to_pylist() == [1, 2] * policies
    differences = pacsv.read_csv(out / "differences.csv")
    # every comparison shows the cost too (sim.results.outcomes.with_costs)
    assert differences.num_rows == (policies - 1) * len(with_costs(script.OUTCOMES))
    assert (out / "differences.png").stat().st_size > 10_000
    hidden = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert hidden == [".dispute-sim.json"]  # the tool's marker, no temporary files


def test_script_refuses_bad_values(tmp_path, capsys):
    script = load_script("new_community_rooms")
    code = script.run([*SMALL, "--rural-room-share", "1.5", "--out", str(tmp_path / "x")])
    assert code == 2
    assert "--rural-room-share" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
