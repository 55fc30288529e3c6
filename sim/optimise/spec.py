"""The optimisation spec (TOML): base scenario, levers, objectives, constraints, budget,
uncertainty and scenario discovery. Read and checked here; nothing runs.

```toml
name = "my-budget"              # the store is outputs/<name>
base = "hohhot-2023"            # preset name or scenario file (relative to this spec)
seed = 1                        # search seeds seed, seed+1, ... (the same for every candidate)
replications = 3
fresh_seed = 100001             # the final rerun's seeds: never used by the search
fresh_replications = 10
[run]
scale = 1.0                     # optional: scale, days
[search]
population = 16                 # NSGA-II population and generations (optuna)
generations = 8
seed = 0
[budget]
extra_public_yuan = 5_000_000   # public cost over the baseline's, yuan a year
levels = [1_000_000, 3_000_000, 5_000_000]    # "the best policy at each budget level"
[[lever]]
name = "township_mediators"     # kind: integer | real | choice | rooms
key = "staffing.mediators_by_level.township"
kind = "integer"
transform = "shift"             # set | scale | shift (as sweep factors)
low = 0
high = 400
step = 20
[[objective]]
outcome = "court_cases"         # any summary outcome
direction = "minimise"          # or "maximise"
[[constraint]]
outcome = "time_limit_compliance"
at_least = 0.9                  # or at_most
[uncertainty]
source = "accepted"             # none | accepted (the calibration's accepted set) | context
futures = 4
in_search = true                # evaluate every candidate in every future (else: final only)
[discovery]                     # needs [[context]] ranges
outcome = "court_cases"
change_at_most = -0.05          # the criterion: court cases fall by at least 5%
futures = 48
```
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from sim import input_files
from sim.config import MAX_SEED, Scenario
from sim.optimise.levers import Lever, parse_lever
from sim.results.metrics import OUTCOME_NAMES
from sim.scenario_loader import ScenarioError, load_scenario, source_files
from sim.suggestions import did_you_mean
from sim.sweeps.spec import NAME_PATTERN, Factor, SpecError, parse_factor
from sim.sweeps.spec import number as _number

TOP_KEYS = {
    "name",
    "base",
    "seed",
    "replications",
    "fresh_seed",
    "fresh_replications",
    "run",
    "search",
    "budget",
    "lever",
    "objective",
    "constraint",
    "uncertainty",
    "context",
    "discovery",
    "final",
}
DIRECTIONS = ("minimise", "maximise")
SOURCES = ("none", "accepted", "context")
MAX_REPLICATIONS = 100
MAX_FUTURES = 200
MAX_EVALUATIONS = 20_000  # candidates x futures x replications of the search


@dataclass(frozen=True)
class Objective:
    outcome: str
    direction: str = "minimise"

    @property
    def sign(self) -> float:
        """+1 to minimise as it is, -1 to minimise its negative."""
        return 1.0 if self.direction == "minimise" else -1.0


@dataclass(frozen=True)
class Constraint:
    outcome: str
    at_least: float | None = None
    at_most: float | None = None

    def violation(self, value: float) -> float:
        """How far ``value`` is outside the bound, relative to the bound (0: met)."""
        if not math.isfinite(value):
            return 1.0
        scale = max(abs(self.at_least if self.at_least is not None else self.at_most or 0), 1e-9)
        if self.at_least is not None:
            return max(self.at_least - value, 0.0) / scale
        assert self.at_most is not None
        return max(value - self.at_most, 0.0) / scale

    def text(self) -> str:
        if self.at_least is not None:
            return f"{self.outcome} >= {self.at_least:g}"
        return f"{self.outcome} <= {self.at_most:g}"


@dataclass(frozen=True)
class Uncertainty:
    source: str = "none"
    futures: int = 1
    in_search: bool = True


CRITERIA = ("change_at_most", "change_at_least", "difference_at_most", "difference_at_least")


@dataclass(frozen=True)
class Discovery:
    """The criterion a policy must meet against the baseline in each future: its relative
    change (policy / baseline - 1) or its difference (policy - baseline), at most or at
    least a bound; both are of means over the future's seeds, paired."""

    outcome: str
    criterion: str  # one of CRITERIA
    bound: float
    futures: int = 48
    replications: int = 1
    policy: str = "recommended"
    threshold: float = 0.8

    @property
    def relative(self) -> bool:
        return self.criterion.startswith("change")

    def met(self, change: float, difference: float) -> bool:
        value = change if self.relative else difference
        if not math.isfinite(value):
            return False
        return value <= self.bound if self.criterion.endswith("most") else value >= self.bound

    def text(self, lang: str = "en") -> str:
        from sim.results.outcomes import label

        bound = f"{self.bound:+.2%}" if self.relative else f"{self.bound:+,g}"
        what = "change" if self.relative else "difference from the baseline"
        side = "at most" if self.criterion.endswith("most") else "at least"
        if lang == "zh":
            what = "相对变化" if self.relative else "与基线之差"
            side = "不超过" if self.criterion.endswith("most") else "不低于"
            return f"{label(self.outcome, lang)}{what}{side}{bound}"
        return f"{label(self.outcome, lang)}: {what} {side} {bound}"


