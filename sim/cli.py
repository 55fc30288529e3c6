"""The command line: ``sim run``, ``sim presets``, ``sim levers``, ``sim compare``,
``sim bench``, ``sim calibrate``, ``sim sweep``, ``sim optimise``, ``sim sensitivity``,
``sim dashboard``."""

from __future__ import annotations

import argparse
import functools
import math
import sys
import textwrap
from pathlib import Path

from sim import output_folder
from sim.city.staffing_notes import csv_staffing_notes
from sim.command_line import MAX_REPS, MAX_WORKERS, Parser, check_counts, command_overrides
from sim.failures import EXIT_BAD_INPUT as EXIT_BAD_INPUT  # re-exported for callers
from sim.failures import guarded
from sim.report.errors import ReportError
from sim.results.outcomes import OUTCOME, PARTY_COST_ITEMS, PUBLIC_COST_ITEMS, RUN_TABLE
from sim.results.text_table import display_width, pad
from sim.scenario_loader import (
    DEFAULT_PRESET,
    ScenarioError,
    calibration_note,
    inherited_staffing,
    load_scenario,
    preset_names,
    source_files,
)

DEFAULT_VALIDATION_OUT = str(Path("outputs") / "validation")


def _overrides(args) -> dict:
    return command_overrides(args.set, {"seed": args.seed, "days": args.days, "scale": args.scale})


