"""Dotted scenario keys ("handling.attempts_per_level") and what a value does to one: ``set``
it, or ``scale`` or ``shift`` every number in it. Calibration parameters and sweep factors
both move keys this way, on a unit interval mapped onto their range."""

from __future__ import annotations

import math

from sim.config import Scenario

TRANSFORMS = ("set", "scale", "shift")


class KeyTransformError(ValueError):
    """A transform that cannot apply to a key's value (scaling a text, say)."""


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
    raise KeyTransformError(f"cannot scale or shift a non-number ({value!r})")
