"""The dashboard's state. Solara keeps one value of each reactive variable per browser tab
(per virtual kernel), so two tabs never see each other's scenario, policies or results."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import solara

from sim.config import Scenario
from sim.dashboard.jobs import Finished
from sim.dashboard.uploads import Upload
from sim.scenario_loader import DEFAULT_PRESET, load_scenario


@dataclass(frozen=True)
class PolicyDraft:
    """A policy being written: its name and the widget values of the levers it changes."""

    name: str
    raw: dict[str, Any] = field(default_factory=dict)

    def with_value(self, key: str, value: Any) -> PolicyDraft:
        return replace(self, raw={**self.raw, key: value})


lang = solara.reactive("en")
preset = solara.reactive(DEFAULT_PRESET)
uploaded_scenario: solara.Reactive[Upload | None] = solara.reactive(None)
uploaded_communities: solara.Reactive[Upload | None] = solara.reactive(None)
uploaded_base: solara.Reactive[Scenario | None] = solara.reactive(None)
upload_error = solara.reactive("")
upload_notes: solara.Reactive[list[str]] = solara.reactive([])  # what sim run would note
policies = solara.reactive([PolicyDraft("policy 1")])
selected = solara.reactive(0)
rename_error = solara.reactive("")
replications = solara.reactive("5")
first_seed = solara.reactive("1")
scale = solara.reactive("0.25")
days = solara.reactive("")
finished: solara.Reactive[Finished | None] = solara.reactive(None)
search_folder = solara.reactive("")


def base_scenario() -> Scenario:
    """The scenario the baseline runs: an uploaded one, or the chosen preset."""
    return uploaded_base.value or _preset(preset.value)


_PRESETS: dict[str, Scenario] = {}


def _preset(name: str) -> Scenario:
    if name not in _PRESETS:  # presets are files of the package: the same for every tab
        _PRESETS[name] = load_scenario(name)
    return _PRESETS[name]
