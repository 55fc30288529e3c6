"""``sim compare``: figures and a one-page report from run, planner-script and sweep results.

Python use::

    from sim.report.compare import compare
    compare(["outputs/policies/departments"], "outputs/compare-departments", lang="zh")
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa

from sim.analysis.paired import mean_interval, paired_differences
from sim.output_folder import Target, check, staged_folder
from sim.report import backlog_plot, map_plot, outcomes_plot, resolution_plot, sweep_plot
from sim.report.page import Page
from sim.report.paired_plot import differences_figure
from sim.report.results import Results, load
from sim.report.style import Language, ReportError, language, save
from sim.results.outcomes import KEY_OUTCOMES, OUTCOME

DEFAULT_OUTCOMES = list(KEY_OUTCOMES[:12])
TITLES = {"en": "Policy comparison", "zh": "政策方案比较"}


def compare(
    paths: list[str | Path],
    out: str | Path | Target,
    labels: list[str] | None = None,
    baseline: str | None = None,
    lang: str = "en",
    outcomes: list[str] | None = None,
    sweep_axes: tuple[str, str] | None = None,
    sweep_outcome: str | None = None,
) -> Path:
    """Write figures, report.md and report.html into ``out`` (all or nothing); a folder
    that holds other files is refused (see :mod:`sim.output_folder`)."""
    target = out if isinstance(out, Target) else check(out, "report", inputs=map(Path, paths))
    words = language(lang)
    results = load(paths, labels)
    if results.runs is None and not results.sweeps:
        raise ReportError("nothing to compare: the folders hold no runs")
    with staged_folder(target) as staging:
        page = Page(title=TITLES[lang], lines=[f"{p}" for p in paths])
        with words.style():
            if results.runs is not None:
                _policies(results, page, staging, words, baseline, outcomes)
            for k, sweep in enumerate(results.sweeps):
                _sweep(sweep, page, staging, words, k, sweep_axes, sweep_outcome)
        page.write(staging)
    return target.folder


def _policies(
    results: Results,
    page: Page,
    folder: Path,
    lang: Language,
    baseline: str | None,
    outcomes: list[str] | None,
) -> None:
    runs = results.runs
    assert runs is not None  # the caller compares policies only when there are runs
    policies = results.policies
    baseline = baseline or policies[0]
    if baseline not in policies:
        raise ReportError(f"--baseline {baseline!r}: the results hold {policies}")
    if outcomes:
        missing = set(outcomes) - set(runs.column_names)
        if missing:
            raise ReportError(f"--outcome: not in the results: {sorted(missing)}")
    outcomes = [o for o in (outcomes or DEFAULT_OUTCOMES) if o in runs.column_names]
    _check_comparable(runs, policies)
    reps = {p: int(np.sum(np.array(runs.column("policy").to_pylist()) == p)) for p in policies}
    page.lines.append(", ".join(f"{p}: {n} runs" for p, n in reps.items()))
    differences = None
    paired_n = 0
    if len(policies) > 1:
        differences = paired_differences(runs, baseline, outcomes)
        paired_n = min(differences.column("n").to_pylist())
        if paired_n < max(reps.values()):
            page.notes.append(
                f"Differences pair runs of the same seed: {paired_n} pairs "
                "(the policies' seed sets differ)."
            )
    page.header, page.rows = _table(runs, differences, policies, baseline, outcomes, lang)
    figures = [
        (
            "outcomes.png",
            outcomes_plot.outcome_intervals(runs, outcomes, lang),
            lang.text("outcomes_title"),
        )
    ]
    if differences is not None:
        figures.append(
            (
                "differences.png",
                differences_figure(differences, "", baseline, lang),
                lang.text("difference_from", baseline=baseline, n=paired_n),
            )
        )
    if results.daily is not None:
        figures.append(
            (
                "backlog.png",
                backlog_plot.backlog_bands(results.daily, lang),
                lang.text("backlog_title"),
            )
        )
    figures.append(
        ("where.png", resolution_plot.where_resolved(runs, lang), lang.text("where_title"))
    )
    if results.places is not None and results.centres is not None:
        for k, policy in enumerate(_distinct_placements(results.places, policies)):
            figures.append(
                (
                    f"map-{k}.png",
                    map_plot.placement_map(results.places, results.centres, policy, lang),
                    lang.text("map_title", policy=policy),
                )
            )
    for name, fig, caption in figures:
        save(fig, folder / name)
        page.figures.append((name, caption))


def _check_comparable(runs: pa.Table, policies: list[str]) -> None:
    """Policies run over other horizons or population scales cannot be compared."""
    policy = np.array(runs.column("policy").to_pylist())
    for column in ("days", "effective_scale"):
        if column not in runs.column_names:
            continue
        values = np.array(runs.column(column).to_pylist(), dtype=float)
        per = {p: sorted(set(np.round(values[policy == p], 6).tolist())) for p in policies}
        if len({tuple(v) for v in per.values()}) > 1:
            raise ReportError(
                f"the results differ in {column}: {per}; compare runs of the same length and scale"
            )


def _table(runs: pa.Table, differences, policies, baseline, outcomes, lang):
    header = [lang.text("outcome_column"), *policies]
    if differences is not None:
        header += [f"{p} - {baseline}" for p in policies if p != baseline]
    policy = np.array(runs.column("policy").to_pylist())
    diff = {
        (r["policy"], r["outcome"]): r
        for r in (differences.to_pylist() if differences is not None else [])
    }
    rows = []
    for outcome in outcomes:
        fmt = OUTCOME[outcome].fmt if outcome in OUTCOME else "{:.4g}"
        values = np.array(runs.column(outcome).to_pylist(), dtype=float)
        row = [lang.outcome(outcome)]
        for p in policies:
            mean, low, high = mean_interval(values[policy == p])
            row.append(_cell(fmt, mean, low, high))
        for p in policies:
            if p != baseline and (p, outcome) in diff:
                r = diff[(p, outcome)]
                row.append(_cell(fmt, r["difference"], r["ci_low"], r["ci_high"], signed=True))
        rows.append(row)
    return header, rows


def _cell(fmt: str, mean: float, low: float, high: float, signed: bool = False) -> str:
    def one(v: float) -> str:
        if not math.isfinite(v):
            return "n/a"
        text = fmt.format(v)
        return "+" + text if signed and not text.startswith("-") else text

    if not math.isfinite(low):
        return one(mean)
    return f"{one(mean)} [{one(low)}, {one(high)}]"


def _distinct_placements(places: pa.Table, policies: list[str]) -> list[str]:
    """The first policy, then every policy whose placement differs from all shown before."""
    shown, keys = [], []
    for policy in policies:
        mine = places.filter(pa.compute.equal(places.column("policy"), policy))
        if mine.num_rows == 0:
            continue
        key = (
            tuple(mine.column("has_room").to_pylist()),
            tuple(np.round(mine.column("nearest_centre_km").to_numpy(), 6).tolist()),
        )
        if key not in keys:
            keys.append(key)
            shown.append(policy)
    return shown


def _sweep(
    sweep,
    page: Page,
    folder: Path,
    lang: Language,
    k: int,
    axes: tuple[str, str] | None,
    outcome: str | None,
) -> None:
    outcome = outcome or "centre_resolution_rate"
    page.lines.append(
        f"sweep {sweep.name}: {sweep.runs.num_rows} runs over {', '.join(sweep.factors)}"
    )
    if axes is None and len(sweep.factors) >= 2:
        axes = (sweep.factors[0], sweep.factors[1])
    if axes is not None:
        name = f"sweep-{k}-surface.png"
        save(sweep_plot.outcome_surface(sweep.runs, axes[0], axes[1], outcome, lang), folder / name)
        page.figures.append(
            (name, lang.text("surface_title", outcome=lang.outcome(outcome), x=axes[0], y=axes[1]))
        )
    if sweep.sensitivity is not None:
        for j, name in enumerate(dict.fromkeys(sweep.sensitivity.column("outcome").to_pylist())):
            file = f"sweep-{k}-sensitivity-{j}.png"
            save(sweep_plot.sensitivity_bars(sweep.sensitivity, name, lang), folder / file)
            page.figures.append((file, lang.text("sensitivity_title", outcome=lang.outcome(name))))
