"""The sweep spec (TOML): base scenario, factors, design, replications, run settings.

```toml
name = "township-staffing"
base = "hohhot-2023"            # preset name or scenario file (relative to this spec)
replications = 3                # seeds seed, seed+1, ...: the same at every point (CRN)
seed = 1
[design]
kind = "lhs"                    # factorial | lhs | sobol | morris
samples = 16                    # lhs: points; sobol: base samples N; morris: trajectories
seed = 7                        # of the design itself
[run]
scale = 1.0                     # optional: days, scale
save_cases = false              # also keep every run's case records
[[factor]]
key = "staffing.mediators_total"
low = 3000
high = 6000
integer = true                  # optional: log, transform = "set" | "scale" | "shift"
[[factor]]
key = "handling.attempts_per_level"
values = [1, 2, 3]              # value lists: factorial designs only
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from sim.calibrate.parameters import TRANSFORMS, from_unit, get_key, put_key, transformed
from sim.config import Scenario
from sim.scenario_loader import ScenarioError, format_errors, load_scenario, validate

DESIGNS = ("factorial", "lhs", "sobol", "morris")


class SpecError(ValueError):
    """A sweep spec that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Factor:
    name: str
    key: str
    transform: str = "set"
    values: tuple | None = None  # an explicit list (factorial), or
    low: float | None = None  # a range
    high: float | None = None
    log: bool = False
    integer: bool = False
    levels: int = 3  # points of a range in a factorial design

    def from_unit(self, u: float):
        """The factor's value at u in [0, 1] (its range, or an index into its values)."""
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        value = from_unit(u, self.low, self.high, self.log)
        return round(value) if self.integer else value

    def grid(self) -> list:
        """The values a factorial design crosses."""
        if self.values is not None:
            return list(self.values)
        return list(dict.fromkeys(self.from_unit(i / (self.levels - 1))
                                  for i in range(self.levels)))

    def apply(self, base: Scenario, value):
        return transformed(base, self.key, self.transform, value)


@dataclass
class SweepSpec:
    name: str
    base: Scenario
    factors: list[Factor]
    design: str
    samples: int
    design_seed: int
    replications: int
    seed: int
    save_cases: bool = False
    source: dict = field(default_factory=dict)  # the spec as read, for the manifest

    def seeds(self) -> list[int]:
        return [self.seed + r for r in range(self.replications)]

    def scenario_at(self, point: dict) -> Scenario:
        """The base scenario with the factors set to ``point`` (name -> value)."""
        nested: dict = {}
        for f in self.factors:
            put_key(nested, f.key, f.apply(self.base, point[f.name]))
        try:
            return self.base.with_overrides(nested)
        except ValidationError as err:
            raise SpecError(format_errors(err, f"design point {point}")) from None


def load_spec(path: str | Path) -> SweepSpec:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{path}: not valid TOML: {err}") from None
    except OSError as err:
        raise SpecError(f"{path}: cannot read: {err.strerror}") from None
    return parse_spec(data, path)


