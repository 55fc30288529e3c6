"""Output folders that never destroy what a planner made.

Every command writes its results as one folder (a run, a comparison report, a validation, a
planner script's results, a sweep store, a calibration's work). A folder the tool wrote holds
a marker file, ``.dispute-sim.json``, naming the files it wrote. Before anything is computed,
:func:`check` refuses a target that is not a folder, is the working folder or one above it,
would swallow the inputs, or already holds files the tool did not write. Replacing the tool's
own results needs ``force`` unless the folder is the command's default one; even then only the
files the tool wrote are replaced, and anything else in the folder is left as it is.

:func:`staged_folder` writes a folder's files into a temporary folder beside it and moves
them in when all are written: a run that fails leaves nothing behind, not even the parent
folders it had to create.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

MARKER = ".dispute-sim.json"
_WRITER = "dispute-sim"
_NAME_BYTES = 255  # longest file name on common file systems
_PATH_BYTES = 4000  # a little under Linux's PATH_MAX

# Folders written before the marker existed: a folder counts as the tool's own when it holds
# the kind's signature file and nothing but names the tool writes for that kind.
_LEGACY = {
    "run": ("manifest.json", {"cases.parquet", "stays.parquet", "daily.parquet",
                              "summary.parquet", "places.parquet", "centres.parquet",
                              "manifest.json", "overview.png"}),
    "policies": ("differences.csv", {"runs.parquet", "daily.parquet", "places.parquet",
                                     "centres.parquet", "differences.csv", "differences.png"}),
    "validation": ("validation.csv", {"validation.csv", "validation.md", "validation.png"}),
    "calibration-work": ("runs.jsonl", {"runs.jsonl", "study.journal", "study.journal.lock"}),
    "calibration-report": ("screening.csv", {
        "screening.csv", "trials.csv", "report.md", "report_targets.png",
        "report_marginals.png", "report_convergence.png", "report_screening.png"}),
    "sweep": ("manifest.json", {"manifest.json", "points.parquet", "runs", "errors", "cases",
                                "sensitivity.csv"}),
}


class OutputError(ValueError):
    """An output folder the tool must not write; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """An output folder that passed :func:`check`: where, what kind, and whether it may
    replace the tool's own results there."""

    folder: Path
    kind: str
    flag: str = "--out"
    replace: bool = False


def check(folder: str | Path, kind: str, *, flag: str = "--out", inputs: Iterable[Path] = (),
          force: bool = False, default: bool = False) -> Target:
    """Refuse ``folder`` (raise OutputError) unless writing ``kind`` results there destroys
    nothing. ``inputs`` are files the command reads; ``default`` says the folder is the
    command's own default place, where earlier results are replaced without ``force``."""
    where = f"{flag} {folder}"
    if not str(folder).strip() or "\0" in str(folder):
        raise OutputError(f"{where!r}: not a usable folder name")
    folder = Path(folder)
    _check_name(folder, where)
    resolved = _resolve(folder, where)
    _check_not_above_cwd(resolved, where)
    _check_parents(folder, where)
    _check_inputs(resolved, inputs, where)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{where}: exists and is not a folder; name a new or empty folder")
    entries = _entries(folder, where)
    if not entries:
        return Target(folder, kind, flag)
    own = owned_files(folder, kind)
    if own is None:
        shown = ", ".join(sorted(entries)[:3]) + (" ..." if len(entries) > 3 else "")
        raise OutputError(f"{where}: holds files this tool did not write ({shown}); name a new "
                          "or empty folder (nothing was changed)")
    if not (force or default):
        raise OutputError(f"{where}: holds earlier {kind} results; add --force to replace "
                          "them (only the files this tool wrote are replaced)")
    return Target(folder, kind, flag, replace=True)


def check_file(path: str | Path, flag: str, is_own: Callable[[Path], bool]) -> Path:
    """Refuse to write the file ``path`` unless it is new or ``is_own`` says the tool wrote
    it (raise OutputError)."""
    path = Path(path)
    where = f"{flag} {path}"
    _check_name(path, where)
    _check_parents(path, where)
    if path.is_dir():
        raise OutputError(f"{where}: is a folder; name a file")
    if path.exists() and not (path.is_file() and not path.is_symlink() and is_own(path)):
        raise OutputError(f"{where}: exists and was not written by this tool; name a new "
                          "file (nothing was changed)")
    return path


def owned_files(folder: Path, kind: str) -> set[str] | None:
    """Names of the entries of ``folder`` that the tool wrote as ``kind`` results, or None
    if the folder is not such a folder of the tool's."""
    marker = _read_marker(folder / MARKER)
    if marker is not None:
        return set(marker["files"]) if marker["kind"] == kind else None
    signature, names = _LEGACY.get(kind, ("", set()))
    entries = {p.name for p in folder.iterdir()}
    if signature in entries and entries <= names:
        return entries
    return None


