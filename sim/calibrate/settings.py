"""What a calibration run is: its scenario, targets, prior, fidelities, seeds and files.

Two starting points. With the prior (the default) the fit starts from the scenario's own
calibration, Hohhot's for every preset and every file that builds on one: its best values
are trial 0, its accepted set the next trials, and the fit pays for straying from it (a
weak Gaussian prior), so parameters the city's figures cannot move keep Hohhot's values.
``from_prior=False`` starts from the model's guesses (how the shipped calibration is made).

Two fidelities. Screening and exploring run at ``low_scale`` (a share of the townships,
whole), which is several times cheaper; least squares, the uncertainty samples and the
check run at the full ``scale``. Counts are compared per city-year, so the two agree up to
the townships kept, which the full-scale steps correct.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sim import input_files, output_folder
from sim.calibrate.parameters import (
    FreeParameter,
    fit_coordinates,
    load_parameters,
    overrides,
    relative_to_prior,
)
from sim.calibrate.targets import (
    REPORT_DIR,
    SHIPPED_REPORT,
    CalibrationError,
    Target,
    common_period,
    load_targets,
)
from sim.config import Scenario, deep_merge
from sim.data import TARGETS_FILE
from sim.scenario_loader import (
    DEFAULT_PRESET,
    PRESET_DIR,
    calibration_path,
    load_scenario,
    read_calibration,
    resolve_path,
    source_files,
    written_keys,
)

SHIPPED_FITTED = PRESET_DIR / "fitted" / "hohhot-2023.toml"
LOW_FIDELITY_RESIDENTS = 600_000  # a low-fidelity run keeps about this many residents
MIN_LOW_SCALE = 0.2  # and at least this share of the townships
MAX_RUN_DAYS = 366  # a longer common period is compared per day on a year's run
DEFAULT = Path("(default)")  # a folder or file left to the settings to choose


@dataclass
class Settings:
    scenario: str = DEFAULT_PRESET
    targets_file: Path = TARGETS_FILE
    from_prior: bool = True  # start from the scenario's calibration (else the model's guesses)
    scale: float = 1.0
    days: int | None = None  # None: the targets' common period, else the scenario's
    low_scale: float | None = None  # None: chosen from the population; 1: one fidelity
    workers: int = 0  # 0: one per core
    reps: int = 3  # replications per trial (seeds 1..reps, the same for every trial)
    trials: int = 40  # explored by TPE at low fidelity
    refine_evaluations: int = 16  # least-squares steps at full scale (most stop sooner)
    acceptance_samples: int = 30  # simulated proposals for the parameter uncertainty
    batch: int = 4  # trials proposed at once; fixed so results do not depend on workers
    morris_trajectories: int = 8
    screen_threshold: float = 1.0  # mu* in tolerance units that makes a parameter matter
    max_parameters: int | None = None  # None: 2 per target + 1, the strongest by screening
    check_reps: int = 10  # replications of the fitted scenario in the report
    check_seed0: int = 1001  # its seeds differ from the fit's, so the check is out of sample
    seed: int = 7  # of the screening design and the optimiser
    report_dir: Path = DEFAULT  # DEFAULT: chosen from the scenario (see __post_init__)
    work_dir: Path = DEFAULT
    fitted_file: Path = DEFAULT
    targets: list[Target] = field(default_factory=list)
    _bases: dict[float, Scenario] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.targets:
            self.targets = load_targets(Path(self.targets_file))
        shipped = self.remakes_shipped()
        if not shipped and Path(self.targets_file) == TARGETS_FILE and not self._is_hohhot():
            raise CalibrationError(
                f"scenario {self.scenario!r}: the shipped targets are Hohhot 2023's figures; "
                "give your city's own with --targets FILE (`sim calibrate --help-targets` "
                "shows how to write one)"
            )
        name = self.name
        if self.report_dir == DEFAULT:
            self.report_dir = REPORT_DIR if shipped else REPORT_DIR / name
        if self.work_dir == DEFAULT:
            self.work_dir = Path("outputs/calibration") / name
        if self.fitted_file == DEFAULT:
            self.fitted_file = self._default_fitted()

    @property
    def name(self) -> str:
        return self.base().name

    def _is_hohhot(self) -> bool:
        return resolve_path(self.scenario).resolve() == resolve_path(DEFAULT_PRESET).resolve()

    def remakes_shipped(self) -> bool:
        """Whether this is the shipped calibration's own fit (Hohhot's figures, from the
        model's guesses): its files are the shipped ones unless others are given."""
        return self._is_hohhot() and Path(self.targets_file) == TARGETS_FILE and not self.from_prior

    def _default_fitted(self) -> Path:
        if self.remakes_shipped():
            return SHIPPED_FITTED
        path = resolve_path(self.scenario)
        if path.resolve().parent == PRESET_DIR.resolve():  # a preset: not beside the package
            return self.report_dir / f"{self.name}.calibration.toml"
        return path.with_name(f"{path.stem}.calibration.toml")

    # ------------------------------------------------------------------ the scenario

    def run_overrides(self, scale: float | None = None) -> dict:
        """Run size and period of the calibration's runs: the targets' common period (when
        they share one of at most a year), else the scenario's."""
        run: dict = {"scale": self.scale if scale is None else scale}
        period = common_period(self.targets)
        if self.days:
            run["days"] = self.days
        elif period and (period[1] - period[0]).days + 1 <= MAX_RUN_DAYS:
            run["days"] = (period[1] - period[0]).days + 1
        if period and not self.days:
            run["start_date"] = period[0]
        return {"run": run}

    def base(self, scale: float | None = None) -> Scenario:
        """The scenario the free parameters act on: with its prior calibration, or without
        any (``from_prior=False``)."""
        scale = self.scale if scale is None else scale
        if scale not in self._bases:  # read once per scale: every job of a fit starts from it
            self._bases[scale] = self._load_base(scale)
        return self._bases[scale]

    def _load_base(self, scale: float) -> Scenario:
        scenario = load_scenario(
            self.scenario, self.run_overrides(scale), use_calibration=self.from_prior
        )
        if self.from_prior and not scenario.calibration:
            raise CalibrationError(
                f'scenario {self.scenario!r} runs uncalibrated (calibration = "none"), so '
                "there is no prior to start from; drop that line, or add --from-scratch"
            )
        return scenario

    def prior_file(self) -> Path | None:
        ref = self.base().calibration if self.from_prior else None
        return calibration_path(ref) if ref else None

    def prior_values(self) -> dict[str, float]:
        """The prior's fitted values in model coordinates ({} with no prior)."""
        return {k: float(v) for k, v in self._prior_document().get("parameters", {}).items()}

    def prior_accepted(self) -> list[dict[str, float]]:
        """The prior's accepted set as starting trials, in this fit's coordinates."""
        rows = self._prior_document().get("accepted", [])
        prior = self.prior_values()
        return [fit_coordinates(self.parameters(), row, prior) for row in rows]

    def _prior_document(self) -> dict:
        path = self.prior_file()
        if path is None:
            return {}
        data = input_files.read_toml(path, "calibration file")
        provenance = data.get("provenance", {})
        accepted = data.get("accepted", [])
        return {"parameters": provenance.get("parameters", {}), "accepted": accepted}

    def calibrated(self) -> Scenario:
        """The scenario with the fitted file applied beneath its own keys: what planners get
        when the scenario names this file as its calibration."""
        path = Path(self.fitted_file).resolve()
        return load_scenario(self.scenario, self.run_overrides() | {"calibration": str(path)})

    def parameters(self) -> list[FreeParameter]:
        return self._parameters

    @functools.cached_property
    def _parameters(self) -> list[FreeParameter]:
        params = self._model_parameters
        if self.from_prior:
            params = relative_to_prior(params, self.prior_values(), self.base())
        held = self.held_keys()
        return [p for p in params if p.key not in held]

    @functools.cached_property
    def _model_parameters(self) -> list[FreeParameter]:
        """The parameters as parameters.toml states them: ranges in model coordinates, so
        checked against the scenario without any calibration."""
        bare = load_scenario(self.scenario, self.run_overrides(), use_calibration=False)
        return load_parameters(base=bare)

    def held_keys(self) -> set[str]:
        """Free parameters' keys that the scenario file (or its base preset) writes itself:
        a calibration sits beneath them, so fitting them would change nothing a run sees."""
        written = written_keys(self.scenario)
        keys = {p.key for p in self._model_parameters}
        return {k for k in keys if any(w == k or w.startswith(k + ".") for w in written)}

    def scenario_with(self, values: dict[str, float], scale: float | None = None) -> Scenario:
        base = self.base(scale)
        return base.with_overrides(overrides(self.parameters(), values, base))

    def fitted_overrides(self, values: dict[str, float]) -> dict:
        """The calibration file's [overrides]: the prior's, updated by the fitted values."""
        prior = self.prior_file()
        own = overrides(self.parameters(), values, self.base())
        if prior is None:
            return own
        return deep_merge(read_calibration(str(prior), prior), own)

    # ------------------------------------------------------------------ fidelities

    @functools.cached_property
    def low(self) -> float:
        """The low-fidelity scale (screening, exploring, Jacobians)."""
        if self.low_scale is not None:
            return min(self.low_scale, self.scale)
        from sim.city.geography import build

        population = self.scale * int(build(self.base().geography).population.sum())
        share = max(MIN_LOW_SCALE, LOW_FIDELITY_RESIDENTS / max(population, 1))
        return self.scale * min(1.0, share)

    def fit_seeds(self) -> list[int]:
        return list(range(1, self.reps + 1))

    def check_seeds(self) -> list[int]:
        return list(range(self.check_seed0, self.check_seed0 + self.check_reps))

    def signature(self, params: list[FreeParameter]) -> dict:
        """What a study's trials depend on: a study of other settings is not resumed."""
        return {
            "parameters": [p.name for p in params],
            "seeds": self.fit_seeds(),
            "scale": self.scale,
            "low_scale": self.low,
            "days": self.days,
            "from_prior": self.from_prior,
            "targets": [
                [t.id, t.convention, t.value, t.tolerance, str(t.period), t.period_days]
                for t in self.targets
            ],
            "prior": self._prior_signature(),
        }

    def _refuse_own_prior(self) -> None:
        """A fit that would write over its own prior would resume trials that were
        relative to another prior, and compound them."""
        prior = self.prior_file()
        if prior is None or prior.resolve() != Path(self.fitted_file).resolve():
            return
        raise CalibrationError(
            f"scenario {self.scenario!r} runs with {prior.name}, the file this fit writes: "
            "it would be its own prior. To fit again from the calibration it was made from, "
            'set that one for now (e.g. calibration = "hohhot-2023"); to fit on top of it, '
            "give another --fitted-file"
        )

    def _prior_signature(self) -> str:
        """The prior's file and its fitted values: trials are relative to them."""
        path = self.prior_file()
        if path is None:
            return "none"
        values = json.dumps(self.prior_values(), sort_keys=True)
        return f"{path.resolve()} {hashlib.sha256(values.encode()).hexdigest()[:16]}"

    # ------------------------------------------------------------------ files

    def prepare(self, force: bool = False) -> None:
        """Check the folders and the file the calibration writes (it resumes in them, so
        its own earlier files are kept and updated), then create the folders. Writing over
        the calibration that ships with the package needs ``force``."""
        report_dir, work_dir = self.report_dir, self.work_dir
        if work_dir.resolve() == report_dir.resolve():
            raise output_folder.OutputError(
                f"--work-dir and --report-dir are both {work_dir}; give two folders"
            )
        shipped = [
            str(p)
            for p in (report_dir, self.fitted_file)
            if p.resolve() in (SHIPPED_REPORT, SHIPPED_FITTED.resolve())
        ]
        if shipped and not force:
            raise output_folder.OutputError(
                f"this would replace the calibration shipped with the tool ({', '.join(shipped)}"
                "), which every run of the presets reads; add --force to do so, or give "
                "--report-dir and --fitted-file of your own"
            )
        inputs = [*source_files(self.scenario, self.base()), Path(self.targets_file)]
        folders = [("--work-dir", work_dir, "calibration-work")]
        if report_dir.resolve() != SHIPPED_REPORT:
            folders.append(("--report-dir", report_dir, "calibration-report"))
        targets = [
            output_folder.check(folder, kind, flag=flag, inputs=inputs, default=True)
            for flag, folder, kind in folders
        ]
        self._refuse_own_prior()
        output_folder.check_file(self.fitted_file, "--fitted-file", is_calibration_file)
        for target in targets:  # all checked: now create them
            output_folder.make_folder(target)
            output_folder.write_marker(
                target.folder, target.kind, output_folder.files_of(target.kind)
            )
        report_dir.mkdir(parents=True, exist_ok=True)


def is_calibration_file(path: Path) -> bool:
    """Whether ``path`` is a fitted-parameter file written by `sim calibrate`."""
    try:
        data = input_files.read_toml(path, "calibration file")
    except input_files.InputFileError:
        return False
    provenance = data.get("provenance")
    return isinstance(provenance, dict) and str(provenance.get("written_by", "")).startswith(
        "sim calibrate"
    )


def today() -> str:
    return dt.date.today().isoformat()
