"""Shared fixtures: small scenarios and one cached small default run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario_loader import load_scenario
from sim.simulation import simulate

DATA = Path(__file__).parent / "data"
SMALL_SCALE = 0.05


@pytest.fixture(scope="session")
def small_scenario():
    """The default scenario at 5% scale (whole townships kept)."""
    return load_scenario(overrides={"run": {"scale": SMALL_SCALE}})


@pytest.fixture(scope="session")
def small_run(small_scenario):
    """One run of the small default scenario, shared by read-only tests."""
    return simulate(small_scenario, seed=11)
