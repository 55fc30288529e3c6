"""The command line: ``sim run``, ``sim presets``, ``sim bench``."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from sim.geography import GeographyError
from sim.scenario_loader import DEFAULT_PRESET, ScenarioError, load_scenario, preset_names

EXIT_BAD_INPUT = 2


def parse_assignment(text: str) -> dict:
    """``a.b.c=VALUE`` (VALUE in TOML syntax, bare words as strings) -> nested dict."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"--set {text!r}: expected KEY.PATH=VALUE")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    nested: dict = value
    for part in reversed(key.strip().split(".")):
        nested = {part: nested}
    return nested


def _overrides(args) -> dict:
    from sim.config import deep_merge

    overrides: dict = {}
    for text in args.set or []:
        overrides = deep_merge(overrides, parse_assignment(text))
    run = {k: v for k, v in (("seed", args.seed), ("days", args.days), ("scale", args.scale))
           if v is not None}
    if run:
        overrides = deep_merge(overrides, {"run": run})
    return overrides


def cmd_run(args) -> int:
    from sim.simulation import simulate

    scenario = load_scenario(args.scenario, _overrides(args))
    out = Path(args.out) if args.out else Path("outputs") / _run_name(scenario)
    progress = None if args.quiet else _progress_bar(scenario.run.days + scenario.run.warmup_days)
    try:
        result = simulate(scenario, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    result.write(out)
    print(format_summary(result.summary.to_pylist()[0], scenario.name, scenario.run.seed))
    print(f"\nwrote {out}/ (cases, stays, daily, summary .parquet; manifest.json; overview.png)")
    return 0


def _run_name(scenario) -> str:
    name = f"{scenario.name}-seed{scenario.run.seed}"
    if scenario.run.scale != 1.0:
        name += f"-scale{scenario.run.scale:g}"
    return name


class _progress_bar:
    """A tqdm bar over simulated days, called as progress(done, total)."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="day", desc="simulating", file=sys.stderr,
                        mininterval=0.2)

    def __call__(self, done: int, total: int) -> None:
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


KPI_ROWS = (
    ("received_by_centres", "disputes received by the centres", "{:,.0f}"),
    ("resolved_by_centres", "resolved by the centres", "{:,.0f}"),
    ("centre_resolution_rate", "centre resolution rate", "{:.2%}"),
    ("resolved_by_grid_officers", "settled on the spot by grid officers", "{:,.0f}"),
    ("share_resolved_at_community_or_below", "share resolved at community level or below",
     "{:.1%}"),
    ("resolution_days_median", "days to resolution, median", "{:.1f}"),
    ("resolution_days_p90", "days to resolution, 90th percentile", "{:.1f}"),
    ("time_limit_compliance", "stays closed within the time limit", "{:.1%}"),
    ("backlog_mean", "backlog in centres, daily mean", "{:,.1f}"),
    ("utilisation_community", "mediator utilisation, community", "{:.1%}"),
    ("utilisation_township", "mediator utilisation, township", "{:.1%}"),
    ("utilisation_county", "mediator utilisation, county", "{:.1%}"),
    ("utilisation_city", "mediator utilisation, city", "{:.1%}"),
    ("court_cases", "disputes reaching court", "{:,.0f}"),
    ("court_cases_per_10k", "  per 10,000 residents", "{:.1f}"),
    ("court_mediation_rate", "court mediation success rate", "{:.1%}"),
    ("petitions", "petitions", "{:,.0f}"),
    ("incidents", "violent incidents", "{:,.0f}"),
    ("mean_distance_km", "mean distance to the centre used, km", "{:.2f}"),
    ("n_arisen", "disputes that arose", "{:,.0f}"),
    ("n_open_at_end", "still open at the end", "{:,.0f}"),
)


def format_summary(row: dict, name: str, seed: int) -> str:
    scale = row.get("effective_scale", 1.0)
    head = f"{name}, seed {seed}, {row['days']} days, population {row['population']:,}"
    if scale != 1.0:
        head += f" (scale {scale:.3f}: counts are for this population)"
    lines = [head, "-" * len(head)]
    for key, label, fmt in KPI_ROWS:
        value = row.get(key)
        text = "n/a" if value is None or value != value else fmt.format(value)
        lines.append(f"{label:<46}{text:>14}")
    return "\n".join(lines)


def cmd_presets(_args) -> int:
    for name in preset_names():
        scenario = load_scenario(name)
        print(f"{name:<24}{scenario.description}")
    return 0


def cmd_bench(args) -> int:
    from sim.benchmark import benchmark

    return benchmark(args.scenario, repeats=args.repeats, scale=args.scale)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and write its results")
    run.add_argument("scenario", nargs="?", default=DEFAULT_PRESET,
                     help=f"preset name or TOML file (default {DEFAULT_PRESET})")
    run.add_argument("--seed", type=int, help="root random seed")
    run.add_argument("--days", type=int, help="days to simulate")
    run.add_argument("--scale", type=float, help="population scale (e.g. 0.05 for a quick run)")
    run.add_argument("--set", action="append", metavar="KEY.PATH=VALUE",
                     help="override one parameter, e.g. --set handling.attempts_per_level=2")
    run.add_argument("--out", help="output folder (default outputs/<scenario>-seed<N>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)
    presets = sub.add_parser("presets", help="list the preset scenarios")
    presets.set_defaults(func=cmd_presets)
    bench = sub.add_parser("bench", help="time and peak memory of full-scale default years")
    bench.add_argument("scenario", nargs="?", default=DEFAULT_PRESET)
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument("--scale", type=float, default=1.0)
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, GeographyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