def cmd_run(args) -> int:
    scenario = load_scenario(args.scenario, _overrides(args))
    _tell_calibration(scenario, args.scenario)
    default = args.out is None
    out = str(Path("outputs") / _run_name(scenario)) if default else args.out
    target = output_folder.check(
        out, "run", inputs=source_files(args.scenario, scenario), force=args.force, default=default
    )
    files = _run_files(args)  # a missing font or openpyxl is refused before the run
    notes = csv_staffing_notes(scenario, inherited_staffing(scenario))
    for note in notes:
        print(note, file=sys.stderr)
    from sim.results.simulation import simulate  # after the checks: bad input is answered at once

    progress = None if args.quiet else _progress_bar(scenario.run.days + scenario.run.warmup_days)
    try:
        result = simulate(scenario, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    result.manifest.update({"notes": notes} if notes else {})  # the notes go with the run
    result.write(target, figures=files)
    row = result.summary.to_pylist()[0]
    print(format_summary(row, scenario.name, scenario.run.seed, args.lang))
    print(f"\n{format_costs(row, args.lang)}")
    if args.by:
        from sim.results.areas import format_areas

        if result.areas is not None:
            print(f"\n{format_areas(result.areas, args.by, args.lang)}")
    wrote = WROTE["zh" if args.lang == "zh" else "en"]
    print(wrote.format(folder=target.folder, files=", ".join(files)))
    return 0


WROTE = {
    "en": "\nwrote {folder}/ (cases, stays, daily, summary, places, centres, areas .parquet; "
    "manifest.json; {files})",
    "zh": "\n已写入 {folder}/(cases、stays、daily、summary、places、centres、areas 的 "
    ".parquet 文件;manifest.json;{files})",
}


def _run_files(args) -> dict:
    """The overview figure and the spreadsheets asked for, by file name."""
    from sim.report.style import cjk_font
    from sim.results.export import require_xlsx
    from sim.results.run_export import run_files

    if args.xlsx:
        require_xlsx()
    if args.lang == "zh":
        cjk_font()  # or the message saying how to install it
    draw = functools.partial(_overview, lang=args.lang)
    return {"overview.png": draw, **run_files(args.lang, xlsx=args.xlsx, csv=args.csv)}


def _tell_calibration(scenario, source) -> None:
    note = calibration_note(scenario, source)
    if note:
        print(note, file=sys.stderr)


def _run_name(scenario) -> str:
    name = f"{scenario.name}-seed{scenario.run.seed}"
    if scenario.run.scale != 1.0:
        name += f"-scale{scenario.run.scale:g}"
    return name


class _progress_bar:
    """A tqdm bar over simulated days, called as progress(done, total)."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total, unit="day", desc="simulating", file=sys.stderr, mininterval=0.2
        )

    def __call__(self, done: int, total: int) -> None:
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def _overview(result, path: Path, lang: str = "en") -> None:
    """The run's overview figure (backlog over the year; where disputes ended)."""
    from sim.report.overview_plot import overview
    from sim.report.style import language

    summary = result.summary.to_pylist()[0]
    with language(lang).style():
        title = result.manifest.get("scenario_name", "")
        overview(result.daily, summary, path, title=title, lang=lang)


SUMMARY_HEAD = {
    "en": (
        "{name}, seed {seed}, {days} days, population {population:,}",
        " (scale {scale:.3f}: counts are for this population)",
    ),
    "zh": (
        "{name},随机种子 {seed},{days} 天,人口 {population:,}",
        "(人口比例 {scale:.3f}:各数为该人口的数)",
    ),
}

# One counting basis for the table, the overview figure and the reports, said once.
SUMMARY_BASIS = {
    "en": "Counts are of events in the measured period (a dispute received, ended or "
    "reaching court in it), whenever the dispute arose; 'all' includes disputes nobody "
    "had learned of. The last two rows are the state at the end.",
    "zh": "各数统计的是统计期内发生的事件(纠纷被受理、终结或进入法院),不论纠纷何时发生;"
    "“全部”含无人知晓的纠纷。最后两行为期末状态。",
}


def format_summary(row: dict, name: str, seed: int, lang: str = "en") -> str:
    """The terminal table of a run's key outcomes, labels in ``lang`` (padded by display
    width: a Chinese character takes two columns)."""
    scale = row.get("effective_scale", 1.0)
    head, scaled = SUMMARY_HEAD["zh" if lang == "zh" else "en"]
    head = head.format(name=name, seed=seed, days=row["days"], population=row["population"])
    if scale != 1.0:
        head += scaled.format(scale=scale)
    lines = [head, "-" * display_width(head)]
    for key in RUN_TABLE:
        outcome = OUTCOME[key]
        lines.append(pad(outcome.label(lang), 46) + pad(outcome.format(row.get(key)), 14, True))
    lines += textwrap.wrap(
        SUMMARY_BASIS["zh" if lang == "zh" else "en"], 44 if lang == "zh" else 90
    )
    return "\n".join(lines)


COSTS_HEAD = {
    "en": "Cost by item, yuan in the period ([costs] prices; only the subsidies per case are "
    "published, the rest are assumptions)",
    "zh": "分项成本(元,统计期内;[costs]价格:仅以案定补标准有公开来源,其余为假设)",
}


def format_costs(row: dict, lang: str = "en") -> str:
    """The run's cost items that are not zero, then the totals."""
    head = COSTS_HEAD["zh" if lang == "zh" else "en"]
    lines = [*textwrap.wrap(head, 44 if lang == "zh" else 90), "-" * 60]
    for name, _, _ in (*PUBLIC_COST_ITEMS, *PARTY_COST_ITEMS):
        if row.get(name):
            outcome = OUTCOME[name]
            lines.append(pad(outcome.label(lang), 46) + pad(outcome.format(row[name]), 14, True))
    for name in ("cost_public_yuan", "cost_parties_yuan"):
        outcome = OUTCOME[name]
        lines.append(pad(outcome.label(lang), 46) + pad(outcome.format(row.get(name)), 14, True))
    return "\n".join(lines)


def cmd_presets(_args) -> int:
    for name in preset_names():
        scenario = load_scenario(name)
        print(f"{name:<24}{scenario.description}")
    return 0


def cmd_levers(args) -> int:
    from sim.config import parameters

    role = None if args.role == "all" else args.role
    scenario = load_scenario(args.scenario)
    print(
        f"values as {scenario.name!r} runs them (calibration: {scenario.calibration or 'none'}); "
        "'model default' where that differs\n"
    )
    for row in parameters(role):
        value = _value_at(scenario, row["key"])
        default = row["default"]
        bounds = f"; {row['range']}" if row["range"] else ""
        differs = f"; model default {_shown(default)}" if value != default else ""
        print(f"{row['key']} = {_shown(value)}   ({row['role'] or 'label'}{bounds}{differs})")
        for line in textwrap.wrap(row["description"], 92):
            print(f"    {line}")
    return 0


def _value_at(scenario, key: str):
    value = scenario
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _shown(value) -> str:
    return "[...]" if isinstance(value, list) and len(str(value)) > 60 else str(value)


def cmd_compare(args) -> int:
    from sim.report.compare import compare
    from sim.results.export import require_xlsx

    if args.xlsx:
        require_xlsx()  # before any work

    axes = None
    if args.axes:
        axes = tuple(part.strip() for part in args.axes.split(","))
        if len(axes) != 2:
            raise ReportError(f"--axes {args.axes!r}: expected two factor names, X,Y")
    outcomes = args.outcome or None
    default = args.out is None
    out = str(Path("outputs") / f"compare-{Path(args.results[0]).name}") if default else args.out
    target = output_folder.check(
        out, "report", inputs=[Path(p) for p in args.results], force=args.force, default=default
    )
    folder = compare(
        args.results,
        target,
        labels=args.label,
        baseline=args.baseline,
        lang=args.lang,
        outcomes=outcomes,
        sweep_axes=axes,
        sweep_outcome=args.sweep_outcome,
        tables=tuple(k for k in ("xlsx", "csv") if getattr(args, k)),
    )
    print(f"wrote {folder}/report.html (and report.md, figures)")
    return 0


def cmd_validate(args) -> int:
    import pyarrow.csv as pacsv

    from sim.analysis.validation import markdown, validate
    from sim.output_folder import staged_folder
    from sim.report.style import save
    from sim.report.validation_plot import validation_figure

    check_counts(args, {"reps": (2, MAX_REPS), "workers": (0, MAX_WORKERS)})
    target = output_folder.check(
        args.out, "validation", force=args.force, default=args.out == DEFAULT_VALIDATION_OUT
    )
    table = validate(
        reps=args.reps,
        days=args.days,
        scale=args.scale,
        workers=args.workers,
        executor=args.executor,
        presets=args.preset,
    )
    out = target.folder
    text = markdown(table)
    with staged_folder(target) as staging:
        pacsv.write_csv(table, staging / "validation.csv")
        (staging / "validation.md").write_text(text, encoding="utf-8")
        save(validation_figure(table), staging / "validation.png")
    print(text)
    print(f"wrote {out}/ (validation.csv, validation.md, validation.png)")
    return 0


def cmd_bench(args) -> int:
    from sim.bench.benchmark import benchmark

    check_counts(args, {"repeats": (1, 100), "sweep_runs": (0, 1000)})
    try:
        scales = tuple(float(x) for x in args.scales.split(",")) if args.scales else ()
    except ValueError:
        scales = (math.nan,)
    if not all(0 < s <= 8 for s in (*scales, args.scale)):  # NaN fails too
        raise ScenarioError(
            f"--scales {args.scales!r} / --scale {args.scale}: expected "
            "numbers above 0 and at most 8, like 0.25,0.5,1,2"
        )
    return benchmark(
        args.scenario,
        repeats=args.repeats,
        scale=args.scale,
        scales=scales,
        sweep_runs=args.sweep_runs,
    )


CALIBRATION_STEPS = ("screen", "fit", "report")  # sim.calibrate.steps.STEPS, not imported:
# the parser is built before any calibration code loads


def cmd_calibrate(args) -> int:
    from sim.calibrate.settings import DEFAULT, Settings
    from sim.calibrate.steps import run_step
    from sim.data import TARGETS_FILE

    if args.help_targets:
        from sim.calibrate.targets_help import targets_help

        print(targets_help())
        return 0
    check_counts(
        args,
        {
            "trials": (1, 10_000),
            "reps": (1, 100),
            "batch": (1, 64),
            "check_reps": (1, MAX_REPS),
            "morris_trajectories": (1, 1000),
            "refine": (0, 1000),
            "uncertainty": (0, 10_000),
            "workers": (0, MAX_WORKERS),
            "max_parameters": (1, 100),
        },
    )
    if args.low_scale is not None and not 0 < args.low_scale <= 1:
        raise ScenarioError(f"--low-scale {args.low_scale:g}: expected a share above 0, at most 1")
    settings = Settings(
        scenario=args.scenario,
        targets_file=Path(args.targets) if args.targets else TARGETS_FILE,
        from_prior=not args.from_scratch,
        scale=args.scale,
        days=args.days,
        low_scale=args.low_scale,
        workers=args.workers,
        reps=args.reps,
        trials=args.trials,
        refine_evaluations=args.refine,
        acceptance_samples=args.uncertainty,
        batch=args.batch,
        morris_trajectories=args.morris_trajectories,
        max_parameters=args.max_parameters,
        check_reps=args.check_reps,
        report_dir=Path(args.report_dir) if args.report_dir else DEFAULT,
        work_dir=Path(args.work_dir) if args.work_dir else DEFAULT,
        fitted_file=Path(args.fitted_file) if args.fitted_file else DEFAULT,
    )
    settings.prepare(force=args.force)
    journal = Path(settings.work_dir) / "study.journal"
    if args.fresh and journal.exists():
        journal.unlink()  # finished runs stay cached: their keys include the model's code
    steps = CALIBRATION_STEPS if args.step == "all" else (args.step,)
    for step in steps:
        print(f"== {step}", file=sys.stderr)
        print(run_step(step, settings))
    if "fit" in steps:
        print(_name_it(settings))
    return 0


def cmd_cross_validate(args) -> int:
    from sim.calibrate.cross_validation import cross_validate

    check_counts(args, {"workers": (0, MAX_WORKERS)})
    out = Path(args.out)
    written = [out / name for name in ("cross-validation.md", "cross-validation.csv")]
    if any(p.exists() for p in written) and not args.force:
        raise ScenarioError(f"{out}: a cross-validation table is there; add --force to replace it")
    print(f"wrote {cross_validate(out, args.fold, args.workers)}")
    return 0


def _name_it(settings) -> str:
    """How the scenario takes the new calibration (its file is the planner's: not edited)."""
    from sim.scenario_loader import preset_names, resolve_path

    scenario = resolve_path(settings.scenario)
    fitted = Path(settings.fitted_file).resolve()
    if settings.scenario in preset_names():  # the installed preset is not the planner's
        return (
            "to run with this calibration, write a scenario file of your own:\n"
            f'  base = "{settings.scenario}"\n  calibration = "{fitted}"'
        )
    try:
        shown = str(fitted.relative_to(scenario.resolve().parent))
    except ValueError:
        shown = str(fitted)
    return f'to run with this calibration, write in {scenario.name}:\n  calibration = "{shown}"'


def cmd_sweep(args) -> int:
    from sim.sweeps.runner import run_sweep
    from sim.sweeps.spec import load_spec
    from sim.sweeps.store import KIND

    check_counts(args, {"workers": (0, MAX_WORKERS)})
    spec = load_spec(args.spec)
    out = str(Path("outputs") / spec.name) if args.out is None else args.out
    # A store of the same sweep is resumed; one of another sweep needs --force.
    target = output_folder.check(out, KIND, inputs=spec.inputs(), default=True)
    store = run_sweep(
        spec,
        target,
        executor=args.executor,
        workers=args.workers,
        address=args.scheduler,
        retry_failed=args.retry_failed,
        progress=not args.quiet,
        force=args.force,
    )
    runs, errors = store.read_runs().num_rows, store.read_errors().num_rows
    print(
        f"wrote {out}/: {runs} runs in runs/, {errors} failed in errors/ "
        "(read with pandas.read_parquet('.../runs'))"
    )
    return 0


def cmd_optimise(args) -> int:
    from sim.optimise.report import write_report
    from sim.optimise.run import optimise
    from sim.optimise.spec import load_spec

    check_counts(args, {"workers": (0, MAX_WORKERS)})
    spec = load_spec(args.spec)
    result = optimise(
        spec,
        args.out,
        executor=args.executor,
        workers=args.workers,
        address=args.scheduler,
        force=args.force,
        progress=not args.quiet,
    )
    write_report(result)
    best = result.recommended
    print(
        f"wrote {result.folder}/: report.md, report_zh.md, policies.csv, searched.csv, "
        f"front.png, levers.png; {len(result.searched)} candidates searched, "
        f"{sum(p.reported for p in result.policies)} policies reported"
        + (f", recommended {best.id}" if best else ", none within the budget and constraints")
    )
    return 0


def cmd_sensitivity(args) -> int:
    import pyarrow.csv as pacsv

    from sim.sweeps.sensitivity import sensitivity
    from sim.sweeps.spec import parse_spec
    from sim.sweeps.store import KIND, RunStore, read_manifest

    folder = Path(args.sweep)
    if not folder.is_dir() or output_folder.owned_files(folder, KIND) is None:
        raise ScenarioError(f"{folder}: not a sweep store of this tool (see sim sweep)")
    manifest = read_manifest(folder)
    # The spec's own path, so that a relative base resolves as when the sweep ran.
    spec_path = manifest.get("spec_path")
    spec = parse_spec(
        manifest["spec"],
        Path(spec_path) if isinstance(spec_path, str) else folder / "manifest.json",
    )
    table = sensitivity(spec, RunStore(folder), args.outcome)
    path = folder / "sensitivity.csv"
    tmp = folder / ".sensitivity.csv.tmp"
    pacsv.write_csv(table, tmp)
    tmp.replace(path)
    rows = table.to_pylist()
    keys = [k for k in table.column_names if k not in ("outcome", "factor", "base_samples")]
    print(f"{'outcome':<32}{'factor':<36}" + "".join(f"{k:>13}" for k in keys))
    for row in rows:
        print(
            f"{row['outcome']:<32}{row['factor']:<36}" + "".join(f"{row[k]:>13.3f}" for k in keys)
        )
    samples = rows[0].get("base_samples") if rows else None
    if samples is not None and samples < 32:
        print(
            f"\nnote: Sobol indices from a base sample of N = {samples} have wide intervals "
            "(see the _conf columns); use samples = 64 or more in [design] for a decision"
        )
    print(f"\nwrote {path}")
    return 0


def cmd_dashboard(args) -> int:
    from sim.dashboard.server import serve

    check_counts(args, {"port": (0, 65535)})
    return serve(args.port, args.host, args.outputs)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="sim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and write its results")
    run.add_argument(
        "scenario",
        nargs="?",
        default=DEFAULT_PRESET,
        help=f"preset name or TOML file (default {DEFAULT_PRESET})",
    )
    run.add_argument("--seed", type=int, help="root random seed")
    run.add_argument("--days", type=int, help="days to simulate")
    run.add_argument("--scale", type=float, help="population scale (e.g. 0.05 for a quick run)")
    run.add_argument(
        "--set",
        action="append",
        metavar="KEY.PATH=VALUE",
        help="override one parameter, e.g. --set handling.attempts_per_level=2",
    )
    run.add_argument("--out", help="output folder (default outputs/<scenario>-seed<N>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--by",
        choices=("county", "township"),
        help="also print outcomes by county, or the 15 worst-served townships "
        "(all areas are in areas.parquet)",
    )
    run.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="labels: en (default) or zh"
    )
    run.add_argument(
        "--xlsx", action="store_true", help="also write results.xlsx (summary and areas sheets)"
    )
    run.add_argument(
        "--csv", action="store_true", help="also write summary.csv and areas.csv (labelled)"
    )
    _force_argument(run)
    run.set_defaults(func=cmd_run)
    presets = sub.add_parser("presets", help="list the preset scenarios")
    presets.set_defaults(func=cmd_presets)
    comp = sub.add_parser(
        "compare",
        help="figures and a one-page report from run folders, planner-script outputs or sweeps",
    )
    comp.add_argument(
        "results",
        nargs="+",
        help="folders: sim run outputs (several seeds of "
        "a scenario are its replications), planner-script outputs, sweep stores",
    )
    comp.add_argument("--label", action="append", help="name of each folder's policy, in order")
    comp.add_argument("--baseline", help="policy the others are compared with (default: first)")
    comp.add_argument("--outcome", action="append", help="outcome to show (repeatable)")
    comp.add_argument("--lang", default="en", help="en (default) or zh")
    comp.add_argument(
        "--xlsx", action="store_true", help="also write the tables as comparison.xlsx"
    )
    comp.add_argument(
        "--csv", action="store_true", help="also write comparison.csv and differences.csv"
    )
    comp.add_argument("--axes", help="sweep factors for the surface, X,Y (default: first two)")
    comp.add_argument(
        "--sweep-outcome", help="outcome of the sweep surface (default centre_resolution_rate)"
    )
    comp.add_argument("--out", help="report folder (default outputs/compare-<first result>)")
    _force_argument(comp)
    comp.set_defaults(func=cmd_compare)
    val = sub.add_parser(
        "validate", help="every preset against the published figures it can predict (not fitted)"
    )
    val.add_argument("--reps", type=int, default=5, help="replications per preset")
    val.add_argument("--days", type=int, default=365)
    val.add_argument("--scale", type=float, default=1.0)
    val.add_argument("--preset", action="append", help="only these presets (repeatable)")
    val.add_argument("--executor", choices=("serial", "process", "dask"), default="process")
    val.add_argument("--workers", type=int, default=0)
    val.add_argument("--out", default=DEFAULT_VALIDATION_OUT)
    _force_argument(val)
    val.set_defaults(func=cmd_validate)
    levers = sub.add_parser(
        "levers",
        help="list the scenario keys a planner can change "
        "(with --role: context or structure keys too)",
    )
    levers.add_argument("--role", choices=("lever", "context", "structure", "all"), default="lever")
    levers.add_argument(
        "--scenario",
        default=DEFAULT_PRESET,
        help=f"show the values this preset or scenario file runs with (default {DEFAULT_PRESET})",
    )
    levers.set_defaults(func=cmd_levers)
    bench = sub.add_parser("bench", help="time and peak memory of full-scale default years")
    bench.add_argument("scenario", nargs="?", default=DEFAULT_PRESET)
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument("--scale", type=float, default=1.0)
    bench.add_argument("--scales", help="also time these scales, e.g. 0.25,0.5,1,2")
    bench.add_argument(
        "--sweep-runs",
        type=int,
        default=0,
        help="also measure sweep throughput with this many full years",
    )
    bench.set_defaults(func=cmd_bench)
    dash = sub.add_parser(
        "dashboard", help="serve the planner's dashboard in the browser (needs [dashboard])"
    )
    dash.add_argument("--port", type=int, default=8765, help="port (0: any free one)")
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on")
    dash.add_argument("--outputs", default="outputs", help="folder the results go to")
    dash.set_defaults(func=cmd_dashboard)
    _calibrate_parser(sub)
    _sweep_parsers(sub)
    return parser