@dataclass
class OptimiseSpec:
    name: str
    base: Scenario
    levers: list[Lever]
    objectives: list[Objective]
    constraints: list[Constraint]
    budget: float | None  # extra public cost a year, yuan; None: no budget
    budget_levels: list[float]
    seed: int
    replications: int
    fresh_seed: int
    fresh_replications: int
    population: int
    generations: int
    search_seed: int
    uncertainty: Uncertainty
    context: list[Factor]
    discovery: Discovery | None
    max_final: int
    source: dict = field(default_factory=dict)
    path: Path = Path("optimise.toml")
    base_ref: str | Path = "hohhot-2023"

    def seeds(self) -> list[int]:
        return [self.seed + r for r in range(self.replications)]

    @property
    def n_search_objectives(self) -> int:
        """The objectives, and the extra public cost when there is a budget: at equal
        effect the cheaper policy is better, and the search spreads along the cost axis
        (which "the best policy at each budget level" reads)."""
        return len(self.objectives) + (self.budget is not None)

    def fresh_seeds(self) -> list[int]:
        return [self.fresh_seed + r for r in range(self.fresh_replications)]

    def inputs(self) -> list[Path]:
        """Files the search reads (no results may be written over them)."""
        return [self.path, *source_files(self.base_ref, self.base)]


def load_spec(path: str | Path) -> OptimiseSpec:
    path = Path(path)
    try:
        data = input_files.read_toml(path, "optimisation spec")
    except input_files.InputFileError as err:
        raise SpecError(str(err)) from None
    return parse_spec(data, path)


def parse_spec(data: dict, path: Path) -> OptimiseSpec:
    where = str(path)
    unknown = sorted(map(str, set(data) - TOP_KEYS))
    if unknown:
        hints = [f"{k!r}{did_you_mean(k, TOP_KEYS)}" for k in unknown]
        raise SpecError(f"{where}: unknown key(s) {', '.join(hints)}")
    name = _get(data, "name", str, where, default=path.stem)
    if not NAME_PATTERN.match(name):
        raise SpecError(
            f"{where}.name: {name[:80]!r} must be a folder name of 1-80 letters, digits, '_', "
            "'-' or '.', not starting with '.'"
        )
    base, base_ref = _base(data, path, where)
    levers = _levers(data.get("lever"), base, where)
    objectives = _objectives(data.get("objective"), where)
    search = _table(data, "search", {"population", "generations", "seed"}, where)
    budget = _table(data, "budget", {"extra_public_yuan", "levels"}, where)
    uncertainty = _uncertainty(data, where)
    context = _context(data.get("context"), base, where)
    if uncertainty.source == "context" and not context:
        raise SpecError(f'{where}: uncertainty.source = "context" needs [[context]] ranges')
    discovery = _discovery(data, where, context)
    final = _table(data, "final", {"max_policies"}, where)
    spec = OptimiseSpec(
        name=name,
        base=base,
        levers=levers,
        objectives=objectives,
        constraints=_constraints(data.get("constraint", []), where),
        budget=_budget(budget, where),
        budget_levels=_levels(budget, where),
        seed=_int(data, "seed", where, 1, 0, MAX_SEED - 10_000),
        replications=_int(data, "replications", where, 3, 1, MAX_REPLICATIONS),
        fresh_seed=_int(data, "fresh_seed", where, 100_001, 0, MAX_SEED - 10_000),
        fresh_replications=_int(data, "fresh_replications", where, 10, 2, MAX_REPLICATIONS),
        population=_int(search, "population", f"{where}: search", 16, 4, 1000),
        generations=_int(search, "generations", f"{where}: search", 8, 1, 1000),
        search_seed=_int(search, "seed", f"{where}: search", 0, 0, MAX_SEED),
        uncertainty=uncertainty,
        context=context,
        discovery=discovery,
        max_final=_int(final, "max_policies", f"{where}: final", 12, 1, 100),
        source=data,
        path=path,
        base_ref=base_ref,
    )
    _check_seeds(spec, where)
    _check_size(spec, where)
    return spec


