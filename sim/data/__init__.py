"""Data that ships with the package: the published figures the model is calibrated to
(``targets.toml``) and validated against (``validation.toml``), and the ranges of the
calibration's free parameters (``parameters.toml``). Calibration and validation both read
them, so they sit below both."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
TARGETS_FILE = DATA_DIR / "targets.toml"
PARAMETERS_FILE = DATA_DIR / "parameters.toml"
VALIDATION_FILE = DATA_DIR / "validation.toml"
CROSS_VALIDATION_FILE = DATA_DIR / "cross_validation.toml"
