"""The Results page: the key-outcome table with paired 95% intervals and costs, the
report's figures, the interactive map, results by county and township, downloads."""

from __future__ import annotations

from pathlib import Path

import solara

from sim.analysis.paired import FEW_REPLICATIONS
from sim.dashboard import state
from sim.dashboard.jobs import Finished
from sim.dashboard.map_figure import map_figure
from sim.dashboard.results_view import SavedComparison, area_rows, downloads, outcome_rows
from sim.dashboard.scenario_page import HELP_STYLE
from sim.dashboard.widgets import heading, table_html
from sim.dashboard.words import word


@solara.component
def ResultsPage() -> None:
    lang = state.lang.value
    finished = state.finished.value
    if finished is None:
        solara.Info(word("no_results", lang))
        return
    ResultsView(finished, lang)


@solara.component
def ResultsView(finished: Finished, lang: str) -> None:
    # read once per comparison, not again at every click on the page
    saved = solara.use_memo(lambda: SavedComparison(finished.folder), [finished.folder])
    others = saved.policies[1:]
    chosen, set_chosen = solara.use_state(others[0] if others else saved.baseline)
    if chosen not in saved.policies:
        chosen = others[0] if others else saved.baseline
    solara.Select(
        label=word("choose_policy", lang), values=others, value=chosen, on_value=set_chosen
    )
    OutcomeTable(saved, chosen, lang)
    Figures(finished.reports.get(lang), finished.report_errors.get(lang), lang)
    heading(f"{word('map', lang)}")
    map_policy, set_map_policy = solara.use_state(chosen)
    solara.Select(
        label=word("map_policy", lang),
        values=saved.policies,
        value=map_policy if map_policy in saved.policies else chosen,
        on_value=set_map_policy,
    )
    figure = map_figure(
        saved.table("places"), saved.table("centres"), map_policy, saved.baseline, lang
    )
    solara.FigurePlotly(figure)
    Areas(saved, chosen, lang)
    Downloads(saved, finished.reports, lang)


@solara.component
def OutcomeTable(saved: SavedComparison, policy: str, lang: str) -> None:
    heading(f"{word('key_outcomes', lang)}: {policy}")
    rows = [r for r in outcome_rows(saved, lang) if r["policy"] == policy]
    header = [word(k, lang) for k in ("outcome", "baseline_value", "policy_value", "difference")]
    body = [[r["outcome"], r["baseline"], r["value"], r["difference"]] for r in rows]
    keys = [r["key"] for r in rows]
    solara.HTML(tag="div", unsafe_innerHTML=table_html(header, body, keys, "key-outcomes"))
    if saved.pairs < FEW_REPLICATIONS:  # as the CLI warns
        solara.Warning(word("few_reps", lang, n=saved.pairs, advised=2 * FEW_REPLICATIONS))
    solara.Text(word("star_note", lang), style=HELP_STYLE)


@solara.component
def Figures(folder: Path | None, error: str | None, lang: str) -> None:
    heading(f"{word('figures', lang)}")
    if folder is None:
        solara.Warning(word("report_missing", lang, language=lang, why=error or "?"))
        return
    with solara.GridFixed(columns=2):
        for png in sorted(folder.glob("*.png")):
            solara.Image(png, width="100%")


@solara.component
def Areas(saved: SavedComparison, policy: str, lang: str) -> None:
    for kind, title in (("county", "by_county"), ("township", "by_township")):
        rows = area_rows(saved, kind, policy, lang)
        if not rows:
            continue
        heading(f"{word(title, lang)}: {policy}")
        header = list(rows[0])
        body = [[r[h] for h in header] for r in rows]
        solara.HTML(tag="div", unsafe_innerHTML=table_html(header, body, name=f"areas-{kind}"))


@solara.component
def Downloads(saved: SavedComparison, reports: dict[str, Path], lang: str) -> None:
    heading(f"{word('downloads', lang)}")
    with solara.Row(style="flex-wrap: wrap"):
        for path in downloads(saved, reports):
            name = f"{path.parent.name}-{path.name}" if path.parent != saved.folder else path.name
            solara.FileDownload(lambda path=path: path.read_bytes(), filename=name, label=name)
