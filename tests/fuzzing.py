"""Harness of the command-line fuzz tests (tests/test_fuzz_inputs.py); no tests here.

Every case runs ``python -m sim ...`` as a subprocess, in a fresh sandbox folder, with a
timeout and a memory cap, and then checks what a planner would see:

* :func:`run_cli` writes the case's input files into the sandbox, takes a snapshot of every
  entry below it (relative path, type, sha256 of the bytes), runs the command and returns an
  :class:`Outcome` (exit code, stdout, stderr, elapsed seconds, timed out or not, and any
  crash report the command left in its private ``TMPDIR``).
* :func:`assert_rejected_cleanly`: the bad input was refused: exit code 2, no traceback, a
  message starting with ``error:`` that names the key, file or flag, and the sandbox is
  byte-for-byte as it was (no ``outputs/``, no half-written folder, nothing deleted).
* :func:`assert_ok_or_rejected`: for generated inputs that may be valid: either the run
  succeeded and wrote only below its ``--out`` folder, or it was refused cleanly as above.

Exit code 1 is the CLI's "unexpected internal failure" and always fails a case; so do a
timeout (a hang) and a crash by signal. The ``TMPDIR`` of each run is a private temporary
folder outside the sandbox, so a crash report never lands in the repository; its content is
shown in the failure message. With ``FUZZ_REPORT=/some/file.jsonl`` in the environment every
failing case is also appended there as one JSON line (input, command, exit code, stderr).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).resolve().parent / "data" / "broken"
DEFAULT_TIMEOUT = 60.0
EXIT_BAD_INPUT = 2
MEMORY_LIMIT_BYTES = 4 * 2**30  # a runaway allocation fails in the child, not the machine
FOLDER = object()  # as an input file's content: make an (empty) folder

Snapshot = dict[str, tuple]


@dataclass
class Outcome:
    """What one run of the CLI did."""

    args: list[str]
    cwd: Path
    root: Path  # the sandbox (snapshots cover all of it)
    returncode: int | None
    stdout: str
    stderr: str
    elapsed: float
    timed_out: bool
    before: Snapshot
    inputs: dict[str, str] = field(default_factory=dict)  # name -> short preview
    tmp_files: dict[str, str] = field(default_factory=dict)  # left in TMPDIR -> content

    def command(self) -> str:
        where = self.cwd.relative_to(self.root).as_posix()
        return f"(cwd {where}) sim " + " ".join(_quote(a) for a in self.args)

    def stderr_head(self, n: int = 3) -> list[str]:
        return self.stderr.strip("\n").splitlines()[:n]


# ----------------------------------------------------------------------------- running


def run_cli(
    args: Iterable[str],
    cwd: str | Path,
    timeout: float = DEFAULT_TIMEOUT,
    input_files: Mapping[str, object] | None = None,
    root: str | Path | None = None,
) -> Outcome:
    """Run ``python -m sim *args`` in ``cwd`` and return what happened.

    ``input_files`` (paths relative to ``root``, which defaults to ``cwd``) are written first:
    str as UTF-8, bytes as they are, a Path is copied, :data:`FOLDER` makes a folder. The
    snapshot of ``root`` is taken after that, just before the command starts.
    """
    args = [str(a) for a in args]
    cwd = Path(cwd).resolve()
    root = Path(root).resolve() if root is not None else cwd
    inputs = write_inputs(root, input_files or {})
    before = snapshot(root)
    private_tmp = Path(tempfile.mkdtemp(prefix="simfuzz-tmpdir-"))
    try:
        started = time.monotonic()
        returncode, stdout, stderr, timed_out = _run(
            [sys.executable, "-m", "sim", *args], cwd, _environment(private_tmp), timeout
        )
        elapsed = time.monotonic() - started
        tmp_files = _read_leftovers(private_tmp)
    finally:
        shutil.rmtree(private_tmp, ignore_errors=True)
    return Outcome(
        args, cwd, root, returncode, stdout, stderr, elapsed, timed_out, before, inputs, tmp_files
    )


def _environment(private_tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TMPDIR=str(private_tmp),
        TEMP=str(private_tmp),
        TMP=str(private_tmp),
        MPLBACKEND="Agg",
        PYTHONIOENCODING="utf-8",
    )
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def _limit_memory() -> None:  # runs in the child before exec
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def _run(argv: list[str], cwd: Path, env: dict, timeout: float):
    """(returncode, stdout, stderr, timed_out); a command past its timeout is killed with
    its whole process group."""
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_limit_memory,
    )
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return (
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        timed_out,
    )


def _read_leftovers(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with contextlib.suppress(OSError):
                found[path.relative_to(folder).as_posix()] = path.read_bytes()[:6000].decode(
                    "utf-8", "replace"
                )
    return found


def write_inputs(root: Path, files: Mapping[str, object]) -> dict[str, str]:
    """Write ``files`` below ``root``; return a short preview of each for messages."""
    previews = {}
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is FOLDER:
            path.mkdir(exist_ok=True)
            previews[name] = "(a folder)"
            continue
        if isinstance(content, Path):
            content = content.read_bytes()
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        path.write_bytes(data)
        previews[name] = preview(data)
    return previews


def preview(data: bytes, limit: int = 160) -> str:
    shown = repr(data[:limit]) + ("..." if len(data) > limit else "")
    return f"{shown} ({len(data):,} bytes)"


@contextlib.contextmanager
def sandbox(prefix: str = "simfuzz-") -> Iterator[Path]:
    """A fresh, empty working folder outside the repository, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name).resolve()


