"""Comparison figures and reports: each figure is built from a small hand-made table and
checked for its content (panels, series, labels); the report is built end to end from a
planner script's output and a sweep; Chinese labels render without missing glyphs."""

from __future__ import annotations

import subprocess
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
import pytest

from sim.cli import main
from sim.report import backlog_plot, map_plot, outcomes_plot, resolution_plot, sweep_plot
from sim.report.style import Language, ReportError, language

EN, ZH = Language("en"), Language("zh")


def assert_png(fig, folder) -> None:
    """Save the figure as its report would and check the file is a real PNG."""
    from sim.report.style import save

    path = save(fig, folder / "figure.png")
    head = path.read_bytes()[:8]
    assert head == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000


POLICIES = ("baseline", "policy")


def runs_table() -> pa.Table:
    rows = []
    for k, policy in enumerate(POLICIES):
        for seed in (1, 2, 3):
            rows.append(
                {
                    "policy": policy,
                    "seed": seed,
                    "centre_resolution_rate": 0.9 + 0.01 * k + 0.001 * seed,
                    "court_cases": 100.0 - 10 * k + seed,
                    "resolved_at_grid": 10.0,
                    "resolved_at_community": 20.0 + k,
                    "resolved_at_court": 30.0,
                    "petitions": 2.0,
                }
            )
    return pa.Table.from_pylist(rows)


def daily_table() -> pa.Table:
    rows = []
    for policy in POLICIES:
        for seed in (1, 2):
            for day in range(-5, 10):
                rows.append(
                    {
                        "policy": policy,
                        "seed": seed,
                        "day": day,
                        "in_community": 1,
                        "in_township": 2,
                        "in_county": seed,
                        "in_city": 0,
                        "in_court": 10 + day,
                    }
                )
    return pa.Table.from_pylist(rows)


def places_and_centres() -> tuple[pa.Table, pa.Table]:
    places = pa.Table.from_pylist(
        [
            {
                "policy": "baseline",
                "community": f"C{k}",
                "x_km": float(k),
                "y_km": float(k % 3),
                "population": 1000 * (k + 1),
                "has_room": k != 4,
                "township_centre": 10,
                "nearest_centre_km": 0.5 if k != 4 else 7.5,
            }
            for k in range(5)
        ]
    )
    centres = pa.Table.from_pylist(
        [
            {
                "policy": "baseline",
                "centre": k,
                "level": "community",
                "x_km": float(k),
                "y_km": float(k % 3),
                "mediators": 2,
                "open": True,
                "roving": False,
            }
            for k in range(4)
        ]
        + [
            {
                "policy": "baseline",
                "centre": 10,
                "level": "township",
                "x_km": 2.0,
                "y_km": 1.0,
                "mediators": 5,
                "open": True,
                "roving": False,
            },
            {
                "policy": "baseline",
                "centre": 11,
                "level": "county",
                "x_km": 3.0,
                "y_km": 3.0,
                "mediators": 5,
                "open": True,
                "roving": False,
            },
        ]
    )
    return places, centres


def test_outcome_intervals_one_panel_per_outcome_one_row_per_policy(tmp_path):
    fig = outcomes_plot.outcome_intervals(
        runs_table(), ["centre_resolution_rate", "court_cases"], EN
    )
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == [
        "centre resolution rate",
        "disputes reaching court",
    ]
    for ax in panels:
        assert [t.get_text() for t in ax.get_yticklabels()] == list(POLICIES)
        assert len(ax.lines) == 2 * len(POLICIES)  # an interval and a mean per policy
    court = panels[1]
    means = sorted(line.get_xdata()[0] for line in court.lines if len(line.get_xdata()) == 1)
    assert means == pytest.approx([92.0, 102.0])
    assert_png(fig, tmp_path)


def test_mean_interval_is_a_t_interval():
    mean, low, high = outcomes_plot.mean_interval(np.array([1.0, 2.0, 3.0, np.nan]))
    assert mean == 2.0 and (high - low) / 2 == pytest.approx(4.303 * 1 / np.sqrt(3), rel=1e-3)


def test_backlog_bands_median_and_band_per_policy(tmp_path):
    fig = backlog_plot.backlog_bands(daily_table(), EN)
    centres, court = fig.axes[:2]
    assert [line.get_label() for line in centres.lines] == list(POLICIES)
    median = centres.lines[0].get_ydata()
    assert np.allclose(median, 1 + 2 + 1.5)  # in_county is 1 and 2 in the two seeds
    assert len(centres.collections) == len(POLICIES)  # one band each
    assert np.allclose(court.lines[0].get_ydata(), 10 + np.arange(-5, 10))
    assert_png(fig, tmp_path)


def test_where_resolved_stacks_every_segment_per_policy(tmp_path):
    fig = resolution_plot.where_resolved(runs_table(), EN)
    ax = fig.axes[0]
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["grid officer", "community", "court mediation", "petition"]
    community = ax.containers[1]
    assert [bar.get_width() for bar in community] == pytest.approx([20.0, 21.0])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(POLICIES)
    assert_png(fig, tmp_path)


