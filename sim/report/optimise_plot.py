"""The two figures of an optimisation report: the policies found, cost against effect per
objective, and their lever settings as parallel coordinates. Both read plain rows (dicts):
the final stage's policies re-run on fresh seeds, each paired with the baseline, and every
candidate the search evaluated; they never import the model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize, to_hex
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from sim.report.axis_format import outcome_axis, value_axis
from sim.report.style import Language, save
from sim.report.text_wrap import POINTS_PER_UNIT, display_width, wrap_to

BASELINE = "baseline"
MILLION = 1e6
STRONG = "#1f5fa8"  # reported policies
PALE = "#9bb8d8"  # shortlisted policies that fell away on fresh seeds
GREY = "0.62"  # the search's candidates
BUDGET = "#b2182b"
PANEL_INCHES = (4.0, 3.3)
# viridis without its pale yellow end, which a thin line on white would lose
CMAP = ListedColormap(plt.get_cmap("viridis")(np.linspace(0.0, 0.82, 256)))
SUPTITLE_FONT = 10.0
FONT = 8.0

TEXT = {
    "en": {
        "front_title": "Policies found within the budget: cost against effect "
        "(fresh seeds, paired 95% intervals)",
        "levers_title": "Lever settings of the policies found",
        "extra_cost": "extra public cost (million yuan a year)",
        "minus_baseline": "{outcome} - baseline",
        "budget": "budget",
        "lower": " (lower is better)",
        "higher": " (higher is better)",
        "searched": "searched",
        "searched_infeasible": "searched, infeasible",
        "reported": "reported (feasible, non-dominated on fresh seeds)",
        "fell_away": "fell away on fresh seeds",
        "baseline": "baseline",
    },
    "zh": {
        "front_title": "预算内找到的方案:成本与效果(新种子,配对95%区间)",
        "levers_title": "所找到方案的杠杆设置",
        "extra_cost": "新增公共成本(百万元/年)",
        "minus_baseline": "{outcome}与基线之差",
        "budget": "预算",
        "lower": "(越低越好)",
        "higher": "(越高越好)",
        "searched": "搜索过的方案",
        "searched_infeasible": "搜索过的方案(不可行)",
        "reported": "入选方案(新种子下可行且非劣)",
        "fell_away": "新种子下落选",
        "baseline": "基线",
    },
}


@dataclass(frozen=True)
class LeverAxis:
    """One lever of the search as an axis of :func:`levers_figure`."""

    name: str  # column name in the policy rows
    label_en: str
    label_zh: str
    low: float | None  # numeric levers: the searched range
    high: float | None
    choices: tuple[str, ...] | None = None  # choice levers: the option labels, in order

    def label(self, lang: Language) -> str:
        return self.label_zh if lang.code == "zh" else self.label_en


def _text(lang: Language, key: str, **values) -> str:
    return TEXT[lang.code][key].format(**values)


def _num(row: dict, key: str) -> float:
    """A row's value as a float; missing, None or non-numeric values are NaN (skipped)."""
    value = row.get(key)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _is_baseline(row: dict) -> bool:
    return row.get("policy") == BASELINE


# ------------------------------------------------------------------------- front figure


def plot_front(
    policies: list[dict],
    searched: list[dict],
    objectives: list[tuple[str, str]],
    budget_yuan: float,
    lang: Language,
    path: Path,
) -> Path:
    """Write :func:`front_figure` as a PNG."""
    with lang.style():  # fonts are looked up when the figure is drawn
        fig = front_figure(policies, searched, objectives, budget_yuan, lang)
        return save(fig, path)


