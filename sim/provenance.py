"""What produced a result: the code's version, and a hash of exactly the source that
decides a run's numbers.

Caches of runs (the calibration's) and resumable stores (a sweep's) key their entries on
:func:`model_source_hash`, so it must change when results can change and only then: an
edit to a figure, a report or the command line leaves it alone.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

# The source that maps a scenario and a seed to a run's records and summary (relative to
# the package): the domain's names, the random streams, the scenario schema and loading
# (with the checked reading of files), the city, the engine and its agents, and the run's
# records and outcomes; and the presets' scenario files (a sweep names its base scenario by
# preset, not by its values).
MODEL_SOURCES = (
    "domain.py",
    "streams.py",
    "config.py",
    "scenario_loader.py",
    "scenario_keys.py",
    "input_files.py",
    "city",
    "engine",
    "agents",
    "results",
)
# Inside those, a file that only names and shows results: the outcome registry's labels and
# formats (the summary's numbers are computed in results/metrics.py).
NOT_MODEL_SOURCES = ("results/outcomes.py",)
SCENARIO_FILES = ("scenarios/*.toml", "scenarios/fitted/*.toml")


def model_files(root: Path = PACKAGE, presets: bool = True) -> list[Path]:
    """The files :func:`model_source_hash` reads, in a fixed order."""
    files: list[Path] = []
    for name in MODEL_SOURCES:
        path = root / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    files = [f for f in files if f.relative_to(root).as_posix() not in NOT_MODEL_SOURCES]
    for pattern in SCENARIO_FILES if presets else ():
        files += sorted(root.glob(pattern))
    return files


@functools.cache
def model_source_hash(presets: bool = True) -> str:
    """Hash of this package's model source (read once per process); ``presets=False`` leaves
    the presets' scenario files out, for keys that hold a scenario's values."""
    return source_hash(PACKAGE, presets)


def source_hash(root: Path, presets: bool = True) -> str:
    """Hash of the model source under ``root`` (see MODEL_SOURCES), names and contents."""
    digest = hashlib.sha256()
    for path in model_files(root, presets):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def code_version() -> str:
    """Git commit of the code (with '+dirty' if changed), or the package version."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PACKAGE.parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "sim"],
            cwd=PACKAGE.parent,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("dispute-sim")
        except PackageNotFoundError:
            return "unknown"
