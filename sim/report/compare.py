"""``sim compare``: figures and a one-page report from run, planner-script and sweep results.

Python use::

    from sim.report.compare import compare
    compare(["outputs/policies/departments"], "outputs/compare-departments", lang="zh")
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from sim import scenario_diff
from sim.analysis.paired import FEW_REPLICATIONS, bounds_of, mean_interval, paired_differences
from sim.output_folder import Target, check, staged_folder
from sim.report import backlog_plot, map_plot, outcomes_plot, resolution_plot, sweep_plot
from sim.report.areas_section import worst_townships
from sim.report.date_axis import run_start
from sim.report.page import Page
from sim.report.paired_plot import differences_figure
from sim.report.results import Results, load, renamed
from sim.report.style import Language, ReportError, language, save
from sim.results import export
from sim.results.outcomes import KEY_OUTCOMES, OUTCOME, plain_number, with_costs

DEFAULT_OUTCOMES = with_costs(KEY_OUTCOMES[:12])
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
    tables: tuple[str, ...] = (),
) -> Path:
    """Write figures, report.md and report.html into ``out`` (all or nothing); a folder
    that holds other files is refused (see :mod:`sim.output_folder`). ``tables`` asks for
    the report's tables as spreadsheets too: "xlsx" (comparison.xlsx), "csv"."""
    target = out if isinstance(out, Target) else check(out, "report", inputs=map(Path, paths))
    words = language(lang)
    results = load(paths, labels)
    if lang == "zh":  # the scripts' policies by their Chinese names
        baseline = results.names_zh.get(baseline, baseline) if baseline else None
        results = renamed(results, results.names_zh)
    if results.runs is None and not results.sweeps:
        raise ReportError("nothing to compare: the folders hold no runs")
    with staged_folder(target) as staging:
        page = Page(title=TITLES[lang], lines=[f"{p}" for p in paths], lang=lang)
        with words.style():
            if results.runs is not None:
                differences = _policies(results, page, staging, words, baseline, outcomes)
                _spreadsheets(staging, page, differences, tables, lang)
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
) -> pa.Table | None:
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
    outcomes = [o for o in with_costs(outcomes or DEFAULT_OUTCOMES) if o in runs.column_names]
    _check_same_city(results, policies, baseline)  # first: the likelier mistake
    _check_comparable(runs, policies)
    reps = {p: int(np.sum(np.array(runs.column("policy").to_pylist()) == p)) for p in policies}
    runs_line = (lang.text("runs", policy=p, n=n) for p, n in reps.items())
    page.lines.append(lang.text("list_separator").join(runs_line))
    differences = None
    paired_n = 0
    if len(policies) > 1:
        differences = paired_differences(runs, baseline, outcomes)
        # seeds shared with the baseline, whether or not every outcome is defined on them
        paired_n = min(differences.column("pairs").to_pylist())
        if paired_n < max(reps.values()):
            page.notes.append(lang.text("pairs_note", n=paired_n))
        if paired_n < FEW_REPLICATIONS:
            page.notes.append(lang.text("few_replications", n=paired_n, more=2 * FEW_REPLICATIONS))
        page.lines += _change_lines(results, policies, baseline, lang)
    page.header, page.rows = _table(runs, differences, policies, baseline, outcomes, lang)
    if results.areas is not None:
        section = worst_townships(results.areas, policies, baseline, lang)
        page.sections += [section] if section else []
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
                backlog_plot.backlog_bands(
                    results.daily,
                    lang,
                    run_start({"scenario": results.scenarios.get(baseline) or {}}),
                ),
                lang.text("backlog_title"),
            )
        )
    figures.append(
        ("where.png", resolution_plot.where_resolved(runs, lang), lang.text("where_title"))
    )
    if results.places is not None and results.centres is not None:
        figures += _maps(results.places, results.centres, policies, baseline, lang)
    for name, fig, caption in figures:
        save(fig, folder / name)
        page.figures.append((name, caption))
    return differences


def _maps(places: pa.Table, centres: pa.Table, policies: list[str], baseline: str, lang):
    """One map per distinct placement, on one colour scale, new rooms marked against the
    baseline's."""
    base = places.filter(pa.compute.equal(places.column("policy"), baseline))
    km = np.asarray(places.column("nearest_centre_km").to_numpy(), dtype=float)
    top = float(np.nanmax(km)) if np.isfinite(km).any() else 1.0
    return [
        (
            f"map-{k}.png",
            map_plot.placement_map(
                places,
                centres,
                policy,
                lang,
                baseline_places=base if base.num_rows else None,
                vmin=0.0,
                vmax=top,
            ),
            lang.text("map_title", policy=policy),
        )
        for k, policy in enumerate(_distinct_placements(places, policies))
    ]