def front_figure(
    policies: list[dict],
    searched: list[dict],
    objectives: list[tuple[str, str]],
    budget_yuan: float,
    lang: Language,
):
    """One panel per objective: extra public cost (x) against the difference from the
    baseline (y), for every searched candidate (grey) and the final stage's policies with
    their paired 95% intervals on both axes."""
    n = max(1, len(objectives))
    columns = n if n <= 3 else math.ceil(n / 2)  # beyond three panels: two rows
    rows = math.ceil(n / columns)
    width = max(6.0, PANEL_INCHES[0] * columns)  # room for the title and legend
    title = wrap_to(_text(lang, "front_title"), width - 0.4, SUPTITLE_FONT)
    fig, axes = plt.subplots(
        rows,
        columns,
        squeeze=False,
        figsize=(width, PANEL_INCHES[1] * rows + 0.9 + 0.2 * title.count("\n")),
        layout="constrained",
    )
    fig.suptitle(title, fontsize=SUPTITLE_FONT)
    flat = list(axes.flat)
    for ax in flat[len(objectives) :]:
        ax.set_visible(False)
    final = [r for r in policies if not _is_baseline(r)]
    baseline = any(_is_baseline(r) for r in policies)
    for ax, (outcome, sense) in zip(flat, objectives, strict=False):
        if baseline:  # first: the budget's label goes by the limits the data set
            ax.plot([0.0], [0.0], "x", color="black", ms=8, mew=2, zorder=6)
        _front_panel(ax, outcome, sense, final, searched, budget_yuan, lang)
    _legend(fig, _front_legend(lang, policies, searched), width)
    return fig


def _front_panel(
    ax,
    outcome: str,
    sense: str,
    final: list[dict],
    searched: list[dict],
    budget_yuan: float,
    lang: Language,
) -> None:
    _searched_dots(ax, outcome, searched)
    drawn = [_policy_point(ax, outcome, row) for row in final]
    if not (any(drawn) or ax.collections):  # only the baseline, if at all
        ax.text(
            0.5,
            0.62,  # above the zero line
            lang.text("fig_no_data"),
            transform=ax.transAxes,
            ha="center",
            color="0.45",
            fontsize=9,
        )
    ax.axhline(0.0, color="0.45", lw=0.8, zorder=1)
    if math.isfinite(budget_yuan):
        _budget_line(ax, budget_yuan / MILLION, lang)
    direction = _text(lang, "higher" if sense == "maximise" else "lower")
    ax.set_title(wrap_to(lang.outcome(outcome) + direction, PANEL_INCHES[0] - 0.6, 9), fontsize=9)
    ax.set_xlabel(_text(lang, "extra_cost"), fontsize=FONT)
    ylabel = _text(lang, "minus_baseline", outcome=lang.outcome(outcome))
    ax.set_ylabel(wrap_to(ylabel, PANEL_INCHES[1] - 0.9, FONT), fontsize=FONT)
    ax.tick_params(labelsize=FONT)
    inches = PANEL_INCHES[0] - 1.0
    value_axis(ax, "x", "number", lang.code, difference=True, inches=inches)
    outcome_axis(ax, "y", outcome, lang.code, difference=True, inches=PANEL_INCHES[1] - 1.0)


def _searched_dots(ax, outcome: str, searched: list[dict]) -> None:
    """Grey dots, filled for feasible candidates and hollow for infeasible ones."""
    for feasible in (True, False):
        points = [
            (_num(r, "extra_cost_yuan") / MILLION, _num(r, f"{outcome}_diff"))
            for r in searched
            if bool(r.get("feasible", True)) is feasible
        ]
        points = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        ax.scatter(
            xs,
            ys,
            s=9,
            facecolors=GREY if feasible else "none",
            edgecolors=GREY,
            linewidths=0.6,
            zorder=2,
        )