def test_map_marks_centres_spokes_and_gaps(tmp_path):
    places, centres = places_and_centres()
    fig = map_plot.placement_map(places, centres, "baseline", EN, gap_km=5.0)
    ax = fig.axes[0]
    labels = [h.get_label() for h in ax.collections]
    assert "served by township centre" in labels
    gap = next(label for label in labels if label.startswith("gap"))
    assert "1 communities" in gap and "5,000 residents" in gap
    assert {"community room", "township centre", "county centre"} <= set(labels)
    spokes = ax.collections[0]
    assert len(spokes.get_segments()) == 5
    assert_png(fig, tmp_path)


def sweep_runs(grid: bool) -> pa.Table:
    rng = np.random.default_rng(1)
    rows = []
    points = (
        [(a, b) for a in (1.0, 2.0, 3.0) for b in (10.0, 20.0)]
        if grid
        else [tuple(p) for p in rng.uniform(0, 1, (12, 2))]
    )
    for point, (a, b) in enumerate(points):
        for rep in range(2):
            rows.append(
                {
                    "run_id": 2 * point + rep,
                    "point": point,
                    "replication": rep,
                    "a": a,
                    "b": b,
                    "court_cases": a * b + rep,
                }
            )
    return pa.Table.from_pylist(rows)


def test_surface_is_a_heat_map_for_a_grid_and_contours_otherwise():
    fig = sweep_plot.outcome_surface(sweep_runs(True), "a", "b", "court_cases", EN)
    ax = fig.axes[0]
    assert len(ax.collections) == 1 and ax.collections[0].get_array().shape == (2, 3)
    values = sorted(float(t.get_text()) for t in ax.texts)
    assert values == pytest.approx(sorted(a * b + 0.5 for a in (1, 2, 3) for b in (10, 20)))
    plt.close(fig)
    fig = sweep_plot.outcome_surface(sweep_runs(False), "a", "b", "court_cases", EN)
    assert len(fig.axes[0].collections) >= 2  # filled contours and the design points
    plt.close(fig)
    with pytest.raises(ReportError, match="'nope'"):
        sweep_plot.outcome_surface(sweep_runs(True), "a", "nope", "court_cases", EN)


def test_sensitivity_bars_first_order_and_total(tmp_path):
    table = pa.Table.from_pylist(
        [
            {
                "outcome": "court_cases",
                "factor": f,
                "S1": s1,
                "S1_conf": 0.05,
                "ST": st,
                "ST_conf": 0.05,
            }
            for f, s1, st in (("a", 0.6, 0.7), ("b", 0.1, 0.2))
        ]
    )
    fig = sweep_plot.sensitivity_bars(table, "court_cases", EN)
    ax = fig.axes[0]
    from matplotlib.container import BarContainer

    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [c.get_label() for c in bars] == ["first-order (S1)", "total (ST)"]
    assert [bar.get_width() for bar in bars[0]] == pytest.approx([0.6, 0.1])
    assert_png(fig, tmp_path)


def test_chinese_labels_render_without_missing_glyphs(tmp_path):
    pytest.importorskip("noto_cjk_sans_otc")
    with ZH.style(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = resolution_plot.where_resolved(runs_table(), ZH)
        fig.savefig(tmp_path / "zh.png")
        plt.close(fig)
    missing = [w for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert (tmp_path / "zh.png").stat().st_size > 5_000


def test_bad_language_is_refused():
    with pytest.raises(ReportError, match="--lang"):
        language("fr")


def test_report_modules_never_import_the_model():
    code = (
        "import sys; import sim.report.compare, sim.report.paired_plot; "
        "print(sorted(m for m in sys.modules if m in ('sim.engine.model', "
        "'sim.results.simulation', "
        "'sim.agents', 'simpy', 'mesa')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


# ------------------------------------------------------------------------------ end to end


@pytest.fixture(scope="module")
def script_output(tmp_path_factory):
    from tests.test_policy_scripts import SMALL, load_script

    out = tmp_path_factory.mktemp("script") / "departments"
    assert load_script("departments").run([*SMALL, "--out", str(out)]) == 0
    return out


def test_compare_writes_a_report_with_every_figure(script_output, tmp_path):
    report = tmp_path / "report"
    assert main(["compare", str(script_output), "--out", str(report)]) == 0
    names = sorted(p.name for p in report.iterdir())
    for name in (
        "outcomes.png",
        "differences.png",
        "backlog.png",
        "where.png",
        "map-0.png",
        "report.md",
        "report.html",
    ):
        assert name in names
    text = (report / "report.md").read_text()
    assert "| centre resolution rate |" in text or "centre resolution rate" in text
    assert "rotating - no departments (as given)" in text
    for name in names:
        if name.endswith(".png"):
            assert f"({name})" in text  # every figure is on the page
    html = (report / "report.html").read_text()
    assert "<table>" in html and html.count("<img") == sum(n.endswith(".png") for n in names)


def test_compare_in_chinese(script_output, tmp_path):
    pytest.importorskip("noto_cjk_sans_otc")
    report = tmp_path / "zh"
    assert main(["compare", str(script_output), "--lang", "zh", "--out", str(report)]) == 0
    assert "中心化解率" in (report / "report.md").read_text()


def test_compare_of_a_sweep(tmp_path):
    from sim.sweeps.runner import run_sweep
    from sim.sweeps.spec import load_spec
    from tests.test_sweep import _spec

    spec = load_spec(_spec(tmp_path, "lhs", samples=4))
    run_sweep(spec, tmp_path / "sweep", "serial", progress=False)
    report = tmp_path / "report"
    assert (
        main(
            [
                "compare",
                str(tmp_path / "sweep"),
                "--out",
                str(report),
                "--sweep-outcome",
                "court_cases",
            ]
        )
        == 0
    )
    assert (report / "sweep-0-surface.png").exists()


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["compare", "/nowhere"], "no such folder"),
        (["compare", "{tmp}/plain"], "not a run folder"),
        (["compare", "{script}", "--baseline", "nobody"], "--baseline 'nobody'"),
        (["compare", "{script}", "--lang", "fr"], "--lang"),
        (["compare", "{script}", "--label", "a", "--label", "b"], "--label given 2 times"),
        (["compare", "{script}", "--outcome", "happiness"], "--outcome: not in the results"),
    ],
)
def test_compare_bad_input(argv, expected, script_output, tmp_path, capsys):
    argv = [a.format(tmp=tmp_path, script=script_output) for a in argv]
    (tmp_path / "plain").mkdir()
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    assert expected in capsys.readouterr().err
    assert not out.exists()


