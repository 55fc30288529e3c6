"""Lever forms generated from the scenario schema: each lever's declaration in
:mod:`sim.config` (type, bounds, unit, labels and help in English and Chinese) decides its
widget, how the typed text is read back, and which validation errors it shows.

Nothing here knows a lever by name. Text typed into a form is read as a number, a choice
from the declared ones, a list of names, or (for tables of records) a TOML value through
``tomllib``; nothing is ever evaluated as code.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.config import UNITS_ZH, Scenario, Section, parameters

Kind = Literal["int", "float", "bool", "choice", "table", "multi", "names", "toml"]
NOT_SET = ""  # an empty box: the entry is not set (the model's rule applies)


@dataclass(frozen=True)
class LeverField:
    """One lever as a form shows it."""

    key: str
    kind: Kind
    label: str
    label_zh: str
    help: str
    help_zh: str
    unit: str
    low: float | None = None  # bounds of the value (of each entry, for tables)
    high: float | None = None
    low_open: bool = False  # "> low" rather than ">= low"
    optional: bool = False  # None ("not set") is a value
    allows_inf: bool = False  # "inf" means "no limit"
    choices: tuple[str, ...] = ()  # of a choice, a multi-choice, or a table's entries
    entries: tuple[str, ...] = ()  # a table's keys
    entry_kind: Kind = "float"  # int, float or choice
    range_text: str = ""

    @property
    def section(self) -> str:
        return self.key.split(".")[0]

    def text(self, lang: str) -> tuple[str, str, str]:
        """(label, help, unit) in ``lang``."""
        if lang == "zh":
            return self.label_zh, self.help_zh, UNITS_ZH.get(self.unit, self.unit)
        return self.label, self.help, self.unit


def lever_fields() -> list[LeverField]:
    """Every lever of the scenario schema, in declaration order."""
    rows = {row["key"]: row for row in parameters("lever")}
    return [_lever_field(key, _field_info(key), row) for key, row in rows.items()]


def _field_info(key: str) -> FieldInfo:
    model: type[BaseModel] = Scenario
    *sections, name = key.split(".")
    for part in sections:
        annotation = model.model_fields[part].annotation
        assert isinstance(annotation, type) and issubclass(annotation, Section)
        model = annotation
    return model.model_fields[name]


def _lever_field(key: str, info: FieldInfo, row: dict) -> LeverField:
    common = {
        "key": key,
        "label": row["label"],
        "label_zh": row["label_zh"],
        "help": row["description"],
        "help_zh": row["help_zh"],
        "unit": row["unit"],
        "range_text": row["range"],
    }
    return LeverField(**common, **_shape(info.annotation, list(info.metadata)))


def _shape(annotation: Any, metadata: list) -> dict:
    """The widget kind and its details from a field's type."""
    inner, optional = _unwrap_optional(annotation)
    base, extra = _annotated(inner)
    metadata = metadata + extra
    origin = get_origin(base)
    if base is bool:
        return {"kind": "bool"}
    if base in (int, float):
        return {"kind": base.__name__, "optional": optional, **_bounds(metadata)}
    if origin is Literal:
        return {"kind": "choice", "choices": tuple(map(str, get_args(base)))}
    if origin is list:
        (entry,) = get_args(base)
        entry_base, _ = _annotated(entry)
        if get_origin(entry_base) is Literal:
            return {"kind": "multi", "choices": tuple(map(str, get_args(entry_base)))}
        if entry_base is str:
            return {"kind": "names"}
        return {"kind": "toml"}
    if origin is dict:
        keys, values = get_args(base)
        value_base, value_meta = _annotated(values)
        if get_origin(keys) is Literal and (
            value_base in (int, float) or get_origin(value_base) is Literal
        ):
            table: dict = {"kind": "table", "entries": tuple(map(str, get_args(keys)))}
            if get_origin(value_base) is Literal:
                return table | {"entry_kind": "choice", "choices": get_args(value_base)}
            return table | {"entry_kind": value_base.__name__, **_bounds(value_meta)}
    return {"kind": "toml"}


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    args = get_args(annotation)
    if type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None)), True
    return annotation, False


def _annotated(annotation: Any) -> tuple[Any, list]:
    """(the bare type, the constraints) of a possibly Annotated type."""
    metadata: list = []
    extras = getattr(annotation, "__metadata__", None)
    if extras is None:
        return annotation, metadata
    for extra in extras:
        if isinstance(extra, FieldInfo):
            metadata.extend(extra.metadata)
        else:
            metadata.append(extra)
    return annotation.__origin__, metadata