def _base(data: dict, path: Path, where: str) -> tuple[Scenario, str | Path]:
    run = _table(data, "run", {"scale", "days"}, where)
    base_name = _get(data, "base", str, where, default="hohhot-2023")
    base_path = path.parent / base_name
    base_ref: str | Path = base_path if base_path.suffix == ".toml" else base_name
    try:
        return load_scenario(base_ref, {"run": run}), base_ref
    except ScenarioError as err:
        raise SpecError(f"{where}: base: {err}") from None


def _levers(entries, base: Scenario, where: str) -> list[Lever]:
    if not isinstance(entries, list) or not entries:
        raise SpecError(f"{where}: needs at least one [[lever]] (what the search may change)")
    levers = [parse_lever(e, base, f"{where}: lever[{i}]") for i, e in enumerate(entries)]
    for attribute in ("name", "key"):
        seen = [getattr(lever, attribute) for lever in levers]
        repeated = sorted({v for v in seen if seen.count(v) > 1})
        if repeated:
            raise SpecError(f"{where}: two levers have the same {attribute}: {repeated}")
    return levers


def _objectives(entries, where: str) -> list[Objective]:
    if not isinstance(entries, list) or not entries:
        raise SpecError(
            f'{where}: needs at least one [[objective]], e.g. outcome = "court_cases", '
            'direction = "minimise"'
        )
    objectives = []
    for i, entry in enumerate(entries):
        at = f"{where}: objective[{i}]"
        _only(entry, {"outcome", "direction"}, at)
        direction = _get(entry, "direction", str, at, default="minimise")
        if direction not in DIRECTIONS:
            raise SpecError(f"{at}.direction: expected one of {DIRECTIONS} (got {direction!r})")
        objectives.append(Objective(_outcome(entry, at), direction))
    names = [o.outcome for o in objectives]
    if len(set(names)) != len(names):
        raise SpecError(f"{where}: an outcome is an objective twice: {names}")
    if len(objectives) > 4:
        raise SpecError(f"{where}: at most 4 objectives (got {len(objectives)})")
    return objectives


def _constraints(entries, where: str) -> list[Constraint]:
    if not isinstance(entries, list):
        raise SpecError(f"{where}: constraint: expected [[constraint]] tables")
    constraints = []
    for i, entry in enumerate(entries):
        at = f"{where}: constraint[{i}]"
        _only(entry, {"outcome", "at_least", "at_most"}, at)
        bounds = [k for k in ("at_least", "at_most") if k in entry]
        if len(bounds) != 1:
            raise SpecError(f"{at}: give exactly one of at_least and at_most")
        value = _number(entry, bounds[0], at)
        constraints.append(Constraint(_outcome(entry, at), **{bounds[0]: value}))
    return constraints


def _budget(table: dict, where: str) -> float | None:
    if "extra_public_yuan" not in table:
        return None
    value = _number(table, "extra_public_yuan", f"{where}: budget")
    if value < 0:
        raise SpecError(f"{where}: budget.extra_public_yuan: must be at least 0 (got {value:g})")
    return value


def _levels(table: dict, where: str) -> list[float]:
    levels = table.get("levels", [])
    if levels and "extra_public_yuan" not in table:
        raise SpecError(
            f"{where}: budget.levels needs budget.extra_public_yuan (the budget the search "
            "keeps; levels are read off the policies it finds)"
        )
    if not isinstance(levels, list) or len(levels) > 20:
        raise SpecError(f"{where}: budget.levels: expected a list of up to 20 amounts in yuan")
    out = []
    for k, value in enumerate(levels):
        out.append(_number({"v": value}, "v", f"{where}: budget.levels[{k}]"))
    return sorted(out)


def _uncertainty(data: dict, where: str) -> Uncertainty:
    table = _table(data, "uncertainty", {"source", "futures", "in_search"}, where)
    source = _get(table, "source", str, f"{where}: uncertainty", default="none")
    if source not in SOURCES:
        raise SpecError(f"{where}: uncertainty.source: expected one of {SOURCES} (got {source!r})")
    futures = _int(
        table, "futures", f"{where}: uncertainty", 1 if source == "none" else 4, 1, MAX_FUTURES
    )
    if source == "none" and futures != 1:
        raise SpecError(f'{where}: uncertainty.futures needs source = "accepted" or "context"')
    in_search = _get(table, "in_search", bool, f"{where}: uncertainty", default=True)
    return Uncertainty(source, futures, in_search)


def _context(entries, base: Scenario, where: str) -> list[Factor]:
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SpecError(f"{where}: context: expected [[context]] tables (key, low, high)")
    factors = [parse_factor(e, base, f"{where}: context[{i}]") for i, e in enumerate(entries)]
    if any(f.values is not None for f in factors):
        raise SpecError(f"{where}: context: give each uncertain fact a range (low, high)")
    return factors


