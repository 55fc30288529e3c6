"""`sim optimise`: checked against queueing theory, against its own promises (budget,
non-dominance, resume) and for bad specs.

Validation: on one M/M/c centre the cheapest capacity the search finds that meets a
mean-wait target is the one the Erlang C formula gives. The rest are properties of the
search and its report that must hold for any model: every reported policy keeps the budget
and constraints on fresh seeds and none dominates another; a search killed and rerun ends
exactly where an uninterrupted one does, simulating only the missing runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.cli import main
from sim.optimise.levers import candidate_key
from sim.optimise.report import write_report
from sim.optimise.run import optimise
from sim.optimise.spec import load_spec
from sim.optimise.store import EvaluationStore
from tests.conftest import DATA
from tests.test_queueing_theory import erlang_c_wait

pytest.importorskip("optuna")

LAMBDA, MU = 4.0, 1.0  # tests/data/erlang.toml: 4 disputes a day, one-day sessions
WAIT_TARGET = 0.25  # days; Erlang C: c = 5 waits 0.55, c = 6 waits 0.14


def erlang_spec(tmp_path: Path, name: str = "erlang", days: int = 1000) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f"""
name = "{name}"
base = "{(DATA / "erlang.toml").as_posix()}"
replications = 2
fresh_replications = 4
[run]
days = {days}
[search]
population = 8
generations = 3
seed = 3
[[lever]]
name = "mediators"
key = "staffing.mediators_total"
kind = "integer"
low = 5
high = 10
[[objective]]
outcome = "cost_public_yuan"
[[constraint]]
outcome = "mean_wait_days"
at_most = {WAIT_TARGET}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def erlang_result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("erlang")
    spec = load_spec(erlang_spec(folder))
    return optimise(spec, folder / "out", executor="serial", progress=False)


def test_cheapest_capacity_meeting_a_wait_target_is_erlang_c(erlang_result):
    """VALIDATION: the smallest c with Erlang C Wq <= target, found by the search."""
    theory = min(c for c in range(5, 11) if erlang_c_wait(LAMBDA, MU, c) <= WAIT_TARGET)
    assert theory == 6
    best = erlang_result.recommended
    assert best is not None and best.values == {"mediators": theory}
    # and its wait on fresh seeds is near the formula's (Monte Carlo error of 4 replications
    # of 1000 days; the strict check of the queue is tests/test_queueing_theory.py)
    wait = best.score.means["mean_wait_days"]
    assert wait == pytest.approx(erlang_c_wait(LAMBDA, MU, theory), rel=0.25)


def test_cost_difference_is_the_added_mediators_pay(erlang_result):
    """One more full-time community mediator costs its annual price (per year)."""
    best = erlang_result.recommended
    mean, low, high = best.extra_cost_interval()
    price = 60_000.0  # costs.full_time_mediator_yuan.community
    # salaries are exact; subsidies move with the few cases settled near the period's end
    assert mean == pytest.approx(price, rel=0.01)
    assert low <= mean <= high


def test_kill_and_resume_ends_where_an_uninterrupted_search_does(tmp_path, monkeypatch):
    spec = load_spec(erlang_spec(tmp_path, days=200))  # short runs: the queue is not judged
    whole = optimise(spec, tmp_path / "whole", executor="serial", progress=False)
    total = whole.runs_made
    written = 0
    original = EvaluationStore.write

    def dying(self, key, row):
        nonlocal written
        if written == 7:
            raise KeyboardInterrupt  # as a planner's Ctrl-C between two runs
        written += 1
        original(self, key, row)

    monkeypatch.setattr(EvaluationStore, "write", dying)
    with pytest.raises(KeyboardInterrupt):
        optimise(spec, tmp_path / "killed", executor="serial", progress=False)
    monkeypatch.setattr(EvaluationStore, "write", original)
    resumed = optimise(spec, tmp_path / "killed", executor="serial", progress=False)
    assert resumed.runs_made == total - 7  # only the missing runs
    trace = [(s.generation, s.score.key, s.score.objectives) for s in whole.searched]
    assert [(s.generation, s.score.key, s.score.objectives) for s in resumed.searched] == trace
    assert [(p.id, p.values, p.score.means) for p in resumed.policies] == [
        (p.id, p.values, p.score.means) for p in whole.policies
    ]
    again = optimise(spec, tmp_path / "killed", executor="serial", progress=False)
    assert again.runs_made == 0  # all in the store


