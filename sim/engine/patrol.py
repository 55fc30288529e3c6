"""Grid officers' patrol rules: how many households a day, how often a grid is swept, and
what a visit notices.

'3458' is the rule of Shangzhan street, Taiyuan (seed 003, published_figures.toml
``shanxi-shangzhan-3458``): emergencies 'three must-report' (三必报), daily 'four
must-visits' (四必到), weekly 'five must-clears' (五必清), monthly 'eight must-visit
households' (八必访). The article gives the slogans, not rates; we read them as:
- four household visits per working day (the four must-visit places of a day);
- a sweep of the whole grid on the first working day of each week, which finds a dispute
  at stage confrontation with chance 0.5 and at stage harm with chance 0.9 (the weekly
  clearing of five kinds of risk), and a quarrel not at all;
- a visit always notices a dispute at stage harm (an emergency must be reported);
- the monthly visits to eight kinds of households are inside the daily visits.
These are assumptions, kept in the scenario (latent.regime_3458_visits_per_day and
latent.regime_3458_sweep_notice); regime 'visits' sets visits and notice chances directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import LatentConfig


@dataclass(frozen=True)
class PatrolRule:
    visits_per_day: float  # households per officer per working day
    p_notice: np.ndarray  # chance a visit notices the dispute, by stage
    sweep_notice: np.ndarray  # chance the weekly sweep finds it, by stage

    @property
    def sweeps(self) -> bool:
        return bool(self.sweep_notice.any())


def patrol_rule(config: LatentConfig) -> PatrolRule:
    notice = np.array(config.p_notice_on_visit, dtype=float)
    if config.patrol_regime == "3458":
        notice[-1] = 1.0
        return PatrolRule(
            config.regime_3458_visits_per_day, notice, np.array(config.regime_3458_sweep_notice)
        )
    return PatrolRule(config.households_visited_per_officer_day, notice, np.zeros(len(notice)))


def sweep_days(calendar) -> np.ndarray:
    """First working day of each calendar week, per run day."""
    first = np.zeros(len(calendar.is_workday), dtype=bool)
    seen: set[tuple[int, int]] = set()
    for d, date in enumerate(calendar.dates):
        week = date.isocalendar()[:2]
        if calendar.is_workday[d] and week not in seen:
            seen.add(week)
            first[d] = True
    return first