def _bounds(metadata: list) -> dict:
    out: dict = {}
    for m in metadata:
        if hasattr(m, "ge"):
            out["low"] = m.ge
        if hasattr(m, "gt"):
            out["low"], out["low_open"] = m.gt, True
        for name in ("le", "lt"):
            if hasattr(m, name):
                out["high"] = getattr(m, name)
        if getattr(m, "func", None) is not None and "days_or_inf" in m.func.__name__:
            out["allows_inf"] = True
        if getattr(m, "allow_inf_nan", False):
            out["allows_inf"] = True
    return out


# --- the value a scenario has, as a form shows it -------------------------------------


def value_at(scenario: Scenario, key: str) -> Any:
    value: Any = scenario
    for part in key.split("."):
        value = getattr(value, part)
    return value


def shown(lever: LeverField, value: Any) -> Any:
    """A scenario's value as the form's widget holds it."""
    if lever.kind in ("int", "float"):
        return _number_text(value)
    if lever.kind == "table":
        if lever.entry_kind == "choice":
            return {k: str(value.get(k, NOT_SET)) for k in lever.entries}
        return {k: _number_text(value.get(k)) for k in lever.entries}
    if lever.kind == "multi":
        return [str(v) for v in value]
    if lever.kind == "names":
        return "\n".join(value)
    if lever.kind == "toml":
        return _toml_value(_plain(value))
    return value if lever.kind == "bool" else str(value)


