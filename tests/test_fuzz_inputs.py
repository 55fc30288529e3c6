"""Fuzz tests of the command line: bad input never crashes, hangs, writes or changes anything.

Each case runs ``python -m sim`` as a subprocess in a fresh sandbox folder (see
tests/fuzzing.py) and requires a clean refusal: exit code 2, no traceback, a message that
starts with ``error:`` and names the key path, file or flag, and a sandbox left byte-for-byte
as it was. Inputs that may be valid (generated ones, judgement calls) must either be refused
that way or run (exit 0) writing only below their ``--out`` folder. Exit code 1 (the CLI's
"unexpected" internal failure), a timeout or a crash by signal always fail.

Why subprocesses: a planner meets the real command, with its exit code, its stderr and the
files it leaves; an in-process call (tests/test_bad_input.py) cannot see a hang, a crash
report or a half-written folder.

Inputs:
* tests/data/broken/: hand-written broken files (scenario TOML, communities CSV, sweep specs,
  calibration files, sweep manifests), with the expected key, flag or file in CORPUS below;
* cases built here: ``--set`` values, command-line flags, output folders that must be
  refused (a planner's folder, ``..``, ``.``, a file), ``sim compare`` folders, huge or deeply
  nested files, pipes and folders where a file is expected;
* four hypothesis strategies (slow set): bad values at schema keys, byte mutations of a
  valid scenario, random sweep factors, random cells of a communities CSV.

The default run holds a quick sample (QUICK, 18 cases); everything else is marked
``slow`` (``python3 -m pytest -m slow tests/test_fuzz_inputs.py``). Hypothesis runs
derandomized without a database, and collects every failing example instead of stopping
and shrinking at the first, so one run lists all of them.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzzing import (
    BROKEN,
    FOLDER,
    assert_ok_or_rejected,
    assert_rejected_cleanly,
    describe,
    rejection_problems,
    run_cli,
    sandbox,
    success_problems,
)

RUN_FLAGS = ("--quiet", "--scale", "0.02", "--days", "5")
SCALE_ONLY = ("--quiet", "--scale", "0.02")  # when the case itself sets run.days
DAYS_ONLY = ("--quiet", "--days", "5")  # when the case itself sets run.scale
SWEEP_FLAGS = ("--quiet", "--executor", "serial")
VALID_SCENARIO = 'name = "x"\n'
GENERATED_TIMEOUT = 45.0  # generated cases are tiny runs (a few seconds) or refusals

# ============================================================================ cases


@dataclass(frozen=True)
class Case:
    """One command on one sandbox: its files, its arguments and what must happen."""

    id: str
    args: tuple[str, ...]
    files: Mapping[str, object] = field(default_factory=dict)
    must_name: tuple[str, ...] = ()
    expect: str = "rejected"  # or "ok_or_rejected"
    out: str = "out"
    cwd: str = "."
    must_not_show: tuple[str, ...] = ()
    setup: Callable[[Path], None] | None = None
    timeout: float = 60.0


def check_case(case: Case) -> None:
    with sandbox() as root:
        if case.setup is not None:
            case.setup(root)
        outcome = run_cli(
            case.args, root / case.cwd, timeout=case.timeout, input_files=case.files, root=root
        )
        if case.expect == "rejected":
            assert_rejected_cleanly(outcome, case.must_name, must_not_show=case.must_not_show)
        else:
            assert_ok_or_rejected(
                outcome, case.must_name, case.out, must_not_show=case.must_not_show
            )


def run_case(
    name: str, scenario_text: str | bytes, flags=RUN_FLAGS, extra=(), out="out", **kw
) -> Case:
    """``sim run s.toml --out OUT FLAGS EXTRA`` with the scenario ``scenario_text``."""
    files = {"s.toml": scenario_text, **kw.pop("files", {})}
    return Case(name, ("run", "s.toml", "--out", out, *flags, *extra), files, out=out, **kw)


def run_flags_without(*given: str) -> tuple[str, ...]:
    """RUN_FLAGS minus the flags a case sets itself (``--set run.days=...`` loses to
    ``--days``, so a case that sets run.days must not pass it)."""
    flags = ["--quiet"]
    for flag, value in (("--scale", "0.02"), ("--days", "5")):
        if flag not in given:
            flags += [flag, value]
    return tuple(flags)


# ---------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Expect:
    """What a corpus file must produce: named key(s)/file(s) (default: the file's own
    name), rejected or possibly valid, and the run flags (when the file sets run.*)."""

    must_name: tuple[str, ...] = ()
    expect: str = "rejected"
    flags: tuple[str, ...] = RUN_FLAGS
    must_not_show: tuple[str, ...] = ()


def E(*must_name: str, **kw) -> Expect:
    return Expect(must_name, **kw)


MAYBE = {"expect": "ok_or_rejected"}
NO_PASSWD = {"must_not_show": ("root:",)}

CORPUS: dict[str, Expect] = {
    # scenario files: sim run FILE --out out --quiet --scale 0.02 --days 5
    "scenarios/binary_junk.toml": E(),
    "scenarios/utf16_bom.toml": E(),
    "scenarios/utf16be_no_bom.toml": E(),
    "scenarios/utf32_bom.toml": E(),
    "scenarios/latin1_description.toml": E(),
    "scenarios/gbk_description.toml": E("GBK-encoded"),
    "scenarios/utf8_bom.toml": E(**MAYBE),
    "scenarios/whitespace_only.toml": E(**MAYBE),
    "scenarios/unclosed_table.toml": E(),
    "scenarios/unclosed_string.toml": E(),
    "scenarios/duplicate_key.toml": E(),
    "scenarios/duplicate_table.toml": E(),
    "scenarios/control_char.toml": E(),
    "scenarios/key_with_nul.toml": E(),
    "scenarios/days_is_true.toml": E("run.days", flags=SCALE_ONLY),
    "scenarios/days_is_float.toml": E("run.days", flags=SCALE_ONLY),
    "scenarios/days_is_string.toml": E("run.days", flags=SCALE_ONLY, **MAYBE),
    "scenarios/days_huge_literal.toml": E("run.days", flags=SCALE_ONLY),
    "scenarios/days_inf.toml": E("run.days", flags=SCALE_ONLY),
    "scenarios/warmup_is_true.toml": E("run.warmup_days"),
    "scenarios/scale_nan.toml": E("run.scale", flags=DAYS_ONLY),
    "scenarios/scale_is_true.toml": E("run.scale", flags=DAYS_ONLY),
    "scenarios/seed_is_true.toml": E("run.seed"),
    "scenarios/seed_negative.toml": E("run.seed"),
    "scenarios/start_date_year_1.toml": E("run.start_date"),
    "scenarios/start_date_year_9999.toml": E("run.start_date"),
    "scenarios/start_date_string.toml": E("run.start_date"),
    "scenarios/start_date_datetime.toml": E("run.start_date", **MAYBE),
    "scenarios/start_date_time_only.toml": E("run.start_date"),
    "scenarios/mediators_int64_max.toml": E("staffing.mediators_total"),
    "scenarios/mediators_beyond_int64.toml": E("staffing.mediators_total"),
    "scenarios/mediators_1e19.toml": E("staffing.mediators_total"),
    "scenarios/mediators_hex_max.toml": E("staffing.mediators_total"),
    "scenarios/mediators_is_true.toml": E("staffing.mediators_total"),
    "scenarios/grid_officers_huge.toml": E("staffing.grid_officers"),
    "scenarios/court_mediators_huge.toml": E("staffing.court_mediators"),
    "scenarios/level_mediators_huge.toml": E("staffing.mediators_by_level"),
    "scenarios/per_10k_inf.toml": E("staffing.mediators_per_10k_by_level"),
    "scenarios/shares_nan.toml": E("staffing"),
    "scenarios/incidence_inf.toml": E("arrivals.incidence_per_10k_per_year"),
    "scenarios/incidence_nan.toml": E("arrivals.incidence_per_10k_per_year"),
    "scenarios/incidence_1e308.toml": E("arrivals.incidence_per_10k_per_year", **MAYBE),
    "scenarios/heating_multiplier_inf.toml": E("arrivals.heating_season_multiplier"),
    "scenarios/money_1e308.toml": E("arrivals.money_median_yuan", **MAYBE),
    "scenarios/money_sigma_inf.toml": E("arrivals.money_sigma"),
    "scenarios/complexity_shares_bool.toml": E("arrivals.complexity_shares"),
    "scenarios/geography_seed_negative.toml": E("geography.seed"),
    "scenarios/geography_seed_huge.toml": E("geography.seed", **MAYBE),
    "scenarios/population_zero.toml": E("geography.population"),
    "scenarios/population_int64_max.toml": E("geography.population"),
    "scenarios/communities_trillion.toml": E("geography.n_communities"),
    "scenarios/radius_inf.toml": E("geography.rural_radius_km"),
    "scenarios/households_inf.toml": E("geography.persons_per_household"),
    "scenarios/csv_source_without_path.toml": E("geography"),
    "scenarios/csv_path_is_int.toml": E("geography.csv_path"),
    "scenarios/csv_path_missing.toml": E("nowhere.csv"),
    "scenarios/csv_path_etc_passwd.toml": E("/etc/passwd", **NO_PASSWD),
    "scenarios/share_rooms_string_no.toml": E("placement.share_rooms_within_township"),
    "scenarios/share_rooms_string_false.toml": E("placement.share_rooms_within_township"),
    "scenarios/share_rooms_int.toml": E("placement.share_rooms_within_township", **MAYBE),
    "scenarios/moved_centres_nan.toml": E("placement.moved_centres"),
    "scenarios/moved_centres_inf.toml": E("placement.moved_centres"),
    "scenarios/moved_centres_strings.toml": E("placement.moved_centres"),
    "scenarios/patience_nan.toml": E("handling.mean_patience_days"),
    "scenarios/patience_negative_inf.toml": E("handling.mean_patience_days"),
    "scenarios/time_limit_nan.toml": E("handling.time_limit_days_by_complexity"),
    "scenarios/gap_days_inf.toml": E("handling.mean_gap_days"),
    "scenarios/session_hours_inf.toml": E("handling.mean_session_hours_by_level"),
    "scenarios/attempts_is_true.toml": E("handling.attempts_per_level"),
    "scenarios/sessions_float.toml": E("handling.sessions_by_complexity"),
    "scenarios/lapse_list_too_long.toml": E("latent.lapse_per_day"),
    "scenarios/lapse_inf.toml": E("latent.lapse_per_day"),
    "scenarios/visits_inf.toml": E("latent.households_visited_per_officer_day"),
    "scenarios/walk_in_nan.toml": E("latent.walk_in_per_day"),
    "scenarios/relapse_days_inf.toml": E("follow_up.mean_relapse_days"),
    "scenarios/court_days_inf.toml": E("court.mean_days_to_judgment"),
    "scenarios/roving_teams_huge.toml": E("roving.teams_per_county"),
    "scenarios/calendar_kind_upper.toml": E("calendar.kind"),
    "scenarios/unknown_section.toml": E("staffs"),
    "scenarios/key_misspelt.toml": E("did you mean staffing.mediators_total?"),
    "scenarios/key_outside_section.toml": E("[staffing] mediators_total = 4000"),
    "scenarios/key_in_wrong_section.toml": E("belongs under [staffing], not [run]"),
    "scenarios/unknown_deep_key.toml": E("handling.time_limit_days_by_level.township.simplest"),
    "scenarios/section_is_scalar.toml": E("run"),
    "scenarios/section_is_array.toml": E("run"),
    "scenarios/departments_not_list.toml": E("departments"),
    "scenarios/department_days_true.toml": E("departments.0.days_per_week"),
    "scenarios/department_on_call_inf.toml": E("departments.0.on_call_days"),
    "scenarios/committee_huge_mediators.toml": E("committees.0.mediators"),
    "scenarios/name_path_escape.toml": E("name"),
    "scenarios/name_empty.toml": E("name"),
    "scenarios/name_too_long.toml": E("name"),
    "scenarios/name_is_int.toml": E("name"),
    "scenarios/name_with_colon.toml": E("holds ':'"),
    "scenarios/calibration_is_int.toml": E("calibration"),
    "scenarios/calibration_missing.toml": E("nowhere.toml"),
    "scenarios/calibration_etc_passwd.toml": E("/etc/passwd", **NO_PASSWD),
    # communities CSVs: a scenario with [geography] source = "csv", csv_path = FILE
    "csv/bad_number.csv": E(),
    "csv/superscript_population.csv": E(),
    "csv/population_1e30.csv": E(),
    "csv/population_int64_max.csv": E(),
    "csv/population_float.csv": E(),
    "csv/population_negative.csv": E(),
    "csv/population_exponent.csv": E(),
    "csv/zero_residents.csv": E(),
    "csv/coordinates_1e300.csv": E(),
    "csv/coordinates_nan.csv": E(),
    "csv/coordinates_inf.csv": E(),
    "csv/latin1_township.csv": E(),
    "csv/gbk_names.csv": E("CSV UTF-8 (comma delimited)"),
    "csv/utf16_bom.csv": E(),
    "csv/binary.csv": E(),
    "csv/empty.csv": E(),
    "csv/header_only.csv": E(),
    "csv/missing_column.csv": E(),
    "csv/duplicate_id.csv": E(),
    "csv/township_two_counties.csv": E(),
    "csv/semicolon_delimited.csv": E("semicolons"),
    "csv/tab_delimited.csv": E("no commas but tabs"),
    "csv/unterminated_quote.csv": E(),
    "csv/nul_in_cell.csv": E(),
    "csv/empty_cell.csv": E(),
    "csv/short_row.csv": E(),
    "csv/urban_maybe.csv": E(),
    "csv/arabic_digits_population.csv": E(**MAYBE),
    "csv/duplicate_header.csv": E(**MAYBE),
    "csv/utf8_bom.csv": E(**MAYBE),
    # sweep specs: sim sweep FILE --out out --quiet --executor serial
    "sweeps/name_escape.toml": E("name"),
    "sweeps/name_absolute.toml": E("name"),
    "sweeps/name_empty.toml": E("name"),
    "sweeps/name_is_int.toml": E("name"),
    "sweeps/name_with_nul.toml": E("name"),
    "sweeps/name_dot.toml": E("name"),
    "sweeps/factor_key_int.toml": E("factor[0]", "key"),
    "sweeps/factor_key_empty.toml": E("factor[0]", "key"),
    "sweeps/factor_key_section.toml": E("factor[0]", "key", "run"),
    "sweeps/factor_name_int.toml": E("factor[0]", "name"),
    "sweeps/factor_name_bool.toml": E("factor[0]", "name"),
    "sweeps/factor_name_empty.toml": E("factor[0]", "name"),
    "sweeps/two_factors_one_key.toml": E("handling.attempts_per_level"),
    "sweeps/factor_name_seed.toml": E("seed"),
    "sweeps/factor_name_run_id.toml": E("run_id"),
    "sweeps/factor_name_point.toml": E("point"),
    "sweeps/factor_name_replication.toml": E("replication"),
    "sweeps/factor_name_error.toml": E("error"),
    "sweeps/factor_name_outcome.toml": E("centre_resolution_rate"),
    "sweeps/levels_billion.toml": E("levels"),
    "sweeps/levels_is_true.toml": E("levels"),
    "sweeps/replications_billion.toml": E("replications"),
    "sweeps/replications_is_true.toml": E("replications"),
    "sweeps/samples_billion.toml": E("samples"),
    "sweeps/seed_negative.toml": E("seed"),
    "sweeps/latin1.toml": E(),
    "sweeps/utf16.toml": E(),
    "sweeps/binary.toml": E(),
    "sweeps/empty.toml": E(),
    "sweeps/unknown_top_key.toml": E("replicatons"),
    "sweeps/unknown_factor_key.toml": E("step"),
    "sweeps/unknown_design_key.toml": E("points", "[design]"),
    "sweeps/unknown_run_key.toml": E("warmup_days", "[run]"),
    "sweeps/save_cases_string.toml": E("save_cases"),
    "sweeps/log_string.toml": E("log"),
    "sweeps/integer_string.toml": E("integer"),
    "sweeps/low_nan.toml": E("low"),
    "sweeps/high_inf.toml": E("high"),
    "sweeps/low_is_true.toml": E("low"),
    "sweeps/values_nested.toml": E("values", "handling.attempts_per_level"),
    "sweeps/values_nan.toml": E("values", "handling.mean_gap_days"),
    "sweeps/values_empty.toml": E("values"),
    "sweeps/scale_string_key.toml": E("calendar.kind", "transform"),
    "sweeps/base_missing.toml": E("nowhere", "base"),
    "sweeps/base_is_int.toml": E("base"),
    "sweeps/base_etc_passwd.toml": E("base", "/etc/passwd", **NO_PASSWD),
    "sweeps/factor_not_table.toml": E("factor"),
    "sweeps/factor_empty_list.toml": E("factor"),
    "sweeps/run_days_true.toml": E("run.days", "days"),
    "sweeps/run_scale_1e308.toml": E("run.scale", "scale"),
    "sweeps/run_not_table.toml": E("run"),
    "sweeps/design_kind_bad.toml": E("design.kind", "kind"),
    "sweeps/design_not_table.toml": E("design"),
    # calibration files: a scenario with calibration = FILE
    "calibration/binary.toml": E(),
    "calibration/utf16.toml": E(),
    "calibration/latin1.toml": E(),
    "calibration/empty.toml": E(),
    "calibration/not_toml.toml": E(),
    "calibration/no_overrides.toml": E("overrides"),
    "calibration/overrides_not_table.toml": E("overrides"),
    "calibration/overrides_unknown_key.toml": E("staffing.mediator_total"),
    "calibration/overrides_days_true.toml": E("run.days"),
    "calibration/overrides_nan.toml": E("handling.p_withdraw_after_failure"),
    "calibration/overrides_huge.toml": E("staffing.mediators_total"),
    "calibration/extra_top_key.toml": E("fitted"),
    # sweep manifests: store/manifest.json, then sim sensitivity store --outcome ...
    "sensitivity/broken.json": E(),
    "sensitivity/list.json": E(),
    "sensitivity/no_spec.json": E(),
    "sensitivity/spec_not_table.json": E(),
    "sensitivity/spec_bad_name.json": E(),
    "sensitivity/spec_factorial.json": E(),
    "sensitivity/spec_sobol_no_points.json": E(),
    "sensitivity/utf16.json": E(),
    "sensitivity/binary.json": E(),
    "sensitivity/empty.json": E(),
    "sensitivity/nan_literal.json": E(),
}


def corpus_case(rel: str) -> Case:
    """The command that feeds corpus file ``rel`` to the CLI where it belongs."""
    expect = CORPUS[rel]
    path = BROKEN / rel
    kind, name = rel.split("/")
    kw = {
        "must_name": expect.must_name or (name,),
        "expect": expect.expect,
        "must_not_show": expect.must_not_show,
    }
    if kind == "scenarios":
        return Case(rel, ("run", name, "--out", "out", *expect.flags), {name: path}, **kw)
    if kind == "csv":
        scenario = f'[geography]\nsource = "csv"\ncsv_path = "{name}"\n'
        return run_case(rel, scenario, expect.flags, files={name: path}, **kw)
    if kind == "sweeps":
        return Case(rel, ("sweep", name, "--out", "out", *SWEEP_FLAGS), {name: path}, **kw)
    if kind == "calibration":
        return run_case(rel, f'calibration = "{name}"\n', expect.flags, files={name: path}, **kw)
    if kind == "sensitivity":
        kw["must_name"] = expect.must_name or ("store", "manifest.json")
        return Case(
            rel,
            ("sensitivity", "store", "--outcome", "centre_resolution_rate"),
            {"store/manifest.json": path},
            **kw,
        )
    raise ValueError(f"corpus folder {kind!r} has no command")


# ---------------------------------------------------------------------------- built cases


def nested_array(depth: int = 5000) -> str:
    return "x = " + "[" * depth + "]" * depth + "\n"


def nested_table(depth: int = 5000) -> str:
    return "x = " + "{a = " * depth + "1" + "}" * depth + "\n"


SET_CASES = [  # (value of --set, key the message must name, run flags)
    ("run.days=true", "run.days", SCALE_ONLY),
    ("run.days=[5]", "run.days", SCALE_ONLY),
    ("run.scale=nan", "run.scale", DAYS_ONLY),
    ("staffing.mediators_total=1e19", "staffing.mediators_total", RUN_FLAGS),
    ("staffing.mediators_total=9223372036854775807", "staffing.mediators_total", RUN_FLAGS),
    ("staffing.mediators_total=-1", "staffing.mediators_total", RUN_FLAGS),
    (
        "arrivals.incidence_per_10k_per_year.debt=inf",
        "arrivals.incidence_per_10k_per_year",
        RUN_FLAGS,
    ),
    (
        "arrivals.incidence_per_10k_per_year.debt=nan",
        "arrivals.incidence_per_10k_per_year",
        RUN_FLAGS,
    ),
    ("geography.seed=-1", "geography.seed", RUN_FLAGS),
    ("run.start_date=0001-01-01", "run.start_date", RUN_FLAGS),
    ("run.start_date=9999-12-31", "run.start_date", RUN_FLAGS),
    (
        'placement.share_rooms_within_township="no"',
        "placement.share_rooms_within_township",
        RUN_FLAGS,
    ),
    (
        "placement.share_rooms_within_township=no",
        "placement.share_rooms_within_township",
        RUN_FLAGS,
    ),
    ("placement.moved_centres.T001=[nan, 0]", "placement.moved_centres", RUN_FLAGS),
    ("latent.p_notice_on_visit=[nan, 0.5, 0.5]", "latent.p_notice_on_visit", RUN_FLAGS),
    ("handling.attempts_per_level=[]", "handling.attempts_per_level", RUN_FLAGS),
    ("handling.attempts_per_level={a = 1}", "handling.attempts_per_level", RUN_FLAGS),
    ("handling.mean_patience_days=nan", "handling.mean_patience_days", RUN_FLAGS),
    ("geography.population=1e300", "geography.population", RUN_FLAGS),
    ("geography.n_communities=99999999999999", "geography", RUN_FLAGS),
    ("run=5", "run", RUN_FLAGS),
    ("name=../x", "name", RUN_FLAGS),
    ("nonsense.key=1", "nonsense", RUN_FLAGS),
    ("=5", "--set", RUN_FLAGS),
    ("staffing.mediators_total", "--set", RUN_FLAGS),
]

FLAG_CASES = [  # (extra flags, names the message may use)
    (("--days", "0"), ("run.days", "--days")),
    (("--days", "-5"), ("run.days", "--days")),
    (("--days", "99999999999999999999"), ("run.days", "--days")),
    (("--scale", "-1"), ("run.scale", "--scale")),
    (("--scale", "nan"), ("run.scale", "--scale")),
    (("--scale", "inf"), ("run.scale", "--scale")),
    (("--scale", "0"), ("run.scale", "--scale")),
    (("--seed", "-3"), ("run.seed", "--seed")),
    (("--days", "abc"), ("--days",)),  # argparse's own check
    (("--scale", "1,5"), ("--scale",)),  # argparse's own check
]


def _flag_cases() -> list[Case]:
    cases = [
        run_case(
            "flag " + " ".join(flags),
            VALID_SCENARIO,
            run_flags_without(*flags),
            flags,
            must_name=names,
        )
        for flags, names in FLAG_CASES
    ]
    for flags in (("--scale", "1e-300"), ("--seed", "99999999999999999999999")):
        cases.append(
            run_case(
                "flag " + " ".join(flags),
                VALID_SCENARIO,
                run_flags_without(*flags),
                flags,
                must_name=(flags[0], "run."),
                expect="ok_or_rejected",
            )
        )
    return cases


def _mkfifo(name: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        os.mkfifo(root / name)

    return setup


def _symlink_loop(name: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / name).symlink_to(name)

    return setup


def _big_csv(rows: int = 100_000) -> str:
    lines = ["id,township,county,x_km,y_km,population,urban"]
    lines += [
        f"c{i},T{i % 500},K{i % 500 % 7},{i % 97}.5,{i % 89}.25,{100 + i % 50},{i % 2}"
        for i in range(rows - 1)
    ]
    lines.append(f"c{rows},T1,K1,0.0,0.0,lots,1")  # the last row is bad
    return "\n".join(lines) + "\n"


CSV_SCENARIO = '[geography]\nsource = "csv"\ncsv_path = "g.csv"\n'


def _input_cases() -> list[Case]:
    """Files that are not files, are huge, are nested too deeply, or leak content."""
    return [
        run_case(
            "csv 100000 rows, last bad",
            CSV_SCENARIO,
            files={"g.csv": _big_csv()},
            must_name=("g.csv",),
            timeout=60,
        ),
        run_case("csv is a folder", CSV_SCENARIO, files={"g.csv": FOLDER}, must_name=("g.csv",)),
        run_case(
            "csv is a fifo", CSV_SCENARIO, must_name=("g.csv",), setup=_mkfifo("g.csv"), timeout=30
        ),
        run_case(
            "csv is a symlink loop",
            CSV_SCENARIO,
            must_name=("g.csv",),
            setup=_symlink_loop("g.csv"),
        ),
        run_case(
            "csv path is the scenario itself",
            '[geography]\nsource = "csv"\ncsv_path = "s.toml"\n',
            must_name=("s.toml",),
        ),
        run_case(
            "csv_path via --set is /etc/passwd",
            VALID_SCENARIO,
            extra=("--set", "geography.source=csv", "--set", "geography.csv_path=/etc/passwd"),
            must_name=("/etc/passwd",),
            must_not_show=("root:",),
        ),
        run_case("scenario nested array 5000 deep", nested_array(), must_name=("s.toml",)),
        run_case("scenario nested table 5000 deep", nested_table(), must_name=("s.toml",)),
        run_case(
            "scenario 6 MB of comments",
            "# padding\n" * 600_000,
            must_name=("s.toml",),
            expect="ok_or_rejected",
        ),
        Case(
            "scenario is a folder",
            ("run", "dir.toml", "--out", "out", *RUN_FLAGS),
            {"dir.toml": FOLDER},
            must_name=("dir.toml",),
        ),
        Case(
            "scenario is a fifo",
            ("run", "pipe.toml", "--out", "out", *RUN_FLAGS),
            must_name=("pipe.toml",),
            setup=_mkfifo("pipe.toml"),
            timeout=30,
        ),
        Case(
            "scenario is missing",
            ("run", "missing.toml", "--out", "out", *RUN_FLAGS),
            must_name=("missing.toml",),
        ),
        Case(
            "scenario is no preset",
            ("run", "no-such-preset", "--out", "out", *RUN_FLAGS),
            must_name=("no-such-preset",),
        ),
        run_case(
            "calibration nested array 5000 deep",
            'calibration = "cal.toml"\n',
            files={"cal.toml": "[overrides]\n" + nested_array()},
            must_name=("cal.toml",),
        ),
        run_case(
            "calibration is a folder",
            'calibration = "cal.toml"\n',
            files={"cal.toml": FOLDER},
            must_name=("cal.toml",),
        ),
        run_case(
            "calibration is /etc/passwd",
            'calibration = "/etc/passwd"\n',
            must_name=("/etc/passwd",),
            must_not_show=("root:",),
        ),
        Case(
            "sweep spec nested array 5000 deep",
            ("sweep", "spec.toml", "--out", "out", *SWEEP_FLAGS),
            {"spec.toml": 'base = "hohhot-2023"\n' + nested_array()},
            must_name=("spec.toml",),
        ),
        Case(
            "sweep spec is a fifo",
            ("sweep", "spec.toml", "--out", "out", *SWEEP_FLAGS),
            must_name=("spec.toml",),
            setup=_mkfifo("spec.toml"),
            timeout=30,
        ),
        Case(
            "sweep name ../escape without --out",
            ("sweep", "spec.toml", *SWEEP_FLAGS),
            {"spec.toml": (BROKEN / "sweeps/name_escape.toml")},
            must_name=("name",),
        ),
        Case(
            "sensitivity manifest nested 100000 deep",
            ("sensitivity", "store", "--outcome", "centre_resolution_rate"),
            {"store/manifest.json": "[" * 100_000 + "]" * 100_000},
            must_name=("store", "manifest.json"),
        ),
        Case(
            "sensitivity folder missing",
            ("sensitivity", "nowhere", "--outcome", "centre_resolution_rate"),
            must_name=("nowhere",),
        ),
        Case(
            "sensitivity folder is a file",
            ("sensitivity", "afile.txt", "--outcome", "centre_resolution_rate"),
            {"afile.txt": "a planner's notes\n"},
            must_name=("afile.txt",),
        ),
    ]


PLANNER_FILES = {"plans/notes.txt": "meeting on Tuesday\n", "plans/budget.csv": "a,b\n1,2\n"}
TINY_SWEEP = (
    'name = "tiny"\nbase = "hohhot-2023"\n[run]\nscale = 0.02\ndays = 5\n'
    '[[factor]]\nkey = "handling.attempts_per_level"\nvalues = [1, 2]\n'
)


def _out_cases() -> list[Case]:
    """Output folders that must be refused before anything is computed (the scenario and
    the sweep spec are valid, so only the folder is wrong)."""
    return [
        run_case(
            "out is a planner's folder",
            VALID_SCENARIO,
            out="plans",
            files=PLANNER_FILES,
            must_name=("--out", "plans"),
        ),
        Case(
            "out .. from a project subfolder",
            ("run", "../s.toml", "--out", "..", *RUN_FLAGS),
            {
                "proj/s.toml": VALID_SCENARIO,
                "proj/notes.txt": "mine\n",
                "proj/sub/keep.txt": "also mine\n",
            },
            must_name=("--out",),
            cwd="proj/sub",
        ),
        run_case("out is .", VALID_SCENARIO, out=".", must_name=("--out",)),
        Case(
            "out is the scenario's folder",
            ("run", "proj/s.toml", "--out", "proj", *RUN_FLAGS),
            {"proj/s.toml": VALID_SCENARIO},
            must_name=("--out", "proj"),
        ),
        run_case(
            "out is an existing file",
            VALID_SCENARIO,
            out="afile.txt",
            files={"afile.txt": "keep me\n"},
            must_name=("--out", "afile.txt"),
        ),
        run_case(
            "out is below a file",
            VALID_SCENARIO,
            out="afile.txt/sub",
            files={"afile.txt": "keep me\n"},
            must_name=("--out", "afile.txt"),
        ),
        run_case(
            "out is newdir/..", VALID_SCENARIO, out="newdir/..", must_name=("--out", "newdir")
        ),
        run_case(
            "out has a 300-character name", VALID_SCENARIO, out="a" * 300, must_name=("--out",)
        ),
        run_case(
            "out/../plans is a planner's folder",
            VALID_SCENARIO,
            out="out/../plans",
            files=PLANNER_FILES,
            must_name=("--out",),
        ),
        run_case(
            "out is a symlink to a planner's folder",
            VALID_SCENARIO,
            out="link",
            files=PLANNER_FILES,
            must_name=("--out", "link"),
            setup=lambda root: (root / "link").symlink_to("plans"),
        ),
        run_case(
            "out beside a planner's .out.old",
            VALID_SCENARIO,
            files={".out.old/keep.txt": "mine\n"},
            must_name=("--out",),
            expect="ok_or_rejected",
        ),
        Case(
            "sweep out is a planner's folder",
            ("sweep", "spec.toml", "--out", "plans", *SWEEP_FLAGS),
            {"spec.toml": TINY_SWEEP, **PLANNER_FILES},
            must_name=("--out", "plans"),
        ),
        Case(
            "sweep out is an existing file",
            ("sweep", "spec.toml", "--out", "afile.txt", *SWEEP_FLAGS),
            {"spec.toml": TINY_SWEEP, "afile.txt": "keep me\n"},
            must_name=("--out", "afile.txt"),
        ),
        Case(
            "sweep out is .",
            ("sweep", "spec.toml", "--out", ".", *SWEEP_FLAGS),
            {"spec.toml": TINY_SWEEP},
            must_name=("--out",),
        ),
    ]


def _set_cases() -> list[Case]:
    return [
        run_case(f"--set {value}", VALID_SCENARIO, flags, ("--set", value), must_name=(key,))
        for value, key, flags in SET_CASES
    ]


def built_cases() -> list[Case]:
    return _set_cases() + _flag_cases() + _input_cases() + _out_cases()


# ---------------------------------------------------------------------------- quick sample

QUICK = {  # 18 cases, about a second each: every kind of input at least once
    "scenarios/binary_junk.toml",
    "scenarios/utf16_bom.toml",
    "scenarios/moved_centres_nan.toml",
    "csv/superscript_population.csv",
    "csv/latin1_township.csv",
    "sweeps/name_escape.toml",
    "sweeps/factor_name_seed.toml",
    "sweeps/levels_billion.toml",
    "calibration/binary.toml",
    "sensitivity/list.json",
    "--set run.days=true",
    "--set staffing.mediators_total=9223372036854775807",
    "flag --scale nan",
    "scenario nested array 5000 deep",
    "csv is a fifo",
    "out is a planner's folder",
    "out is an existing file",
    "out .. from a project subfolder",
}


def params(cases: list[Case]) -> list:
    return [
        pytest.param(c, id=c.id, marks=() if c.id in QUICK else pytest.mark.slow) for c in cases
    ]


# ============================================================================ tests


def test_every_corpus_file_has_an_expectation():
    """A file added to tests/data/broken/ without an entry in CORPUS would go untested."""
    on_disk = {
        p.relative_to(BROKEN).as_posix()
        for p in BROKEN.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert on_disk == set(CORPUS), {
        "untested": sorted(on_disk - set(CORPUS)),
        "missing": sorted(set(CORPUS) - on_disk),
    }


def test_quick_sample_names_existing_cases():
    ids = set(CORPUS) | {c.id for c in built_cases()}
    assert not QUICK - ids, sorted(QUICK - ids)


@pytest.mark.parametrize("case", params([corpus_case(rel) for rel in sorted(CORPUS)]))
def test_broken_file(case):
    check_case(case)


@pytest.mark.parametrize("case", params(built_cases()))
def test_bad_command_line(case):
    check_case(case)


# ---------------------------------------------------------------------------- a finished run


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    """A real run folder written by the CLI (for compare and re-run cases)."""
    folder = tmp_path_factory.mktemp("finished")
    outcome = run_cli(
        ["run", "s.toml", "--out", "run", *RUN_FLAGS],
        folder,
        input_files={"s.toml": VALID_SCENARIO},
    )
    assert outcome.returncode == 0, describe(outcome, [], "the reference run failed")
    return folder / "run"


COMPARE_CASES = [  # (arguments after `compare`, names, extra files)
    (("results", "--out", "plans"), ("--out", "plans"), PLANNER_FILES),
    (("results", "--out", "results"), ("--out", "results"), {}),
    (("results", "--out", "."), ("--out",), {}),
    (("results", "--out", "afile.txt"), ("--out", "afile.txt"), {"afile.txt": "keep\n"}),
    (("empty_dir", "--out", "rep"), ("empty_dir",), {"empty_dir": FOLDER}),
    (("nosuch", "--out", "rep"), ("nosuch",), {}),
    (("junk", "--out", "rep"), ("junk",), {"junk/manifest.json": "{"}),
    (("results", "--label", "a", "--label", "b", "--out", "rep"), ("--label",), {}),
    (("results", "--baseline", "nope", "--out", "rep"), ("--baseline", "nope"), {}),
    (("results", "--lang", "xx", "--out", "rep"), ("--lang", "xx"), {}),
    (("results", "--outcome", "nope", "--out", "rep"), ("--outcome", "nope"), {}),
    (("results", "--axes", "a", "--out", "rep"), ("--axes",), {}),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, names, files", COMPARE_CASES, ids=[" ".join(a) for a, _, _ in COMPARE_CASES]
)
def test_compare_refuses(args, names, files, finished_run):
    with sandbox() as root:
        shutil.copytree(finished_run, root / "results", symlinks=True)
        outcome = run_cli(["compare", *args], root, input_files=files)
        assert_rejected_cleanly(outcome, names)


@pytest.mark.slow
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_rerun_keeps_a_planners_out_old(force, finished_run):
    """Re-running into the tool's own earlier results (refused, or replaced with --force)
    never touches a planner's ``.out.old`` beside it, nor anything outside ``out``."""
    with sandbox() as root:
        shutil.copytree(finished_run, root / "out", symlinks=True)
        files = {"s.toml": VALID_SCENARIO, ".out.old/keep.txt": "mine\n"}
        args = ["run", "s.toml", "--out", "out", *RUN_FLAGS] + (["--force"] if force else [])
        outcome = run_cli(args, root, input_files=files)
        if outcome.returncode == 2:
            problems = rejection_problems(outcome, ["--out", "out"])
        else:
            problems = success_problems(outcome, "out", may_replace=True)
        if (root / ".out.old/keep.txt").read_bytes() != b"mine\n":
            problems.append(".out.old/keep.txt was changed or removed")
        assert not problems, describe(outcome, problems, "re-run into out")