def _spreadsheets(
    folder: Path, page: Page, differences: pa.Table | None, kinds: tuple[str, ...], lang: str
) -> None:
    """The report's table as planners paste it (cells as shown), and the differences as
    numbers, in the report's language."""
    if not kinds:
        return
    shown = pa.table({h: [row[k] for row in page.rows] for k, h in enumerate(page.header)})
    sheets = {"comparison": shown}
    if differences is not None:
        sheets["differences"] = export.differences_sheet(differences, lang)
    for _heading, header, rows in page.sections:  # the worst-served townships
        name = "服务最弱街道(乡镇)" if lang == "zh" else "worst-served townships"
        sheets[name] = pa.table({h: [r[k] for r in rows] for k, h in enumerate(header)})
    if "xlsx" in kinds:
        export.write_xlsx(folder / "comparison.xlsx", _sheet_names(sheets), lang)
    if "csv" in kinds:
        export.write_csv(folder / "comparison.csv", shown, lang)
        if differences is not None:
            export.write_csv(folder / "differences.csv", sheets["differences"], lang)


def _sheet_names(sheets: dict[str, pa.Table]) -> dict[str, pa.Table]:
    r"""Excel refuses sheet names over 31 characters or with []:*?/\ in them."""
    clean = {}
    for k, (name, table) in enumerate(sheets.items()):
        safe = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31].strip()
        clean[safe or f"sheet {k + 1}"] = table
    return clean


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


def _check_same_city(results: Results, policies: list[str], baseline: str) -> None:
    """Results of other cities, calendars or horizons are not policies to compare."""
    base = results.scenarios.get(baseline)
    for policy in policies:
        other = results.scenarios.get(policy)
        if base is None or other is None or policy == baseline:
            continue
        differ = scenario_diff.city_changes(scenario_diff.changes(base, other))
        if differ:
            raise ReportError(
                f"{policy!r} simulates another city or period than {baseline!r} "
                f"({scenario_diff.summary(differ, limit=3)}); compare policies run on one "
                "city over one horizon (report each city on its own)"
            )


def _change_lines(results: Results, policies: list[str], baseline: str, lang) -> list[str]:
    """What each policy changes against the baseline (from the scenarios on record)."""
    lines = []
    base = results.scenarios.get(baseline)
    others = sorted(set(results.baselines) - {baseline})
    if others:
        names = ", ".join(results.baselines)
        lines.append(
            lang.text(
                "mixed_baselines", n=len(results.baselines), baselines=names, baseline=baseline
            )
        )
    for policy in policies:
        if policy == baseline:
            continue
        other = results.scenarios.get(policy)
        if base is None or other is None:
            lines.append(lang.text("no_record", policy=policy))
            continue
        found = scenario_diff.changes(base, other)
        text = scenario_diff.summary(found, lang=lang.code) if found else lang.text("no_changes")
        lines.append(lang.text("changes_line", policy=policy, baseline=baseline, changes=text))
    return lines


def _table(runs: pa.Table, differences, policies, baseline, outcomes, lang):
    header = [lang.text("outcome_column"), *policies]
    if differences is not None:
        header += [
            lang.text("difference_column", policy=p, baseline=baseline)
            for p in policies
            if p != baseline
        ]
    policy = np.array(runs.column("policy").to_pylist())
    diff = {
        (r["policy"], r["outcome"]): r
        for r in (differences.to_pylist() if differences is not None else [])
    }
    rows = []
    for outcome in outcomes:
        known = OUTCOME.get(outcome)
        value = known.format if known else plain_number
        difference = known.format_difference if known else plain_number
        values = np.array(runs.column(outcome).to_pylist(), dtype=float)
        row = [lang.outcome(outcome)]
        for p in policies:
            mean, low, high = mean_interval(values[policy == p], bounds_of(outcome))
            row.append(_cell(value, mean, low, high))
        for p in policies:
            if p != baseline and (p, outcome) in diff:
                r = diff[(p, outcome)]
                row.append(_cell(difference, r["difference"], r["ci_low"], r["ci_high"]))
        rows.append(row)
    return header, rows


def _cell(shown: Callable[[float], str], mean: float, low: float, high: float) -> str:
    if not math.isfinite(low):
        return shown(mean)
    return f"{shown(mean)} [{shown(low)}, {shown(high)}]"


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
    factors = lang.text("list_separator").join(sweep.factors)
    page.lines.append(
        lang.text("sweep_line", name=sweep.name, n=sweep.runs.num_rows, factors=factors)
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