def _read_marker(path: Path) -> dict | None:
    if not path.is_file() or path.is_symlink() or path.stat().st_size > 1_000_000:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON
        return None
    ok = (isinstance(data, dict) and data.get("written_by") == _WRITER
          and isinstance(data.get("kind"), str) and isinstance(data.get("files"), list)
          and all(isinstance(f, str) and _plain_name(f) for f in data["files"]))
    return data if ok else None


def _plain_name(name: str) -> bool:
    return name not in ("", ".", "..", MARKER) and "/" not in name and "\\" not in name


def write_marker(folder: Path, kind: str, files: Iterable[str]) -> None:
    """Record that the tool wrote ``files`` in ``folder`` as ``kind`` results (atomically)."""
    data = {"written_by": _WRITER, "kind": kind, "files": sorted(set(files) - {MARKER})}
    tmp = folder / f".{MARKER}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, folder / MARKER)


@contextlib.contextmanager
def staged_folder(target: Target) -> Iterator[Path]:
    """Yield an empty temporary folder beside the target; when the block ends, its files
    become the target's (replacing only the tool's own earlier files). If the block fails,
    the temporary folder and any parent folders made for it are removed."""
    folder = target.folder
    made = _make_parents(folder.parent, target.flag)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name[:40]}.", suffix=".partial",
                                        dir=folder.parent))
    except OSError as err:
        _remove_empty(made)
        raise OutputError(f"{target.flag} {folder}: cannot write there: {err.strerror}") \
            from None
    staging.chmod(0o755)
    try:
        yield staging
        write_marker(staging, target.kind, (p.name for p in staging.iterdir()))
        _publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)
        raise


def _publish(staging: Path, target: Target) -> None:
    folder = target.folder
    if not folder.exists():
        staging.rename(folder)
        return
    own = owned_files(folder, target.kind) if target.replace else set()
    if own is None or (not target.replace and any(folder.iterdir())):
        raise OutputError(f"{target.flag} {folder}: was changed by someone else while the "
                          "results were computed; nothing was written there")
    new = [p for p in staging.iterdir() if p.name != MARKER]
    clash = [p.name for p in new if p.name not in own and (folder / p.name).exists()]
    if clash:
        raise OutputError(f"{target.flag} {folder}: holds files of the same name that this "
                          f"tool did not write ({', '.join(sorted(clash))}); nothing was changed")
    for name in own - {p.name for p in new}:
        _remove_own(folder / name)
    for path in new:
        _remove_own(folder / path.name)
        path.rename(folder / path.name)
    os.replace(staging / MARKER, folder / MARKER)
    staging.rmdir()


def clear_own(target: Target) -> None:
    """Remove the tool's own earlier files from the target (for stores built in place)."""
    own = owned_files(target.folder, target.kind) or set()
    for name in own:
        _remove_own(target.folder / name)
    (target.folder / MARKER).unlink(missing_ok=True)


def _remove_own(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def make_folder(target: Target) -> list[Path]:
    """Create the target folder (for stores built in place); return the folders made."""
    return _make_parents(target.folder, target.flag)


def _make_parents(folder: Path, flag: str) -> list[Path]:
    """mkdir -p ``folder``; return the folders that did not exist, deepest first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{flag} {folder}: cannot create the folder: {err.strerror}") \
            from None
    return missing


def _remove_empty(folders: Sequence[Path]) -> None:
    for path in folders:
        with contextlib.suppress(OSError):
            path.rmdir()


def _entries(folder: Path, where: str) -> set[str]:
    if not folder.exists():
        return set()
    try:
        return {p.name for p in folder.iterdir()}
    except OSError as err:
        raise OutputError(f"{where}: cannot read the folder: {err.strerror}") from None


def _check_name(folder: Path, where: str) -> None:
    text = str(folder)
    if len(os.fsencode(text)) > _PATH_BYTES:
        raise OutputError(f"{where}: path too long (over {_PATH_BYTES} bytes)")
    for part in folder.parts:
        if len(os.fsencode(part)) > _NAME_BYTES:
            raise OutputError(f"{where}: the name {part[:40]}... is longer than "
                              f"{_NAME_BYTES} bytes; choose a shorter one")


def _resolve(folder: Path, where: str) -> Path:
    try:
        return folder.resolve()
    except (OSError, RuntimeError) as err:  # a symlink loop, a vanished working folder
        raise OutputError(f"{where}: cannot resolve the path ({err})") from None


def _check_not_above_cwd(resolved: Path, where: str) -> None:
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise OutputError(f"{where}: is the working folder or a folder above it; name a new "
                          "folder for the results, e.g. outputs/my-run")


def _check_parents(folder: Path, where: str) -> None:
    for parent in folder.parents:
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"{where}: {parent} is a file, not a folder")


def _check_inputs(resolved: Path, inputs: Iterable[Path], where: str) -> None:
    for path in inputs:
        with contextlib.suppress(OSError, RuntimeError):
            source = Path(path).resolve()
            if source == resolved or resolved in source.parents:
                raise OutputError(f"{where}: holds an input of this command ({path}); write "
                                  "the results to another folder")
