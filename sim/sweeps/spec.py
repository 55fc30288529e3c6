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

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from sim import input_files
from sim.config import MAX_SEED, Scenario
from sim.results.metrics import OUTCOME_NAMES
from sim.scenario_keys import (
    TRANSFORMS,
    KeyTransformError,
    from_unit,
    get_key,
    put_key,
    transformed,
)
from sim.scenario_loader import (
    ScenarioError,
    format_errors,
    load_scenario,
    source_files,
    validate,
)

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
        assert self.low is not None and self.high is not None  # a range when no values
        value = from_unit(u, self.low, self.high, self.log)
        return round(value) if self.integer else value

    def grid(self) -> list:
        """The values a factorial design crosses."""
        if self.values is not None:
            return list(self.values)
        return list(
            dict.fromkeys(self.from_unit(i / (self.levels - 1)) for i in range(self.levels))
        )

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
    path: Path = Path("sweep.toml")  # where it was read from
    base_ref: str | Path = "hohhot-2023"  # the base as a preset name or file path

    def inputs(self) -> list[Path]:
        """Files the sweep reads (no results may be written over them)."""
        return [self.path, *source_files(self.base_ref, self.base)]

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


# Columns every run row of the store has besides the factors (see runner.plan, run_one).
STORE_COLUMNS = (
    "run_id",
    "point",
    "replication",
    "seed",
    "error",
    "traceback",
    "wall_seconds",
    "policy",
)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,79}$")  # a file name, not a path
MAX_LEVELS = 101
MAX_REPLICATIONS = 1000
MAX_SAMPLES = 100_000
MAX_VALUES = 1000
MAX_RUNS = 100_000


def load_spec(path: str | Path) -> SweepSpec:
    path = Path(path)
    try:
        data = input_files.read_toml(path, "sweep spec")
    except input_files.InputFileError as err:
        raise SpecError(str(err)) from None
    return parse_spec(data, path)


def parse_spec(data: dict, path: Path) -> SweepSpec:
    where = str(path)
    unknown = set(data) - {"name", "base", "replications", "seed", "design", "run", "factor"}
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {sorted(map(str, unknown))}")
    name = _name(data, where, path.stem)
    run = data.get("run", {})
    if not isinstance(run, dict) or set(run) - {"scale", "days", "save_cases"}:
        raise SpecError(f"{where}: [run] takes scale, days and save_cases only")
    save_cases = _get(run, "save_cases", bool, f"{where}: run", default=False)
    overrides = {"run": {k: run[k] for k in ("scale", "days") if k in run}}
    base_name = _get(data, "base", str, where, default="hohhot-2023")
    base_path = path.parent / base_name
    base_ref = base_path if base_path.suffix == ".toml" else base_name
    try:
        base = load_scenario(base_ref, overrides)
    except ScenarioError as err:
        raise SpecError(f"{where}: base: {err}") from None
    design = data.get("design", {})
    if not isinstance(design, dict) or set(design) - {"kind", "samples", "seed"}:
        raise SpecError(
            f"{where}: design: expected a [design] table of kind, samples and seed only, "
            'e.g. [design] kind = "sobol", samples = 64 (got '
            f"{sorted(design) if isinstance(design, dict) else repr(design)[:40]})"
        )
    kind = design.get("kind", "factorial")
    if kind not in DESIGNS:
        raise SpecError(f"{where}: design.kind: expected one of {DESIGNS} (got {kind!r})")
    factors = _factors(data.get("factor"), base, where)
    if kind != "factorial" and any(f.values is not None for f in factors):
        raise SpecError(
            f"{where}: design.kind = {kind!r} needs low/high ranges; value lists "
            "are for factorial designs"
        )
    spec = SweepSpec(
        name=name,
        base=base,
        factors=factors,
        design=kind,
        samples=_get(
            design, "samples", int, f"{where}: design", default=8, minimum=1, maximum=MAX_SAMPLES
        ),
        design_seed=_get(
            design, "seed", int, f"{where}: design", default=0, minimum=0, maximum=MAX_SEED
        ),
        replications=_get(
            data, "replications", int, where, default=1, minimum=1, maximum=MAX_REPLICATIONS
        ),
        seed=_get(
            data, "seed", int, where, default=1, minimum=0, maximum=MAX_SEED - MAX_REPLICATIONS
        ),
        save_cases=save_cases,
        source=data,
        path=path,
        base_ref=base_ref,
    )
    _check_size(spec, where)
    return spec


def _name(data: dict, where: str, default: str) -> str:
    name = _get(data, "name", str, where, default=default)
    if not NAME_PATTERN.match(name):
        raise SpecError(
            f"{where}.name: {name[:80]!r} must be a folder name of 1-80 letters, "
            "digits, '_', '-' or '.', not starting with '.' (the store is "
            "outputs/<name>); use --out to put it elsewhere"
        )
    return name


