"""Run one scenario end to end: build the model, run it, collect its tables."""

from __future__ import annotations

import time

from sim.cases import CENTRE_LEVELS, level_code
from sim.config import Scenario
from sim.metrics import summarise, summary_table
from sim.model import DisputeModel
from sim.records import RunResult, cases_table, code_version, daily_table, stays_table


def simulate(scenario: Scenario, seed: int | None = None, progress=None) -> RunResult:
    """One run of ``scenario``; ``progress(done_days, total_days)`` is called daily."""
    started = time.perf_counter()
    model = DisputeModel(scenario, seed=seed, progress=progress).run()
    cases, stays, daily = cases_table(model), stays_table(model), daily_table(model)
    summary = summarise(cases, stays, daily, run_context(model))
    manifest = {
        "scenario_name": scenario.name,
        "seed": model.seed,
        "code_version": code_version(),
        "effective_scale": model.effective_scale,
        "population": model.population,
        "staff": {"mediators_by_level": model.staff.mediators_by_level,
                  "grid_officers": int(model.staff.grid_officers.sum()),
                  "court_mediators": model.staff.court_mediators},
        "calendar_fallback_years": sorted(model.calendar.fallback_years),
        "random_streams": model.streams.names,
        "simpy_events": _events_scheduled(model),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "scenario": scenario.model_dump(mode="json"),
    }
    return RunResult(cases, stays, daily, summary_table(summary), manifest)


def run_context(model: DisputeModel) -> dict:
    """Facts of a run that the record tables do not hold."""
    busy = {level: 0.0 for level in CENTRE_LEVELS}
    for centre in model.centres:
        level = CENTRE_LEVELS[centre.level - level_code("community")]
        busy[level] += sum(m.busy_days for m in centre.mediators)
    return {
        "population": model.population,
        "effective_scale": model.effective_scale,
        "days": model.days,
        "working_days": model.calendar.working_days(model.days),
        "mediators_by_level": model.staff.mediators_by_level,
        "busy_days_by_level": busy,
        "court_mediators": model.staff.court_mediators,
        "court_busy_days": model.court.busy_days,
    }


def _events_scheduled(model: DisputeModel) -> int:
    """SimPy's event counter (an implementation detail, so read defensively)."""
    counter = getattr(model.env, "_eid", None)
    try:
        return next(counter) if counter is not None else -1
    except TypeError:
        return -1
