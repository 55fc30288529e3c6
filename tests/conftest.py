"""Shared fixtures: small scenarios and one cached small default run."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from sim.results.simulation import simulate
from sim.scenario_loader import load_scenario

# Figures are files in the tests too, as in the commands (sim.failures.guarded).
os.environ.setdefault("MPLBACKEND", "Agg")

DATA = Path(__file__).parent / "data"
SMALL_SCALE = 0.05


def comparable(rows: list[dict], drop: tuple[str, ...] = ("wall_seconds",)) -> list[dict]:
    """Summary rows with NaN as None (NaN never equals itself) and timing dropped."""
    return [
        {
            k: None if isinstance(v, float) and math.isnan(v) else v
            for k, v in row.items()
            if k not in drop
        }
        for row in rows
    ]


@pytest.fixture(scope="session")
def small_scenario():
    """The default scenario at 5% scale (whole townships kept)."""
    return load_scenario(overrides={"run": {"scale": SMALL_SCALE}})


@pytest.fixture(scope="session")
def small_run(small_scenario):
    """One run of the small default scenario, shared by read-only tests."""
    return simulate(small_scenario, seed=11)


# Every lever away from its default at once: conservation and determinism must survive them.
ALL_LEVERS = {
    "staffing": {
        "mediators_by_level": {"township": 120},
        "mediators_per_10k_by_level": {"county": 0.4},
        "households_per_grid": 400,
    },
    "duty": {
        "full_time_share_by_level": {"township": 0.6},
        "on_call_share_by_level": {"county": 0.2},
        "part_time_half_days_by_level": {"community": 1},
        "on_call_delay_days": 2.0,
        "by_centre": {"T003": {"full_time_share": 0.0, "part_time_half_days": 1}},
        "court_full_time_share": 0.2,
    },
    "latent": {"patrol_regime": "3458"},
    "handling": {
        "time_limit_days_by_level": {"township": {"general": 10.0}},
        "attempts_per_level": 2,
        "entry_level_by_type": {"housing_demolition": "county"},
        "whistle_types": ["wage_arrears"],
        "split_complexities": ["complex", "major"],
    },
    "court": {"diversion_types": ["property_management", "heating"]},
    "follow_up": {"p_relapse": 0.2, "p_follow_up": 0.5},
    "placement": {"rural_room_share": 0.6},
    "roving": {"teams_per_county": 1},
    "departments": [
        {"name": "human resources", "types": ["wage_arrears"], "mode": "rotating"},
        {"name": "natural resources", "types": ["land"], "mode": "on_call"},
        {"name": "housing", "types": ["housing_demolition"], "mode": "resident"},
    ],
    "committees": [
        {"name": "medical", "types": ["medical"]},
        {"name": "traffic", "types": ["traffic"], "per": "county"},
    ],
}


@pytest.fixture(scope="session")
def all_levers_scenario():
    return load_scenario(overrides={"run": {"scale": SMALL_SCALE}, **ALL_LEVERS})


@pytest.fixture(scope="session")
def all_levers_run(all_levers_scenario):
    return simulate(all_levers_scenario, seed=11)
