"""Who is on duty when: each mediator's duty pattern, by level or by named centre.

A pattern says which of a week's ten working half-days a mediator is on duty: all of them
(full time), ``half_days`` consecutive ones from ``offset`` (part time), or any of them
once summoned (on call). A level's full-time and on-call mediators are its shares of the
level's headcount, apportioned over its centres by size, so that the level's mix is the
one the scenario gives however small its centres are; a centre named in
``duty.by_centre`` takes its own mix instead. Part-timers of one centre start their
half-days one after another, so that together they cover as much of the week as they can.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.city.apportion import apportion
from sim.city.geography import Geography
from sim.city.placement import PlacementError
from sim.config import CentreDutyConfig, DutyConfig

HALF_DAYS_PER_WEEK = 10  # five working days, morning and afternoon
FULL_TIME, PART_TIME, ON_CALL = "full_time", "part_time", "on_call"


@dataclass(frozen=True, order=True)
class DutyPattern:
    kind: str  # FULL_TIME, PART_TIME or ON_CALL
    half_days: int = HALF_DAYS_PER_WEEK  # on duty per week
    offset: int = 0  # first half-day of the week (part time)

    def on_duty(self, half_day: int) -> bool:
        """Whether on duty in the ``half_day``-th working half-day of the run (counted from
        0, ten to a normal week)."""
        if self.kind != PART_TIME:
            return True
        return (half_day - self.offset) % HALF_DAYS_PER_WEEK < self.half_days


FULL_TIME_DUTY = DutyPattern(FULL_TIME)
ON_CALL_DUTY = DutyPattern(ON_CALL)


@dataclass(frozen=True)
class CentreMix:
    """How many of a centre's mediators are full time and on call (the rest part time)."""

    full_time: int
    on_call: int
    part_time_half_days: int


def patterns(mix: CentreMix, mediators: int, stagger: int = 0) -> tuple[DutyPattern, ...]:
    """The duty of each of a centre's ``mediators``: full-timers, on-call, then part-timers
    on staggered half-days (``stagger`` shifts where the first begins)."""
    n_part = mediators - mix.full_time - mix.on_call
    step = mix.part_time_half_days
    part = tuple(
        DutyPattern(PART_TIME, step, (stagger + k * step) % HALF_DAYS_PER_WEEK)
        for k in range(n_part)
    )
    return (FULL_TIME_DUTY,) * mix.full_time + (ON_CALL_DUTY,) * mix.on_call + part


def level_mixes(config: DutyConfig, level: str, mediators: np.ndarray) -> list[CentreMix]:
    """A mix per centre of ``level`` (``mediators`` at each), by the level's shares."""
    full = apportion(
        round(config.full_time_share_by_level.get(level, 0.0) * mediators.sum()), mediators
    )
    full = np.minimum(full, mediators)
    rest = mediators - full
    on_call = np.minimum(
        apportion(round(config.on_call_share_by_level.get(level, 0.0) * mediators.sum()), rest),
        rest,
    )
    half_days = config.part_time_half_days_by_level.get(level, 2)
    return [CentreMix(int(f), int(c), half_days) for f, c in zip(full, on_call, strict=True)]


def named_mix(config: CentreDutyConfig, mediators: int) -> CentreMix:
    """The mix of a centre named in ``duty.by_centre``."""
    full = min(round(config.full_time_share * mediators), mediators)
    on_call = min(round(config.on_call_share * mediators), mediators - full)
    return CentreMix(full, on_call, config.part_time_half_days)


def centre_ids(geo: Geography) -> dict[str, set[str]]:
    """The ids a ``duty.by_centre`` key may name, by level."""
    return {
        "community": set(geo.community_id.tolist()),
        "township": set(geo.township_id.tolist()),
        "county": set(geo.county_id.tolist()),
        "city": {"city"},
    }


def check_named_centres(geo: Geography, config: DutyConfig) -> None:
    """Every centre ``duty.by_centre`` names must exist in the full city."""
    known = set().union(*centre_ids(geo).values())
    unknown = sorted(set(config.by_centre) - known)
    if unknown:
        raise PlacementError(
            f"duty.by_centre: unknown centre id(s) {unknown[:5]}; name a community, township "
            "or county id of the city, or 'city'"
        )


def court_patterns(config: DutyConfig, mediators: int) -> tuple[DutyPattern, ...]:
    """Court mediators: full-time share, the rest part-time on staggered half-days."""
    full = min(round(config.court_full_time_share * mediators), mediators)
    return patterns(CentreMix(full, 0, config.court_part_time_half_days), mediators)
