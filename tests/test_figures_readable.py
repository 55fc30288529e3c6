"""Figures stay readable with long policy names (English and Chinese), many policies and
Chinese text in an English report: every figure is drawn and its rendered boxes checked
(no two tick labels of an axis overlap, no title is wider than the figure or runs into
another), every glyph is in a font, and values carry their units (shares in percent, their
differences in percentage points, counts with thousands separators)."""

from __future__ import annotations

import datetime as dt
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pyarrow as pa
import pytest

from sim.report import (
    backlog_plot,
    map_plot,
    outcomes_plot,
    paired_plot,
    resolution_plot,
    sweep_plot,
    validation_plot,
)
from sim.report.axis_format import OutcomeFormatter
from sim.report.style import Language
from sim.report.text_wrap import display_width, wrap

pytest.importorskip("noto_cjk_sans_otc")

EN, ZH = Language("en"), Language("zh")
POLICIES = [
    "baseline",
    "Two more mediators at every township centre (full time)",
    "社区调解室每周五个半天",
    "Roving teams in every county, two days a week, with on-call lawyers",
    "延长调解时限至三十天并增加专职调解员",
    "Grid officers patrol daily (3458 regime) and building heads report weekly",
    "staffing.mediator_share_by_level.community=0.7",
]
OUTCOMES = [
    "centre_resolution_rate",
    "share_resolved_at_community_or_below",
    "resolution_days_median",
    "court_cases",
    "utilisation_township",
    "mean_distance_km",
    "received_by_centres",
]
SHOW = os.environ.get("SIM_FIGURES")  # a folder: also save the figures there to look at


def runs_table(policies=POLICIES) -> pa.Table:
    rng = np.random.default_rng(3)
    rows = []
    for k, policy in enumerate(policies):
        for seed in range(1, 5):
            rows.append(
                {
                    "policy": policy,
                    "seed": seed,
                    "centre_resolution_rate": 0.9 + 0.002 * k + 0.001 * rng.random(),
                    "share_resolved_at_community_or_below": 0.41 + 0.004 * k * rng.random(),
                    "resolution_days_median": 6.0 + 0.3 * k + 0.1 * rng.random(),
                    "court_cases": 12_000 + 900 * k + 50 * rng.random(),
                    "utilisation_township": float("nan"),  # no township sessions
                    "mean_distance_km": 1.2 + 0.01 * k * rng.random(),
                    "received_by_centres": 150_000 + 2_000 * k + 300 * rng.random(),
                    "resolved_at_grid": 40_000 + 100.0 * k,
                    "resolved_at_community": 30_000.0,
                    "resolved_at_township": 20_000.0,
                    "resolved_at_court": 9_000.0,
                    "judged": 3_000.0,
                    "withdrawn": 2_000.0,
                    "petitions": 300.0,
                    "incidents": 20.0,
                }
            )
    return pa.Table.from_pylist(rows)


def differences_table(policies=POLICIES) -> pa.Table:
    rows = []
    for k, policy in enumerate(policies[1:], start=1):
        for o in OUTCOMES:
            share = o in ("centre_resolution_rate", "share_resolved_at_community_or_below")
            d = (0.002 if share else 300.0) * k * (-1) ** k
            half = 0.0015 if share else 200.0
            nan = o == "utilisation_township"
            rows.append(
                {
                    "policy": policy,
                    "outcome": o,
                    "n": 4,
                    "baseline_mean": 1.0,
                    "policy_mean": 1.0 + d,
                    "difference": float("nan") if nan else d,
                    "ci_low": float("nan") if nan else d - half,
                    "ci_high": float("nan") if nan else d + half,
                }
            )
    return pa.Table.from_pylist(rows)


def daily_table(policies=POLICIES, days=range(-30, 200)) -> pa.Table:
    rows = []
    for k, policy in enumerate(policies):
        for seed in (1, 2):
            for day in days:
                rows.append(
                    {
                        "policy": policy,
                        "seed": seed,
                        "day": day,
                        "in_community": 1_000 + 10 * k + seed,
                        "in_township": 2_000 + day,
                        "in_county": 300,
                        "in_city": 20,
                        "in_court": 15_000 + 20 * day,
                    }
                )
    return pa.Table.from_pylist(rows)


