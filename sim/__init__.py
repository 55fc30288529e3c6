"""Planning simulator for multi-level dispute-resolution networks.

The public API, for scripts and notebooks::

    import sim

    scenario = sim.load_scenario("otog-banner", {"run": {"scale": 0.2}})
    result = sim.simulate(scenario, seed=1)      # a RunResult: cases, stays, daily, summary...
    rate = result.summary["centre_resolution_rate"][0].as_py()
    print(sim.OUTCOME["centre_resolution_rate"].format(rate))
    result.write("outputs/my-run")

    network = sim.build_network(scenario)        # the city and its centres, without a run

Names are loaded on first use, so ``import sim`` itself loads nothing else (the command
line answers bad input before the model is imported).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.city.network import Network, build_network
    from sim.config import Scenario
    from sim.results.outcomes import OUTCOME, Outcome
    from sim.results.records import RunResult
    from sim.results.simulation import simulate
    from sim.scenario_loader import ScenarioError, load_scenario, preset_names

# public name -> module that defines it
_API = {
    "load_scenario": "sim.scenario_loader",
    "preset_names": "sim.scenario_loader",
    "ScenarioError": "sim.scenario_loader",
    "Scenario": "sim.config",
    "simulate": "sim.results.simulation",
    "RunResult": "sim.results.records",
    "build_network": "sim.city.network",
    "Network": "sim.city.network",
    "OUTCOME": "sim.results.outcomes",
    "Outcome": "sim.results.outcomes",
}
__all__ = [
    "OUTCOME",
    "Network",
    "Outcome",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "build_network",
    "load_scenario",
    "preset_names",
    "simulate",
]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
