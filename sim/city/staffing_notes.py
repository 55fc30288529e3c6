"""A note for a run whose communities file (CSV or GIS) holds a city of another size than
its staffing.

Court mediators, grid officers and the mediators' total (hence the county and city
centres' shares of it) are absolute numbers. A scenario that reads its communities from a
CSV keeps the numbers of the preset it builds on, sized for that preset's
``geography.population``; for a city a third the size, the court keeps Hohhot's 383
mediators without a word. The run goes on with the numbers as they are (the note changes
no result); the note names each key and a value scaled by population.
"""

from __future__ import annotations

from sim.city import geography
from sim.config import Scenario, StaffingConfig

TOLERANCE = 0.25  # populations within ±25% of each other: no note


def csv_staffing_notes(scenario: Scenario, inherited: StaffingConfig | None = None) -> list[str]:
    """:func:`staffing_notes` for the city in the scenario's communities file, CSV or GIS
    ([] for a synthetic city, whose staffing and population come from the same scenario)."""
    if scenario.geography.source == "synthetic":
        return []
    population = int(geography.build(scenario.geography).population.sum())
    return staffing_notes(scenario, population, inherited)


def staffing_notes(
    scenario: Scenario, population: int, inherited: StaffingConfig | None = None
) -> list[str]:
    """Notes (one text each) when ``population`` differs from ``geography.population``
    by more than TOLERANCE while staffing keys keep absolute numbers. With ``inherited``
    (the staffing of the preset the scenario builds on), only the keys the planner left at
    the preset's value are named: a number written for this city is taken as meant."""
    sized_for = scenario.geography.population
    ratio = population / sized_for
    fixed = absolute_staff(scenario.staffing)
    if inherited is not None:
        kept = {key: value for key, value, _ in absolute_staff(inherited)}
        fixed = [item for item in fixed if kept.get(item[0]) == item[1]]
    if abs(ratio - 1) <= TOLERANCE or not fixed:
        return []
    lines = [
        f"note: the communities file holds {population:,} residents, {ratio:.0%} of the "
        f"{sized_for:,} (geography.population) that these staffing keys were set for; "
        "they are absolute numbers, kept as they are:"
    ]
    lines += [
        f"  {key} = {value:,}: about {_scaled(value, ratio):,} for this population{why}"
        for key, value, why in fixed
    ]
    example = ", ".join(
        f"{key.rpartition('.')[2]} = {_scaled(value, ratio)}"
        for key, value, _ in fixed
        if key.count(".") == 1
    )
    lines.append(
        f"  Set them in the scenario file (e.g. [staffing] {example}), or, if they are "
        f"already this city's, write [geography] population = {population} to say so."
    )
    return ["\n".join(lines)]


def absolute_staff(config: StaffingConfig) -> list[tuple[str, int, str]]:
    """(key, value, what it sizes) of the staffing keys that do not follow population."""
    found = [("staffing.court_mediators", config.court_mediators, "")]
    ruled = set(config.mediators_per_10k_by_level)  # a rule per 10,000 follows population
    by_share = [
        level
        for level in config.mediator_share_by_level
        if level not in ruled and level not in config.mediators_by_level
    ]
    if by_share:
        shares = ", ".join(
            f"{level} {config.mediator_share_by_level[level]:.0%}" for level in by_share
        )
        why = f" (shared out {shares})"
        found.append(("staffing.mediators_total", config.mediators_total, why))
    for level, count in config.mediators_by_level.items():
        found.append((f"staffing.mediators_by_level.{level}", count, ""))
    if config.households_per_grid is None:  # grids by households follow population
        found.append(("staffing.grid_officers", config.grid_officers, ""))
    return found


def _scaled(value: int, ratio: float) -> int:
    return max(1, round(value * ratio))
