"""Load scenarios: TOML files of overrides, presets by name, and clear errors.

A scenario file states only what differs from the defaults in :mod:`sim.config`. Loading
never writes anything; every problem is reported with its key path and reason.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import ValidationError

from sim import input_files
from sim.config import Scenario, StaffingConfig, deep_merge, parameters
from sim.suggestions import unknown_key_hint

PRESET_DIR = Path(__file__).parent / "scenarios"
DEFAULT_PRESET = "hohhot-2023"
FITTED_DIR = PRESET_DIR / "fitted"


class ScenarioError(ValueError):
    """A scenario file or override that cannot be used; the message says where and why."""


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def resolve_path(name_or_path: str | Path | None) -> Path:
    """A preset name or a file path -> an existing TOML path."""
    if name_or_path is None:
        name_or_path = DEFAULT_PRESET
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        if candidate.is_dir():
            raise ScenarioError(f"{candidate}: is a folder, not a scenario file")
        if not candidate.exists():
            raise ScenarioError(f"{candidate}: no such scenario file")
        return candidate
    preset = PRESET_DIR / f"{name_or_path}.toml"
    if preset.is_file():
        return preset
    raise ScenarioError(
        f"{name_or_path!r} is neither a scenario file nor a preset; presets: "
        + ", ".join(preset_names())
    )


def load_scenario(
    name_or_path: str | Path | None = None,
    overrides: dict | None = None,
    use_calibration: bool = True,
) -> Scenario:
    """Read a preset or TOML file, apply ``overrides`` (nested dict), validate.

    Precedence, lowest first: model defaults, the scenario's calibration file, the preset
    it builds on (``base``), the scenario file's own keys, ``overrides``. A file that names
    neither ``base`` nor ``calibration`` builds on the default preset, so it runs with the
    calibration planners' results are compared against; ``calibration = "none"`` runs the
    model's uncalibrated defaults. ``use_calibration=False`` ignores every calibration
    (calibration itself starts from the uncalibrated scenario).
    """
    path = resolve_path(name_or_path)
    if overrides and "base" in overrides:
        raise ScenarioError(
            f"--set base: the preset a scenario builds on is read from its file; write "
            f'base = "{overrides["base"]}" at the top of the scenario file instead'
        )
    data = _with_base(read_toml(path), path)
    data.setdefault("name", path.stem)
    if overrides:
        data = merge_checked(data, overrides, str(path))
    calibration = data.get("calibration") if use_calibration else None
    data["calibration"] = _calibration_ref(calibration, path)
    if data["calibration"]:
        data = deep_merge(read_calibration(data["calibration"], path), data)
    source = f"{path} with the values given on top of it" if overrides else str(path)
    scenario = validate(data, source=source)
    return _anchor_geography_paths(scenario, path.parent)


def calibration_note(scenario: Scenario, source: str | Path | None = None) -> str | None:
    """What a planner must be told about a run's calibration (None when all is as meant):
    that it runs uncalibrated, or that a calibration written for its file lies unused."""
    if scenario.calibration:
        return _unused_calibration_note(scenario, source)
    return (
        f'note: scenario {scenario.name!r} runs UNCALIBRATED (calibration = "none"): its '
        "behavioural rates are the model's guesses, not fitted to any published figures. "
        'To run calibrated, drop calibration = "none" (from the file or --set) so that the '
        "scenario takes its preset's calibration, or name one: "
        f'calibration = "{DEFAULT_PRESET}" or a file written by `sim calibrate`.'
    )


def _unused_calibration_note(scenario: Scenario, source: str | Path | None) -> str | None:
    """A ``<stem>.calibration.toml`` beside the scenario file (where `sim calibrate` writes
    it) that the scenario does not name: the planner most likely forgot the line."""
    if source is None or str(source) in preset_names():
        return None
    path = resolve_path(source)
    sibling = path.with_name(f"{path.stem}.calibration.toml")
    named = calibration_path(scenario.calibration) if scenario.calibration else None
    if not sibling.is_file() or (named is not None and named.resolve() == sibling.resolve()):
        return None
    return (
        f"note: {sibling.name} beside {path.name} is not used: this run takes the calibration "
        f"{scenario.calibration!r}. To run with your own, write in {path.name}: "
        f'calibration = "{sibling.name}"'
    )


def inherited_staffing(scenario: Scenario) -> StaffingConfig:
    """The staffing a scenario's file did not write: its base preset's, or the model's
    (what :mod:`sim.city.staffing_notes` compares a CSV city's staffing with)."""
    return load_scenario(scenario.base).staffing if scenario.base else Scenario().staffing


def _with_base(data: dict, path: Path, seen: tuple[str, ...] = ()) -> dict:
    """The file's keys over those of the preset it builds on (``base``, or the default
    preset when the file names neither a base nor a calibration)."""
    base = data.pop("base", None)
    if base is None and "calibration" not in data and path != resolve_path(DEFAULT_PRESET):
        base = DEFAULT_PRESET
    if base is None:
        return data
    data["base"] = base
    if not isinstance(base, str) or base not in preset_names():
        raise ScenarioError(
            f"{path}: base: expected the name of a preset to build on, one of "
            f"{', '.join(preset_names())} (got {base!r:.60})"
        )
    if base in seen:
        raise ScenarioError(f"{path}: base: presets build on each other in a loop: {seen}")
    preset_path = PRESET_DIR / f"{base}.toml"
    preset = _with_base(read_toml(preset_path), preset_path, (*seen, base))
    if preset.get("calibration"):  # a preset's own file is found from the preset's folder
        preset["calibration"] = _calibration_ref(preset["calibration"], preset_path)
    for own in ("name", "description", "base"):
        preset.pop(own, None)
    data.setdefault("description", f"A scenario built on the {base} preset.")
    return merge_checked(preset, data, str(path))


def _calibration_ref(name: object, scenario_path: Path) -> str | None:
    """A scenario's ``calibration`` as the run records it: the name of a shipped
    calibration, or an absolute path; ``"none"`` and a missing key are None."""
    if name is None or name == "none":
        return None
    if not isinstance(name, str):
        raise ScenarioError(
            f"{scenario_path}: calibration: expected a shipped calibration's name "
            f'({", ".join(shipped_calibrations())}), a file path or "none" (got {name!r})'
        )
    path = Path(name)
    if not path.is_absolute():
        path = scenario_path.parent / name
    if path.is_file():
        if path.resolve().parent == FITTED_DIR.resolve() and path.stem in shipped_calibrations():
            return path.stem
        return os.path.abspath(path)
    if name in shipped_calibrations():
        return name
    shipped = (PRESET_DIR / name).resolve()  # as the presets write it: fitted/<name>.toml
    if shipped.parent == FITTED_DIR.resolve() and shipped.stem in shipped_calibrations():
        return shipped.stem
    raise ScenarioError(
        f"{scenario_path}: calibration: no such file {path}, and {name!r} is not a shipped "
        f"calibration ({', '.join(shipped_calibrations())}); name one of those, a fitted "
        'file written by `sim calibrate`, or "none" to run uncalibrated'
    )


def shipped_calibrations() -> list[str]:
    return sorted(p.stem for p in FITTED_DIR.glob("*.toml"))


def calibration_path(ref: str) -> Path:
    """The file of a calibration as a loaded scenario records it."""
    return FITTED_DIR / f"{ref}.toml" if ref in shipped_calibrations() else Path(ref)


def written_keys(name_or_path: str | Path | None) -> set[str]:
    """Dotted keys a scenario file and the presets it builds on write themselves (a
    calibration sits beneath them)."""
    path = resolve_path(name_or_path)
    data = _with_base(read_toml(path), path)
    for label in ("name", "description", "base", "calibration"):
        data.pop(label, None)
    return set(_dotted(data))


def _dotted(tree: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            keys += _dotted(value, f"{prefix}{key}.")
        else:
            keys.append(f"{prefix}{key}")
    return keys


def source_files(name_or_path: str | Path | None, scenario: Scenario) -> list[Path]:
    """The files a loaded scenario was read from: its TOML, calibration and geography CSV
    or GIS files (so that no command writes its results over them)."""
    files = [resolve_path(name_or_path)]
    if scenario.calibration:
        files.append(calibration_path(scenario.calibration))
    geography = scenario.geography
    for key in GEOGRAPHY_FILES:
        if getattr(geography, key):
            files.append(Path(getattr(geography, key)))
    return files


def merge_checked(data: dict, overrides: dict, source: str, prefix: str = "") -> dict:
    """``data`` updated by ``overrides`` like :func:`deep_merge`, refusing a table of
    overrides for a key that ``data`` holds as a plain value (``run = 5`` in a file with
    ``--days 30`` would otherwise lose the file's mistake without a word)."""
    merged = dict(data)
    for key, value in overrides.items():
        here = merged.get(key)
        if isinstance(value, dict) and key in merged and not isinstance(here, dict):
            raise ScenarioError(
                f"{source}: {prefix}{key}: expected a table of keys (got {here!r:.60})"
            )
        if isinstance(value, dict) and isinstance(here, dict):
            merged[key] = merge_checked(here, value, source, f"{prefix}{key}.")
        else:
            merged[key] = value
    return merged


def read_calibration(ref: str, scenario_path: Path) -> dict:
    """The ``[overrides]`` of a fitted-parameter file named by a scenario."""
    path = calibration_path(ref)
    if not path.is_file():
        raise ScenarioError(f"{scenario_path}: calibration: no such file {path}")
    data = read_toml(path, "calibration file")
    unknown = sorted(set(data) - {"overrides", "provenance", "accepted"})
    if unknown or not isinstance(data.get("overrides"), dict):
        raise ScenarioError(
            f"{path}: a calibration file holds an [overrides] table (and [provenance], "
            "[[accepted]]); "
            f"found {sorted(data) or 'nothing'}"
        )
    validate(data["overrides"], source=str(path))
    return data["overrides"]


def read_toml(path: Path, what: str = "scenario file") -> dict:
    try:
        return input_files.read_toml(path, what)
    except input_files.InputFileError as err:
        raise ScenarioError(str(err)) from None


def validate(data: dict, source: str = "scenario") -> Scenario:
    """Defaults updated by ``data``; a ScenarioError lists every bad key path."""
    try:
        return Scenario().with_overrides(data)
    except ValidationError as err:
        raise ScenarioError(format_errors(err, source)) from None


# Why the upper bounds exist, said once under a message that hits one.
_UPPER_BOUND_WHY = (
    "Upper bounds keep one run inside this machine's memory and a day's time; "
    "`sim levers --role all` lists every key's range."
)


def format_errors(err: ValidationError, source: str) -> str:
    """Every problem of ``err`` (a scenario's validation) with its key path, reason and a
    hint where one helps (a close key, the section a key belongs under)."""
    return format_problems(list(err.errors()), source, suggest=err.title == "Scenario")


def format_problems(
    problems: list, source: str, suggest: bool = True, via_set: bool = False
) -> str:
    """``problems`` (pydantic error dicts) as lines under ``source``; ``via_set`` when they
    came from a ``--set`` option (hints are then written as --set options)."""
    what = "in the value given" if via_set else "in the scenario"
    lines = [f"{source}: {len(problems)} problem(s) {what}:"]
    hit_upper = False
    for problem in problems:
        path = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        reason = problem["msg"].removeprefix("Value error, ")  # pydantic's, not ours
        if problem["type"] == "extra_forbidden":
            reason = "unknown key (not a parameter of the model)"
            if suggest:
                hint = unknown_key_hint(problem["loc"], problem.get("input"), via_set)
                reason += f"; {hint}" if hint else ""
        elif "input" in problem and not isinstance(problem["input"], dict):
            reason += f" (got {_shown(problem['input'])})"
        meaning = _meaning(problem["loc"])
        if meaning and problem["type"] != "extra_forbidden":
            reason += f". {meaning}"
        hit_upper |= problem["type"] in ("less_than_equal", "less_than")
        lines.append(f"  - {path}: {reason}")
    if hit_upper:
        lines.append(f"  {_UPPER_BOUND_WHY}")
    return "\n".join(lines)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@functools.cache
def _descriptions() -> dict[str, str]:
    return {row["key"]: row["description"] for row in parameters()}


def _meaning(loc: tuple) -> str:
    """The description of the deepest documented key on the error's path."""
    parts = [str(p) for p in loc]
    for n in range(len(parts), 0, -1):
        text = _descriptions().get(".".join(parts[:n]))
        if text:
            return text
    return ""


# The [geography] keys naming files: a relative one is taken from the scenario's folder.
GEOGRAPHY_FILES = ("csv_path", "gis_path", "gis_townships", "gis_counties")


def _anchor_geography_paths(scenario: Scenario, folder: Path) -> Scenario:
    """Make relative geography file paths (csv_path, gis_path and the boundary layers)
    relative to the scenario file's folder."""
    anchored = {}
    for key in GEOGRAPHY_FILES:
        value = getattr(scenario.geography, key)
        if value and not Path(value).is_absolute():
            # no resolve(): a link loop is named when the file is read
            anchored[key] = os.path.abspath(folder / value)
    return scenario.with_overrides({"geography": anchored}) if anchored else scenario