def parse_spec(data: dict, path: Path) -> SweepSpec:
    where = str(path)
    unknown = set(data) - {"name", "base", "replications", "seed", "design", "run", "factor"}
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(unknown)}")
    name = _get(data, "name", str, where, default=path.stem)
    run = data.get("run", {})
    if not isinstance(run, dict) or set(run) - {"scale", "days", "save_cases"}:
        raise SpecError(f"{where}: [run] takes scale, days and save_cases only")
    overrides = {"run": {k: run[k] for k in ("scale", "days") if k in run}}
    base_name = _get(data, "base", str, where, default="hohhot-2023")
    base_path = path.parent / base_name
    try:
        base = load_scenario(base_path if base_path.suffix == ".toml" else base_name, overrides)
    except ScenarioError as err:
        raise SpecError(f"{where}: base: {err}") from None
    design = data.get("design", {})
    if not isinstance(design, dict) or set(design) - {"kind", "samples", "seed"}:
        raise SpecError(f"{where}: [design] takes kind, samples and seed only")
    kind = design.get("kind", "factorial")
    if kind not in DESIGNS:
        raise SpecError(f"{where}: design.kind: expected one of {DESIGNS} (got {kind!r})")
    factors = _factors(data.get("factor"), base, where)
    if kind != "factorial" and any(f.values is not None for f in factors):
        raise SpecError(f"{where}: design.kind = {kind!r} needs low/high ranges; value lists "
                        "are for factorial designs")
    spec = SweepSpec(
        name=name, base=base, factors=factors, design=kind,
        samples=_get(design, "samples", int, f"{where}: design", default=8, minimum=1),
        design_seed=_get(design, "seed", int, f"{where}: design", default=0, minimum=0),
        replications=_get(data, "replications", int, where, default=1, minimum=1),
        seed=_get(data, "seed", int, where, default=1, minimum=0),
        save_cases=bool(run.get("save_cases", False)), source=data)
    return spec


def _factors(entries, base: Scenario, where: str) -> list[Factor]:
    if not isinstance(entries, list) or not entries:
        raise SpecError(f"{where}: needs at least one [[factor]]")
    factors = [_factor(e, base, f"{where}: factor[{i}]") for i, e in enumerate(entries)]
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise SpecError(f"{where}: factor names repeat: {names}")
    return factors


def _factor(entry: dict, base: Scenario, where: str) -> Factor:
    allowed = {"name", "key", "transform", "values", "low", "high", "log", "integer", "levels"}
    if not isinstance(entry, dict) or "key" not in entry or set(entry) - allowed:
        raise SpecError(f"{where}: needs key, and values or low/high (allowed: "
                        f"{sorted(allowed)})")
    key = entry["key"]
    try:
        get_key(base.model_dump(mode="python"), key)
    except KeyError:
        raise SpecError(f"{where}.key: {key!r} is not a scenario key") from None
    transform = entry.get("transform", "set")
    if transform not in TRANSFORMS:
        raise SpecError(f"{where}.transform: expected one of {TRANSFORMS} (got {transform!r})")
    has_values, has_range = "values" in entry, "low" in entry or "high" in entry
    if has_values == has_range:
        raise SpecError(f"{where}: give either values = [...] or low and high")
    if has_values:
        values = entry["values"]
        if not isinstance(values, list) or not values:
            raise SpecError(f"{where}.values: expected a non-empty list")
        factor = Factor(entry.get("name", key), key, transform, values=tuple(values))
        checks = values
    else:
        try:
            low, high = float(entry["low"]), float(entry["high"])
        except (KeyError, TypeError, ValueError):
            raise SpecError(f"{where}: low and high must both be numbers") from None
        log = bool(entry.get("log", False))
        if not low < high or (log and low <= 0):
            raise SpecError(f"{where}: need low < high (and low > 0 when log = true)")
        levels = entry.get("levels", 3)
        if not isinstance(levels, int) or levels < 2:
            raise SpecError(f"{where}.levels: expected an integer >= 2")
        factor = Factor(entry.get("name", key), key, transform, low=low, high=high, log=log,
                        integer=bool(entry.get("integer", False)), levels=levels)
        checks = [factor.from_unit(0.0), factor.from_unit(1.0)]
    for value in checks:  # every listed value and both ends of a range make valid scenarios
        nested: dict = {}
        put_key(nested, key, factor.apply(base, value))
        try:
            validate(nested, source=f"{where} at {value!r}")
        except ScenarioError as err:
            raise SpecError(str(err)) from None
    return factor


def _get(table: dict, key: str, kind, where: str, default=None, minimum=None):
    value = table.get(key, default)
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise SpecError(f"{where}.{key}: expected {kind.__name__} (got {value!r})")
    if minimum is not None and value < minimum:
        raise SpecError(f"{where}.{key}: must be at least {minimum} (got {value})")
    return value
