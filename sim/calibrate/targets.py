"""Calibration targets: published figures, what each counts, its period and tolerance.

A targets file is what a planner writes for their own city (and what ships for Hohhot)::

    [[target]]
    id = "received-2024"              # unique; names the figure in messages and reports
    counts = "received_at_centres"    # what it counts: one of sim.calibrate.conventions
    value = 3120                      # a count, or a rate as 0.95 or "95%"
    year = 2024                       # or period = { from = 2024-01-01, to = 2024-06-30 }
    tolerance = "3%"                  # counts: "3%" or a number; rates: "1pp" (default)
    source = "county yearbook p. 12"  # optional: label, source, locator, note, kind

Counts are compared per day of their period, so a half-year figure fits a year's run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path

from sim import input_files
from sim.calibrate.conventions import CONVENTIONS, Convention
from sim.data import TARGETS_FILE

# Where ``sim calibrate`` writes its report by default: calibration/ in the working folder
# (in this repository, the report that ships with it, which replacing needs --force).
REPORT_DIR = Path("calibration")
SHIPPED_REPORT = Path(__file__).resolve().parents[2] / "calibration"

DEFAULT_COUNT_TOLERANCE = 0.03  # relative: the Hohhot calibration's
DEFAULT_RATE_TOLERANCE = 0.01  # absolute: one percentage point
MAX_TARGETS = 50
KEYS = (
    "id",
    "counts",
    "value",
    "year",
    "period",
    "tolerance",
    "kind",
    "label",
    "source",
    "locator",
    "note",
)


class CalibrationError(ValueError):
    """A calibration input file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Target:
    id: str
    label: str
    value: float
    kind: str  # "count" or "rate"
    tolerance: float  # absolute, in the figure's unit, over the figure's period
    output: str  # the run's output (summary column or extra output)
    mapping: str  # what the model counts for it
    locator: str = ""
    convention: str = ""
    period_days: int = 365
    period: tuple[dt.date, dt.date] | None = None
    source: str = ""

    def expected(self, exposure: float = 1.0) -> float:
        """The published value for a run of ``exposure`` city-years (see :func:`exposure`).

        Counts shrink with the population and the days simulated, per day of the figure's
        period; rates do not.
        """
        return self.value * self._per_run(exposure) if self.kind == "count" else self.value

    def tolerance_at(self, exposure: float = 1.0) -> float:
        return self.tolerance * self._per_run(exposure) if self.kind == "count" else self.tolerance

    def over_period(self, simulated: float, exposure: float = 1.0) -> float:
        """A run's value on the figure's own basis: the whole place over its period."""
        return simulated / self._per_run(exposure) if self.kind == "count" else simulated

    def _per_run(self, exposure: float) -> float:
        return exposure * 365.0 / self.period_days

    def z(self, simulated: float, exposure: float = 1.0) -> float:
        """Miss in units of the tolerance (|z| <= 1 is within tolerance)."""
        if simulated is None or math.isnan(simulated):
            return math.inf
        return (simulated - self.expected(exposure)) / self.tolerance_at(exposure)


def exposure(summary: dict) -> float:
    """City-years a run covers: its population share times its measured days over a year."""
    return summary["effective_scale"] * summary["days"] / 365.0


def load_targets(path: Path = TARGETS_FILE) -> list[Target]:
    """Read and check a targets file; every problem names the entry and the key."""
    data = _read(path)
    unknown = sorted(set(data) - {"target", "city", "description"})
    if unknown:
        raise CalibrationError(
            f"{path}: unknown top-level key(s) {unknown}; a targets file holds [[target]] "
            "tables (and optionally city, description)"
        )
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise CalibrationError(
            f"{path}: no targets; write each figure as a [[target]] table with id, counts, "
            "value and year (see `sim calibrate --help-targets`)"
        )
    if len(entries) > MAX_TARGETS:
        raise CalibrationError(f"{path}: {len(entries)} targets; at most {MAX_TARGETS}")
    targets = [_target(entry, path, i) for i, entry in enumerate(entries)]
    _check_distinct(targets, path)
    return targets


def _check_distinct(targets: list[Target], path: Path) -> None:
    seen: dict[str, int] = {}
    for i, t in enumerate(targets):
        if t.id in seen:
            raise CalibrationError(
                f"{path}: target[{i}] id {t.id!r}: the id of target[{seen[t.id]}] too; "
                "give each figure its own id"
            )
        seen[t.id] = i
    same: dict[tuple, str] = {}
    for t in targets:
        key = (t.convention, t.period, t.period_days)
        if key in same:
            raise CalibrationError(
                f"{path}: targets {same[key]!r} and {t.id!r} are the same figure "
                f"({t.convention} over the same period); keep one"
            )
        same[key] = t.id


def _target(entry: object, path: Path, i: int) -> Target:
    if not isinstance(entry, dict):
        raise CalibrationError(f"{path}: target[{i}]: expected a table of keys")
    where = f"{path}: target[{i}]" + (
        f" ({entry['id']!r})" if isinstance(entry.get("id"), str) else ""
    )
    _check_keys(entry, where)
    target_id = _text(entry, "id", where, required=True)
    convention = _convention(entry, where)
    kind = convention.kind
    if "kind" in entry and entry["kind"] != kind:
        raise CalibrationError(
            f"{where}.kind: {entry['kind']!r}, but {convention.name!r} is a {kind}; "
            "drop kind (it follows from counts) or choose another counts"
        )
    value = _value(entry, kind, where)
    start, end = _period(entry, where)
    note = _text(entry, "note", where)
    return Target(
        id=target_id,
        label=_text(entry, "label", where) or convention.label(),
        value=value,
        kind=kind,
        tolerance=_tolerance(entry, kind, value, where),
        output=convention.output,
        mapping=convention.counts + (f" {note}" if note else ""),
        locator=_text(entry, "locator", where),
        convention=convention.name,
        period_days=(end - start).days + 1,
        period=(start, end),
        source=_text(entry, "source", where),
    )


