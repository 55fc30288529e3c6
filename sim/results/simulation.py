"""Run one scenario end to end: build the model, run it, collect its tables."""

from __future__ import annotations

import time

from sim.config import Scenario
from sim.engine.model import DisputeModel
from sim.provenance import code_version
from sim.results.areas import areas_table
from sim.results.costs import run_costs
from sim.results.duty_use import duty_use
from sim.results.metrics import summarise, summary_table
from sim.results.records import (
    RunResult,
    cases_table,
    centres_table,
    daily_table,
    places_table,
    stays_table,
)


def simulate(scenario: Scenario, seed: int | None = None, progress=None) -> RunResult:
    """One run of ``scenario``; ``progress(done_days, total_days)`` is called daily."""
    started = time.perf_counter()
    model = DisputeModel(scenario, seed=seed, progress=progress).run()
    cases, stays, daily = cases_table(model), stays_table(model), daily_table(model)
    summary = summarise(cases, stays, daily, run_context(model))
    summary |= run_costs(model, cases, stays, summary)
    places = places_table(model)
    manifest = {
        "scenario_name": scenario.name,
        "seed": model.seed,
        "code_version": code_version(),
        "effective_scale": model.network.effective_scale,
        "population": model.network.population,
        "staff": {
            "mediators_by_level": model.network.staff.mediators_by_level,
            "grid_officers": int(model.network.staff.grid_officers.sum()),
            "court_mediators": model.network.staff.court_mediators,
        },
        "calendar_fallback_years": sorted(model.calendar.fallback_years),
        "random_streams": model.streams.names,
        "simpy_events": simpy_events(model.env),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "scenario": scenario.model_dump(mode="json"),
    }
    return RunResult(
        cases,
        stays,
        daily,
        summary_table(summary),
        manifest,
        places,
        centres_table(model),
        areas_table(cases, stays, places, model.measured_days),
    )


def run_context(model: DisputeModel) -> dict:
    """Facts of a run that the record tables do not hold."""
    workdays = model.calendar.is_workday[model.warmup : model.days]
    return {
        "population": model.network.population,
        "effective_scale": model.network.effective_scale,
        "days": model.measured_days,
        "working_days": int(workdays.sum()),
        # counted from the centres, so roving teams and committees are in
        "mediators_by_level": model.mediators_by_place(),
        "duty_use": duty_use(model),
        "court_mediators": model.network.staff.court_mediators,
        "grid_household_visits": float(
            model.latent.patrol.visits_per_day
            * int(model.network.staff.grid_officers.sum())
            * int(workdays.sum())
        ),
    }


def simpy_events(env) -> int:
    """Events a SimPy environment has scheduled (its counter is an implementation detail, so
    read defensively: -1 when it is not there)."""
    counter = getattr(env, "_eid", None)
    try:
        return next(counter) if counter is not None else -1
    except TypeError:
        return -1
