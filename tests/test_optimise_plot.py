"""The figures of `sim optimise`: the policies found (cost against effect per objective) and
their lever settings, from synthetic rows with NaN in places, in English and Chinese."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from sim.report import optimise_plot
from sim.report.optimise_plot import LeverAxis
from sim.report.style import Language

EN, ZH = Language("en"), Language("zh")
NAN = math.nan
OBJECTIVES = [("court_cases", "minimise"), ("incidents", "minimise"), ("petitions", "minimise")]
BUDGET = 2_500_000.0
CHOICES = ("weekly", "twice a week", "daily")
LEVERS = [
    LeverAxis("mediators_township", "mediators per township centre", "每个街道中心的调解员", 1, 6),
    LeverAxis("room_share", "share of communities with a room", "设调解室的社区比例", 0.2, 0.9),
    LeverAxis("roving_days", "roving team days a week", "巡回调解队每周天数", 0, 0),  # low == high
    LeverAxis("patrol", "grid officers patrol", "网格员巡查频率", None, None, CHOICES),
]
REPORTED = ["P01", "P03", "P04"]


def policies(reported: bool = True) -> list[dict]:
    """Five final-stage policies (three reported unless ``reported`` is False) and the
    baseline; P02 has no interval and P05 no room share."""
    rows = []
    for k in range(1, 6):
        cost = 0.4e6 * k
        row = {
            "policy": f"P{k:02d}",
            "reported": reported and f"P{k:02d}" in REPORTED,
            "feasible": k != 5,
            "mediators_township": 1 + k,
            "room_share": NAN if k == 5 else 0.2 + 0.12 * k,
            "roving_days": 0,
            "patrol": CHOICES[k % 3],
            "extra_cost_yuan": cost,
            "extra_cost_low": NAN if k == 2 else cost - 0.1e6,
            "extra_cost_high": NAN if k == 2 else cost + 0.15e6,
        }
        for j, (o, _) in enumerate(OBJECTIVES):
            d = -(120.0 + 40 * j) * k
            row |= {
                o: 10_000.0 + d,
                f"{o}_diff": d,
                f"{o}_low": NAN if k == 2 else d - 60.0,
                f"{o}_high": NAN if k == 2 else d + 60.0,
            }
        rows.append(row)
    base = {"policy": "baseline", "reported": False, "feasible": True}
    base |= {"mediators_township": 2, "room_share": 0.3, "roving_days": 0, "patrol": "weekly"}
    base |= {"extra_cost_yuan": 0.0, "extra_cost_low": 0.0, "extra_cost_high": 0.0}
    for o, _ in OBJECTIVES:
        base |= {o: 10_000.0, f"{o}_diff": 0.0, f"{o}_low": 0.0, f"{o}_high": 0.0}
    return [*rows, base]


def searched(n: int = 40) -> list[dict]:
    rng = np.random.default_rng(7)
    rows = []
    for i in range(n):
        cost = float(rng.uniform(0, 3.2e6))
        row = {"extra_cost_yuan": NAN if i == 3 else cost, "feasible": cost <= BUDGET}
        for o, _ in OBJECTIVES:
            row[f"{o}_diff"] = NAN if i == 5 else float(-cost / 4_000 + rng.normal(0, 80))
        rows.append(row)
    return rows


def front(
    lang: Language = EN,
    rows: list[dict] | None = None,
    candidates: list[dict] | None = None,
    objectives: list[tuple[str, str]] = OBJECTIVES,
):
    rows = policies() if rows is None else rows
    candidates = searched() if candidates is None else candidates
    with lang.style():
        return optimise_plot.front_figure(rows, candidates, objectives, BUDGET, lang)


def levers(lang: Language = EN, rows: list[dict] | None = None, lever_axes=LEVERS):
    with lang.style():
        return optimise_plot.levers_figure(
            policies() if rows is None else rows, lever_axes, "court_cases", lang
        )


def lever_axes(fig) -> list:
    """The levers' own vertical axes (child axes of the plot, named by the lever)."""
    names = {lever.name for lever in LEVERS}
    return [a for ax in fig.axes for a in ax.child_axes if a.get_label() in names]


def panels(fig) -> list:
    return [ax for ax in fig.axes if ax.get_visible()]


