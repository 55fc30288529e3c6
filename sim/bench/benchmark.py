"""Benchmark: wall time, SimPy events and peak memory of full default years; the same flow
through bare SimPy; time against population; sweep throughput serial against 2 workers.

Each repetition runs in a fresh Python process, so that peak memory (ru_maxrss) is that of
one run alone; the bare-SimPy replay runs in the same process right after its model run,
so their ratio is measured under the same conditions. Figures are medians of repeats.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_run(scenario_name: str, scale: float, replay: bool = True) -> dict:
    from sim.bench.replay import replay_seconds
    from sim.engine.model import DisputeModel
    from sim.results.simulation import simulate
    from sim.scenario_loader import load_scenario

    scenario = load_scenario(scenario_name, {"run": {"scale": scale}})
    started = time.perf_counter()
    result = simulate(scenario)
    wall = time.perf_counter() - started
    row = {
        "wall_seconds": wall,
        "model_seconds": result.manifest["wall_seconds"],
        "simpy_events": result.manifest["simpy_events"],
        "cases": result.cases.num_rows,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if replay:
        model = DisputeModel(scenario)  # built, not run: its staff per centre
        staff = {c.index: len(c.mediators) for c in model.centres}
        seconds, events = replay_seconds(
            result.cases, result.stays, scenario, staff, model.network.staff.court_mediators
        )
        row |= {"replay_seconds": seconds, "replay_events": events, "replay_ratio": wall / seconds}
    return row


def _fresh(scenario_name: str, scale: float, replay: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "sim.bench.benchmark", scenario_name, str(scale), str(int(replay))],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def benchmark(
    scenario_name: str,
    repeats: int = 3,
    scale: float = 1.0,
    scales: tuple[float, ...] = (),
    sweep_runs: int = 0,
) -> int:
    print(
        f"benchmark: {scenario_name}, {repeats} repeats, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}"
    )
    runs = []
    for k in range(repeats):
        runs.append(_fresh(scenario_name, scale, True))
        print(
            f"  run {k + 1}/{repeats}: {runs[-1]['wall_seconds']:.2f} s, "
            f"{runs[-1]['peak_mib']:.0f} MiB",
            file=sys.stderr,
        )
    m = _median(runs)
    walls = [r["wall_seconds"] for r in runs]
    print(
        f"  one year at scale {scale:g}, median wall time {m['wall_seconds']:8.2f} s "
        f"(build + run + tables + summary; {min(walls):.2f} to {max(walls):.2f} s)"
    )
    print(f"  SimPy events                       {m['simpy_events']:8.0f}")
    print(f"  disputes                           {m['cases']:8.0f}")
    print(f"  peak memory (max RSS)              {m['peak_mib']:8.0f} MiB")
    print(
        f"  bare-SimPy replay of the same flow {m['replay_seconds']:8.2f} s "
        f"({m['replay_events']:.0f} events)"
    )
    print(f"  model / bare SimPy                 {m['replay_ratio']:8.2f} x")
    if scales:
        _scaling(scenario_name, repeats, scales)
    if sweep_runs:
        _sweep_throughput(scenario_name, sweep_runs)
    return 0


def _scaling(scenario_name: str, repeats: int, scales: tuple[float, ...]) -> None:
    """Median time per scale; the scales take turns, so that a machine whose speed drifts
    (shared hosts do) slows them alike."""
    samples: dict[float, list[float]] = {s: [] for s in scales}
    for _ in range(repeats):
        for s in scales:
            samples[s].append(_fresh(scenario_name, s, False)["wall_seconds"])
    times = {s: statistics.median(v) for s, v in samples.items()}
    base = times.get(1.0)
    print("  time against population:")
    for s, t in times.items():
        ratio = f"  ({t / base:.2f} x the 1x time)" if base else ""
        print(f"    scale {s:>5g}: {t:7.2f} s{ratio}")


def _sweep_throughput(scenario_name: str, n_runs: int) -> None:
    """Runs per minute of a sweep of ``n_runs`` full years, serial and with 2 workers. Each
    is timed twice in the order serial, workers, workers, serial, so that a machine whose
    speed drifts during the measurement slows both alike."""
    from sim.sweeps.runner import run_sweep
    from sim.sweeps.spec import parse_spec

    data = {
        "name": "bench",
        "base": scenario_name,
        "replications": n_runs,
        "design": {"kind": "factorial"},
        "factor": [{"key": "handling.attempts_per_level", "values": [1]}],
    }
    spec = parse_spec(data, Path("bench.toml"))
    seconds = {"serial": 0.0, "process": 0.0}
    for executor in ("serial", "process", "process", "serial"):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            run_sweep(spec, out, executor, 1 if executor == "serial" else 2, progress=False)
            seconds[executor] += time.perf_counter() - started
    rates = {executor: 60 * 2 * n_runs / s for executor, s in seconds.items()}
    print(
        f"  sweep of {n_runs} years: serial {rates['serial']:.1f} runs/min, 2 workers "
        f"{rates['process']:.1f} runs/min ({rates['process'] / rates['serial']:.2f} x)"
    )


if __name__ == "__main__":
    print(json.dumps(one_run(sys.argv[1], float(sys.argv[2]), bool(int(sys.argv[3])))))
