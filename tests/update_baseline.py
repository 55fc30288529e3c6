"""Regenerate the golden baseline (run by hand, only when a change of results is intended):

python3 -m tests.update_baseline
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.results.simulation import simulate
from sim.scenario_loader import load_scenario

BASELINE = Path(__file__).parent / "baselines" / "small_default.json"
SCALE, SEED = 0.05, 2023


def baseline_summary() -> dict:
    scenario = load_scenario(overrides={"run": {"scale": SCALE}})
    row = simulate(scenario, seed=SEED).summary.to_pylist()[0]
    return {
        key: (round(value, 9) if isinstance(value, float) else value) for key, value in row.items()
    }


if __name__ == "__main__":
    BASELINE.write_text(json.dumps(baseline_summary(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE}")
