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
