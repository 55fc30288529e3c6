"""Every lever's declaration says what a form shows for it, in English and Chinese: a short
label in each language, the description in Chinese and the unit of its values."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sim import config
from sim.config import FORM_KEYS, UNITS_ZH, parameters

CJK = re.compile(r"[\u4e00-\u9fff]")
LEVERS = parameters("lever")


def all_sections() -> list[type[config.Section]]:
    """Every section class, also those only inside lists and tables (a centre's duty mix,
    a department, a committee), which parameters() does not walk into."""
    found, todo = [], [config.Section]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


def lever_fields() -> list[tuple[str, dict]]:
    """(Section.field, json_schema_extra) of every lever declared in sim/config.py."""
    return [
        (f"{section.__name__}.{name}", field.json_schema_extra)
        for section in all_sections()
        for name, field in section.model_fields.items()
        if isinstance(field.json_schema_extra, dict)
        and field.json_schema_extra.get("role") == "lever"
    ]


def test_the_levers_are_all_there():
    assert len(LEVERS) >= 40
    nested = {name for name, _ in lever_fields()}
    assert {"CentreDutyConfig.full_time_share", "DepartmentConfig.mode"} <= nested
    assert "CommitteeConfig.mediators" in nested


@pytest.mark.parametrize("row", LEVERS, ids=lambda row: row["key"])
def test_every_lever_row_has_labels_in_both_languages(row):
    key = row["key"]
    for name in ("label", "label_zh", "help_zh"):
        assert isinstance(row[name], str) and row[name].strip(), f"{key}: no {name}"
    assert CJK.search(row["label_zh"]), f"{key}: label_zh {row['label_zh']!r} has no Chinese"
    assert CJK.search(row["help_zh"]), f"{key}: help_zh has no Chinese"
    assert not CJK.search(row["label"]), f"{key}: the English label is Chinese"
    assert 2 <= len(row["label"].split()) <= 5, f"{key}: label {row['label']!r} not 2-5 words"
    assert row["label"][0].isupper(), f"{key}: label {row['label']!r} not in sentence case"


@pytest.mark.parametrize("row", LEVERS, ids=lambda row: row["key"])
def test_every_lever_unit_is_translated(row):
    assert isinstance(row["unit"], str)
    assert not row["unit"] or row["unit"] in UNITS_ZH, (
        f"{row['key']}: unit {row['unit']!r} is not a key of UNITS_ZH"
    )


@pytest.mark.parametrize("name", ["label", "label_zh"])
def test_labels_are_unique_in_each_language(name):
    counts = Counter(row[name] for row in LEVERS)
    assert not [label for label, n in counts.items() if n > 1], f"{name} used twice"
    nested = Counter(extra[name] for _, extra in lever_fields())
    assert not [label for label, n in nested.items() if n > 1], f"{name} used twice"


@pytest.mark.parametrize("where, extra", lever_fields(), ids=lambda value: str(value)[:40])
def test_levers_inside_lists_and_tables_are_labelled_too(where, extra):
    assert set(FORM_KEYS) <= set(extra), f"{where}: missing {set(FORM_KEYS) - set(extra)}"
    assert extra["label"] and CJK.search(extra["label_zh"]) and CJK.search(extra["help_zh"])
    assert not extra["unit"] or extra["unit"] in UNITS_ZH, f"{where}: unit {extra['unit']!r}"


def test_the_chinese_units_are_chinese_and_all_used():
    assert all(CJK.search(zh) for zh in UNITS_ZH.values())
    used = {extra["unit"] for _, extra in lever_fields()}
    assert set(UNITS_ZH) == used - {""}, "UNITS_ZH holds units no lever has"


def test_other_fields_have_empty_form_keys():
    others = [row for row in parameters() if row["role"] != "lever"]
    assert others
    for row in others:
        assert all(row[name] == "" for name in FORM_KEYS), row["key"]


def test_parameters_keeps_its_keys():
    for row in parameters():
        assert {"key", "role", "default", "description", "range", *FORM_KEYS} == set(row)


def test_a_lever_without_labels_is_refused():
    with pytest.raises(TypeError):
        config.lever(1, "A lever with no labels.")  # type: ignore[call-arg]
    field = config.lever(1, "x", label="A b", label_zh="甲", help_zh="乙")
    assert field.json_schema_extra == {
        "role": "lever",
        "label": "A b",
        "label_zh": "甲",
        "help_zh": "乙",
        "unit": "",
    }