def _discovery(data: dict, where: str, context: list[Factor]) -> Discovery | None:
    keys = {
        "outcome",
        *CRITERIA,
        "futures",
        "replications",
        "policy",
        "threshold",
    }
    if "discovery" not in data:
        return None
    table = _table(data, "discovery", keys, where)
    at = f"{where}: discovery"
    if not context:
        raise SpecError(
            f"{at}: needs [[context]] ranges: the uncertain facts whose values may make the "
            'policy fail (e.g. key = "arrivals.incidence_per_10k_per_year", transform = '
            '"scale", low = 0.7, high = 1.3)'
        )
    bounds = [k for k in CRITERIA if k in table]
    if len(bounds) != 1:
        raise SpecError(
            f"{at}: give exactly one of {', '.join(CRITERIA)} (a relative change against the "
            "baseline: change_at_most = -0.05 is 5% fewer; an absolute one: difference_at_most "
            "= -10 is 10 fewer)"
        )
    bound = _number(table, bounds[0], at)
    if bounds[0].startswith("change") and not -1.0 <= bound <= 10.0:
        raise SpecError(f"{at}.{bounds[0]}: a relative change, -1 to 10 (got {bound:g})")
    policy = _get(table, "policy", str, at, default="recommended")
    if policy != "recommended" and not re.fullmatch(r"P\d\d", policy):
        raise SpecError(f'{at}.policy: "recommended" or a policy id such as "P03" (got {policy!r})')
    threshold = _number(table, "threshold", at) if "threshold" in table else 0.8
    if not 0.0 < threshold <= 1.0:
        raise SpecError(f"{at}.threshold: a box's density to reach, above 0 and at most 1")
    return Discovery(
        outcome=_outcome(table, at),
        criterion=bounds[0],
        bound=bound,
        futures=_int(table, "futures", at, 48, 10, 2000),
        replications=_int(table, "replications", at, 1, 1, 20),
        policy=policy,
        threshold=threshold,
    )


def _check_seeds(spec: OptimiseSpec, where: str) -> None:
    """The final rerun must not reuse a search seed, or luck would not fall away."""
    if set(spec.seeds()) & set(spec.fresh_seeds()):
        raise SpecError(
            f"{where}: fresh_seed {spec.fresh_seed} makes seeds the search also uses "
            f"({spec.seed} to {spec.seed + spec.replications - 1}); choose another fresh_seed"
        )


def _check_size(spec: OptimiseSpec, where: str) -> None:
    futures = spec.uncertainty.futures if spec.uncertainty.in_search else 1
    runs = spec.population * spec.generations * spec.replications * futures
    final = (spec.max_final + 1) * spec.fresh_replications * spec.uncertainty.futures
    if final > MAX_EVALUATIONS:
        raise SpecError(
            f"{where}: the final rerun would make up to {final:,} runs ((max_policies + 1) x "
            f"fresh_replications x futures); at most {MAX_EVALUATIONS:,}"
        )
    if runs > MAX_EVALUATIONS:
        raise SpecError(
            f"{where}: the search would make up to {runs:,} runs (population x generations x "
            f"replications x futures); at most {MAX_EVALUATIONS:,}"
        )


def _outcome(entry: dict, where: str) -> str:
    outcome = _get(entry, "outcome", str, where)
    if outcome not in OUTCOME_NAMES:
        raise SpecError(
            f"{where}.outcome: {outcome!r} is not an outcome of a run"
            f"{did_you_mean(outcome, OUTCOME_NAMES)} (the columns of summary.parquet)"
        )
    return outcome


def _table(data: dict, key: str, allowed: set[str], where: str) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise SpecError(f"{where}: {key}: expected a [{key}] table")
    _only(table, allowed, f"{where}: {key}")
    return table


def _only(entry, allowed: set[str], where: str) -> None:
    if not isinstance(entry, dict):
        raise SpecError(f"{where}: expected a table of {sorted(allowed)}")
    unknown = sorted(map(str, set(entry) - allowed))
    if unknown:
        hints = [f"{k!r}{did_you_mean(k, allowed)}" for k in unknown]
        raise SpecError(f"{where}: unknown key(s) {', '.join(hints)}; allowed: {sorted(allowed)}")


def _int(table: dict, key: str, where: str, default: int, low: int, high: int) -> int:
    value = _get(table, key, int, where, default=default)
    if not low <= value <= high:
        raise SpecError(f"{where}.{key}: must be {low:,} to {high:,} (got {value:,})")
    return value


def _get(table: dict, key: str, kind, where: str, default=None):
    value = table.get(key, default)
    if value is None:
        raise SpecError(f"{where}: missing {key}")
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        names = {int: "a whole number", str: "text", bool: "true or false"}
        raise SpecError(f"{where}.{key}: expected {names.get(kind, kind)} (got {value!r:.40})")
    return value
