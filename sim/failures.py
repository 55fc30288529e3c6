"""How a command ends when something goes wrong, the same for `sim` and the planner scripts.

- Bad input (a scenario, file, folder or value the tool cannot use) prints its message and
  exits with 2: the message already says what is wrong, where, and how to fix it.
- An interruption (Ctrl-C) exits with 130; staged result folders are removed on the way out.
- Anything else is a fault of the tool: one line says what failed and where the traceback
  was saved, and the command exits with 1. A user never sees a raw traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def bad_input_errors() -> tuple[type[Exception], ...]:
    """The exception types that mean "the input is wrong" (their messages are for users)."""
    from sim.calibrate.targets import CalibrationError
    from sim.city.geography import GeographyError
    from sim.input_files import InputFileError
    from sim.output_folder import OutputError
    from sim.report.errors import ReportError
    from sim.scenario_loader import ScenarioError
    from sim.sweeps.spec import SpecError

    return (
        ScenarioError,
        GeographyError,
        CalibrationError,
        SpecError,
        ReportError,
        OutputError,
        InputFileError,
    )


def guarded(command: str, action: Callable[[], int]) -> int:
    """Run ``action`` and turn every way it can fail into a message and an exit code."""
    # A command's figures are files: never open a window (unless the user asked for a
    # backend). Set here, at the entry point, not when a module is imported.
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        return action()
    except bad_input_errors() as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(
            "\ninterrupted: results not yet complete were not written (a sweep or a "
            "calibration keeps its finished runs; the same command continues)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silence the flush at exit)
        return 0
    except Exception as err:  # the last line of defence: a fault of ours, reported tidily
        print(unexpected(command, err), file=sys.stderr)
        return EXIT_UNEXPECTED


def unexpected(command: str, err: BaseException) -> str:
    """One line about an unexpected failure, after saving its traceback to a file."""
    what = f"{type(err).__name__}: {str(err)[:200]}".rstrip(": ")
    hint = (
        " The run needs more memory than this machine has: try a smaller --scale."
        if isinstance(err, MemoryError)
        else ""
    )
    saved = save_traceback(err)
    where = f"the traceback is in {saved}" if saved else "its traceback could not be saved"
    return (
        f"error: unexpected failure in '{command}' ({what}); this is a fault of the tool, "
        f"not of your input: {where}; please report it.{hint}"
    )


def save_traceback(err: BaseException) -> Path | None:
    """Write the traceback to a new file of its own (never through a link), in a folder
    of this user's under the system's temporary folder."""
    user = os.getuid() if hasattr(os, "getuid") else "user"
    folder = Path(tempfile.gettempdir()) / f"dispute-sim-{user}"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"traceback-{stamp}-", suffix=".txt", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(err)))
    except OSError:
        return None
    return Path(name)
