"""A run's spreadsheets: ``sim run --xlsx`` and ``--csv`` (its summary and its areas),
written with the run's other files (the writers are in :mod:`sim.results.export`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from sim.results.export import summary_rows, with_kind_labels, write_csv, write_xlsx
from sim.results.records import RunResult


def run_sheets(result: RunResult, lang: str = "en") -> dict[str, pa.Table]:
    """A run's tables for a spreadsheet: the summary (one row per outcome) and the areas."""
    sheets = {"summary": summary_rows(result.summary.to_pylist()[0], lang)}
    if result.areas is not None:
        sheets["areas"] = with_kind_labels(result.areas, lang)
    return sheets


def run_files(
    lang: str = "en", xlsx: bool = False, csv: bool = False
) -> dict[str, Callable[[RunResult, Path], object]]:
    """Writers of the spreadsheet files asked for, by file name, as
    :meth:`RunResult.write` takes them (so they are staged with the run's other files)."""
    files: dict[str, Callable[[RunResult, Path], object]] = {}
    if xlsx:
        files["results.xlsx"] = functools.partial(_run_xlsx, lang=lang)
    if csv:
        for name in ("summary", "areas"):
            files[f"{name}.csv"] = functools.partial(_run_csv, name=name, lang=lang)
    return files


def _run_xlsx(result: RunResult, path: Path, lang: str) -> Path:
    return write_xlsx(path, run_sheets(result, lang), lang)


def _run_csv(result: RunResult, path: Path, name: str, lang: str) -> Path:
    return write_csv(path, run_sheets(result, lang)[name], lang)
