"""Free parameters of the calibration and how a vector of their values becomes scenario
overrides (``set`` a key, ``scale`` or ``shift`` every number in it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from sim.calibrate.targets import CALIBRATION_DIR, CalibrationError, _read
from sim.config import Scenario
from sim.scenario_loader import ScenarioError, validate

PARAMETERS_FILE = CALIBRATION_DIR / "parameters.toml"
TRANSFORMS = ("set", "scale", "shift")


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
            return (math.log(value) - math.log(self.low)) / (math.log(self.high)
                                                             - math.log(self.low))
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


def from_unit(u: float, low: float, high: float, log: bool) -> float:
    """u in [0, 1] onto [low, high], log-uniformly if ``log``, never outside it."""
    if log:
        value = math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    else:
        value = low + u * (high - low)
    return min(max(value, low), high)  # rounding must not leave the range


def transformed(base: Scenario, key: str, transform: str, value):
    """What ``key`` becomes when ``value`` is set into it, or scales or shifts each number."""
    if transform == "set":
        return value
    op = (lambda x: x * value) if transform == "scale" else (lambda x: x + value)
    return map_numbers(get_key(base.model_dump(mode="python"), key), op)


def load_parameters(path: Path = PARAMETERS_FILE, base: Scenario | None = None
                    ) -> list[FreeParameter]:
    """Read the free parameters; each key must exist in ``base`` (default: the defaults)."""
    data = _read(path)
    entries = data.get("parameter")
    if not isinstance(entries, list) or not entries:
        raise CalibrationError(f"{path}: expected [[parameter]] tables")
    base = base or Scenario()
    params = [_parameter(entry, f"{path}: parameter[{i}]", base)
              for i, entry in enumerate(entries)]
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
        raise CalibrationError(f"{where}.transform: expected one of {TRANSFORMS} "
                               f"(got {entry['transform']!r})")
    low, high, log = float(entry["low"]), float(entry["high"]), bool(entry.get("log", False))
    if not low < high or (log and low <= 0):
        raise CalibrationError(f"{where}: need low < high (and low > 0 when log = true)")
    param = FreeParameter(entry["name"], entry["key"], entry["transform"], low, high, log,
                          " ".join(entry["why"].split()))
    try:
        get_key(base.model_dump(mode="python"), param.key)
    except KeyError:
        raise CalibrationError(f"{where}.key: {param.key!r} is not a scenario key") from None
    for bound in (low, high):  # both ends of the range must make a valid scenario
        nested: dict = {}
        put_key(nested, param.key, param.apply(base, bound))
        try:
            validate(nested, source=f"{where} at {bound:g}")
        except ScenarioError as err:
            raise CalibrationError(str(err)) from None
    return param


def get_key(tree: dict, dotted: str):
    node = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node


def put_key(tree: dict, dotted: str, value) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[leaf] = value


def map_numbers(value, op):
    if isinstance(value, dict):
        return {k: map_numbers(v, op) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [map_numbers(v, op) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return op(value)
    raise CalibrationError(f"cannot scale or shift a non-number ({value!r})")