def language(code: str) -> Language:
    if code == "zh":
        pytest.importorskip("noto_cjk_sans_otc")
    return Language(code)


# ------------------------------------------------------------------------------ the checks


@pytest.mark.parametrize("code", ["en", "zh"])
def test_both_figures_write_pngs(tmp_path, code):
    lang = language(code)
    front_png = optimise_plot.plot_front(
        policies(), searched(), OBJECTIVES, BUDGET, lang, tmp_path / f"front-{code}.png"
    )
    levers_png = optimise_plot.plot_levers(
        policies(), LEVERS, "court_cases", lang, tmp_path / f"levers-{code}.png"
    )
    for png in (front_png, levers_png):
        assert png.exists() and png.stat().st_size > 10_000
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_front_has_a_panel_per_objective_and_the_budget_in_million_yuan():
    fig = front()
    axes = panels(fig)
    assert len(axes) == len(OBJECTIVES)
    for ax in axes:
        dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
        assert len(dashed) == 1 and list(dashed[0].get_xdata()) == [BUDGET / 1e6] * 2
        low, high = ax.get_xlim()
        assert low <= 0.0 and high >= BUDGET / 1e6
        assert "budget" in [t.get_text() for t in ax.texts]
    assert "million yuan" in axes[0].get_xlabel()
    plt.close(fig)


def test_front_names_the_reported_policies_only():
    fig = front()
    for ax in panels(fig):
        names = {t.get_text() for t in ax.texts} - {"budget"}
        assert names == set(REPORTED)
    plt.close(fig)


def test_front_grows_a_second_row_beyond_three_objectives():
    more = [*OBJECTIVES, ("centre_resolution_rate", "maximise")]
    fig = front(objectives=more)
    axes = panels(fig)
    assert len(axes) == 4
    assert len({round(ax.get_position().y0, 3) for ax in axes}) == 2
    plt.close(fig)


def test_front_draws_without_reported_policies_or_searched_candidates(tmp_path):
    fig = front(rows=policies(reported=False), candidates=[])
    assert len(panels(fig)) == len(OBJECTIVES)
    for ax in panels(fig):
        assert not set(REPORTED) & {t.get_text() for t in ax.texts}
    fig.canvas.draw()
    plt.close(fig)
    one = [policies()[0]]  # a single policy, no baseline
    path = optimise_plot.plot_front(one, [], OBJECTIVES[:1], BUDGET, EN, tmp_path / "one.png")
    assert path.stat().st_size > 0


def test_levers_have_one_axis_per_lever_and_the_choices_as_ticks():
    fig = levers()
    axes = lever_axes(fig)
    assert [a.get_label() for a in axes] == [lever.name for lever in LEVERS]
    by_name = {a.get_label(): a for a in axes}
    patrol = by_name["patrol"]
    assert [t.get_text() for t in patrol.get_yticklabels()] == list(CHOICES)
    mediators = [t.get_text() for t in by_name["mediators_township"].get_yticklabels()]
    assert mediators == ["1", "3.5", "6"]
    assert [t.get_text() for t in by_name["roving_days"].get_yticklabels()] == ["0"]
    main = fig.axes[0]
    ids = {t.get_text() for t in main.texts}
    assert ids == set(REPORTED)
    assert len(main.lines) == 6  # five policies and the baseline
    fig.canvas.draw()
    plt.close(fig)


def test_levers_with_one_lever_and_no_reported_policy(tmp_path):
    fig = levers(rows=policies(reported=False), lever_axes=LEVERS[3:])
    assert len(lever_axes(fig)) == 1
    assert len(fig.axes) == 1  # no reported policy: no colour bar
    fig.canvas.draw()
    plt.close(fig)
    path = optimise_plot.plot_levers(policies(), LEVERS[:1], "court_cases", EN, tmp_path / "l.png")
    assert path.stat().st_size > 0


@pytest.mark.parametrize("code", ["en", "zh"])
def test_figures_are_readable(code):
    pytest.importorskip("noto_cjk_sans_otc")
    from tests.test_figures_readable import assert_readable

    lang = Language(code)
    with lang.style():
        assert_readable(front(lang), f"optimise-front-{code}")
        assert_readable(levers(lang), f"optimise-levers-{code}")