def hohhot_spec(tmp_path: Path) -> Path:
    path = tmp_path / "small-budget.toml"
    path.write_text(
        """
name = "small-budget"
base = "hohhot-2023"
replications = 2
fresh_replications = 3
[run]
scale = 0.03
days = 200
[search]
population = 6
generations = 2
seed = 5
[budget]
extra_public_yuan = 10_000_000
levels = [1_000_000, 10_000_000]
[[lever]]
name = "township_mediators"
key = "staffing.mediators_by_level.township"
kind = "integer"
transform = "shift"
low = 0
high = 600
step = 50
[[lever]]
name = "half_days"
key = "duty.part_time_half_days_by_level.community"
kind = "integer"
low = 2
high = 5
[[lever]]
name = "attempts"
key = "handling.attempts_per_level"
kind = "choice"
[lever.choices]
one = 1
two = 2
[[objective]]
outcome = "court_cases"
[[objective]]
outcome = "incidents"
[[constraint]]
outcome = "time_limit_compliance"
at_least = 0.9
[uncertainty]
source = "context"
futures = 2
[[context]]
name = "incidence"
key = "arrivals.incidence_per_10k_per_year"
transform = "scale"
low = 0.8
high = 1.25
[discovery]
outcome = "court_cases"
change_at_most = -0.01
futures = 10
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def small_result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("budget")
    spec = load_spec(hohhot_spec(folder))
    result = optimise(spec, folder / "out", workers=2, progress=False)
    write_report(result)
    return result


def test_every_reported_policy_keeps_the_budget_and_constraints(small_result):
    spec = small_result.spec
    reported = [p for p in small_result.policies if p.reported]
    assert reported, "the example must report something to check"
    for p in reported:
        assert p.score.extra_cost <= spec.budget
        assert p.score.means["time_limit_compliance"] >= 0.9
        assert p.score.feasible


def test_the_reported_set_is_non_dominated(small_result):
    reported = [p.score.objectives for p in small_result.policies if p.reported]
    for a in reported:
        for b in reported:
            dominates = all(x <= y for x, y in zip(a, b, strict=True)) and a != b
            assert not dominates, (a, b)
    # each policy that fell away breaks a constraint or is dominated by a reported one
    for p in small_result.policies:
        if not p.reported and p.score.feasible:
            assert any(
                all(x <= y for x, y in zip(q, p.score.objectives, strict=True)) for q in reported
            )


def test_fresh_seeds_are_not_the_search_seeds(small_result):
    spec = small_result.spec
    fresh = {int(r["seed"]) for r in small_result.fresh_baseline.rows}
    assert fresh == set(spec.fresh_seeds()) and not fresh & set(spec.seeds())


def test_robustness_over_futures(small_result):
    rows = small_result.robustness
    assert {r.policy for r in rows} == {"baseline", *(p.id for p in small_result.policies)}
    for r in rows:
        assert 0.0 <= r.share_meeting <= 1.0
        for outcome in ("court_cases", "incidents"):
            assert r.max_regret[outcome] >= 0.0
            assert r.worst[outcome] >= r.mean[outcome] - 1e-9  # minimised: worst is highest
    # some policy (or the baseline) is best in each future: its regret is 0 somewhere
    assert min(r.max_regret["court_cases"] for r in rows) >= 0.0


def test_report_files(small_result):
    folder = small_result.folder
    for name in (
        "report.md",
        "report_zh.md",
        "policies.csv",
        "searched.csv",
        "front.png",
        "levers.png",
        "robustness.csv",
        "discovery.csv",
    ):
        assert (folder / name).stat().st_size > 0, name
    en = (folder / "report.md").read_text(encoding="utf-8")
    zh = (folder / "report_zh.md").read_text(encoding="utf-8")
    assert "The best policy at each budget level" in en and "各预算水平下的最佳方案" in zh
    assert "Scenario discovery" in en and "情景发现" in zh
    assert len(small_result.discovery.futures) == 10


def test_a_policy_that_changes_nothing_costs_nothing_extra(small_result):
    """The baseline itself, evaluated as a candidate, is the same runs: zero extra cost."""
    from sim.optimise.scores import score

    spec = small_result.spec
    assert score(spec, small_result.baseline, small_result.baseline).extra_cost == 0.0
    assert candidate_key({}) == "{}"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


LEVER = """
[[lever]]
name = "attempts"
key = "handling.attempts_per_level"
kind = "integer"
low = 1
high = 3
"""
OBJECTIVE = '\n[[objective]]\noutcome = "court_cases"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("levers = 1" + LEVER + OBJECTIVE, "unknown key(s) 'levers' (did you mean 'lever'?)"),
        (OBJECTIVE, "needs at least one [[lever]]"),
        (LEVER, "needs at least one [[objective]]"),
        (LEVER + '\n[[objective]]\noutcome = "court_case"\n', "did you mean 'court_cases'"),
        (
            LEVER.replace("handling.attempts_per_level", "handling.attempts") + OBJECTIVE,
            "'handling.attempts' is not a scenario key",
        ),
        (LEVER.replace("high = 3", "high = 30") + OBJECTIVE, "handling.attempts_per_level"),
        (LEVER.replace('"integer"', '"int"') + OBJECTIVE, "kind: expected one of"),
        ("fresh_seed = 2" + LEVER + OBJECTIVE, "fresh_seed 2 makes seeds the search also uses"),
        (
            LEVER + OBJECTIVE + '[discovery]\noutcome = "court_cases"\nchange_at_most = -0.05\n',
            "needs [[context]] ranges",
        ),
        (LEVER + OBJECTIVE + '[uncertainty]\nsource = "future"\n', "source: expected one of"),
        (LEVER + OBJECTIVE + "[budget]\nextra_public_yuan = -5\n", "must be at least 0"),
        (
            LEVER + OBJECTIVE + '[[constraint]]\noutcome = "incidents"\n',
            "give exactly one of at_least and at_most",
        ),
        ("[search]\npopulation = 2\n" + LEVER + OBJECTIVE, "population: must be 4"),
        (
            LEVER + OBJECTIVE + "[budget]\nlevels = [1000]\n",
            "levels needs budget.extra_public_yuan",
        ),
        (
            LEVER + OBJECTIVE + '[[context]]\nkey = "arrivals.money_sigma"\nlow = 0.5\nhigh = 1.5\n'
            '[discovery]\noutcome = "court_cases"\ndifference_at_most = -5\npolicy = "P1"\n',
            'a policy id such as "P03"',
        ),
    ],
)
def test_bad_specs_get_a_clear_message(tmp_path, capsys, text, expected):
    path = write(tmp_path, text)
    assert main(["optimise", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_more_futures_than_the_accepted_set_is_refused(tmp_path, capsys):
    path = write(tmp_path, LEVER + OBJECTIVE + '[uncertainty]\nsource = "accepted"\nfutures = 50\n')
    assert main(["optimise", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "accepted parameter vectors; ask for at most" in capsys.readouterr().err


def test_the_shipped_specs_load():
    from sim.scenario_loader import PRESET_DIR

    specs = sorted((PRESET_DIR / "optimise").glob("*.toml"))
    assert specs
    for path in specs:
        spec = load_spec(path)
        assert spec.budget is not None and len(spec.levers) >= 4


def test_a_shortlist_of_one(tmp_path):
    from sim.optimise.final import shortlist
    from sim.optimise.scores import Score
    from sim.optimise.search import Searched

    spec = load_spec(erlang_spec(tmp_path))
    spec.max_final = 1
    front = [
        Score(f"k{i}", {"mediators": 5 + i}, {}, 0.0, (i, -i), (0.0, 0.0), 2) for i in range(3)
    ]
    assert len(shortlist(spec, [Searched(0, s) for s in front])) == 1


def test_accepted_futures_start_from_the_calibration_itself(tmp_path):
    from sim.optimise.futures import accepted_futures
    from sim.scenario_loader import load_scenario

    spec = load_spec(write(tmp_path, LEVER + OBJECTIVE + '[uncertainty]\nsource = "accepted"\n'))
    futures = accepted_futures(spec, 3)
    assert len(futures) == 3
    assert futures[0].scenario == load_scenario("hohhot-2023")
    incidence = [f.scenario.arrivals.incidence_per_10k_per_year["debt"] for f in futures]
    ratio = futures[1].values["incidence"] / futures[0].values["incidence"]
    assert incidence[1] / incidence[0] == pytest.approx(ratio, rel=1e-4)
    assert not math.isclose(incidence[1], incidence[0])
