"""``sim dashboard``: serve the dashboard on this machine (127.0.0.1) with Solara's server,
print its address, and keep serving until Ctrl-C."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from sim.dashboard.jobs import OUTPUTS_ENV
from sim.report.errors import ReportError

INSTALL = "pip install 'dispute-sim[dashboard]'"


def require_dashboard() -> None:
    """Refuse at once, with the install command, when the optional extra is missing."""
    missing = [m for m in ("solara", "plotly") if not _importable(m)]
    if missing:
        raise ReportError(
            f"the dashboard needs {', '.join(missing)}, which the core install leaves out: "
            f"{INSTALL}"
        )


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def serve(port: int, host: str = "127.0.0.1", outputs: str = "outputs") -> int:
    """Run Solara's server on the app until it stops; its exit code. No version check:
    it asks PyPI (not there on an intranet) and would advise a Solara whose browser
    assets are not bundled."""
    require_dashboard()
    port = port or free_port(host)
    env = {**os.environ, OUTPUTS_ENV: str(Path(outputs).resolve()), "MPLBACKEND": "Agg"}
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.dashboard.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]
    print(
        f"dashboard: http://{host}:{port}/  (results go to {env[OUTPUTS_ENV]}; Ctrl-C stops)",
        flush=True,
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