# ----------------------------------------------------------------------------- snapshots


def snapshot(root: str | Path) -> Snapshot:
    """Every entry below ``root``: relative path -> (type, detail). Files by the sha256 of
    their bytes, symlinks by their target; pipes and devices by type only (never opened)."""
    root = Path(root)
    entries: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                entries[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                entries[rel] = ("dir",)
            elif stat.S_ISREG(info.st_mode):
                entries[rel] = ("file", _sha256(path), stat.S_IMODE(info.st_mode))
            else:
                entries[rel] = ("other", stat.S_IFMT(info.st_mode))
    return entries


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Changes:
    added: list[str]
    removed: list[str]
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def describe(self, limit: int = 8) -> str:
        parts = []
        for label, names in (
            ("added", self.added),
            ("removed", self.removed),
            ("changed", self.changed),
        ):
            if names:
                shown = ", ".join(names[:limit]) + (" ..." if len(names) > limit else "")
                parts.append(f"{label}: {shown}")
        return "; ".join(parts)


def changes(before: Snapshot, after: Snapshot) -> Changes:
    return Changes(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=sorted(k for k in set(before) & set(after) if before[k] != after[k]),
    )


# ----------------------------------------------------------------------------- checks


def rejection_problems(
    outcome: Outcome,
    must_name: Iterable[str],
    before_snapshot: Snapshot | None = None,
    cwd: str | Path | None = None,
    must_not_show: Iterable[str] = (),
) -> list[str]:
    """Why ``outcome`` is not a clean refusal (empty if it is)."""
    problems = _crash_problems(outcome)
    if outcome.returncode != EXIT_BAD_INPUT and not outcome.timed_out:
        problems.append(f"exit code {outcome.returncode}, expected {EXIT_BAD_INPUT}")
    if not outcome.stderr.startswith("error:"):
        problems.append("stderr does not start with 'error:'")
    names = list(must_name)
    if names and not any(name in outcome.stderr for name in names):
        problems.append(f"stderr names none of {names}")
    for secret in must_not_show:
        if secret in outcome.stderr or secret in outcome.stdout:
            problems.append(f"output shows {secret!r} (content of a file it should not echo)")
    root = Path(cwd).resolve() if cwd is not None else outcome.root
    found = changes(
        before_snapshot if before_snapshot is not None else outcome.before, snapshot(root)
    )
    if found:
        problems.append(f"the working folder changed ({found.describe()})")
    if outcome.tmp_files:
        problems.append(f"left files in TMPDIR: {sorted(outcome.tmp_files)}")
    return problems


def assert_rejected_cleanly(
    outcome: Outcome,
    must_name: Iterable[str],
    before_snapshot: Snapshot | None = None,
    cwd: str | Path | None = None,
    must_not_show: Iterable[str] = (),
) -> None:
    """Exit code 2, ``error:`` first, one of ``must_name`` named, nothing written/changed.

    ``before_snapshot`` and ``cwd`` (the folder compared) default to the outcome's own
    snapshot and sandbox.
    """
    problems = rejection_problems(outcome, must_name, before_snapshot, cwd, must_not_show)
    if problems:
        fail(outcome, problems, "expected a clean rejection")


def assert_ok_or_rejected(
    outcome: Outcome,
    must_name: Iterable[str],
    out: str | Path,
    before_snapshot: Snapshot | None = None,
    cwd: str | Path | None = None,
    must_not_show: Iterable[str] = (),
) -> None:
    """Either exit 0, having written only below ``out`` (relative to the command's working
    folder) and changed no file that existed, or a clean rejection."""
    if outcome.returncode == EXIT_BAD_INPUT and not outcome.timed_out:
        assert_rejected_cleanly(outcome, must_name, before_snapshot, cwd, must_not_show)
        return
    problems = success_problems(outcome, out, before_snapshot, cwd)
    if problems:
        fail(outcome, problems, "expected success (exit 0) or a clean rejection (exit 2)")


def success_problems(
    outcome: Outcome,
    out: str | Path,
    before_snapshot: Snapshot | None = None,
    cwd: str | Path | None = None,
    may_replace: bool = False,
) -> list[str]:
    """Why ``outcome`` is not a clean success writing into ``out`` (empty if it is).
    ``may_replace``: files already in ``out`` may change (a deliberate --force)."""
    problems = _crash_problems(outcome)
    if outcome.returncode != 0 and not outcome.timed_out:
        problems.append(f"exit code {outcome.returncode}, expected 0 (or 2 with a message)")
    root = Path(cwd).resolve() if cwd is not None else outcome.root
    target = _relative_to(outcome.cwd / out, root)
    found = changes(
        before_snapshot if before_snapshot is not None else outcome.before, snapshot(root)
    )
    outside = [p for p in found.added if not _below(p, target)]
    touched = [
        p
        for p in found.removed + found.changed
        if not (may_replace and _below(p, target) and p != target)
    ]
    if outside:
        problems.append(f"wrote outside {out}: {outside[:8]}")
    if touched:
        problems.append(f"removed or changed files that existed: {touched[:8]}")
    if outcome.returncode == 0 and not (outcome.cwd / out).is_dir():
        problems.append(f"exit 0 but {out} is not a folder")
    return problems


def _crash_problems(outcome: Outcome) -> list[str]:
    problems = []
    if outcome.timed_out:
        problems.append(f"timed out after {outcome.elapsed:.0f} s (killed)")
    elif outcome.returncode is not None and outcome.returncode < 0:
        problems.append(f"killed by signal {-outcome.returncode}")
    elif outcome.returncode == 1:
        problems.append("exit code 1: unexpected internal failure")
    for stream, text in (("stderr", outcome.stderr), ("stdout", outcome.stdout)):
        if "Traceback" in text:
            problems.append(f"'Traceback' in {stream}")
    return problems


def _relative_to(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` (without resolving symlinks), or None if outside."""
    absolute = Path(os.path.normpath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return None


def _below(rel: str, target: str | None) -> bool:
    if target is None:
        return False
    return target == "." or rel == target or rel.startswith(target + "/")


# ----------------------------------------------------------------------------- reporting


def describe(outcome: Outcome, problems: list[str], summary: str = "") -> str:
    lines = [summary or "case failed", f"  command: {outcome.command()}"]
    lines += [f"  input {name}: {shown}" for name, shown in outcome.inputs.items()]
    code = "timeout" if outcome.timed_out else outcome.returncode
    lines.append(f"  exit code {code} after {outcome.elapsed:.1f} s")
    lines += [f"  problem: {p}" for p in problems]
    stderr = outcome.stderr.strip("\n").splitlines()
    lines += ["  stderr:"] + [f"    | {line[:300]}" for line in stderr[:12]]
    if len(stderr) > 12:
        lines.append(f"    | ... ({len(stderr) - 12} more lines)")
        lines += [f"    | {line[:300]}" for line in stderr[-4:]]
    for name, text in outcome.tmp_files.items():
        tail = text.strip().splitlines()[-8:]
        lines += [f"  left in TMPDIR: {name}"] + [f"    | {line[:300]}" for line in tail]
    return "\n".join(lines)


def fail(outcome: Outcome, problems: list[str], summary: str) -> None:
    _record(outcome, problems, summary)
    raise AssertionError(describe(outcome, problems, summary))


def _record(outcome: Outcome, problems: list[str], summary: str) -> None:
    path = os.environ.get("FUZZ_REPORT")
    if not path:
        return
    entry = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0],
        "summary": summary,
        "command": outcome.command(),
        "inputs": outcome.inputs,
        "exit": "timeout" if outcome.timed_out else outcome.returncode,
        "elapsed": round(outcome.elapsed, 2),
        "problems": problems,
        "stderr_head": outcome.stderr_head(3),
        "crash_report_tail": [t.strip().splitlines()[-3:] for t in outcome.tmp_files.values()],
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _quote(arg: str) -> str:
    if arg and all(c.isalnum() or c in "-_./=:,+@%" for c in arg):
        return arg
    return repr(arg)