DOCUMENTED_INF = [  # the schema documents inf as "none" for these keys
    "[handling]\nmean_patience_days = inf\n",
    "[handling.time_limit_days_by_complexity]\nsimple = inf\nmajor = inf\n",
]


@pytest.mark.slow
@pytest.mark.parametrize("text", DOCUMENTED_INF, ids=["patience", "time_limits"])
def test_documented_inf_still_runs(text):
    """Hardening must not refuse what the schema documents: inf means no limit here."""
    with sandbox() as root:
        outcome = run_cli(
            ["run", "s.toml", "--out", "out", *RUN_FLAGS], root, input_files={"s.toml": text}
        )
        problems = success_problems(outcome, "out")
        assert not problems, describe(outcome, problems, "a documented inf was refused")


# ============================================================================ hypothesis


@pytest.fixture
def private_hypothesis_home(tmp_path_factory):
    """Hypothesis keeps caches (unicode tables, source constants) in ./.hypothesis even
    without a database; send them to a temporary folder so the repository stays as it is."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis-home"))
    yield
    set_hypothesis_home_dir(None)


def explore(strategy, check_one: Callable, max_examples: int) -> None:
    """Run ``check_one`` on ``max_examples`` derandomized examples of ``strategy``,
    collecting every failure (no shrinking: each example costs a subprocess), then fail
    once with all of them."""
    failures: list[str] = []
    ran = [0]

    @settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=max_examples,
        phases=[Phase.explicit, Phase.generate],
        print_blob=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )
    @given(strategy)
    def run_one(example):
        ran[0] += 1
        try:
            check_one(example)
        except AssertionError as err:
            failures.append(str(err))

    run_one()
    assert not failures, f"{len(failures)} of {ran[0]} examples failed:\n\n" + "\n\n".join(failures)


# ---------------------------------------------------------------------------- 1: bad values

BAD_SCALARS = st.one_of(
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        ["", "yes", "no", "true", "1", "inf", "nan", "2023-01-01", "../x", "C99999", "community"]
    ),
    st.integers(min_value=2**31, max_value=2**70),
    st.integers(min_value=-(2**70), max_value=-1),
    st.sampled_from(
        [0, 2**63 - 1, 2**63, 2**64, math.inf, -math.inf, math.nan, 1e308, -1e308, 5e-324, -0.0]
    ),
    st.dates(),
)


def _nested(inner):
    return st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=5), inner, max_size=2)


BAD_VALUES = st.one_of(
    BAD_SCALARS,
    st.just([]),
    st.just({}),
    st.lists(BAD_SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=8), BAD_SCALARS, max_size=3),
    st.recursive(BAD_SCALARS, _nested, max_leaves=5),
)


@functools.cache
def schema_keys() -> tuple[str, ...]:
    """Every scenario key path, and one level into the keys of dict-valued parameters."""
    from sim.config import parameters

    keys = []
    for row in parameters():
        keys.append(row["key"])
        if isinstance(row["default"], dict):
            keys += [f"{row['key']}.{name}" for name in row["default"]]
    return tuple(keys)


def nest(key: str, value) -> dict:
    for part in reversed(key.split(".")):
        value = {part: value}
    return value


def ancestors(key: str) -> list[str]:
    parts = key.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def check_bad_value(example: tuple[str, object]) -> None:
    key, value = example
    flags = [f for f in ("--scale", "--days") if not key.startswith(f"run.{f[2:]}")]
    argv = ["run", "s.toml", "--out", "out", "--quiet"]
    argv += [x for f in flags for x in (f, "0.02" if f == "--scale" else "5")]
    with sandbox() as root:
        outcome = run_cli(
            argv, root, GENERATED_TIMEOUT, input_files={"s.toml": tomli_w.dumps(nest(key, value))}
        )
        assert_ok_or_rejected(outcome, ancestors(key), "out")


@pytest.mark.slow
def test_hypothesis_bad_values_at_schema_keys(private_hypothesis_home):
    strategy = st.tuples(st.deferred(lambda: st.sampled_from(schema_keys())), BAD_VALUES)
    explore(strategy, check_bad_value, max_examples=80)


# ---------------------------------------------------------------------------- 2: mutations

BASE_SCENARIO = """\
# A small valid scenario that the mutations start from.
name = "fuzz-base"
description = "Mutation base: small, valid and quick (café, 呼和浩特)."
[run]
warmup_days = 10
start_date = 2023-03-01
[calendar]
kind = "weekdays"
[handling]
attempts_per_level = 2
mean_patience_days = 60.0
time_limit_days_by_complexity = { simple = 7.0, general = 15.0, complex = 30.0, major = 60.0 }
[latent]
lapse_per_day = [0.012, 0.006, 0.002]
[placement]
share_rooms_within_township = true
[[committees]]
name = "medical"
types = ["medical"]
"""

ENCODINGS = ["utf-8"] * 12 + ["utf-16", "utf-16-be", "utf-32", "latin-1", "gb18030", "utf-8-sig"]


NUMBERS = st.sampled_from(
    [
        "0",
        "-1",
        "1e308",
        "inf",
        "-inf",
        "nan",
        "true",
        '"7"',
        "[]",
        "99999999999999999999",
        "0x7FFFFFFFFFFFFFFF",
        "2023-02-30",
        "{}",
    ]
)


def mutate_lines(draw, text: str) -> str:
    """Drop, repeat or swap a line, or put an odd value in place of one."""
    lines = text.splitlines(keepends=True)
    i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
    kind = draw(st.sampled_from(["drop", "repeat", "swap", "value"]))
    if kind == "drop":
        del lines[i]
    elif kind == "repeat":
        lines.insert(i, lines[i])
    elif kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif " = " in lines[i]:
        lines[i] = lines[i].split(" = ", 1)[0] + " = " + draw(NUMBERS) + "\n"
    return "".join(lines)


def mutate_bytes(draw, data: bytearray) -> None:
    """Flip, set, delete, insert or repeat bytes, or cut the file short, in place."""
    pos = draw(st.integers(0, len(data) - 1))
    kind = draw(st.sampled_from(["flip", "set", "delete", "insert", "duplicate", "truncate"]))
    if kind == "flip":
        data[pos] ^= 1 << draw(st.integers(0, 7))
    elif kind == "set":
        data[pos] = draw(st.integers(0, 255))
    elif kind == "delete":
        del data[pos : pos + draw(st.integers(1, 24))]
    elif kind == "insert":
        data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
    elif kind == "duplicate":
        data[pos:pos] = data[pos : pos + draw(st.integers(1, 40))]
    else:
        del data[pos:]


@st.composite
def mutated_scenario(draw) -> bytes:
    """The base scenario after 1-3 line or byte mutations, then possibly re-encoded."""
    text = BASE_SCENARIO
    for _ in range(draw(st.integers(0, 2))):
        text = mutate_lines(draw, text)
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(0, 2))):
        if data:
            mutate_bytes(draw, data)
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding == "utf-8":
        return bytes(data)
    return bytes(data).decode("utf-8", "replace").encode(encoding, "replace")


def check_mutated_scenario(data: bytes) -> None:
    with sandbox() as root:
        outcome = run_cli(
            ["run", "s.toml", "--out", "out", *RUN_FLAGS],
            root,
            GENERATED_TIMEOUT,
            input_files={"s.toml": data},
        )
        assert_ok_or_rejected(outcome, ["s.toml"], "out")


@pytest.mark.slow
def test_hypothesis_mutated_scenario_files(private_hypothesis_home):
    explore(mutated_scenario(), check_mutated_scenario, max_examples=60)


# ---------------------------------------------------------------------------- 3: sweep specs

GOOD_FACTORS = {  # key: (transform, low, high, values) that make a valid, tiny factor
    "handling.attempts_per_level": ("set", 1, 3, [1, 2]),
    "handling.mean_gap_days": ("set", 1.0, 5.0, [1.0, 4.0]),
    "handling.time_limit_days_by_complexity": ("scale", 0.5, 2.0, [0.5, 2.0]),
    "latent.p_notice_on_visit": ("scale", 0.5, 1.0, [0.5, 1.0]),
    "handling.success_logit_by_level": ("shift", -0.5, 0.5, [-0.5, 0.5]),
    "calendar.kind": ("set", None, None, ["china", "weekdays"]),
    "placement.share_rooms_within_township": ("set", None, None, [True, False]),
}
BAD_FACTOR_KEYS = [
    "",
    ".",
    "nonexistent.key",
    "staffing.",
    "staffing..mediators_total",
    "run.days.x",
    "departments.0.name",
    "__class__",
    "run",
    "handling",
    "name",
    "HANDLING.attempts_per_level",
]
RESERVED_NAMES = [
    "seed",
    "run_id",
    "point",
    "replication",
    "error",
    "traceback",
    "wall_seconds",
    "centre_resolution_rate",
    "days",
]
ODD = st.one_of(
    st.booleans(),
    st.integers(-3, 8),
    st.floats(),
    st.text(max_size=6),
    st.integers(2**63, 2**70),
    st.just([]),
    st.lists(st.integers(-1, 3), max_size=2),
    st.dates(),
)
HUGE = st.integers(10**6, 10**12)


def mostly(draw, usual, odd, odd_in: int = 4):
    """``usual`` most of the time, ``odd`` one time in ``odd_in`` (the highest draw, so
    that hypothesis's simplest examples are the usual ones)."""
    return draw(odd) if draw(st.integers(1, odd_in)) == odd_in else draw(usual)


@st.composite
def factor_entry(draw) -> dict:
    """A [[factor]] that is valid and tiny, with some of its parts replaced by odd ones."""
    key = mostly(
        draw,
        st.sampled_from(sorted(GOOD_FACTORS)),
        st.one_of(st.sampled_from(BAD_FACTOR_KEYS), st.integers(-2, 5), st.booleans()),
    )
    transform, low, high, values = GOOD_FACTORS.get(key, ("set", 1, 2, [1, 2]))
    entry: dict = {"key": key}
    if transform != "set" or draw(st.integers(0, 3)) == 3:
        entry["transform"] = mostly(
            draw, st.just(transform), st.sampled_from(["set", "scale", "shift", "log", "", 5])
        )
    if draw(st.booleans()):
        entry["name"] = mostly(
            draw,
            st.sampled_from(["a", "b", "f_1"]),
            st.one_of(
                st.text(max_size=8), st.sampled_from(RESERVED_NAMES), st.integers(), st.booleans()
            ),
        )
    if low is None or draw(st.booleans()):
        entry["values"] = mostly(
            draw,
            st.just(values),
            st.one_of(st.just([]), st.lists(ODD, min_size=1, max_size=2), ODD),
        )
    else:
        entry["low"] = mostly(draw, st.just(low), ODD)
        entry["high"] = mostly(draw, st.just(high), ODD)
        if draw(st.booleans()):
            entry["levels"] = mostly(
                draw, st.integers(2, 3), st.one_of(st.integers(-3, 1), HUGE, ODD)
            )
        for flag in ("log", "integer"):
            if draw(st.integers(0, 3)) == 3:
                entry[flag] = draw(st.one_of(st.booleans(), st.text(max_size=4)))
    if draw(st.integers(0, 7)) == 7:
        entry["step"] = 1
    return entry


@st.composite
def sweep_spec(draw) -> dict:
    """A spec with random factors; valid ones stay tiny (scale 0.02, 5 days, <= 9 runs)."""
    spec: dict = {"base": "hohhot-2023", "run": {"scale": 0.02, "days": 5}}
    spec["name"] = mostly(
        draw,
        st.just("fz"),
        st.one_of(
            st.text(max_size=10),
            st.integers(),
            st.sampled_from(["../escape", "/abs", "", ".", "a/b", "a\\b", "x" * 300]),
        ),
    )
    if draw(st.booleans()):
        spec["replications"] = mostly(
            draw,
            st.just(1),
            st.one_of(st.integers(-2, 0), HUGE, st.booleans(), st.text(max_size=3)),
        )
    if draw(st.integers(0, 2)) == 2:
        spec["design"] = {
            "kind": mostly(
                draw,
                st.sampled_from(["factorial", "lhs", "sobol", "morris"]),
                st.sampled_from(["grid", "", 3, True]),
            ),
            "samples": mostly(draw, st.just(2), st.one_of(st.integers(-1, 1), HUGE, st.booleans())),
        }
    spec["factor"] = mostly(
        draw,
        st.lists(factor_entry(), min_size=1, max_size=2),
        st.sampled_from(["x", [1], [], [[]]]),
        odd_in=8,
    )
    if draw(st.integers(0, 7)) == 7:
        spec["extra"] = True
    return spec


def check_sweep_spec(spec: dict) -> None:
    with sandbox() as root:
        outcome = run_cli(
            ["sweep", "spec.toml", "--out", "out", *SWEEP_FLAGS],
            root,
            GENERATED_TIMEOUT,
            input_files={"spec.toml": tomli_w.dumps(spec)},
        )
        assert_ok_or_rejected(outcome, ["spec.toml"], "out")


@pytest.mark.slow
def test_hypothesis_random_sweep_specs(private_hypothesis_home):
    explore(sweep_spec(), check_sweep_spec, max_examples=60)


# ---------------------------------------------------------------------------- 4: CSV cells

BASE_CSV = [
    ["id", "township", "county", "x_km", "y_km", "population", "urban"],
    ["c1", "T1", "K1", "0.0", "0.0", "20000", "1"],
    ["c2", "T1", "K1", "1.5", "0.5", "15000", "1"],
    ["c3", "T2", "K1", "8.0", "3.0", "4000", "0"],
    ["c4", "T3", "K2", "-12.0", "6.5", "2500", "0"],
]
CELLS = st.one_of(
    st.text(max_size=10),
    st.integers(-(10**6), 10**6).map(str),
    st.floats().map(repr),
    st.sampled_from(
        [
            "",
            " ",
            "\u00b2",
            "\u0661\u0662",
            "1_000",
            "0x10",
            "1e3",
            "TRUE",
            "yes",
            "maybe",
            "Tr\u00e9s",
            '"',
            '""',
            "a,b",
            "a\nb",
            "\x00",
            "-0",
            "+5",
            " 7 ",
            "1000000000000000000000000000000",
            "18446744073709551616",
            "\uff19",
            "1e300",
            "-1e300",
            "inf",
            "nan",
        ]
    ),
)


@st.composite
def mutated_csv(draw) -> bytes:
    """The base CSV after 1-3 cell or row mutations, written by csv.writer, maybe
    re-encoded."""
    rows = [list(r) for r in BASE_CSV]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["cell", "cell", "cell", "drop_row", "copy_row", "drop_column", "swap_header"]
            )
        )
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(BASE_CSV[0]) - 1))
        if kind == "cell" and c < len(rows[r]):
            rows[r][c] = draw(CELLS)
        elif kind == "drop_row" and len(rows) > 1:
            del rows[r]
        elif kind == "copy_row":
            rows.insert(r, list(rows[r]))
        elif kind == "drop_column":
            rows = [row[:c] + row[c + 1 :] for row in rows]
        elif kind == "swap_header" and c + 1 < len(rows[0]):
            rows[0][c], rows[0][c + 1] = rows[0][c + 1], rows[0][c]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "latin-1", "gbk"]))
    return buffer.getvalue().encode(encoding, "replace")


def check_mutated_csv(data: bytes) -> None:
    with sandbox() as root:
        outcome = run_cli(
            ["run", "s.toml", "--out", "out", *RUN_FLAGS],
            root,
            GENERATED_TIMEOUT,
            input_files={"s.toml": CSV_SCENARIO, "g.csv": data},
        )
        assert_ok_or_rejected(outcome, ["g.csv"], "out")


@pytest.mark.slow
def test_hypothesis_mutated_csv_cells(private_hypothesis_home):
    explore(mutated_csv(), check_mutated_csv, max_examples=60)