def _check_keys(entry: dict, where: str) -> None:
    for key in entry:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise CalibrationError(
                f"{where}: unknown key {key!r}; {hint}a target has {', '.join(KEYS)}"
            )
    for key in ("id", "counts", "value"):
        if key not in entry:
            raise CalibrationError(f"{where}: missing {key!r} (a target needs id, counts, value)")


def _convention(entry: dict, where: str) -> Convention:
    name = entry["counts"]
    if isinstance(name, str) and name in CONVENTIONS:
        return CONVENTIONS[name]
    close = difflib.get_close_matches(str(name), list(CONVENTIONS), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise CalibrationError(
        f"{where}.counts: {name!r} is not a basis the model counts; {hint}choose one of "
        f"{', '.join(CONVENTIONS)} (`sim calibrate --help-targets` says what each counts)"
    )


def _value(entry: dict, kind: str, where: str) -> float:
    raw = entry["value"]
    if kind == "rate" and isinstance(raw, str) and raw.strip().endswith("%"):
        value = _number(raw.strip()[:-1], f"{where}.value") / 100
    elif isinstance(raw, bool) or not isinstance(raw, int | float):
        raise CalibrationError(f"{where}.value: expected a number (got {raw!r:.40})")
    else:
        value = float(raw)
    if not math.isfinite(value) or value < 0:
        raise CalibrationError(f"{where}.value: {raw!r} must be a number >= 0")
    if kind == "rate" and value > 1:
        percent = isinstance(raw, str)  # "150%": already a percentage
        raise CalibrationError(
            f"{where}.value: {raw!r} is a rate above 1; write it as a share "
            f'({value / 100:g}) or a percentage in quotes ("{value:g}%")'
            if value <= 100 and not percent
            else f"{where}.value: {raw!r} is a rate above 100%; a rate is a share of 0 to 1"
        )
    if kind == "count" and value == 0:
        raise CalibrationError(
            f"{where}.value: a count of 0 cannot be fitted within a relative tolerance"
        )
    return value


def _period(entry: dict, where: str) -> tuple[dt.date, dt.date]:
    if ("year" in entry) == ("period" in entry):
        raise CalibrationError(
            f"{where}: give the figure's period as year = 2024 or as "
            "period = { from = 2024-01-01, to = 2024-12-31 } (one of the two)"
        )
    if "year" in entry:
        year = entry["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100:
            raise CalibrationError(f"{where}.year: expected a year 1950 to 2100 (got {year!r:.40})")
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    period = entry["period"]
    if not isinstance(period, dict) or set(period) != {"from", "to"}:
        raise CalibrationError(
            f"{where}.period: expected {{ from = 2024-01-01, to = 2024-12-31 }} (dates without "
            f"quotes; got {period!r:.60})"
        )
    start, end = period["from"], period["to"]
    for name, day in (("from", start), ("to", end)):
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise CalibrationError(
                f"{where}.period.{name}: expected a date like 2024-01-01, without quotes "
                f"(got {day!r:.40})"
            )
        if not 1950 <= day.year <= 2100:
            raise CalibrationError(
                f"{where}.period.{name}: expected a date 1950 to 2100 (got {day})"
            )
    if end < start:
        raise CalibrationError(f"{where}.period: 'to' ({end}) is before 'from' ({start})")
    return start, end


_PERCENT = re.compile(r"^\s*([0-9.]+)\s*%\s*$")
_POINTS = re.compile(r"^\s*([0-9.]+)\s*pp\s*$")


def _tolerance(entry: dict, kind: str, value: float, where: str) -> float:
    raw = entry.get("tolerance")
    if raw is None:
        return DEFAULT_COUNT_TOLERANCE * value if kind == "count" else DEFAULT_RATE_TOLERANCE
    if isinstance(raw, str) and kind == "count" and (m := _PERCENT.match(raw)):
        tolerance = _number(m.group(1), f"{where}.tolerance") / 100 * value
    elif isinstance(raw, str) and kind == "rate" and (m := _POINTS.match(raw)):
        tolerance = _number(m.group(1), f"{where}.tolerance") / 100
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        tolerance = float(raw)
    else:
        form = '"3%" or a count' if kind == "count" else '"1pp" (percentage points) or a share'
        raise CalibrationError(f"{where}.tolerance: {raw!r:.40} for a {kind}; write {form}")
    if not math.isfinite(tolerance) or tolerance <= 0:
        raise CalibrationError(f"{where}.tolerance: must be above 0 (got {raw!r:.40})")
    if kind == "rate" and tolerance >= 0.5:
        raise CalibrationError(
            f"{where}.tolerance: {raw!r} for a rate is wider than half the scale; write "
            'percentage points, e.g. "2pp"'
        )
    return tolerance


def _number(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CalibrationError(f"{where}: {text!r} is not a number") from None


def _text(entry: dict, key: str, where: str, required: bool = False) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CalibrationError(f"{where}.{key}: expected text (got {value!r:.40})")
    if len(value) > 2000:
        raise CalibrationError(f"{where}.{key}: longer than 2000 characters")
    return " ".join(value.split())


def _read(path: Path) -> dict:
    try:
        return input_files.read_toml(path, "calibration targets file")
    except input_files.InputFileError as err:
        raise CalibrationError(str(err)) from None


def common_period(targets: list[Target]) -> tuple[dt.date, dt.date] | None:
    """The period every target shares, if they share one."""
    periods = {t.period for t in targets}
    return periods.pop() if len(periods) == 1 else None
