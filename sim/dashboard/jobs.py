"""A comparison the dashboard runs: every policy on every seed in worker processes, with
progress and cancel, written as a planner script writes its results (so ``sim compare``
reads the folder) and then as a report (figures, report.html, spreadsheets).

Each comparison writes a new folder of its own, ``<outputs>/dashboard/<stamp>-<id>/``, with
``runs/`` (what ``sim compare`` reads), ``report-en/`` and ``report-zh/``: two
browser tabs running at once never share a folder, and nothing already there is touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim import output_folder
from sim.analysis.paired import paired_differences
from sim.analysis.policy_runs import gathered, run_one, run_payloads
from sim.config import Scenario
from sim.failures import unexpected
from sim.policy_label import chinese_names
from sim.policy_script import policy_changes, write_results
from sim.results.outcomes import KEY_OUTCOMES, with_costs

OUTPUTS_ENV = "DISPUTE_SIM_OUTPUTS"  # where the dashboard writes (default ./outputs)
MAX_RUNS = 400  # policies x replications one click may start


class Cancelled(Exception):
    """The planner pressed cancel."""


@dataclass(frozen=True)
class Comparison:
    """What the Compare page asks for: policies by name (the baseline first), each a
    validated scenario already at the chosen scale and horizon, and the seeds."""

    base: Scenario  # the scenario as the planner chose it (before any lever)
    policies: dict[str, Scenario]
    seeds: tuple[int, ...]

    @property
    def runs(self) -> int:
        return len(self.policies) * len(self.seeds)


@dataclass(frozen=True)
class Finished:
    folder: Path  # the runs, as a planner script writes them
    reports: dict[str, Path]  # the report folder by language ("en", "zh" when it could)
    report_errors: dict[str, str]  # why a language's report is missing


def outputs_root() -> Path:
    return Path(os.environ.get(OUTPUTS_ENV, "outputs"))


def new_folder() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return outputs_root() / "dashboard" / f"{stamp}-{secrets.token_hex(3)}" / "runs"


def run_comparison(
    request: Comparison,
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
    workers: int = 0,
    folder: Path | None = None,
) -> Finished:
    """Run, write, report. Raises Cancelled when ``cancelled()`` turns true while the runs
    go; the worker processes are then stopped and nothing is written."""
    folder = folder or new_folder()
    target = output_folder.check(folder, "policies", default=False)
    payloads = run_payloads(request.policies, request.seeds)
    results = _run_all(payloads, progress, cancelled, workers)
    tables = gathered(payloads, results)
    baseline = next(iter(request.policies))
    differences = paired_differences(tables.runs, baseline, with_costs(KEY_OUTCOMES))
    found = policy_changes(request.base, request.policies)
    title = "Dashboard comparison"
    names_zh = chinese_names(request.policies)
    write_results(
        target, tables, differences, title, baseline, found, request.policies, None, "en", names_zh
    )
    reports, errors = _reports(target.folder)
    return Finished(target.folder, reports, errors)


def _run_all(
    payloads: list[tuple],
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
    workers: int,
) -> list[dict]:
    """The runs in a pool of spawned processes (a fork of a threaded web server is not
    safe); a cancel terminates the pool at once rather than waiting for runs to end."""
    n = len(payloads)
    workers = workers or min(n, os.cpu_count() or 1)
    progress(0, n)
    context = multiprocessing.get_context("spawn")
    pool = context.Pool(max(1, min(workers, n)))
    try:
        pending = pool.imap_unordered(run_one, payloads)
        results: list[dict] = []
        while len(results) < n:
            with contextlib.suppress(multiprocessing.TimeoutError):  # only to check cancel
                results.append(pending.next(timeout=0.25))
            if cancelled():
                raise Cancelled()
            progress(len(results), n)
        pool.close()
        return results
    finally:
        pool.terminate()
        pool.join()


def _reports(folder: Path) -> tuple[dict[str, Path], dict]:
    """The report in English and, where the Chinese font is installed, in Chinese. The
    runs are written by now: a cancel no longer applies (the page disables it)."""
    from sim.report.compare import compare
    from sim.report.style import ReportError

    reports: dict[str, Path] = {}
    errors: dict[str, str] = {}
    for lang in ("en", "zh"):
        out = folder.parent / f"report-{lang}"
        target = output_folder.check(out, "report", inputs=[folder], default=False)
        try:
            reports[lang] = compare([folder], target, lang=lang, tables=_tables())
        except ReportError as err:  # e.g. no Chinese font: say so on the page
            errors[lang] = str(err)
        except Exception as err:  # the runs are written: a failed report does not lose them
            errors[lang] = unexpected("dashboard report", err)
    return reports, errors


def _tables() -> tuple[str, ...]:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return ("csv",)
    return ("xlsx", "csv")