def _policy_point(ax, outcome: str, row: dict) -> bool:
    """A final-stage policy with both intervals; reported ones strong and named. False if
    the policy has no point to draw."""
    x = _num(row, "extra_cost_yuan") / MILLION
    y = _num(row, f"{outcome}_diff")
    if not (math.isfinite(x) and math.isfinite(y)):
        return False
    xerr = _error(x, _num(row, "extra_cost_low") / MILLION, _num(row, "extra_cost_high") / MILLION)
    yerr = _error(y, _num(row, f"{outcome}_low"), _num(row, f"{outcome}_high"))
    reported = bool(row.get("reported"))
    colour = STRONG if reported else PALE
    ax.errorbar(
        [x],
        [y],
        xerr=xerr,
        yerr=yerr,
        fmt="o",
        ms=5,
        color=colour,
        mfc=colour if reported else "white",
        mec=colour,
        elinewidth=1.2 if reported else 0.8,
        capsize=2,
        zorder=5 if reported else 4,
    )
    if reported:
        ax.annotate(
            str(row.get("policy", "")),
            (x, y),
            xytext=(5, 4),
            textcoords="offset points",
            fontsize=7,
            color=STRONG,
            zorder=7,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.4},
        )
    return True


def _error(mean: float, low: float, high: float) -> list[list[float]] | None:
    """Error bar lengths below and above ``mean``; None where the interval is undefined
    (matplotlib refuses negative lengths, so a mean outside its interval gets 0)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    return [[max(0.0, mean - low)], [max(0.0, high - mean)]]


def _budget_line(ax, budget: float, lang: Language) -> None:
    """The budget as a dashed line, named at its top on the side with more room
    (horizontal, as rotated Chinese is hard to read)."""
    ax.axvline(budget, color=BUDGET, ls="--", lw=1.0, zorder=3)
    low, high = ax.get_xlim()
    left = budget - low > high - budget
    ax.annotate(
        _text(lang, "budget"),
        (budget, 1.0),
        xycoords=blended_transform_factory(ax.transData, ax.transAxes),
        xytext=(-3 if left else 3, -3),
        textcoords="offset points",
        ha="right" if left else "left",
        va="top",
        fontsize=7,
        color=BUDGET,
    )


def _front_legend(lang: Language, policies: list[dict], searched: list[dict]) -> list[Line2D]:
    """Entries for what is drawn only."""

    def marker(key: str, **style) -> Line2D:
        return Line2D([], [], ls="none", label=_text(lang, key), **style)

    feasible = {bool(r.get("feasible", True)) for r in searched}
    kinds = _kinds(policies)
    handles = []
    if True in feasible:
        handles.append(marker("searched", marker="o", ms=4, color=GREY))
    if False in feasible:
        handles.append(marker("searched_infeasible", marker="o", ms=4, color=GREY, mfc="none"))
    if "reported" in kinds:
        handles.append(marker("reported", marker="o", ms=5, color=STRONG))
    if "fell_away" in kinds:
        handles.append(marker("fell_away", marker="o", ms=5, color=PALE, mfc="white"))
    if "baseline" in kinds:
        handles.append(marker("baseline", marker="x", ms=7, mew=2, color="black"))
    return handles


def _kinds(policies: list[dict]) -> set[str]:
    """Which of 'reported', 'fell_away' and 'baseline' the rows hold."""
    return {
        "baseline" if _is_baseline(r) else "reported" if r.get("reported") else "fell_away"
        for r in policies
    }


def _legend(fig, handles: list[Line2D], width: float) -> None:
    """A legend under the panels, in as many columns as its longest entry allows."""
    if not handles:
        return
    widest = max(display_width(str(h.get_label())) for h in handles)
    column = widest * FONT * POINTS_PER_UNIT / 72 + 0.6  # the key and the gap
    ncol = max(1, min(len(handles), 3, int((width - 0.3) / column)))
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=FONT, frameon=False)


# ------------------------------------------------------------------------ levers figure


def plot_levers(
    policies: list[dict],
    levers: list[LeverAxis],
    colour_by: str,
    lang: Language,
    path: Path,
) -> Path:
    """Write :func:`levers_figure` as a PNG."""
    with lang.style():
        fig = levers_figure(policies, levers, colour_by, lang)
        return save(fig, path)


def levers_figure(policies: list[dict], levers: list[LeverAxis], colour_by: str, lang: Language):
    """Parallel coordinates: one vertical axis per lever (its own scale: the searched range,
    or the choices in order), one line per final-stage policy. Reported policies are solid
    and coloured by their difference from the baseline in ``colour_by``; those that fell
    away are thin grey dashes; the baseline is black."""
    step = 1.6  # inches between lever axes
    width = max(6.0, step * len(levers) + 2.6)
    fig, ax = plt.subplots(figsize=(width, 4.6), layout="constrained")
    spans = [_span(lever, policies) for lever in levers]
    ax.set_xlim(-0.3, max(len(levers) - 1, 0) + 0.35)  # room on the right for the ids
    ax.set_ylim(-0.03, 1.03)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    labels = [wrap_to(lever.label(lang), step - 0.2, FONT) for lever in levers]
    ax.set_xticks(range(len(levers)), labels, fontsize=FONT)
    ax.tick_params(axis="x", length=0, pad=6)
    for k, (lever, span) in enumerate(zip(levers, spans, strict=True)):
        _lever_axis(ax, k, lever, span)
    colours = _colours(fig, ax, policies, colour_by, lang)
    _policy_lines(ax, policies, levers, spans, colours)
    ax.set_title(wrap_to(_text(lang, "levers_title"), width - 1.0, SUPTITLE_FONT), fontsize=10)
    _legend(fig, _lever_legend(lang, policies), width)
    return fig


def _span(lever: LeverAxis, policies: list[dict]) -> tuple[float, float]:
    """The values at the bottom and top of a lever's axis: the choices' positions, the
    searched range, or (no range given) the values the policies take."""
    if lever.choices is not None:
        return 0.0, float(max(len(lever.choices) - 1, 0))
    if lever.low is not None and lever.high is not None:
        return float(lever.low), float(lever.high)
    values = [v for v in (_num(r, lever.name) for r in policies) if math.isfinite(v)]
    return (min(values), max(values)) if values else (0.0, 1.0)


def _position(lever: LeverAxis, span: tuple[float, float], row: dict) -> float:
    """Where a row's setting sits on the lever's axis, 0 (bottom) to 1 (top); NaN if the
    row has no (known) setting. A lever with a single value sits in the middle."""
    if lever.choices is not None:
        value = row.get(lever.name)
        if value not in lever.choices:
            return math.nan
        value = float(lever.choices.index(value))
    else:
        value = _num(row, lever.name)
    low, high = span
    if high == low:
        return 0.5 if math.isfinite(value) else math.nan
    return (value - low) / (high - low)


def _lever_axis(ax, k: int, lever: LeverAxis, span: tuple[float, float]) -> None:
    """A lever's own vertical axis at x = k, with real values (or the choices) as ticks.
    It is a child axes of the main one, so the constrained layout makes room for it."""
    low, high = span
    flat = high == low
    lever_ax = ax.inset_axes(
        (k, 0.0, 1e-3, 1.0),
        transform=ax.transData,
        zorder=3,  # above the lines, so the tick labels stay readable
    )
    lever_ax.set_label(lever.name)
    lever_ax.patch.set_visible(False)
    for side in ("top", "right", "bottom"):
        lever_ax.spines[side].set_visible(False)
    lever_ax.set_xticks([])
    lever_ax.set_ylim((low - 1, high + 1) if flat else (low, high))
    if lever.choices is not None:
        ticks = [float(i) for i in range(len(lever.choices))]
        names = [wrap_to(c, 1.1, 7) for c in lever.choices]
    else:
        ticks = [low] if flat else [low, (low + high) / 2, high]
        names = [_setting(v) for v in ticks]
    lever_ax.set_yticks(ticks, names, fontsize=7)
    for label in lever_ax.get_yticklabels():
        label.set_bbox({"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.6})


def _setting(value: float) -> str:
    """A lever value as a planner writes it: whole numbers with separators, others short."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _colours(fig, ax, policies: list[dict], colour_by: str, lang: Language) -> dict[str, str]:
    """Each reported policy's colour from its difference in ``colour_by``, with a colour
    bar; policies without a difference keep the strong default colour."""
    key = f"{colour_by}_diff"
    reported = [r for r in policies if r.get("reported") and not _is_baseline(r)]
    values = {str(r.get("policy")): _num(r, key) for r in reported}
    finite = [v for v in values.values() if math.isfinite(v)]
    if not finite:
        return {p: STRONG for p in values}
    low, high = min(finite), max(finite)
    if low == high:  # one value: a range around it, so the colour bar has a scale
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    norm = Normalize(low, high)
    mappable = ScalarMappable(norm, CMAP)
    bar = fig.colorbar(mappable, ax=ax, shrink=0.85, pad=0.02)
    label = _text(lang, "minus_baseline", outcome=lang.outcome(colour_by))
    bar.set_label(wrap_to(label, 3.4, FONT), fontsize=FONT)
    bar.ax.tick_params(labelsize=7)
    outcome_axis(bar.ax, "y", colour_by, lang.code, difference=True, inches=3.0, fontsize=7)
    return {
        p: to_hex(CMAP(float(norm(v)))) if math.isfinite(v) else STRONG for p, v in values.items()
    }