def _force_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace earlier results of this tool in --out (only the files "
        "it wrote; other files there are kept)",
    )


def _sweep_parsers(sub) -> None:
    from sim.sweeps.executors import EXECUTORS

    sweep = sub.add_parser(
        "sweep",
        help="run a batch parameter sweep from a spec (resumable)",
        description="Run every design point of SPEC with its replications into a Parquet run "
        "store. Running the same command again completes only the missing runs.",
    )
    sweep.add_argument("spec", help="sweep spec TOML (see sim/sweeps/spec.py)")
    sweep.add_argument("--out", help="run store folder (default outputs/<sweep name>)")
    sweep.add_argument("--executor", choices=EXECUTORS, default="process")
    sweep.add_argument("--workers", type=int, default=0, help="processes (0: one per core)")
    sweep.add_argument(
        "--scheduler",
        help="address of a Dask scheduler (with --executor dask; default: a local Dask cluster)",
    )
    sweep.add_argument("--retry-failed", action="store_true", help="run failed runs again")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.add_argument(
        "--force",
        action="store_true",
        help="replace a store of another sweep in --out (its own files only)",
    )
    sweep.set_defaults(func=cmd_sweep)
    opt = sub.add_parser(
        "optimise",
        help="search policy mixes within a budget (NSGA-II; resumable)",
        description="Search the levers of SPEC for the policies that do best on its objectives "
        "within its budget and constraints, rerun the best on fresh seeds against the "
        "baseline, and write the report. Running the same command again resumes.",
    )
    opt.add_argument("spec", help="optimisation spec TOML (see sim/optimise/spec.py)")
    opt.add_argument("--out", help="store and report folder (default outputs/<spec name>)")
    opt.add_argument("--executor", choices=EXECUTORS, default="process")
    opt.add_argument("--workers", type=int, default=0, help="processes (0: one per core)")
    opt.add_argument(
        "--scheduler",
        help="address of a Dask scheduler (with --executor dask; default: a local Dask cluster)",
    )
    opt.add_argument("--quiet", action="store_true", help="no progress bars")
    opt.add_argument(
        "--force",
        action="store_true",
        help="start afresh: delete the stored runs in --out first (its own files only)",
    )
    opt.set_defaults(func=cmd_optimise)
    sens = sub.add_parser("sensitivity", help="Sobol or Morris indices from a finished sweep")
    sens.add_argument("sweep", help="the sweep's run store folder")
    sens.add_argument(
        "--outcome",
        action="append",
        required=True,
        help="summary column, e.g. centre_resolution_rate (repeatable)",
    )
    sens.set_defaults(func=cmd_sensitivity)


