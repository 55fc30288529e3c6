"""Free parameters of the calibration and how a vector of their values becomes scenario
overrides (``set`` a key, ``scale`` or ``shift`` every number in it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from sim.calibrate.targets import CalibrationError, _read
from sim.config import Scenario
from sim.data import PARAMETERS_FILE
from sim.scenario_keys import (
    TRANSFORMS,
    KeyTransformError,
    from_unit,
    get_key,
    put_key,
    transformed,
)
from sim.scenario_loader import ScenarioError, validate


@dataclass(frozen=True)
class FreeParameter:
    name: str
    key: str  # dotted scenario key
    transform: str
    low: float
    high: float
    log: bool
    why: str
    wide_low: float | None = None  # the range when fitting a city from a prior, if wider
    wide_high: float | None = None

    def from_unit(self, u: float) -> float:
        """Map u in [0, 1] onto [low, high] (log-uniformly if ``log``)."""
        return from_unit(u, self.low, self.high, self.log)

    def to_unit(self, value: float) -> float:
        """The inverse of :meth:`from_unit`."""
        if self.log:
            return (math.log(value) - math.log(self.low)) / (
                math.log(self.high) - math.log(self.low)
            )
        return (value - self.low) / (self.high - self.low)

    def current(self, base: Scenario) -> float:
        """The value that leaves ``base`` unchanged (clipped into the searched range)."""
        if self.transform == "set":
            value = float(get_key(base.model_dump(mode="python"), self.key))
        else:
            value = 1.0 if self.transform == "scale" else 0.0
        return min(max(value, self.low), self.high)

    def apply(self, base: Scenario, value: float):
        """The key's new value in ``base`` after this parameter takes ``value``."""
        return transformed(base, self.key, self.transform, value)


def load_parameters(
    path: Path = PARAMETERS_FILE, base: Scenario | None = None
) -> list[FreeParameter]:
    """Read the free parameters; each key must exist in ``base`` (default: the defaults)."""
    data = _read(path)
    entries = data.get("parameter")
    if not isinstance(entries, list) or not entries:
        raise CalibrationError(f"{path}: expected [[parameter]] tables")
    base = base or Scenario()
    params = [_parameter(entry, f"{path}: parameter[{i}]", base) for i, entry in enumerate(entries)]
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise CalibrationError(f"{path}: parameter names repeat: {names}")
    return params


def overrides(params: list[FreeParameter], values: dict[str, float], base: Scenario) -> dict:
    """Nested scenario overrides setting every parameter in ``values``."""
    nested: dict = {}
    for p in params:
        if p.name in values:
            put_key(nested, p.key, p.apply(base, float(values[p.name])))
    return nested


def _parameter(entry: dict, where: str, base: Scenario) -> FreeParameter:
    missing = [k for k in ("name", "key", "transform", "low", "high", "why") if k not in entry]
    if missing:
        raise CalibrationError(f"{where}: missing {missing}")
    if entry["transform"] not in TRANSFORMS:
        raise CalibrationError(
            f"{where}.transform: expected one of {TRANSFORMS} (got {entry['transform']!r})"
        )
    low, high, log = float(entry["low"]), float(entry["high"]), bool(entry.get("log", False))
    if not low < high or (log and low <= 0):
        raise CalibrationError(f"{where}: need low < high (and low > 0 when log = true)")
    param = FreeParameter(
        entry["name"],
        entry["key"],
        entry["transform"],
        low,
        high,
        log,
        " ".join(entry["why"].split()),
        _optional_float(entry, "wide_low", where),
        _optional_float(entry, "wide_high", where),
    )
    try:
        get_key(base.model_dump(mode="python"), param.key)
    except KeyError:
        raise CalibrationError(f"{where}.key: {param.key!r} is not a scenario key") from None
    for bound in (low, high):  # both ends of the range must make a valid scenario
        nested: dict = {}
        try:
            put_key(nested, param.key, param.apply(base, bound))
        except KeyTransformError as err:
            raise CalibrationError(f"{where}: {err}") from None
        try:
            validate(nested, source=f"{where} at {bound:g}")
        except ScenarioError as err:
            raise CalibrationError(str(err)) from None
    return param


def _optional_float(entry: dict, key: str, where: str) -> float | None:
    if key not in entry:
        return None
    value = entry[key]
    positive = entry.get("transform") != "shift"  # a scale or a log range stays above 0
    if isinstance(value, bool) or not isinstance(value, int | float) or (positive and value <= 0):
        wanted = "a number above 0" if positive else "a number"
        raise CalibrationError(f"{where}.{key}: expected {wanted} (got {value!r:.40})")
    return float(value)


NEUTRAL = {"scale": 1.0, "shift": 0.0}


def relative_to_prior(
    params: list[FreeParameter], prior: dict[str, float], base: Scenario
) -> list[FreeParameter]:
    """The parameters as they act on a scenario that already carries a prior calibration.

    ``prior`` holds the prior's values in model coordinates (relative to the model's own
    defaults, as a fit from the model's guesses writes them). A scale or shift now acts on
    the prior's numbers, so its range is re-expressed around the prior's value to cover the
    same absolute region (widened where the parameter says: cities differ several-fold in
    how many disputes arise); a set keeps its range. Each is clipped so the prior itself
    (value 1, 0 or its own) lies inside.
    """
    out = []
    for p in params:
        low = p.low if p.wide_low is None else p.wide_low
        high = p.high if p.wide_high is None else p.wide_high
        if p.transform in NEUTRAL:
            v = prior.get(p.name, NEUTRAL[p.transform])
            low, high = (low / v, high / v) if p.transform == "scale" else (low - v, high - v)
        neutral = NEUTRAL.get(p.transform, p.current(base))
        low, high = min(low, neutral), max(high, neutral)
        log = p.log or (p.wide_low is not None and low > 0 and high / low > 4)  # several-fold
        moved = FreeParameter(p.name, p.key, p.transform, low, high, log, p.why)
        out.append(moved if _valid_at_ends(moved, base) else p)
    return out


def _valid_at_ends(param: FreeParameter, base: Scenario) -> bool:
    try:
        for bound in (param.low, param.high):
            nested: dict = {}
            put_key(nested, param.key, param.apply(base, bound))
            validate(nested, source="prior range")
    except (KeyTransformError, ScenarioError):
        return False
    return True


def model_coordinates(
    params: list[FreeParameter], values: dict[str, float], prior: dict[str, float]
) -> dict[str, float]:
    """Fitted values relative to a prior, back in model coordinates (what the next fit that
    takes this one as its prior reads)."""
    out = dict(prior)
    for p in params:
        if p.name not in values:
            continue
        v, before = float(values[p.name]), prior.get(p.name, NEUTRAL.get(p.transform, 0.0))
        out[p.name] = (
            before * v if p.transform == "scale" else before + v if p.transform == "shift" else v
        )
    return out


def fit_coordinates(
    params: list[FreeParameter], model: dict[str, float], prior: dict[str, float]
) -> dict[str, float]:
    """The inverse of :func:`model_coordinates`: model-coordinate values (a prior's accepted
    sample) as values of parameters acting on the prior, clipped into their ranges."""
    out = {}
    for p in params:
        if p.name not in model:
            continue
        v, before = model[p.name], prior.get(p.name, NEUTRAL.get(p.transform, 0.0))
        fit = v / before if p.transform == "scale" else v - before if p.transform == "shift" else v
        out[p.name] = min(max(fit, p.low), p.high)
    return out