def _check_size(spec: SweepSpec, where: str) -> None:
    """Refuse a design whose runs could not finish: count its points without making them."""
    if spec.design == "factorial":
        points = math.prod(len(f.grid()) for f in spec.factors)
    elif spec.design == "sobol":
        points = spec.samples * (len(spec.factors) + 2)
    elif spec.design == "morris":
        points = spec.samples * (len(spec.factors) + 1)
    else:
        points = spec.samples
    if points * spec.replications > MAX_RUNS:
        raise SpecError(
            f"{where}: the design has {points:,} points x {spec.replications} "
            f"replications = {points * spec.replications:,} runs; at most "
            f"{MAX_RUNS:,} (fewer levels, samples or replications)"
        )


def _factors(entries, base: Scenario, where: str) -> list[Factor]:
    if not isinstance(entries, list) or not entries:
        raise SpecError(f"{where}: needs at least one [[factor]]")
    factors = [parse_factor(e, base, f"{where}: factor[{i}]") for i, e in enumerate(entries)]
    for attribute in ("name", "key"):
        seen = [getattr(f, attribute) for f in factors]
        repeated = sorted({v for v in seen if seen.count(v) > 1})
        if repeated:
            raise SpecError(
                f"{where}: two factors have the same {attribute}: {repeated}; "
                "each factor sets its own key under its own name"
            )
    return factors


def parse_factor(entry: dict, base: Scenario, where: str) -> Factor:
    allowed = {"name", "key", "transform", "values", "low", "high", "log", "integer", "levels"}
    if not isinstance(entry, dict) or "key" not in entry:
        raise SpecError(f"{where}: needs key, and values or low/high (allowed: {sorted(allowed)})")
    unknown = sorted(map(str, set(entry) - allowed))
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    key = _get(entry, "key", str, where)
    try:
        current = get_key(base.model_dump(mode="python"), key)
    except (KeyError, TypeError):
        raise SpecError(f"{where}.key: {key!r} is not a scenario key") from None
    name = _factor_name(entry, key, where)
    transform = entry.get("transform", "set")
    if transform not in TRANSFORMS:
        raise SpecError(f"{where}.transform: expected one of {TRANSFORMS} (got {transform!r})")
    has_values, has_range = "values" in entry, "low" in entry or "high" in entry
    if has_values == has_range:
        raise SpecError(f"{where}: give either values = [...] or low and high")
    if has_values:
        values = entry["values"]
        if not isinstance(values, list) or not values or len(values) > MAX_VALUES:
            raise SpecError(f"{where}.values: expected a list of 1 to {MAX_VALUES} values")
        factor = Factor(name, key, transform, values=tuple(values))
        checks = values
    else:
        low, high = (number(entry, k, where) for k in ("low", "high"))
        log = _get(entry, "log", bool, where, default=False)
        if not low < high or (log and low <= 0):
            raise SpecError(f"{where}: need low < high (and low > 0 when log = true)")
        levels = _get(entry, "levels", int, where, default=3, minimum=2, maximum=MAX_LEVELS)
        # A whole-number key takes whole numbers (integer = true is implied).
        whole = transform == "set" and isinstance(current, int) and not isinstance(current, bool)
        factor = Factor(
            name,
            key,
            transform,
            low=low,
            high=high,
            log=log,
            integer=_get(entry, "integer", bool, where, default=whole),
            levels=levels,
        )
        checks = [factor.from_unit(0.0), factor.from_unit(1.0)]
    for value in checks:  # every listed value and both ends of a range make valid scenarios
        nested: dict = {}
        try:
            put_key(nested, key, factor.apply(base, value))
        except (KeyTransformError, TypeError) as err:
            raise SpecError(f"{where}: transform {transform!r} of {key!r}: {err}") from None
        try:
            validate(nested, source=f"{where} at {value!r}")
        except ScenarioError as err:
            raise SpecError(str(err)) from None
    return factor


def _factor_name(entry: dict, key: str, where: str) -> str:
    name = _get(entry, "name", str, where, default=key)
    if not 1 <= len(name) <= 80 or not name.isprintable():
        raise SpecError(f"{where}.name: expected 1 to 80 printable characters")
    if name in STORE_COLUMNS or name in OUTCOME_NAMES:
        raise SpecError(
            f"{where}.name: {name!r} is a column of the run store (a run's id or "
            "an outcome); give the factor another name"
        )
    return name


def number(entry: dict, key: str, where: str) -> float:
    """``entry[key]`` as a finite number, or a SpecError naming it (optimisation specs too)."""
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SpecError(f"{where}.{key}: expected a finite number (got {value!r})")
    return float(value)


def _get(table: dict, key: str, kind, where: str, default=None, minimum=None, maximum=None):
    value = table.get(key, default)
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise SpecError(
            f"{where}.{key}: expected {_KIND_NAMES.get(kind, kind.__name__)} (got {value!r})"
        )
    if minimum is not None and value < minimum:
        raise SpecError(f"{where}.{key}: must be at least {minimum} (got {value})")
    if maximum is not None and value > maximum:
        raise SpecError(f"{where}.{key}: must be at most {maximum:,} (got {value:,})")
    return value


_KIND_NAMES = {int: "a whole number", str: "text", bool: "true or false"}
