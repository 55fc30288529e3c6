"""Did-you-mean hints for an unknown scenario key.

Three mistakes are common: a misspelt key (``staffing.mediator_total``), a key written
outside its section (``days = 30`` at the top of the file is ``[run] days``) and a key
written in the wrong section (``[run] mediators_total``). The hint names the right key
path and how to write it, in the file's TOML or as a ``--set`` option.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import types
import typing

from pydantic import BaseModel

from sim.config import Scenario, parameters

CUTOFF = 0.6  # difflib's default: mediator_total ~ mediators_total, staffs ~ staffing
MAX_SHOWN = 60  # characters of a value echoed in a "write it as" example


def unknown_key_hint(loc: tuple, value: object, via_set: bool = False) -> str:
    """What the unknown key at ``loc`` (a pydantic error location) probably meant; ""
    when nothing is close. ``via_set`` writes the example as a ``--set`` option."""
    parts = tuple(str(part) for part in loc)
    parent, leaf = parts[:-1], parts[-1]
    if len(parent) <= 1:  # a section or the top level: the key may belong elsewhere
        homes = [key for key in _all_keys() if _leaf(key) == leaf]
        if homes:
            return _belongs(leaf, homes, value, parent, via_set)
    close = difflib.get_close_matches(leaf, keys_at(loc[:-1]), n=1, cutoff=CUTOFF)
    if close:
        return f"did you mean {'.'.join((*parent, close[0]))}?"
    if len(parent) <= 1:
        by_leaf = {_leaf(key): key for key in reversed(_all_keys())}
        close = difflib.get_close_matches(leaf, list(by_leaf), n=1, cutoff=CUTOFF)
        if close:
            return f"did you mean {by_leaf[close[0]]}{_under(by_leaf[close[0]])}?"
    return ""


def keys_at(loc: tuple) -> list[str]:
    """The keys the table at ``loc`` (key path from the top of a scenario) may hold;
    [] when it is not a table of named keys."""
    annotation: object = Scenario
    for part in loc:
        annotation = _child(annotation, part)
        if annotation is None:
            return []
    model = _model(annotation)
    return list(model.model_fields) if model is not None else []


def _belongs(leaf: str, homes: list[str], value: object, parent: tuple, via_set: bool) -> str:
    """``leaf`` belongs under another section (the first of ``homes``)."""
    home = homes[0]
    where = _section(home)
    here = f", not [{parent[0]}]" if parent else ""
    text = f"{leaf} belongs {where}{here}: write it as {_written(home, value, via_set)}"
    others = [_section(key) for key in homes[1:]]
    if others:
        text += f" (a key of that name is also {', '.join(others)})"
    return text


def _written(key: str, value: object, via_set: bool) -> str:
    shown = _toml_value(value)
    if via_set:
        return f"--set {key}={shown}"
    section, _, leaf = key.rpartition(".")
    return (
        f"[{section}] {leaf} = {shown}" if section else f"{leaf} = {shown} (before any [section])"
    )


def _section(key: str) -> str:
    section = key.rpartition(".")[0]
    return f"under [{section}]" if section else "at the top level"


def _under(key: str) -> str:
    section = key.rpartition(".")[0]
    return f" (under [{section}])" if section else ""


def _leaf(key: str) -> str:
    return key.rpartition(".")[2]


@functools.cache
def _all_keys() -> tuple[str, ...]:
    return tuple(row["key"] for row in parameters())


def _toml_value(value: object) -> str:
    """``value`` as TOML, shortened: the example a hint shows."""
    text = _toml(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return str(value)  # dates and times print as TOML writes them


def _child(annotation: object, part: object) -> object | None:
    """The type of the entry ``part`` of a value of type ``annotation`` (None: no entry)."""
    annotation = _unwrapped(annotation)
    model = _model(annotation)
    if model is not None:
        field = model.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _model(annotation: object) -> type[BaseModel] | None:
    annotation = _unwrapped(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrapped(annotation: object) -> object:
    """``X`` of ``Annotated[X, ...]`` and of ``X | None``."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            kept = [a for a in args if a is not type(None)]
            if len(kept) != 1:
                return annotation
            annotation = kept[0]
        else:
            return annotation


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' for the closest of ``choices``, or '' when none is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=CUTOFF)
    return f" (did you mean {close[0]!r}?)" if close else ""
