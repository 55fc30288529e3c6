"""What every command line of the tool shares (`sim` and the planner scripts): reading
``--set`` values, bounding count options, and argument errors in the tool's own style."""

from __future__ import annotations

import argparse
import tomllib

from sim import input_files
from sim.failures import EXIT_BAD_INPUT
from sim.scenario_loader import ScenarioError, merge_checked

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
    """Scenario overrides from ``--set`` texts and the run options given (None: not given)."""
    overrides: dict = {}
    for text in sets or []:
        overrides = merge_checked(overrides, parse_assignment(text), "--set")
    given = {k: v for k, v in run.items() if v is not None}
    if given:
        overrides = merge_checked(overrides, {"run": given}, "--set")
    return overrides


def check_counts(args, bounds: dict[str, tuple[int, int]]) -> None:
    """Refuse a count option outside [low, high] (``--workers 0`` means one per core)."""
    for name, (low, high) in bounds.items():
        value = getattr(args, name)
        if not low <= value <= high:
            raise ScenarioError(f"--{name.replace('_', '-')} {value}: expected {low} to {high:,}")


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors read like the tool's others: one line, exit 2."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {message} (see {self.prog} --help)\n")
