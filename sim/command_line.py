"""What every command line of the tool shares (`sim` and the planner scripts): reading
``--set`` values, bounding count options, and argument errors in the tool's own style."""

from __future__ import annotations

import argparse
import tomllib

from pydantic import ValidationError

from sim import input_files
from sim.config import Scenario
from sim.failures import EXIT_BAD_INPUT
from sim.scenario_loader import ScenarioError, format_problems, merge_checked

MAX_REPS = 1000
MAX_WORKERS = 256


def parse_assignment(text: str) -> dict:
    """``a.b.c=VALUE`` (VALUE in TOML syntax, bare words as strings) -> nested dict."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"--set {text!r}: expected KEY.PATH=VALUE")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    except RecursionError:
        raise ScenarioError(f"--set {key.strip()[:80]}: the value nests too deeply") from None
    if input_files.depth(value) > input_files.MAX_TOML_DEPTH:
        raise ScenarioError(f"--set {key.strip()[:80]}: the value nests too deeply")
    nested: dict = value
    for part in reversed(key.strip().split(".")):
        nested = {part: nested}
    return nested


def command_overrides(sets: list[str] | None, run: dict) -> dict:
    """Scenario overrides from ``--set`` texts and the run options given (None: not given).

    Each option is checked on its own first, so that a bad key or value is blamed on the
    option (``--set staffing.mediators_total=abc``), not on the scenario file."""
    overrides: dict = {}
    for text in sets or []:
        assignment = parse_assignment(text)
        check_option(f"--set {text}", assignment)
        overrides = merge_checked(overrides, assignment, "--set")
    given = {k: v for k, v in run.items() if v is not None}
    for key, value in given.items():
        check_option(f"--{key} {value}", {"run": {key: value}})
    if given:
        overrides = merge_checked(overrides, {"run": given}, "--set")
    return overrides


def check_option(option: str, assignment: dict) -> None:
    """Refuse an option whose key path or value is wrong whatever the scenario: the
    problems on its own path when it is applied to the defaults. Problems of how it
    combines with a scenario (shares that must sum to 1) are left to the scenario's check."""
    try:
        Scenario().with_overrides(assignment)
    except ValidationError as err:
        path = _path_of(assignment)
        own = [p for p in err.errors() if _on_path(tuple(map(str, p["loc"])), path, p["type"])]
        if own:
            shown = option if len(option) <= 120 else option[:117] + "..."
            raise ScenarioError(format_problems(own, shown, via_set=True)) from None


def _path_of(nested: dict) -> tuple[str, ...]:
    """The key path of a one-key-per-level dict (as parse_assignment makes)."""
    path: list[str] = []
    while isinstance(nested, dict) and len(nested) == 1:
        key, nested = next(iter(nested.items()))
        path.append(str(key))
    return tuple(path)


def _on_path(loc: tuple[str, ...], path: tuple[str, ...], kind: str) -> bool:
    """A problem of the option's key itself: at or below its path, or an unknown key on it."""
    if loc[: len(path)] == path:
        return True
    return kind == "extra_forbidden" and path[: len(loc)] == loc


def check_counts(args, bounds: dict[str, tuple[int, int]]) -> None:
    """Refuse a count option outside [low, high] (``--workers 0`` means one per core)."""
    for name, (low, high) in bounds.items():
        value = getattr(args, name)
        if value is not None and not low <= value <= high:  # None: the option was not given
            raise ScenarioError(f"--{name.replace('_', '-')} {value}: expected {low} to {high:,}")


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors read like the tool's others: one line, exit 2."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {message} (see {self.prog} --help)\n")
