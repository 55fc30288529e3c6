"""A planner's own scenario from uploaded files: a scenario TOML and/or a communities
file (CSV or a GIS layer), checked as ``sim run`` checks them, before anything runs.

Uploads are saved, under a name reduced to safe characters, in a folder of the browser
tab's own (a new temporary folder), so that a scenario's relative ``csv_path`` finds the
communities file uploaded beside it. They are parsed as TOML or CSV or GIS data, never run.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sim.config import Scenario
from sim.failures import bad_input_errors, unexpected

MAX_UPLOAD_BYTES = 50 * 2**20
SCENARIO_SUFFIXES = (".toml",)
COMMUNITY_SUFFIXES = {".csv": "csv", ".geojson": "gis", ".json": "gis", ".gpkg": "gis"}


class UploadError(ValueError):
    """An uploaded file that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Upload:
    name: str  # as the planner's file was called
    path: Path  # where it was saved


def upload_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="dispute-sim-upload-"))


def safe_name(name: str) -> str:
    """A file name with only letters, digits, '-', '_' and '.', no folder part, its
    suffix kept (lower case) however long the name."""
    path = Path(name.replace("\\", "/"))
    suffix = re.sub(r"[^\w]", "", path.suffix, flags=re.ASCII).lower()
    stem = path.name[: len(path.name) - len(path.suffix)] if path.suffix else path.name
    cleaned = re.sub(r"[^\w.\-]", "_", stem, flags=re.ASCII).lstrip(".")[:100] or "upload"
    return f"{cleaned}.{suffix}" if suffix else cleaned


def save_upload(folder: Path, name: str, data: bytes, suffixes) -> Upload:
    """Save an uploaded file, or refuse it with a message naming the file and the fix."""
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        wanted = ", ".join(suffixes)
        raise UploadError(f"{name}: expected a file ending in {wanted}, got {suffix or 'none'}")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{name}: {len(data):,} bytes is more than {MAX_UPLOAD_BYTES:,}")
    if not data:
        raise UploadError(f"{name}: the file is empty")
    path = folder / safe_name(name)
    path.write_bytes(data)
    return Upload(name, path)


def copied(upload: Upload | None, folder: Path) -> Upload | None:
    """The upload in ``folder`` (a copy, when it was saved elsewhere)."""
    if upload is None or upload.path.parent == folder:
        return upload
    path = folder / upload.path.name
    shutil.copyfile(upload.path, path)
    return Upload(upload.name, path)


def scenario_from_uploads(scenario: Upload | None, communities: Upload | None) -> Scenario:
    """The scenario the uploads describe, its city read and checked; UploadError otherwise.

    A communities file alone runs on the default preset; with a scenario file whose
    geography names no file of that name, the uploaded file becomes its geography."""
    from sim.city.geography import build
    from sim.scenario_loader import load_scenario

    try:
        overrides = _geography_overrides(scenario, communities)
        loaded = load_scenario(scenario.path if scenario else None, overrides or None)
        build(loaded.geography)  # a bad communities file is reported now, not mid-run
    except bad_input_errors() as err:
        raise UploadError(_named(str(err), scenario, communities)) from None
    except Exception as err:  # a fault of ours: one line, the traceback saved
        raise UploadError(unexpected("dashboard upload", err)) from None
    return loaded


def upload_notes(scenario: Scenario) -> list[str]:
    """What ``sim run`` notes about such a scenario (staffing counts set for another
    population; a calibration not used), for the page to show."""
    from sim.city.staffing_notes import csv_staffing_notes
    from sim.scenario_loader import calibration_note, inherited_staffing

    notes = csv_staffing_notes(scenario, inherited_staffing(scenario))
    return [n for n in [calibration_note(scenario), *notes] if n]


def _geography_overrides(scenario: Upload | None, communities: Upload | None) -> dict:
    if communities is None:
        return {}
    if scenario is not None and communities.path.name in _named_files(scenario.path):
        return {}  # the scenario names the file: its own geography keys apply
    source = COMMUNITY_SUFFIXES[communities.path.suffix.lower()]
    key = "csv_path" if source == "csv" else "gis_path"
    return {"geography": {"source": source, key: str(communities.path)}}


def _named_files(path: Path) -> set[str]:
    """The names of the geography files a scenario file names (its own keys)."""
    from sim.scenario_loader import GEOGRAPHY_FILES, read_toml

    geography = read_toml(path).get("geography", {})
    if not isinstance(geography, dict):
        return set()
    return {Path(str(geography[k])).name for k in GEOGRAPHY_FILES if geography.get(k)}


def _named(message: str, *uploads: Upload | None) -> str:
    """The message with the saved files' paths replaced by the names the planner knows."""
    for upload in uploads:
        if upload is not None:
            message = message.replace(str(upload.path), upload.name)
            message = message.replace(str(upload.path.parent) + "/", "")
    return message
