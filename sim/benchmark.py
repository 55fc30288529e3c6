"""Benchmark: wall time, SimPy events and peak memory of full default years.

Each repetition runs in a fresh Python process, so that peak memory (ru_maxrss) is that of
one run alone. The model run is timed separately from writing (which the bench skips).
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import time


def one_run(scenario_name: str, scale: float) -> dict:
    from sim.scenario_loader import load_scenario
    from sim.simulation import simulate

    scenario = load_scenario(scenario_name, {"run": {"scale": scale}})
    started = time.perf_counter()
    result = simulate(scenario)
    wall = time.perf_counter() - started
    return {
        "wall_seconds": wall,
        "model_seconds": result.manifest["wall_seconds"],
        "simpy_events": result.manifest["simpy_events"],
        "cases": result.cases.num_rows,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def benchmark(scenario_name: str, repeats: int = 3, scale: float = 1.0) -> int:
    runs = []
    for k in range(repeats):
        out = subprocess.run(
            [sys.executable, "-m", "sim.benchmark", scenario_name, str(scale)],
            capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"run {k + 1}/{repeats}: {runs[-1]['wall_seconds']:.2f} s, "
              f"{runs[-1]['peak_mib']:.0f} MiB", file=sys.stderr)
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"benchmark: {scenario_name}, scale {scale}, {repeats} runs, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}")
    print(f"  one year, median wall time  {median['wall_seconds']:8.2f} s "
          "(build + run + tables + summary)")
    print(f"  SimPy events                {median['simpy_events']:8.0f}")
    print(f"  disputes                    {median['cases']:8.0f}")
    print(f"  peak memory (max RSS)       {median['peak_mib']:8.0f} MiB")
    return 0


if __name__ == "__main__":
    print(json.dumps(one_run(sys.argv[1], float(sys.argv[2]))))
