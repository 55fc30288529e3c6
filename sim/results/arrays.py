"""Small numeric helpers over record tables that every outcome computation shares (the city
summary in :mod:`sim.results.metrics`, the tables by area in :mod:`sim.results.areas`)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def column(table: pa.Table, name: str) -> np.ndarray:
    """A column as numpy; labels as fixed-width strings, a missing one as "" (comparing
    those is many times faster than comparing Python string objects)."""
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.combine_chunks()
        labels = np.array([*column.dictionary.to_pylist(), ""])
        codes = column.indices.fill_null(len(labels) - 1)
        return labels[codes.to_numpy()]
    return column.to_numpy(zero_copy_only=False)


def quantile_or_nan(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if len(values) else float("nan")


def mean_or_nan(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def ratio_or_nan(numerator, denominator) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")


def finite(values: np.ndarray) -> np.ndarray:
    values = values.astype(float)
    return values[np.isfinite(values)]
