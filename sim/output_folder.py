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


# What each kind of folder holds. A folder written before the marker existed counts as the
# tool's own only when it holds every core file of its kind, nothing but names the tool
# writes for it, and (where there is one) a file that starts as the tool writes it: a
# planner's folder never looks like that.
@dataclass(frozen=True)
class _Kind:
    core: frozenset[str]  # all of these must be there
    names: frozenset[str]  # and nothing else
    first_line: tuple[str, str] = ("", "")  # (file, how its first line starts)


def _kind(
    core: set[str], extra: Iterable[str] = (), first_line: tuple[str, str] = ("", "")
) -> _Kind:
    return _Kind(frozenset(core), frozenset(core | set(extra)), first_line)


_KINDS = {
    "run": _kind(
        {"manifest.json", "cases.parquet", "stays.parquet", "daily.parquet", "summary.parquet"},
        {"places.parquet", "centres.parquet", "overview.png"},
        ("manifest.json", '{\n  "scenario_name":'),
    ),
    "policies": _kind(
        {"runs.parquet", "differences.csv"},
        {"daily.parquet", "places.parquet", "centres.parquet", "differences.png"},
    ),
    "validation": _kind({"validation.csv", "validation.md", "validation.png"}),
    "report": _kind({"report.html", "report.md"}),  # plus its figures, *.png
    "calibration-work": _kind(
        {"runs.jsonl"}, {"study.journal", "study.journal.lock"}, ("runs.jsonl", '{"key": "')
    ),
    "calibration-report": _kind(
        {"screening.csv"},
        {
            "trials.csv",
            "report.md",
            "report_targets.png",
            "report_marginals.png",
            "report_convergence.png",
            "report_screening.png",
        },
        ("screening.csv", "parameter,target,mu_star"),
    ),
    "sweep": _kind(
        {"manifest.json", "points.parquet", "runs", "errors"},
        {"cases", "sensitivity.csv"},
        ("manifest.json", '{\n  "sweep":'),
    ),
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
    replaces_own: bool = False  # the folder holds the tool's earlier results of this kind


def check(
    folder: str | Path,
    kind: str,
    *,
    flag: str = "--out",
    inputs: Iterable[Path] = (),
    force: bool = False,
    default: bool = False,
) -> Target:
    """Refuse ``folder`` (raise OutputError) unless writing ``kind`` results there destroys
    nothing. ``inputs`` are files the command reads; ``default`` says the folder is the
    command's own default place, where earlier results are replaced without ``force``."""
    where = f"{flag} {folder}"
    if not str(folder).strip() or "\0" in str(folder):
        raise OutputError(f"{where!r}: not a usable folder name")
    folder = Path(os.path.normpath(folder))  # newdir/.. is the folder it names
    _check_name(folder, where)
    resolved = _resolve(folder, where)
    _check_not_above_cwd(resolved, where)
    _check_parents(folder, where)
    _check_inputs(resolved, inputs, where)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{where}: exists and is not a folder; name a new or empty folder")
    _check_writable(_first_existing(folder), where)
    entries = _entries(folder, where)
    if not entries:
        return Target(folder, kind, flag)
    own = owned_files(folder, kind)
    if own is None:
        marker = _read_marker(folder / MARKER)
        if marker is not None:
            raise OutputError(
                f"{where}: holds {marker['kind']} results of this tool, not "
                f"{kind} results; name another folder (nothing was changed)"
            )
        known = _KINDS[kind].names if kind in _KINDS else frozenset()
        odd = sorted(entries - known) or sorted(entries)
        shown = ", ".join(odd[:3]) + (" ..." if len(odd) > 3 else "")
        raise OutputError(
            f"{where}: holds files this tool did not write ({shown}); name a new "
            "or empty folder (nothing was changed)"
        )
    if not (force or default):
        raise OutputError(
            f"{where}: holds earlier {kind} results; add --force to replace "
            "them (only the files this tool wrote are replaced)"
        )
    return Target(folder, kind, flag, replaces_own=True)


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
        raise OutputError(
            f"{where}: exists and was not written by this tool; name a new "
            "file (nothing was changed)"
        )
    return path


def files_of(kind: str) -> frozenset[str]:
    """Every name the tool writes in a folder of ``kind`` (for the marker of a folder that
    is built in place, such as a sweep store or a calibration's work folder)."""
    return _KINDS[kind].names


def owned_files(folder: Path, kind: str) -> set[str] | None:
    """Names of the entries of ``folder`` that the tool wrote as ``kind`` results, or None
    if the folder is not such a folder of the tool's."""
    marker = _read_marker(folder / MARKER)
    if marker is not None:
        return set(marker["files"]) if marker["kind"] == kind else None
    legacy = _KINDS.get(kind)
    entries = {p.name for p in folder.iterdir()}
    if legacy is None or not legacy.core <= entries:
        return None
    extra = {
        e
        for e in entries - legacy.names
        if not (kind == "report" and e.endswith(".png"))
        and not (e.startswith(".") and e.endswith(".tmp"))
    }  # the tool's own temp files
    if extra or not _starts_with(folder, *legacy.first_line):
        return None
    return entries


def _starts_with(folder: Path, name: str, start: str) -> bool:
    """Whether ``name`` in ``folder`` begins as the tool writes it (no name: no check)."""
    if not name:
        return True
    try:
        with (folder / name).open("rb") as fh:
            return fh.read(len(start.encode())) == start.encode()
    except OSError:
        return False


def _read_marker(path: Path) -> dict | None:
    if not path.is_file() or path.is_symlink() or path.stat().st_size > 1_000_000:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON
        return None
    ok = (
        isinstance(data, dict)
        and data.get("written_by") == _WRITER
        and isinstance(data.get("kind"), str)
        and isinstance(data.get("files"), list)
        and all(isinstance(f, str) and _plain_name(f) for f in data["files"])
    )
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
        staging = Path(
            tempfile.mkdtemp(prefix=f".{folder.name[:40]}.", suffix=".partial", dir=folder.parent)
        )
    except OSError as err:
        _remove_empty(made)
        raise OutputError(f"{target.flag} {folder}: cannot write there: {err.strerror}") from None
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it 0o700; results are for sharing
    try:
        yield staging
        write_marker(staging, target.kind, (p.name for p in staging.iterdir()))
        _publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish(staging: Path, target: Target) -> None:
    """Move the staged files into the target. The target then holds the new files, the
    marker listing them and whatever the tool did not write; the tool's earlier files are
    gone. A failure part-way puts the earlier state back."""
    folder = target.folder
    try:
        if not folder.exists():
            staging.rename(folder)
            return
        own = owned_files(folder, target.kind) if target.replaces_own else set()
        if own is None or (not target.replaces_own and any(folder.iterdir())):
            raise OutputError(
                f"{target.flag} {folder}: was changed while the results were "
                "computed; nothing was written there"
            )
        if {p.name for p in folder.iterdir()} <= own | {MARKER}:
            _swap_whole(staging, folder)
        else:
            _swap_files(staging, folder, own, target.flag)
    except OSError as err:  # permissions, a read-only or full disk: not the tool's fault
        raise OutputError(
            f"{target.flag} {folder}: cannot write there ({err.strerror}); nothing was changed"
        ) from None


def _swap_whole(staging: Path, folder: Path) -> None:
    """Only the tool's files are there: the folder is replaced in two renames."""
    aside = Path(
        tempfile.mkdtemp(prefix=f".{folder.name[:40]}.", suffix=".replaced", dir=folder.parent)
    )
    folder.rename(aside)  # onto the empty folder just made
    try:
        staging.rename(folder)
    except BaseException:
        aside.rename(folder)
        raise
    shutil.rmtree(aside)


def _swap_files(staging: Path, folder: Path, own: set[str], flag: str) -> None:
    """The folder holds a planner's files too: move the tool's earlier files aside, then
    the new ones in, file by file; on a failure, undo what was moved."""
    new = [p.name for p in staging.iterdir() if p.name != MARKER]
    clash = [n for n in new if n not in own and (folder / n).exists()]
    if clash:
        raise OutputError(
            f"{flag} {folder}: holds files of the same name that this tool did "
            f"not write ({', '.join(sorted(clash))}); nothing was changed"
        )
    aside = Path(
        tempfile.mkdtemp(prefix=f".{folder.name[:40]}.", suffix=".replaced", dir=folder.parent)
    )
    old = [n for n in (*sorted(own), MARKER) if (folder / n).exists() or (folder / n).is_symlink()]
    moved_out: list[str] = []
    moved_in: list[str] = []
    try:
        for name in old:
            (folder / name).rename(aside / name)
            moved_out.append(name)
        for name in (*new, MARKER):
            (staging / name).rename(folder / name)
            moved_in.append(name)
    except BaseException:
        for name in moved_in:
            (folder / name).rename(staging / name)
        for name in moved_out:
            (aside / name).rename(folder / name)
        aside.rmdir()
        raise
    staging.rmdir()
    shutil.rmtree(aside)


def make_folder(target: Target) -> list[Path]:
    """Create the target folder (for stores built in place); return the folders made."""
    return _make_parents(target.folder, target.flag)


def _make_parents(folder: Path, flag: str) -> list[Path]:
    """mkdir -p ``folder``; return the folders that did not exist, deepest first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{flag} {folder}: cannot create the folder: {err.strerror}") from None
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
            raise OutputError(
                f"{where}: the name {part[:40]}... is longer than "
                f"{_NAME_BYTES} bytes; choose a shorter one"
            )


def _resolve(folder: Path, where: str) -> Path:
    try:
        return folder.resolve()
    except (OSError, RuntimeError) as err:  # a symlink loop, a vanished working folder
        raise OutputError(f"{where}: cannot resolve the path ({err})") from None


def _check_not_above_cwd(resolved: Path, where: str) -> None:
    try:
        cwd = Path.cwd().resolve()
    except OSError:  # the working folder was deleted: nothing can be above it
        return
    if resolved == cwd or resolved in cwd.parents:
        raise OutputError(
            f"{where}: is the working folder or a folder above it; name a new "
            "folder for the results, e.g. outputs/my-run"
        )


def _check_parents(folder: Path, where: str) -> None:
    for parent in folder.parents:
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"{where}: {parent} is a file, not a folder")


def _check_inputs(resolved: Path, inputs: Iterable[Path], where: str) -> None:
    """Refuse a folder that holds an input, or lies inside an input folder."""
    for path in inputs:
        with contextlib.suppress(OSError, RuntimeError):
            source = Path(path).resolve()
            if source == resolved or resolved in source.parents:
                raise OutputError(
                    f"{where}: holds an input of this command ({path}); write "
                    "the results to another folder"
                )
            if source.is_dir() and source in resolved.parents:
                raise OutputError(
                    f"{where}: lies inside an input of this command ({path}); "
                    "write the results to another folder"
                )


def _first_existing(path: Path) -> Path:
    return next((p for p in (path, *path.parents) if p.exists()), Path("."))


def _check_writable(folder: Path, where: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{where}: cannot write there (permission denied)")
