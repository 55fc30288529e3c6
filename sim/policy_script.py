"""What every planner comparison script shares: its command line, the paired runs, the
printed table, and the files it leaves (runs, differences, figure).

A script names its policies as scenarios (the first is the baseline) and calls
:func:`main`. Run one with ``python sim/scenarios/<script>.py --help``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pydantic import ValidationError

from sim import output_folder
from sim.analysis.paired import format_table, paired_differences
from sim.analysis.policy_runs import run_policies
from sim.command_line import MAX_REPS, MAX_WORKERS, Parser, check_counts, command_overrides
from sim.config import MAX_SEED, Scenario
from sim.failures import guarded
from sim.results.outcomes import KEY_OUTCOMES
from sim.scenario_loader import (
    DEFAULT_PRESET,
    ScenarioError,
    format_errors,
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
) -> int:
    """Parse the command line, run every policy on the same seeds, report. ``policies(base,
    args)`` returns {label: scenario}, baseline first."""
    p = parser(description)
    if extra_arguments is not None:
        extra_arguments(p)
    args = p.parse_args(argv)
    return guarded(name, lambda: _compare(name, description, policies, args, outcomes))


def _compare(
    name: str,
    description: str,
    policies: Callable,
    args: argparse.Namespace,
    outcomes: list[str] | None,
) -> int:
    base = base_scenario(args)
    default = args.out is None
    out = str(Path("outputs") / "policies" / name) if default else args.out
    target = output_folder.check(
        out, "policies", inputs=source_files(args.scenario, base), force=args.force, default=default
    )
    try:
        scenarios = policies(base, args)
    except ValidationError as err:  # a script's option made an invalid scenario
        raise ScenarioError(format_errors(err, f"{name} options")) from None
    seeds = list(range(args.seed, args.seed + args.reps))
    baseline = next(iter(scenarios))
    print(f"{name}: {len(scenarios)} policies x {len(seeds)} replications", file=sys.stderr)
    tables = run_policies(scenarios, seeds, args.executor, args.workers)
    outcomes = outcomes or list(KEY_OUTCOMES)
    differences = paired_differences(tables.runs, baseline, outcomes)
    print(format_table(differences))
    title = " ".join(description.split("\n\n")[0].split())
    write_results(target, tables, differences, title=title, baseline=baseline)
    out = target.folder
    print(
        f"\nwrote {out}/ (runs, daily, places, centres .parquet; differences.csv and .png)"
        f"\nfigures and a one-page report: python3 -m sim compare {out}"
    )
    return 0


def write_results(
    target: output_folder.Target, tables, differences, title: str, baseline: str
) -> None:
    """Write the files through a staged folder, so a crash leaves nothing behind."""
    from sim.report.paired_plot import plot_differences

    writers: dict[str, Callable[[Path], object]] = {
        **{
            f"{name}.parquet": partial(pq.write_table, getattr(tables, name))
            for name in ("runs", "daily", "places", "centres")
        },
        "differences.csv": lambda p: pacsv.write_csv(differences, p),
        "differences.png": lambda p: plot_differences(differences, p, title, baseline),
    }
    with output_folder.staged_folder(target) as staging:
        for filename, write in writers.items():
            write(staging / filename)
