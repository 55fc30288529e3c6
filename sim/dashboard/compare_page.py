"""The Compare page: replications, seed, scale and horizon; a run of the baseline and every
policy in background worker processes, with progress and cancel."""

from __future__ import annotations

import contextlib

import solara
import solara.lab

from sim.config import MAX_SEED, Scenario
from sim.dashboard import state
from sim.dashboard.form import FieldError, policy_of, read_number
from sim.dashboard.jobs import MAX_RUNS, Cancelled, Comparison, Finished, run_comparison
from sim.dashboard.scenario_page import HELP_STYLE, levers
from sim.dashboard.widgets import heading
from sim.dashboard.words import word
from sim.failures import bad_input_errors, unexpected


@solara.lab.task
def comparison_task(request: Comparison) -> Finished:
    def progress(done: int, total: int) -> None:
        if comparison_task.is_current():
            # the bar is only a view of the runs: a failure to draw it never stops them
            with contextlib.suppress(Exception):
                comparison_task.progress = 100.0 * done / total

    result = run_comparison(request, progress, lambda: not comparison_task.is_current())
    state.finished.value = result
    return result


@solara.component
def ComparePage() -> None:
    lang = state.lang.value
    heading(f"{word('tab_compare', lang)}")
    with solara.Row(style="flex-wrap: wrap"):
        solara.InputText(word("replications", lang), value=state.replications)
        solara.InputText(word("first_seed", lang), value=state.first_seed)
        solara.InputText(word("scale", lang), value=state.scale)
        solara.InputText(word("days", lang), value=state.days, placeholder="365")
    request, problem = _request(lang)
    names = [word("baseline", lang), *(d.name for d in state.policies.value)]
    solara.Text(" · ".join(names), style=HELP_STYLE)
    if problem:
        with solara.Div(classes=["compare-problem"]):
            solara.Error(problem)
    running = comparison_task.pending
    with solara.Row():
        solara.Button(
            word("run", lang),
            on_click=lambda: _start(request),
            disabled=running or request is None,
            color="primary",
        )
        reporting = (comparison_task.progress or 0.0) >= 100.0  # the runs are written by now
        solara.Button(
            word("cancel", lang),
            on_click=comparison_task.cancel,
            disabled=not running or reporting,
        )
    Progress(lang, request.runs if request else 0)


@solara.component
def Progress(lang: str, runs: int) -> None:
    task = comparison_task
    if task.pending:
        done = task.progress or 0.0
        solara.ProgressLinear(done if done > 0 else True)
        text = word("running", lang, done=round(done / 100 * runs), total=runs)
        solara.Text(text if done < 100 else word("reporting", lang), classes=["progress-text"])
    elif task.cancelled:
        solara.Warning(word("cancelled", lang))
    elif task.error:
        with solara.Div(classes=["run-error"]):
            solara.Error(f"{word('failed', lang)}: {_message(task.exception)}")
    elif task.finished and task.value is not None:
        folder = task.value.folder
        with solara.Div(classes=["run-done"]):
            solara.Success(word("done", lang, folder=folder))
        solara.Text(word("cli_hint", lang, folder=folder), style=HELP_STYLE)


def _start(request: Comparison | None) -> None:
    if request is not None:
        comparison_task(request)


def _message(err: BaseException | None) -> str:
    if err is None:
        return ""
    if isinstance(err, Cancelled):
        return "cancelled"
    if isinstance(err, bad_input_errors()):
        return str(err)
    return unexpected("dashboard comparison", err)


def _request(lang: str) -> tuple[Comparison | None, str]:
    """The comparison the page describes, or what is wrong with it."""
    try:
        reps = _count(state.replications.value, word("replications", lang), 1, MAX_RUNS)
        seed = _count(state.first_seed.value, word("first_seed", lang), 0, MAX_SEED - reps)
        run = _run_settings(lang)
    except FieldError as err:
        return None, err.zh if lang == "zh" else str(err)
    base = state.base_scenario()
    try:
        base = base.with_overrides({"run": run})
    except ValueError as err:
        return None, str(err)
    policies: dict[str, Scenario] = {"baseline": base}
    for draft in state.policies.value:
        form = policy_of(base, levers(), draft.raw)
        if form.scenario is None:
            return None, f"{draft.name}: {word('form_errors', lang)}"
        policies[draft.name] = form.scenario
    runs = len(policies) * reps
    if runs > MAX_RUNS:
        return None, word("too_many", lang, runs=runs, most=MAX_RUNS)
    return Comparison(base, policies, tuple(range(seed, seed + reps))), ""


def _count(text: str | None, what: str, low: int, high: int) -> int:
    try:
        value = read_number(text, "int", False, False)
    except FieldError as err:
        raise FieldError(f"{what}: {err}", f"{what}:{err.zh}") from None
    assert isinstance(value, int)
    if not low <= value <= high:
        raise FieldError(
            f"{what}: {value} is outside {low} to {high}", f"{what}:{value} 超出 {low} 至 {high}"
        )
    return value


def _run_settings(lang: str) -> dict:
    try:
        scale = read_number(state.scale.value, "float", False, False)
    except FieldError as err:
        raise FieldError(
            f"{word('scale', lang)}: {err}", f"{word('scale', lang)}:{err.zh}"
        ) from None
    assert isinstance(scale, float)
    if not 0 < scale <= 8:
        raise FieldError(
            f"{word('scale', lang)}: {scale:g} is outside (0, 8]",
            f"{word('scale', lang)}:{scale:g} 超出 (0, 8]",
        )
    run: dict = {"scale": scale}
    if (state.days.value or "").strip():
        run["days"] = _count(state.days.value, word("days", lang), 1, 3660)
    return run