def places_and_centres(policies=POLICIES[:2]) -> tuple[pa.Table, pa.Table]:
    """Four townships of ten communities; the second policy opens rooms in four more."""
    rng = np.random.default_rng(5)
    places, centres = [], []
    for k, policy in enumerate(policies):
        for t in range(4):
            hub = 100 + t
            centres.append(_centre(policy, hub, "township", 10.0 * t, 5.0))
            for c in range(10):
                x, y = 10.0 * t + rng.uniform(-4, 4), 5.0 + rng.uniform(-4, 4)
                room = c < 5 or (k > 0 and c < 6)
                places.append(
                    {
                        "policy": policy,
                        "community": f"C{t}{c:02d}",
                        "township": f"T{t:03d}",
                        "x_km": x,
                        "y_km": y,
                        "population": int(1_000 + 700 * c),
                        "has_room": room,
                        "township_centre": hub,
                        "nearest_centre_km": 0.3 if room else float(abs(y - 5.0) + 2 * c % 7),
                    }
                )
                if room:
                    centres.append(_centre(policy, 10 * t + c, "community", x, y))
        centres.append(_centre(policy, 500, "county", 15.0, 9.0))
    return pa.Table.from_pylist(places), pa.Table.from_pylist(centres)


def _centre(policy: str, centre: int, level: str, x: float, y: float) -> dict:
    return {
        "policy": policy,
        "centre": centre,
        "level": level,
        "x_km": x,
        "y_km": y,
        "mediators": 2,
        "open": True,
        "roving": False,
    }


def sweep_runs() -> pa.Table:
    """A grid with unevenly spaced values on both axes."""
    rows = []
    points = [(a, b) for a in (1.0, 2.0, 5.0, 10.0) for b in (0.2, 0.25, 0.5)]
    for point, (a, b) in enumerate(points):
        rows.append(
            {
                "point": point,
                "staffing.mediators_total": a * 1000,
                "handling.attempts_per_level": b,
                "centre_resolution_rate": 0.9 + 0.001 * a + 0.01 * b,
            }
        )
    return pa.Table.from_pylist(rows)


def sensitivity_table() -> pa.Table:
    factors = ["staffing.mediators_total", "分配给社区的调解员比例", "handling.attempts_per_level"]
    return pa.Table.from_pylist(
        [
            {
                "outcome": "court_cases",
                "factor": f,
                "S1": s,
                "S1_conf": c,
                "ST": s + 0.1,
                "ST_conf": 2 * c,
            }
            for f, s, c in zip(factors, (0.6, -0.3, 0.1), (1.2, 0.4, 0.05), strict=True)
        ]
    )


def validation_table() -> pa.Table:
    rows = []
    for k in range(7):
        rows.append(
            {
                "preset": "hohhot-2023",
                "label": f"disputes mediated by people's mediation committees, county {k}",
                "kind": "count" if k % 2 else "rate",
                "published": 1000.0 if k % 2 else 0.95,
                "predicted": 1100.0 if k % 2 else 0.93 + 0.002 * k,
                "low": 1000.0 if k % 2 else 0.92,
                "high": 1200.0 if k % 2 else 0.97,
                "band": "+/-20%" if k % 2 else "+/-3pp",
                "verdict": "within",
            }
        )
    return pa.Table.from_pylist(rows)


# ------------------------------------------------------------------------------ the checks


def drawn(fig, name: str):
    """Draw the figure under the English style, failing on any missing glyph."""
    with EN.style(), warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        fig.canvas.draw()
        if SHOW:
            fig.savefig(os.path.join(SHOW, f"{name}.png"), dpi=100)
    return fig.canvas.get_renderer()


def overlapping(boxes) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]


def assert_readable(fig, name: str) -> None:
    renderer = drawn(fig, name)
    width = fig.bbox.width
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            boxes = [t.get_window_extent(renderer) for t in labels]
            clash = overlapping(boxes)
            assert not clash, (
                name,
                [(labels[i].get_text(), labels[j].get_text()) for i, j in clash],
            )
    titles = [t for t in _titles(fig) if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in titles]
    for title, box in zip(titles, boxes, strict=True):
        assert box.width <= width and box.x0 >= -1 and box.x1 <= width + 1, (name, title.get_text())
    assert not overlapping(boxes), (name, [t.get_text() for t in titles])
    plt.close(fig)


