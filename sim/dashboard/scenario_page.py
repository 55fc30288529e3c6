"""The Scenario page: choose a preset or upload a scenario and a communities file; write
policies by editing levers in forms generated from their declarations."""

from __future__ import annotations

from functools import cache
from typing import Any

import solara

from sim.dashboard import state
from sim.dashboard.form import LeverField, PolicyForm, lever_fields, policy_of, shown, value_at
from sim.dashboard.upload_box import UploadBox
from sim.dashboard.uploads import (
    COMMUNITY_SUFFIXES,
    SCENARIO_SUFFIXES,
    Upload,
    UploadError,
    copied,
    save_upload,
    scenario_from_uploads,
    upload_folder,
    upload_notes,
)
from sim.dashboard.widgets import heading, note
from sim.dashboard.words import entry_name, section_title, word
from sim.scenario_diff import changes, summary
from sim.scenario_loader import preset_names

HELP_STYLE = "font-size: 0.8em; color: #555; margin: -4px 0 10px 0"
ERROR_STYLE = "font-size: 0.85em; color: #b00020; margin: 0 0 8px 0"


@cache
def levers() -> list[LeverField]:
    return lever_fields()


@solara.component
def ScenarioPage() -> None:
    lang = state.lang.value
    drafts = state.policies.value
    draft = drafts[min(state.selected.value, len(drafts) - 1)]
    form = policy_of(state.base_scenario(), levers(), draft.raw)  # read once for both
    with solara.Columns([1, 2]):
        with solara.Column():
            ScenarioSource(lang)
            PolicyList(draft, form, lang)
        with solara.Column():
            LeverForm(draft, form, lang)


@solara.component
def ScenarioSource(lang: str) -> None:
    base = state.base_scenario()
    solara.Select(
        label=word("preset", lang),
        values=preset_names(),
        value=state.preset.value,
        on_value=_choose_preset,
        disabled=state.uploaded_base.value is not None,
    )
    heading(f"{word('or_upload', lang)}")
    UploadBox(word("upload_scenario", lang), ",".join(SCENARIO_SUFFIXES), _on_scenario_file)
    _uploaded(state.uploaded_scenario.value, lang)
    UploadBox(word("upload_communities", lang), ",".join(COMMUNITY_SUFFIXES), _on_communities_file)
    _uploaded(state.uploaded_communities.value, lang)
    if state.upload_error.value:
        with solara.Div(classes=["upload-error"]):
            solara.Error(f"{word('upload_error', lang)}: {state.upload_error.value}")
    solara.Info(word("using", lang, name=base.name))
    if state.uploaded_base.value is not None:
        for text in state.upload_notes.value:
            note(text)
    if state.uploaded_scenario.value or state.uploaded_communities.value:
        solara.Button(word("use_preset", lang), on_click=_forget_uploads, text=True)


def _uploaded(upload: Upload | None, lang: str) -> None:
    if upload is not None:
        solara.Text(word("uploaded", lang, name=upload.name), style=HELP_STYLE)


def _choose_preset(name: str) -> None:
    state.preset.value = name


def _forget_uploads() -> None:
    state.uploaded_base.value = None
    state.uploaded_scenario.value = None
    state.uploaded_communities.value = None
    state.upload_error.value = ""
    state.upload_notes.value = []


def _on_scenario_file(name: str, data: bytes) -> None:
    _on_file(name, data, SCENARIO_SUFFIXES, state.uploaded_scenario)


def _on_communities_file(name: str, data: bytes) -> None:
    _on_file(name, data, tuple(COMMUNITY_SUFFIXES), state.uploaded_communities)


def _on_file(name: str, data: bytes, suffixes: tuple[str, ...], slot: solara.Reactive) -> None:
    """Read the scenario the uploads make, each attempt in a new folder with copies of the
    other upload (so a refused file never replaces one the scenario in use reads). A
    problem is shown by the upload boxes and the scenario in use stays what it was; the
    file is kept for the next upload (a scenario naming a communities file not yet given
    waits for it) until the uploads are cleared."""
    folder = upload_folder()
    try:
        upload = save_upload(folder, name, data, suffixes)
    except UploadError as err:
        state.upload_error.value = str(err)
        return
    slot.value = upload
    given = [
        copied(u, folder) for u in (state.uploaded_scenario.value, state.uploaded_communities.value)
    ]
    try:
        scenario = scenario_from_uploads(*given)
    except UploadError as err:
        state.upload_error.value = str(err)
        return
    state.uploaded_base.value = scenario
    state.upload_error.value = ""
    state.upload_notes.value = upload_notes(scenario)


@solara.component
def PolicyList(draft: state.PolicyDraft, form: PolicyForm, lang: str) -> None:
    heading(f"{word('policies', lang)}")
    solara.Text(word("baseline_note", lang), style=HELP_STYLE)
    drafts = state.policies.value
    names = [d.name for d in drafts]
    solara.ToggleButtonsSingle(
        value=names[state.selected.value] if state.selected.value < len(names) else names[0],
        values=names,
        on_value=lambda name: state.selected.set(names.index(name)),
    )
    solara.InputText(
        word("policy_name", lang),
        value=draft.name,
        on_value=_rename,
        continuous_update=False,
        error=state.rename_error.value or False,
    )
    if form.scenario is not None:
        found = changes(
            state.base_scenario().model_dump(mode="json"), form.scenario.model_dump(mode="json")
        )
        text = summary(found) if found else word("nothing_changed", lang)
        solara.Text(word("changed", lang, what=text), style=HELP_STYLE)
    with solara.Row():
        solara.Button(word("add_policy", lang), on_click=_add_policy, outlined=True)
        solara.Button(
            word("remove_policy", lang),
            on_click=_remove_policy,
            text=True,
            disabled=len(drafts) < 2,
        )