def _policy_lines(
    ax,
    policies: list[dict],
    levers: list[LeverAxis],
    spans: list[tuple[float, float]],
    colours: dict[str, str],
) -> None:
    """One polyline per policy (NaN settings break it); reported ones named at the right."""
    xs = np.arange(len(levers), dtype=float)
    named: list[tuple[float, str, str]] = []
    for row in policies:
        ys = np.array([_position(lv, sp, row) for lv, sp in zip(levers, spans, strict=True)])
        policy = str(row.get("policy", ""))
        colour, style = _line_style(row, colours)
        if len(levers) == 1:  # a single axis: a marker, as there is no segment to draw
            style["marker"] = "o"
        ax.plot(xs, ys, color=colour, **style)
        if row.get("reported") and not _is_baseline(row) and levers and math.isfinite(ys[-1]):
            named.append((float(ys[-1]), policy, colour))
    _name_lines(ax, len(levers) - 1, named)


def _line_style(row: dict, colours: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Colour and line style: the baseline black (under the reported lines), reported
    policies solid in their colour, the others thin grey dashes."""
    if _is_baseline(row):
        return "black", {"lw": 1.6, "zorder": 2.3}
    if row.get("reported"):
        return colours.get(str(row.get("policy", "")), STRONG), {"lw": 2.0, "zorder": 2.4}
    return "0.6", {"lw": 0.9, "ls": "--", "zorder": 2.1}


def _name_lines(ax, x: float, named: list[tuple[float, str, str]]) -> None:
    """The reported policies' ids right of the last axis, nudged apart so none overlap and
    kept within the axes' height (0 to 1) however many there are."""
    named = sorted(named)
    gap = min(0.055, 1.0 / max(len(named), 1))
    spots: list[float] = []
    for y, _, _ in named:  # upwards: each at least a gap above the one below
        spots.append(max(y, spots[-1] + gap) if spots else y)
    overflow = spots[-1] - 1.0 if spots else 0.0
    if overflow > 0:  # too high: slide down, then keep the gaps from the top
        spots = [s - overflow for s in spots]
        for k in range(len(spots) - 2, -1, -1):
            spots[k] = min(spots[k], spots[k + 1] - gap)
    for (y, policy, colour), spot in zip(named, spots, strict=True):
        ax.annotate(
            policy,
            (x, y),
            xytext=(x + 0.12, spot),
            textcoords="data",
            va="center",
            fontsize=7,
            color=colour,
            arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6},
            annotation_clip=False,
        )


def _lever_legend(lang: Language, policies: list[dict]) -> list[Line2D]:
    styles: dict[str, dict[str, Any]] = {
        "reported": {"color": CMAP(0.5), "lw": 2.0},
        "fell_away": {"color": "0.6", "lw": 0.9, "ls": "--"},
        "baseline": {"color": "black", "lw": 1.6},
    }
    kinds = _kinds(policies)
    return [
        Line2D([], [], label=_text(lang, kind), **style)
        for kind, style in styles.items()
        if kind in kinds
    ]