def _titles(fig):
    found = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.axes:
        if ax.get_visible():
            found += [ax.title, ax._left_title, ax._right_title]
    return found


def tick_texts(ax, which: str = "x") -> list[str]:
    axis = ax.xaxis if which == "x" else ax.yaxis
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


# ------------------------------------------------------------------------------ the figures


@pytest.mark.parametrize("lang", [EN, ZH], ids=["en", "zh"])
def test_outcome_intervals_with_many_long_policy_names(lang):
    with lang.style():
        fig = outcomes_plot.outcome_intervals(runs_table(), OUTCOMES, lang)
        panels = [ax for ax in fig.axes if ax.get_visible()]
        drawn(fig, f"outcomes-{lang.code}")
        share = tick_texts(panels[0])
        assert share and all(t.endswith("%") for t in share), share
        counts = tick_texts(panels[3])
        assert any("," in t for t in counts), counts
        empty = panels[4]  # utilisation: NaN in every run
        assert not tick_texts(empty) and lang.text("fig_no_data") in [
            t.get_text() for t in empty.texts
        ]
        names = tick_texts(panels[0], "y")
        assert [n.replace("\n", " ").replace(" ", "") for n in names] == [
            p.replace(" ", "") for p in POLICIES
        ]
        assert all(display_width(line) <= 40 for n in names for line in n.split("\n"))
        assert_readable(fig, f"outcomes-{lang.code}")


@pytest.mark.parametrize("lang", [EN, ZH], ids=["en", "zh"])
def test_differences_of_shares_are_in_percentage_points(lang):
    with lang.style():
        fig = paired_plot.differences_figure(differences_table(), "", POLICIES[0], lang)
        panels = [ax for ax in fig.axes if ax.get_visible()]
        drawn(fig, f"differences-{lang.code}")
        unit = " pp" if lang.code == "en" else "个百分点"
        ticks = tick_texts(panels[0])
        assert ticks and all(t.endswith(unit) and "%" not in t for t in ticks), ticks
        assert any(t.startswith("+") for t in ticks) and any(t.startswith("-") for t in ticks)
        assert lang.text("fig_no_data") in [t.get_text() for t in panels[4].texts]
        assert_readable(fig, f"differences-{lang.code}")


def test_share_formatter_chooses_decimals_from_the_step():
    share = OutcomeFormatter("share")
    share.set_locs([0.900, 0.905, 0.910])
    assert [share(v) for v in (0.900, 0.905, 0.910)] == ["90.0%", "90.5%", "91.0%"]
    share.set_locs([0.2, 0.4])
    assert share(0.4) == "40%"
    points = OutcomeFormatter("share", "en", difference=True)
    points.set_locs([-0.01, 0.0, 0.01])
    assert [points(v) for v in (-0.01, 0.0, 0.01)] == ["-1 pp", "0 pp", "+1 pp"]
    count = OutcomeFormatter("count")
    count.set_locs([10_000, 12_500])
    assert count(12_500) == "12,500"


@pytest.mark.parametrize("lang", [EN, ZH], ids=["en", "zh"])
def test_where_resolved_with_many_long_policy_names(lang):
    with lang.style():
        fig = resolution_plot.where_resolved(runs_table(), lang)
        assert_readable(fig, f"where-{lang.code}")


@pytest.mark.parametrize("lang", [EN, ZH], ids=["en", "zh"])
def test_backlog_in_dates_with_holidays_shaded(lang):
    with lang.style():
        fig = backlog_plot.backlog_bands(daily_table(), lang, start=dt.date(2023, 1, 1))
        drawn(fig, f"backlog-{lang.code}")
        centres = fig.axes[0]
        labels = [p.get_label() for p in centres.patches]
        assert lang.text("fig_holiday") in labels  # Spring Festival at least
        assert centres.lines[0].get_xdata()[0] > 19_000  # matplotlib date numbers, not days
        assert not any(t.lstrip("-").isdigit() and int(t) < 400 for t in tick_texts(centres))
        assert_readable(fig, f"backlog-{lang.code}")


