"""The planner's dashboard (Solara): four tabs over the same work the command line does.
Run it with ``sim dashboard``; this module is the app Solara serves."""

from __future__ import annotations

import contextlib

import solara
import solara.lab

# Solara checks every value set on the page against pandas.DataFrame once pandas is in
# sys.modules; pandas half-imported by another tab's thread (the report imports it) fails
# that check. Imported here, before any tab, it is never half-imported.
with contextlib.suppress(ImportError):
    import pandas  # noqa: F401

from sim.dashboard import state
from sim.dashboard.compare_page import ComparePage
from sim.dashboard.optimise_page import OptimisePage
from sim.dashboard.results_page import ResultsPage
from sim.dashboard.scenario_page import ScenarioPage
from sim.dashboard.words import word


def _toggle_language() -> None:
    state.lang.value = "zh" if state.lang.value == "en" else "en"


@solara.component
def Page() -> None:
    lang = state.lang.value
    solara.Title(word("title", lang))
    with solara.AppBar():
        solara.Button(
            word("language", lang),
            on_click=_toggle_language,
            text=True,
            classes=["language-switch"],
        )
    with solara.AppBarTitle():
        solara.Text(word("title", lang))
    tab, set_tab = solara.use_state(0)
    with solara.lab.Tabs(value=tab, on_value=set_tab, lazy=True):
        with solara.lab.Tab(word("tab_scenario", lang)):
            ScenarioPage()
        with solara.lab.Tab(word("tab_compare", lang)):
            ComparePage()
        with solara.lab.Tab(word("tab_results", lang)):
            ResultsPage()
        with solara.lab.Tab(word("tab_optimise", lang)):
            OptimisePage()