def _calibrate_parser(sub) -> None:
    cal = sub.add_parser(
        "calibrate",
        help="fit the free parameters to the published figures (resumable)",
        description="Screen the free parameters (Morris), fit the ones that matter (optuna), "
        "and write the fit report. Every finished run is kept in the work folder, so running "
        "the same command again after an interruption continues where it stopped.",
    )
    cal.add_argument("step", nargs="?", default="all", choices=(*CALIBRATION_STEPS, "all"))
    cal.add_argument("--scenario", default=DEFAULT_PRESET, help="preset or TOML to calibrate")
    cal.add_argument(
        "--targets",
        help="TOML of your city's published figures (default: Hohhot 2023's, shipped); "
        "--help-targets shows how to write one",
    )
    cal.add_argument(
        "--help-targets",
        action="store_true",
        help="print how to write a targets file and what each figure basis counts",
    )
    cal.add_argument(
        "--from-scratch",
        action="store_true",
        help="start from the model's guesses, not the scenario's calibration (how the "
        "shipped Hohhot calibration is made)",
    )
    cal.add_argument("--trials", type=int, default=40, help="trials of the exploring optimiser")
    cal.add_argument(
        "--refine", type=int, default=16, help="least-squares steps after exploring (0: none)"
    )
    cal.add_argument(
        "--uncertainty",
        type=int,
        default=30,
        help="simulated samples around the best fit for the accepted set (0: none)",
    )
    cal.add_argument("--reps", type=int, default=3, help="replications per trial")
    cal.add_argument("--batch", type=int, default=4, help="trials proposed at once")
    cal.add_argument("--morris-trajectories", type=int, default=8)
    cal.add_argument(
        "--max-parameters",
        type=int,
        help="fit at most this many parameters, the strongest by screening (default: two "
        "per target and one more)",
    )
    cal.add_argument(
        "--low-scale",
        type=float,
        help="population share of the cheap runs that screen and explore (default: about "
        "600,000 residents, at least 0.2; 1: every run at full scale)",
    )
    cal.add_argument(
        "--check-reps",
        type=int,
        default=10,
        help="replications of the calibrated scenario in the report",
    )
    cal.add_argument("--workers", type=int, default=0, help="processes (0: one per core)")
    cal.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="population scale (below 1 only for quick smoke runs)",
    )
    cal.add_argument("--days", type=int, help="measured days (default: the scenario's)")
    cal.add_argument(
        "--work-dir", help="runs cache and study journal (default outputs/calibration)"
    )
    cal.add_argument("--report-dir", help="screening, trials and report (default calibration/)")
    cal.add_argument(
        "--fitted-file",
        help="calibration file to write (default: beside the scenario file, "
        "<name>.calibration.toml)",
    )
    cal.add_argument(
        "--force",
        action="store_true",
        help="allow replacing the calibration shipped with the tool (the default "
        "--report-dir and --fitted-file)",
    )
    cal.add_argument(
        "--fresh",
        action="store_true",
        help="start a new study (finished runs stay cached and are reused)",
    )
    cal.set_defaults(func=cmd_calibrate)
    cross = sub.add_parser(
        "cross-validate",
        help="calibrate each preset on some published figures, predict the rest",
    )
    cross.add_argument("--fold", action="append", help="only these folds (repeatable)")
    cross.add_argument("--workers", type=int, default=0, help="processes (0: one per core)")
    cross.add_argument("--out", default="calibration", help="folder of the table")
    _force_argument(cross)
    cross.set_defaults(func=cmd_cross_validate)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return guarded(f"sim {args.command}", lambda: args.func(args))


if __name__ == "__main__":
    sys.exit(main())