def test_backlog_without_a_date_keeps_day_numbers():
    fig = backlog_plot.backlog_bands(daily_table(POLICIES[:2]), EN)
    assert fig.axes[0].lines[0].get_xdata()[0] == -30
    assert not [p for p in fig.axes[0].patches if p.get_label() == EN.text("fig_holiday")]
    assert_readable(fig, "backlog-days")


def test_map_marks_new_rooms_names_places_and_shares_a_scale():
    places, centres = places_and_centres()
    baseline = places.filter(pa.compute.equal(places.column("policy"), POLICIES[0]))
    with EN.style():
        fig = map_plot.placement_map(
            places, centres, POLICIES[1], EN, baseline_places=baseline, vmin=0.0, vmax=20.0
        )
        ax = fig.axes[0]
        new = [c for c in ax.collections if c.get_label().startswith("new community room")]
        assert len(new) == 1 and len(new[0].get_offsets()) == 4
        names = {t.get_text() for t in ax.texts}
        assert {"T000", "T001", "T002", "T003"} <= names
        dots = next(c for c in ax.collections if c.get_array() is not None)
        assert dots.norm.vmin == 0.0 and dots.norm.vmax == 20.0
        legend_texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
        assert any("residents" in t and "," in t for t in legend_texts)
        assert_readable(fig, "map-en")


def test_surface_draws_cells_only_at_tested_values():
    with EN.style():
        fig = sweep_plot.outcome_surface(
            sweep_runs(),
            "staffing.mediators_total",
            "handling.attempts_per_level",
            "centre_resolution_rate",
            EN,
        )
        ax = fig.axes[0]
        mesh = ax.collections[0]
        assert mesh.get_array().shape == (3, 4)
        drawn(fig, "surface")
        assert tick_texts(ax) == ["1,000", "2,000", "5,000", "10,000"]
        assert tick_texts(ax, "y") == ["0.2", "0.25", "0.5"]
        assert ax.get_xlim() == pytest.approx((-0.5, 3.5))
        cells = [t.get_text() for t in ax.texts]
        assert all(t.endswith("%") for t in cells), cells
        colour_bar = fig.axes[1]
        assert all(t.endswith("%") for t in tick_texts(colour_bar, "y"))
        assert_readable(fig, "surface")


def test_sensitivity_clips_wide_intervals_and_warns():
    with EN.style():
        fig = sweep_plot.sensitivity_bars(sensitivity_table(), "court_cases", EN, base_samples=8)
        ax = fig.axes[0]
        low, high = ax.get_xlim()
        assert low >= -0.6 and high <= 1.3
        texts = " ".join(t.get_text() for t in fig.texts + ax.texts)
        assert "Warning" in texts and "8 base samples" in texts
        assert any(line.get_marker() in (">", "<") for line in ax.lines)  # clipped whiskers
        assert_readable(fig, "sensitivity")


def test_validation_figure_wraps_long_labels():
    fig = validation_plot.validation_figure(validation_table())
    assert_readable(fig, "validation")


def test_wrap_breaks_between_words_and_chinese_characters():
    assert wrap("Two more mediators at every township centre", 20) == (
        "Two more mediators\nat every township\ncentre"
    )
    lines = wrap("社区调解室每周五个半天,另加两名专职调解员", 12).split("\n")
    assert all(display_width(line) <= 12 for line in lines) and len(lines) == 4
    assert not any(line.startswith(",") for line in lines)


def test_save_renders_chinese_made_outside_any_style(tmp_path):
    from sim.report.style import save

    fig, ax = plt.subplots()
    ax.set_title("社区调解室每周五个半天")
    ax.set_yticks([0, 1], ["延长调解时限", "baseline"])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        save(fig, tmp_path / "zh.png")


def test_chinese_text_without_the_font_is_a_clear_error(tmp_path, monkeypatch):
    from sim.report import style

    def missing() -> str:
        raise style.ReportError("Chinese labels need the CJK font package")

    monkeypatch.setattr(style, "cjk_font", missing)
    fig, ax = plt.subplots()
    ax.set_title("plain English")
    style.save(fig, tmp_path / "en.png")  # no Chinese: no font needed
    fig, ax = plt.subplots()
    ax.set_yticks([0], ["社区调解室"])
    with pytest.raises(style.ReportError, match="CJK font"):
        style.save(fig, tmp_path / "zh.png")
    plt.close("all")
