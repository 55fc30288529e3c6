"""Futures: the uncertain facts a policy is judged under, each a version of the base.

- ``accepted``: parameter vectors of the base's calibration accepted set (the values the
  published figures cannot tell apart; sim/calibrate/acceptance.py), the best fit first.
  Each future is the uncalibrated base with that vector applied as the calibration would.
- ``context``: a Latin hypercube over the spec's [[context]] ranges (as sweep factors).
- ``none``: the base alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import Scenario
from sim.input_files import InputFileError, read_toml
from sim.scenario_keys import put_key
from sim.scenario_loader import ScenarioError, calibration_path, load_scenario
from sim.sweeps.spec import Factor, SpecError


@dataclass(frozen=True)
class Future:
    index: int
    values: dict[str, float]  # the uncertain facts' values, for reports and PRIM
    scenario: Scenario


def search_futures(spec) -> list[Future]:
    """The futures of the search and of the final rerun."""
    source = spec.uncertainty.source
    if source == "accepted":
        return accepted_futures(spec, spec.uncertainty.futures)
    if source == "context":
        return context_futures(spec.base, spec.context, spec.uncertainty.futures, spec.search_seed)
    return [Future(0, {}, spec.base)]


def accepted_futures(spec, k: int) -> list[Future]:
    """The first ``k`` vectors of the calibration's accepted set (its best fit first: that
    future is the calibrated base itself)."""
    from sim.calibrate.parameters import load_parameters, overrides

    ref = spec.base.calibration
    if not ref:
        raise SpecError(
            f'{spec.path}: uncertainty.source = "accepted" needs a calibrated base; '
            f"{spec.base.name!r} runs uncalibrated"
        )
    path = calibration_path(ref)
    try:
        samples = read_toml(path, "calibration file").get("accepted", [])
    except InputFileError as err:
        raise SpecError(str(err)) from None
    if not isinstance(samples, list) or not samples:
        raise SpecError(
            f"{path}: has no [[accepted]] set; refit with `sim calibrate` to get one, or use "
            'uncertainty.source = "context" with [[context]] ranges'
        )
    try:
        bare = load_scenario(spec.base_ref, {"run": spec.source.get("run", {})}, False)
    except ScenarioError as err:
        raise SpecError(f"{spec.path}: base: {err}") from None
    if len(samples) < k:
        raise SpecError(
            f"{spec.path}: uncertainty.futures = {k}, but {path} holds {len(samples)} accepted "
            f"parameter vectors; ask for at most {len(samples)}"
        )
    params = load_parameters(base=bare)
    futures = []
    for index, sample in enumerate(samples[:k]):
        try:
            values = {p.name: float(sample[p.name]) for p in params if p.name in sample}
            # the best fit is the calibration itself (the file's values are rounded)
            scenario = (
                spec.base if index == 0 else bare.with_overrides(overrides(params, values, bare))
            )
        except (TypeError, ValueError) as err:  # pydantic's ValidationError is a ValueError
            raise SpecError(f"{path}: accepted[{index}] makes no valid scenario ({err})") from None
        futures.append(Future(index, values, scenario.model_copy(update={"calibration": ref})))
    return futures


def context_futures(base: Scenario, factors: list[Factor], k: int, seed: int) -> list[Future]:
    """``k`` points of a Latin hypercube over the factors' ranges."""
    from scipy.stats import qmc

    units = qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(seed)).random(k)
    futures = []
    for index, row in enumerate(units):
        values = {f.name: f.from_unit(float(u)) for f, u in zip(factors, row, strict=True)}
        nested: dict = {}
        for f in factors:
            put_key(nested, f.key, f.apply(base, values[f.name]))
        futures.append(Future(index, values, base.with_overrides(nested)))
    return futures
