"""What a calibration run is: its base scenario, run size, seeds and where files go."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from sim import input_files, output_folder
from sim.calibrate.parameters import FreeParameter, load_parameters, overrides
from sim.calibrate.targets import REPORT_DIR, SHIPPED_REPORT, Target, load_targets
from sim.config import Scenario, deep_merge
from sim.scenario_loader import PRESET_DIR, load_scenario, read_calibration, source_files

SHIPPED_FITTED = PRESET_DIR / "fitted" / "hohhot-2023.toml"


@dataclass
class Settings:
    scenario: str = "hohhot-2023"
    scale: float = 1.0
    days: int | None = None  # None keeps the scenario's
    workers: int = 0  # 0: one per core
    reps: int = 3  # replications per trial (seeds 1..reps, the same for every trial)
    trials: int = 60  # explored by TPE
    refine_evaluations: int = 8  # least-squares steps; each also runs a Jacobian
    acceptance_samples: int = 60  # simulated proposals for the parameter uncertainty
    batch: int = 2  # trials proposed at once; fixed so results do not depend on workers
    morris_trajectories: int = 10
    screen_threshold: float = 1.0  # mu* in tolerance units that makes a parameter matter
    check_reps: int = 10  # replications of the fitted scenario in the report
    check_seed0: int = 1001  # its seeds differ from the fit's, so the check is out of sample
    seed: int = 7  # of the screening design and the optimiser
    report_dir: Path = REPORT_DIR
    work_dir: Path = Path("outputs/calibration")
    fitted_file: Path = SHIPPED_FITTED
    targets: list[Target] = field(default_factory=load_targets)

    def base(self) -> Scenario:
        """The uncalibrated scenario the free parameters act on."""
        return self._base

    @functools.cached_property
    def _base(self) -> Scenario:  # read once: every job of a fit starts from it
        run = {"scale": self.scale} | ({"days": self.days} if self.days else {})
        return load_scenario(self.scenario, {"run": run}, use_calibration=False)

    def calibrated(self) -> Scenario:
        """The scenario with the fitted file applied beneath its own keys: what planners get
        when the scenario names this file as its calibration (as the default preset does)."""
        path = Path(self.fitted_file).resolve()
        fitted = read_calibration(str(path), path)
        base = self.base()
        own = {"run": {"scale": self.scale} | ({"days": self.days} if self.days else {})}
        return base.with_overrides(deep_merge(fitted, own) | {"calibration": str(path)})

    def parameters(self) -> list[FreeParameter]:
        return self._parameters

    @functools.cached_property
    def _parameters(self) -> list[FreeParameter]:
        return load_parameters(base=self.base())

    def scenario_with(self, values: dict[str, float]) -> Scenario:
        base = self.base()
        return base.with_overrides(overrides(self.parameters(), values, base))

    def fit_seeds(self) -> list[int]:
        return list(range(1, self.reps + 1))

    def check_seeds(self) -> list[int]:
        return list(range(self.check_seed0, self.check_seed0 + self.check_reps))

    def prepare(self, force: bool = False) -> None:
        """Check the folders and the file the calibration writes (it resumes in them, so
        its own earlier files are kept and updated), then create the folders. Writing over
        the calibration that ships with the package needs ``force``."""
        if Path(self.work_dir).resolve() == Path(self.report_dir).resolve():
            raise output_folder.OutputError(
                f"--work-dir and --report-dir are both {self.work_dir}; give two folders"
            )
        shipped = [
            str(p)
            for p in (self.report_dir, self.fitted_file)
            if Path(p).resolve() in (SHIPPED_REPORT, SHIPPED_FITTED.resolve())
        ]
        if shipped and not force:
            raise output_folder.OutputError(
                f"this would replace the calibration shipped with the tool ({', '.join(shipped)}"
                "), which every run of the presets reads; add --force to do so, or give "
                "--report-dir and --fitted-file of your own"
            )
        inputs = source_files(self.scenario, self.base())
        folders = [("--work-dir", self.work_dir, "calibration-work")]
        if Path(self.report_dir).resolve() != SHIPPED_REPORT:
            folders.append(("--report-dir", self.report_dir, "calibration-report"))
        targets = [
            output_folder.check(folder, kind, flag=flag, inputs=inputs, default=True)
            for flag, folder, kind in folders
        ]
        output_folder.check_file(self.fitted_file, "--fitted-file", is_calibration_file)
        for target in targets:  # all checked: now create them
            output_folder.make_folder(target)
            output_folder.write_marker(
                target.folder, target.kind, output_folder.files_of(target.kind)
            )
        Path(self.report_dir).mkdir(parents=True, exist_ok=True)


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
