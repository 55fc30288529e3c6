"""What every planner comparison script shares: its command line, the paired runs, the
printed table, and the files it leaves (runs, differences, figure).

A script names its policies as scenarios (the first is the baseline) and calls
:func:`main`. Run one with ``python sim/scenarios/<script>.py --help``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pydantic import ValidationError

from sim import output_folder
from sim.analysis.paired import format_table, paired_differences
from sim.analysis.policy_runs import run_policies
from sim.city.staffing_notes import csv_staffing_notes
from sim.command_line import MAX_REPS, MAX_WORKERS, Parser, check_counts, command_overrides
from sim.config import MAX_SEED, Scenario
from sim.failures import guarded
from sim.policy_label import chinese_names
from sim.results.export import differences_sheet, require_xlsx, write_xlsx
from sim.results.outcomes import KEY_OUTCOMES, with_costs
from sim.scenario_diff import Change, changes, summary
from sim.scenario_loader import (
    DEFAULT_PRESET,
    ScenarioError,
    calibration_note,
    format_errors,
    inherited_staffing,
    load_scenario,
    source_files,
)


def parser(description: str) -> argparse.ArgumentParser:
    p = Parser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--scenario",
        default=DEFAULT_PRESET,
        help=f"baseline preset or TOML file (default {DEFAULT_PRESET})",
    )
    p.add_argument("--reps", type=int, default=10, help="replications (seeds) per policy")
    p.add_argument("--seed", type=int, default=1, help="first seed")
    p.add_argument("--scale", type=float, help="population scale of every run")
    p.add_argument("--days", type=int, help="measured days of every run")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="change the baseline and every policy alike, e.g. "
        "duty.part_time_half_days_by_level.township=1 (repeatable)",
    )
    p.add_argument("--executor", choices=("serial", "process", "dask"), default="process")
    p.add_argument("--workers", type=int, default=0, help="workers (default: one per core)")
    p.add_argument("--out", help="output folder (default outputs/policies/<script>)")
    p.add_argument(
        "--xlsx",
        action="store_true",
        help="also write comparison.xlsx (differences, what each policy changes, runs)",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="labels of --xlsx")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace earlier results in --out (only the files this tool wrote)",
    )
    return p


def base_scenario(args) -> Scenario:
    overrides = command_overrides(args.set, {"days": args.days, "scale": args.scale})
    check_counts(
        args, {"reps": (1, MAX_REPS), "workers": (0, MAX_WORKERS), "seed": (0, MAX_SEED - MAX_REPS)}
    )
    return load_scenario(args.scenario, overrides)


def main(
    name: str,
    description: str,
    policies: Callable[[Scenario, argparse.Namespace], dict],
    argv: list[str] | None = None,
    outcomes: list[str] | None = None,
    extra_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    title_of: Callable[[argparse.Namespace], str] | None = None,
) -> int:
    """Parse the command line, run every policy on the same seeds, report. ``policies(base,
    args)`` returns {label: scenario}, baseline first."""
    p = parser(description)
    if extra_arguments is not None:
        extra_arguments(p)
    args = p.parse_args(argv)
    return guarded(name, lambda: _compare(name, description, policies, args, outcomes, title_of))


def _compare(
    name: str,
    description: str,
    policies: Callable,
    args: argparse.Namespace,
    outcomes: list[str] | None,
    title_of: Callable[[argparse.Namespace], str] | None = None,
) -> int:
    base = base_scenario(args)
    if args.xlsx:
        require_xlsx()  # before any run
    default = args.out is None
    out = str(Path("outputs") / "policies" / name) if default else args.out
    target = output_folder.check(
        out, "policies", inputs=source_files(args.scenario, base), force=args.force, default=default
    )
    try:
        named = policies(base, args)
    except ValidationError as err:  # a script's option made an invalid scenario
        raise ScenarioError(format_errors(err, f"{name} options")) from None
    scenarios = {str(label): scenario for label, scenario in named.items()}
    zh = chinese_names(named)
    seeds = list(range(args.seed, args.seed + args.reps))
    baseline = next(iter(scenarios))
    found = policy_changes(base, scenarios)
    print(f"{name}: {len(scenarios)} policies x {len(seeds)} replications", file=sys.stderr)
    _tell_changes(base, scenarios, found)
    notes = [
        calibration_note(base, args.scenario),
        *csv_staffing_notes(base, inherited_staffing(base)),
    ]
    for note in filter(None, notes):
        print(note, file=sys.stderr)
    tables = run_policies(scenarios, seeds, args.executor, args.workers)
    outcomes = with_costs(outcomes or KEY_OUTCOMES)
    differences = paired_differences(tables.runs, baseline, outcomes)
    lines = {p: summary(c) for p, c in found.items()} | {"": baseline}
    print(format_table(differences, lines))
    title = title_of(args) if title_of else " ".join(description.split("\n\n")[0].split())
    sheets = _sheets(differences, found, tables.runs, args.lang) if args.xlsx else None
    write_results(
        target, tables, differences, title, baseline, found, scenarios, sheets, args.lang, zh
    )
    out = target.folder
    print(
        f"\nwrote {out}/ (runs, daily, places, centres, areas .parquet; differences.csv and .png; "
        "policies.csv and .json: what each policy changes)"
        f"\nfigures and a one-page report: python3 -m sim compare {out}"
    )
    return 0


def policy_changes(base: Scenario, scenarios: dict[str, Scenario]) -> dict[str, list[Change]]:
    """What each policy changes against the baseline (the first), and what the baseline
    changes against the scenario the planner gave (normally nothing: scripts keep it)."""
    baseline, *others = scenarios
    first = scenarios[baseline].model_dump(mode="json")
    found = {baseline: changes(base.model_dump(mode="json"), first)}
    return found | {p: changes(first, scenarios[p].model_dump(mode="json")) for p in others}


def _tell_changes(base: Scenario, scenarios: dict, found: dict[str, list[Change]]) -> None:
    baseline = next(iter(scenarios))
    said = f"baseline {baseline!r}: scenario {base.name!r} as given"
    if found[baseline]:  # a script option changed the baseline too: say how
        said += f", changed by this script's options: {summary(found[baseline])}"
    print(said, file=sys.stderr)
    for policy in list(scenarios)[1:]:
        print(f"{policy!r} changes: {summary(found[policy])}", file=sys.stderr)


def write_results(
    target: output_folder.Target,
    tables,
    differences,
    title: str,
    baseline: str,
    found: dict[str, list[Change]] | None = None,
    scenarios: dict[str, Scenario] | None = None,
    sheets: dict[str, pa.Table] | None = None,
    lang: str = "en",
    names_zh: dict[str, str] | None = None,
) -> None:
    """Write the files through a staged folder, so a crash leaves nothing behind."""
    from sim.report.paired_plot import plot_differences

    lines = {p: summary(c) for p, c in (found or {}).items()}
    if lines:
        differences = differences.append_column(
            "changes",
            pa.array([lines.get(p, "") for p in differences.column("policy").to_pylist()]),
        )
    writers: dict[str, Callable[[Path], object]] = {
        **{
            f"{name}.parquet": partial(pq.write_table, getattr(tables, name))
            for name in ("runs", "daily", "places", "centres", "areas")
        },
        "differences.csv": lambda p: pacsv.write_csv(differences, p),
        "differences.png": lambda p: plot_differences(differences, p, title, baseline),
    }
    if found is not None:
        writers["policies.csv"] = lambda p: pacsv.write_csv(_changes_table(found), p)
    if scenarios is not None:
        writers["policies.json"] = lambda p: _write_scenarios(p, baseline, scenarios, names_zh)
    if sheets is not None:
        writers["comparison.xlsx"] = lambda p: write_xlsx(p, sheets, lang)
    with output_folder.staged_folder(target) as staging:
        for filename, write in writers.items():
            write(staging / filename)


def _sheets(differences, found, runs, lang: str) -> dict[str, pa.Table]:
    """The comparison as a workbook: differences with labels, the changes, every run."""
    return {
        "differences": differences_sheet(differences, lang),
        "changes": _changes_table(found),
        "runs": runs,
    }


def _changes_table(found: dict[str, list[Change]]) -> pa.Table:
    rows = [
        {"policy": policy, "key": c.key, "baseline": str(c.before), "policy_value": str(c.after)}
        for policy, items in found.items()
        for c in items
    ]
    names = ("policy", "key", "baseline", "policy_value")
    return pa.Table.from_pylist(rows, schema=pa.schema([(n, pa.string()) for n in names]))


def _write_scenarios(
    path: Path, baseline: str, scenarios: dict[str, Scenario], names_zh: dict[str, str] | None
) -> None:
    """Every policy's resolved scenario, so that ``sim compare`` can say what each changes
    and refuse results of other cities, and the policies' Chinese names."""
    data = {
        "baseline": baseline,
        "scenarios": {name: s.model_dump(mode="json") for name, s in scenarios.items()},
        "names_zh": names_zh or {},
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
