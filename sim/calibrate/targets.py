"""Calibration targets: published figures, the model output each maps to, and tolerances."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from sim import input_files
from sim.data import TARGETS_FILE

# Where ``sim calibrate`` writes its report by default: calibration/ in the working folder
# (in this repository, the report that ships with it, which replacing needs --force).
REPORT_DIR = Path("calibration")
SHIPPED_REPORT = Path(__file__).resolve().parents[2] / "calibration"


class CalibrationError(ValueError):
    """A calibration input file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Target:
    id: str
    label: str
    value: float
    kind: str  # "count" or "rate"
    tolerance: float  # absolute, in the figure's unit
    output: str  # summary column
    mapping: str
    locator: str

    def expected(self, exposure: float = 1.0) -> float:
        """The published value for a run of ``exposure`` city-years (see :func:`exposure`).

        Counts shrink with the population and the days simulated (an approximation, used only
        by quick smoke calibrations); rates do not.
        """
        return self.value * exposure if self.kind == "count" else self.value

    def tolerance_at(self, exposure: float = 1.0) -> float:
        return self.tolerance * exposure if self.kind == "count" else self.tolerance

    def z(self, simulated: float, exposure: float = 1.0) -> float:
        """Miss in units of the tolerance (|z| <= 1 is within tolerance)."""
        if simulated is None or math.isnan(simulated):
            return math.inf
        return (simulated - self.expected(exposure)) / self.tolerance_at(exposure)


def exposure(summary: dict) -> float:
    """City-years a run covers: its population share times its measured days over a year."""
    return summary["effective_scale"] * summary["days"] / 365.0


def load_targets(path: Path = TARGETS_FILE) -> list[Target]:
    data = _read(path)
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise CalibrationError(f"{path}: expected [[target]] tables")
    targets = [_target(entry, f"{path}: target[{i}]") for i, entry in enumerate(entries)]
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise CalibrationError(f"{path}: target ids repeat: {ids}")
    return targets


def _target(entry: dict, where: str) -> Target:
    need = ("id", "label", "value", "kind", "output", "mapping", "locator")
    missing = [k for k in need if k not in entry]
    if missing:
        raise CalibrationError(f"{where}: missing {missing}")
    kind = entry["kind"]
    if kind not in ("count", "rate"):
        raise CalibrationError(f"{where}.kind: expected 'count' or 'rate' (got {kind!r})")
    value = float(entry["value"])
    if "tolerance_relative" in entry and "tolerance_absolute" not in entry:
        tolerance = float(entry["tolerance_relative"]) * abs(value)
    elif "tolerance_absolute" in entry and "tolerance_relative" not in entry:
        tolerance = float(entry["tolerance_absolute"])
    else:
        raise CalibrationError(
            f"{where}: give exactly one of tolerance_relative, tolerance_absolute"
        )
    if tolerance <= 0:
        raise CalibrationError(f"{where}: tolerance must be positive")
    return Target(
        entry["id"],
        entry["label"],
        value,
        kind,
        tolerance,
        entry["output"],
        " ".join(entry["mapping"].split()),
        entry["locator"],
    )


def _read(path: Path) -> dict:
    try:
        return input_files.read_toml(path, "calibration targets file")
    except input_files.InputFileError as err:
        raise CalibrationError(str(err)) from None
