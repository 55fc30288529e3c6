"""Duty hours and how they were used in the measured period, per place of mediation.

Available hours are each mediator's on-duty time in the period (by its duty pattern);
used hours are the sessions that began in it. Workload spread compares the busiest
mediators with the average one: the 90th percentile of sessions per mediator over the
mean (the median is 0 wherever most mediators held no session, as at Hohhot's community
rooms, so a ratio to it would be undefined).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from sim.domain import DUTY_PLACES, HOURS_PER_DAY, LEVEL_COURT, RESOLUTION_PLACES

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel


def duty_use(model: DisputeModel) -> dict[str, dict[str, float]]:
    """{place: {"available_hours", "used_hours", "workload_spread"}} for DUTY_PLACES."""
    log, timetable = model.sessions, model.timetable
    t0, t1 = float(model.warmup), float(model.days)
    level = np.asarray(log.mediator_level, dtype=np.int64)
    mediator, hours = log.in_period(t0, t1)
    sessions = np.bincount(mediator, minlength=len(level))
    used = np.bincount(level[mediator], weights=hours, minlength=LEVEL_COURT + 1)
    available: dict[int, float] = {}
    for (code, pattern), count in Counter(
        zip(log.mediator_level, log.mediator_duty, strict=True)
    ).items():
        on_duty = count * timetable.duty_days(pattern, t0, t1) * HOURS_PER_DAY
        available[code] = available.get(code, 0.0) + on_duty
    result = {}
    for code in sorted(set(log.mediator_level)):
        own = sessions[level == code]
        mean = float(own.mean()) if len(own) else 0.0
        result[RESOLUTION_PLACES[code]] = {
            "available_hours": available.get(code, 0.0),
            "used_hours": float(used[code]),
            "workload_spread": float(np.percentile(own, 90)) / mean if mean > 0 else float("nan"),
        }
    empty = {"available_hours": 0.0, "used_hours": 0.0, "workload_spread": float("nan")}
    return {place: result.get(place, empty) for place in DUTY_PLACES}