def test_compare_of_run_folders_groups_seeds_by_scenario(tmp_path):
    small = ["--scale", "0.05", "--days", "20", "--quiet"]
    for seed in (1, 2):
        assert (
            main(["run", *small, "--seed", str(seed), "--out", str(tmp_path / f"base-{seed}")]) == 0
        )
        assert (
            main(
                [
                    "run",
                    *small,
                    "--seed",
                    str(seed),
                    "--set",
                    "name=limits",
                    "--set",
                    "handling.time_limit_days_by_complexity.simple=2",
                    "--out",
                    str(tmp_path / f"limits-{seed}"),
                ]
            )
            == 0
        )
    folders = [str(tmp_path / f"{n}-{s}") for n in ("base", "limits") for s in (1, 2)]
    report = tmp_path / "report"
    assert main(["compare", *folders, "--out", str(report)]) == 0
    text = (report / "report.md").read_text()
    assert "hohhot-2023: 2 runs, limits: 2 runs" in text
    assert "limits - hohhot-2023" in text


def test_run_folders_of_one_name_but_other_settings_are_not_pooled(tmp_path):
    small = ["--scale", "0.05", "--days", "15", "--quiet", "--seed", "1"]
    assert main(["run", *small, "--out", str(tmp_path / "a")]) == 0
    assert (
        main(
            ["run", *small, "--set", "handling.attempts_per_level=2", "--out", str(tmp_path / "b")]
        )
        == 0
    )
    from sim.report.results import load

    results = load([tmp_path / "a", tmp_path / "b"])
    assert results.policies == ["hohhot-2023", "hohhot-2023 (2)"]
    policy = results.places.column("policy").to_pylist()
    assert policy.count("hohhot-2023") == policy.count("hohhot-2023 (2)") > 0  # one map each
    with pytest.raises(ReportError, match="same policy and seed"):
        load([tmp_path / "a", tmp_path / "a"])
    assert (
        main(
            [
                "run",
                *small[:2],
                "--days",
                "20",
                "--quiet",
                "--seed",
                "2",
                "--out",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "compare",
                str(tmp_path / "a"),
                str(tmp_path / "c"),
                "--label",
                "x",
                "--label",
                "y",
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 2
    )  # other horizons


def test_surface_averages_over_the_other_factors():
    rows = [
        {
            "run_id": k,
            "point": k,
            "replication": 0,
            "a": a,
            "b": b,
            "c": c,
            "court_cases": a * b + c,
        }
        for k, (a, b, c) in enumerate(
            (a, b, c) for a in (1.0, 2.0) for b in (1.0, 3.0) for c in (0.0, 10.0)
        )
    ]
    xs, _, z = sweep_plot.point_means(pa.Table.from_pylist(rows), "a", "b", "court_cases")
    assert len(xs) == 4
    assert sorted(z.tolist()) == pytest.approx([1 + 5, 2 + 5, 3 + 5, 6 + 5])


def test_sweep_surface_leaves_out_points_where_the_outcome_is_undefined():
    """A valid sweep whose outcome is NaN at some points (nothing received there) still
    draws (it failed inside matplotlib); too few defined points is a clear error."""
    from sim.report.style import language
    from sim.report.sweep_plot import outcome_surface

    rng = np.random.default_rng(1)
    z = rng.random(24)
    z[[2, 5, 9]] = np.nan
    runs = pa.table({"a": rng.random(24), "b": rng.random(24), "c": z})
    words = language("en")
    with words.style():
        outcome_surface(runs, "a", "b", "c", words)
        with pytest.raises(ReportError, match="too few design points with a defined"):
            outcome_surface(runs.set_column(2, "c", pa.array([np.nan] * 24)), "a", "b", "c", words)
