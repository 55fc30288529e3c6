"""How big a run a scenario asks for, checked as soon as the city is built and before its
agents and disputes exist, so that a run that could not fit in this machine's memory or
finish in a day is refused with the keys that make it so (instead of a MemoryError or hours
of work).

A default Hohhot year (485 simulated days) holds about 75,000 disputes and 10,700 staff
agents and peaks at about 250 MiB. A run of 1 million disputes took 38 s and 1.3 GB here, so
the dispute limit below is about 6.5 GB and 3 minutes: inside this 24 GB machine.
"""

from __future__ import annotations

from sim.scenario_loader import ScenarioError

MAX_DISPUTES = 5_000_000  # expected disputes arising over the simulated days
MAX_STAFF_AGENTS = 500_000  # mediators, grid officers and court mediators together


class RunTooLarge(ScenarioError):
    """A scenario whose run would not fit; the message names the keys that size it."""


def check_staff(staff_by_kind: dict[str, int]) -> None:
    total = sum(staff_by_kind.values())
    if total > MAX_STAFF_AGENTS:
        parts = ", ".join(f"{kind} {n:,}" for kind, n in staff_by_kind.items())
        raise RunTooLarge(
            f"the scenario asks for {total:,} staff ({parts}); at most {MAX_STAFF_AGENTS:,} "
            "fit in one run. Check staffing.mediators_total, mediators_by_level, "
            "mediators_per_10k_by_level, grid_officers, households_per_grid and "
            "court_mediators (or run a part of the city with --scale)"
        )


def check_disputes(expected_per_year: float, simulated_days: int) -> None:
    expected = expected_per_year * simulated_days / 365.0
    if not expected <= MAX_DISPUTES:  # also refuses NaN
        raise RunTooLarge(
            f"the scenario would make about {expected:,.0f} disputes in its "
            f"{simulated_days:,} simulated days; at most {MAX_DISPUTES:,} fit in one run. "
            "Check geography.population, arrivals.incidence_per_10k_per_year and its "
            "multipliers, run.days and run.warmup_days (or use --scale)"
        )