def _rename(name: str | None) -> None:
    """Rename the policy being edited; a name taken (or "baseline", or none) is refused
    with a message by the box."""
    name = (name or "").strip()[:60]
    drafts = list(state.policies.value)
    taken = {d.name for k, d in enumerate(drafts) if k != state.selected.value}
    if not name or name in taken or name == "baseline":
        state.rename_error.value = word("name_taken", state.lang.value, name=name)
        return
    state.rename_error.value = ""
    k = state.selected.value
    drafts[k] = state.PolicyDraft(name, drafts[k].raw)
    state.policies.value = drafts


def _add_policy() -> None:
    drafts = list(state.policies.value)
    taken = {d.name for d in drafts}
    n = len(drafts) + 1
    while f"policy {n}" in taken:
        n += 1
    drafts.append(state.PolicyDraft(f"policy {n}"))
    state.policies.value = drafts
    state.selected.value = len(drafts) - 1


def _remove_policy() -> None:
    drafts = list(state.policies.value)
    if len(drafts) > 1:
        drafts.pop(state.selected.value)
        state.policies.value = drafts
        state.selected.value = 0


def _set_value(key: str, value: Any) -> None:
    drafts = list(state.policies.value)
    k = min(state.selected.value, len(drafts) - 1)
    drafts[k] = drafts[k].with_value(key, value)
    state.policies.value = drafts


@solara.component
def LeverForm(draft: state.PolicyDraft, form: PolicyForm, lang: str) -> None:
    base = state.base_scenario()
    heading(f"{word('editing', lang, name=draft.name)}")
    if form.errors:
        solara.Error(word("form_errors", lang))
    errors = form.errors_in(lang)
    if "" in errors:
        solara.Error(errors[""])
    sections: dict[str, list[LeverField]] = {}
    for lever in levers():
        sections.setdefault(lever.section, []).append(lever)
    for k, (name, members) in enumerate(sections.items()):
        touched = any(m.key in draft.raw or m.key in form.errors for m in members)
        with solara.Details(summary=section_title(name, lang), expand=k == 0 or touched):
            for lever in members:
                current = shown(lever, value_at(base, lever.key))
                LeverInput(
                    lever,
                    draft.raw.get(lever.key, current),
                    errors.get(lever.key, ""),
                    lang,
                )


@solara.component
def LeverInput(lever: LeverField, value: Any, error: str, lang: str) -> None:
    """One lever's widget, with its unit, range, help text and error, from its declaration."""
    label, help_text, unit = lever.text(lang)
    title = f"{label} ({unit})" if unit else label

    def on_value(new: Any) -> None:
        _set_value(lever.key, new)

    with solara.Div(classes=["lever", f"lever-{lever.key.replace('.', '-')}"]):
        _widget(lever, title, value, error, lang, on_value)
        extra = f" · {word('range', lang)} {lever.range_text}" if lever.range_text else ""
        solara.Text(f"{help_text}{extra}", style=HELP_STYLE)
        if error and lever.kind in ("table", "multi", "bool", "choice"):
            solara.Text(error, style=ERROR_STYLE, classes=["field-error"])


def _widget(lever: LeverField, title: str, value: Any, error: str, lang: str, on_value) -> None:
    if lever.kind in ("int", "float"):
        solara.InputText(
            title,
            value=str(value),
            on_value=on_value,
            error=error or False,
            message=word("not_set", lang) if lever.optional else None,
        )
    elif lever.kind == "bool":
        solara.Switch(label=title, value=bool(value), on_value=on_value)
    elif lever.kind == "choice":
        solara.Select(label=title, values=list(lever.choices), value=str(value), on_value=on_value)
    elif lever.kind == "multi":
        solara.SelectMultiple(
            label=title, values=list(value), all_values=list(lever.choices), on_value=on_value
        )
    elif lever.kind == "table":
        _table(lever, title, dict(value), lang, on_value)
    else:
        solara.Text(title, style="font-weight: 500")
        solara.InputTextArea(
            title, value=str(value), on_value=on_value, error=error or False, rows=3
        )


def _table(lever: LeverField, title: str, value: dict, lang: str, on_value) -> None:
    solara.Text(title, style="font-weight: 500")
    with solara.Row(style="flex-wrap: wrap"):
        for entry in lever.entries:

            def set_entry(new: Any, entry: str = entry) -> None:
                on_value({**value, entry: "" if new is None else str(new)})

            if lever.entry_kind == "choice":
                solara.Select(
                    label=entry_name(entry, lang),
                    values=["", *lever.choices],
                    value=str(value.get(entry, "")),
                    on_value=set_entry,
                    style="max-width: 150px",
                )
            else:
                solara.InputText(
                    entry_name(entry, lang),
                    value=str(value.get(entry, "")),
                    on_value=set_entry,
                    style="max-width: 130px",
                )
