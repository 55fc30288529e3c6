"""``sim dashboard``: serve the dashboard on this machine (127.0.0.1) with Solara's server,
print its address, and keep serving until Ctrl-C."""

from __future__ import annotations

import os
import site
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


def widget_path(given: str, folder: str) -> str:
    """A Jupyter search path (``given``) with the ``<prefix>/<folder>/jupyter`` folders of
    every Python prefix where they exist: the widgets' browser code (share/) and its
    registration (etc/) lie there. Solara looks only under its own prefix, so in a venv
    made with --system-site-packages it finds neither and serves a blank page."""
    found = [str(Path(p) / folder / "jupyter") for p in _prefixes()]
    found = [f for f in found if Path(f).is_dir()]
    return os.pathsep.join([p for p in given.split(os.pathsep) if p] + found)


def bundled_assets() -> Path | None:
    """Where solara-assets put the page's scripts and styles (under a Python prefix; an
    empty folder there is one Solara made for a cache, not the assets)."""
    for prefix in _prefixes():
        folder = Path(prefix) / "share" / "solara" / "cdn"
        if (folder / "@widgetti").is_dir():
            return folder
    return None


def _prefixes() -> list[str]:
    return list(dict.fromkeys([sys.prefix, sys.base_prefix, site.getuserbase()]))


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
    for name, folder in (("JUPYTER_CONFIG_PATH", "etc"), ("JUPYTER_PATH", "share")):
        env[name] = widget_path(env.get(name, ""), folder)
    assets = bundled_assets()
    if assets is not None:
        env.setdefault("SOLARA_ASSETS_PROXY_CACHE_DIR", str(assets))
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