def _number_text(value: Any) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, float):
        return "inf" if math.isinf(value) else repr(value)  # every digit: 1/3 stays 1/3
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _toml_value(value: Any) -> str:
    """A value as TOML inline text (the forms' text for tables of records)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # JSON's string escapes are TOML's; TOML also escapes DEL
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return str(value)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


# --- reading a form back ----------------------------------------------------------------


class FieldError(ValueError):
    """A value typed into one field that cannot be read; ``zh`` says it in Chinese."""

    def __init__(self, message: str, zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh or message


def parsed(lever: LeverField, raw: Any) -> Any:
    """The value a widget holds, as the scenario takes it; FieldError says what is wrong."""
    if lever.kind in ("int", "float"):
        return read_number(raw, lever.kind, lever.optional or False, lever.allows_inf)
    if lever.kind == "table":
        return _table(lever, raw)
    if lever.kind == "multi":
        return [c for c in dict.fromkeys(raw or []) if c in lever.choices]  # the given order
    if lever.kind == "names":
        return _names(str(raw or ""))
    if lever.kind == "toml":
        return _toml(str(raw or ""), lever.key.split(".")[-1])
    if lever.kind == "bool":
        return bool(raw)
    if str(raw) not in lever.choices:
        choices = ", ".join(lever.choices)
        raise FieldError(f"choose one of {choices}", f"请从以下选项中选择:{choices}")
    return str(raw)


def read_number(text: Any, kind: str, optional: bool, allows_inf: bool) -> int | float | None:
    text = str(text if text is not None else "").strip()
    if "," in text:  # 1,000 is a thousand; 0,5 is not read as 5
        if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
            raise FieldError(
                f"{text!r}: write decimals with a point (0.5), thousands as 1,000",
                f"{text!r}:小数请用小数点(0.5),千位分隔写作 1,000",
            )
        text = text.replace(",", "")
    if not text:
        if optional:
            return None
        raise FieldError("a number is needed here", "此处需要填写数值")
    if text.lower() in ("inf", "none", "no limit") and allows_inf:
        return math.inf
    try:
        value = float(text)
    except ValueError:
        raise FieldError(f"{text!r} is not a number", f"{text!r} 不是数值") from None
    if not math.isfinite(value):
        raise FieldError(
            f"{text!r}: only a finite number" + (" or inf" if allows_inf else ""),
            f"{text!r}:只能填写有限数值" + ("或 inf(不限)" if allows_inf else ""),
        )
    if kind == "int":
        if value != int(value):
            raise FieldError(f"{text!r}: a whole number is needed here", f"{text!r}:此处需要整数")
        return int(value)
    return value


def _table(lever: LeverField, raw: Any) -> dict:
    out: dict = {}
    for entry in lever.entries:
        text = (raw or {}).get(entry, NOT_SET)
        if text in (NOT_SET, None):
            continue
        if lever.entry_kind == "choice":
            out[entry] = str(text)
            continue
        try:
            out[entry] = read_number(text, lever.entry_kind, False, lever.allows_inf)
        except FieldError as err:
            raise FieldError(f"{entry}: {err}", f"{entry}: {err.zh}") from None
    return out


def _names(text: str) -> list[str]:
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def _toml(text: str, name: str) -> Any:
    """A TOML value (``[...]``, ``{...}``), or a TOML document of the lever's own tables
    as a scenario file writes them (``[[departments]]`` then its keys, on lines)."""
    text = text.strip() or "[]"
    try:
        if re.match(rf"\[\[?\s*{re.escape(name)}\s*\]", text):
            return tomllib.loads(text).get(name, [])
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError as err:
        raise FieldError(
            f"not TOML ({err}): write a value on one line, e.g. [] or [{{name = ...}}], or "
            f"tables as in a scenario file, e.g. [[{name}]] and its keys on the lines below",
            f"不是有效的 TOML({err}):请在一行内写出取值,如 [] 或 [{{name = ...}}];"
            f"或按情景文件的写法,先写 [[{name}]],再逐行写出各键",
        ) from None


def policy_of(base: Scenario, levers: list[LeverField], raw: dict[str, Any]) -> PolicyForm:
    """The scenario a form describes: ``base`` with every lever whose value differs from
    ``base`` replaced, or the errors by field key ("" for one no field owns)."""
    errors: dict[str, str] = {}
    errors_zh: dict[str, str] = {}
    changed: dict[str, Any] = {}
    for lever in levers:
        if lever.key not in raw:
            continue
        try:
            value = parsed(lever, raw[lever.key])
        except FieldError as err:
            errors[lever.key], errors_zh[lever.key] = str(err), err.zh
            continue
        if _differs(value, value_at(base, lever.key)):
            changed[lever.key] = value
    if errors:
        return PolicyForm(None, changed, errors, errors_zh)
    try:
        return PolicyForm(replaced(base, changed), changed, {})
    except ValidationError as err:
        keys = [lv.key for lv in levers]
        return PolicyForm(None, changed, errors_by_field(err, keys, list(changed)))


@dataclass(frozen=True)
class PolicyForm:
    scenario: Scenario | None  # None when the form has errors
    changed: dict[str, Any]  # the levers that differ from the base, by key
    errors: dict[str, str]  # problems by field key ("" for the form as a whole)
    errors_zh: dict[str, str] = field(default_factory=dict)  # those the form reads, in zh

    def errors_in(self, lang: str) -> dict[str, str]:
        """The problems in ``lang`` (the model's own, from pydantic, stay in English)."""
        return {**self.errors, **self.errors_zh} if lang == "zh" else self.errors


def _differs(value: Any, current: Any) -> bool:
    return _plain(value) != _plain(current)


def replaced(base: Scenario, changed: dict[str, Any]) -> Scenario:
    """``base`` with each key of ``changed`` replaced as a whole (a table's entries left
    empty are not set, rather than kept from the base)."""
    data = base.model_dump()
    for key, value in changed.items():
        *sections, name = key.split(".")
        node = data
        for part in sections:
            node = node[part]
        node[name] = value
    return Scenario.model_validate(data)


def errors_by_field(
    err: ValidationError,
    keys: list[str],
    changed: Sequence[str] = (),
) -> dict[str, str]:
    """Each problem under the deepest field key on its path. A problem of a whole section
    (shares that must sum to 1) goes under the fields of that section the form changed, and
    under "" too (it may be the base's), or only under "" when the form changed none."""
    out: dict[str, list[str]] = {}
    for problem in err.errors():
        path = [str(p) for p in problem["loc"]]
        reason = problem["msg"].removeprefix("Value error, ")
        owner = _owner(path, keys)
        where = ".".join(path[len(owner.split(".")) :]) if owner else ".".join(path)
        text = f"{where}: {reason}" if where else reason
        owners = [owner] if owner else ["", *_changed_under(path, changed)]
        for key in owners:
            out.setdefault(key, []).append(text)
    return {k: "; ".join(v) for k, v in out.items()}


def _changed_under(path: list[str], changed: Sequence[str]) -> list[str]:
    prefix = ".".join(path)
    return [key for key in changed if prefix and key.startswith(prefix + ".")]


def _owner(path: list[str], keys: list[str]) -> str:
    for n in range(len(path), 0, -1):
        key = ".".join(path[:n])
        if key in keys:
            return key
    return ""
