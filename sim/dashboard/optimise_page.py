"""The Optimise page: open a finished ``sim optimise`` search, see its Pareto front with
hover, choose a policy to see its comparison with the baseline."""

from __future__ import annotations

import solara

from sim.dashboard import state
from sim.dashboard.jobs import outputs_root
from sim.dashboard.search_view import (
    SearchError,
    find_searches,
    front_figure,
    lever_rows,
    load_search,
    policy_rows,
)
from sim.dashboard.widgets import heading, table_html
from sim.dashboard.words import word
from sim.results.outcomes import label


@solara.component
def OptimisePage() -> None:
    lang = state.lang.value
    # the outputs folder is walked once when the tab opens, not at every keystroke
    found = solara.use_memo(lambda: [str(p) for p in find_searches(outputs_root())], [])
    typed, set_typed = solara.use_state(state.search_folder.value or (found[0] if found else ""))
    if found:

        def choose(path: str | None) -> None:
            set_typed(path or "")

        solara.Select(
            label=word("searches_found", lang),
            values=found,
            value=typed if typed in found else found[0],
            on_value=choose,
        )
    solara.InputText(word("store_folder", lang), value=typed, on_value=set_typed)
    solara.Button(word("open_store", lang), on_click=lambda: state.search_folder.set(typed))
    folder = state.search_folder.value
    if not folder:
        return
    try:
        view = load_search(folder)
    except SearchError as err:
        with solara.Div(classes=["search-error"]):
            solara.Error(word("no_store", lang, why=str(err)))
        return
    SearchResults(view, lang)


def _yes(value: object, lang: str) -> str:
    return word("yes" if value in (True, "True", "true") else "no", lang)


@solara.component
def SearchResults(view, lang: str) -> None:
    objective, set_objective = solara.use_state(view.objectives[0] if view.objectives else "")
    if objective not in view.objectives and view.objectives:  # another search was opened
        objective = view.objectives[0]
    if len(view.objectives) > 1:
        by_label = {label(o, lang): o for o in view.objectives}

        def choose(name: str | None) -> None:
            set_objective(by_label.get(name or "", objective))

        solara.Select(
            label=word("objective", lang),
            values=list(by_label),
            value=label(objective, lang),
            on_value=choose,
        )
    solara.FigurePlotly(front_figure(view, objective, lang))
    names = [r["policy"] for r in view.policies if r["policy"] != "baseline"]
    chosen, set_chosen = solara.use_state(names[0] if names else "")
    if not names:
        return
    if chosen not in names:  # another search was opened
        chosen = names[0]
    solara.Select(
        label=word("choose_policy", lang), values=names, value=chosen, on_value=set_chosen
    )
    heading(f"{word('policy_comparison', lang, policy=chosen)}")
    row = next(r for r in view.policies if r["policy"] == chosen)
    reported, feasible = (_yes(row.get(k), lang) for k in ("reported", "feasible"))
    solara.Text(word("policy_status", lang, reported=reported, feasible=feasible))
    for rows, name in (
        (policy_rows(view, chosen, lang), "search-policy"),
        (lever_rows(view, chosen, lang), "search-levers"),
    ):
        header = list(rows[0]) if rows else []
        body = [[r[h] for h in header] for r in rows]
        solara.HTML(tag="div", unsafe_innerHTML=table_html(header, body, name=name))
