"""The glossary: every outcome defined in both languages, the README's section exactly what
the module writes, and tables that stay tables whatever their text holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.report import glossary
from sim.results.outcomes import OUTCOME

README = Path(__file__).parent.parent / "README.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


def readme_glossary() -> str:
    """README's Glossary section: from its heading to the next level-2 heading or the end."""
    text = README.read_text(encoding="utf-8")
    start = text.find("\n## Glossary\n")
    assert start >= 0, "README has no '## Glossary' section"
    section = text[start + 1 :]
    end = section.find("\n## ", 1)
    return section if end < 0 else section[: end + 1]


def test_readme_glossary_is_what_the_module_writes():
    assert readme_glossary() == glossary.readme_section(), (
        "README's Glossary is stale: replace it with `python3 -m sim.report.glossary --markdown`"
    )


def test_the_command_prints_the_readme_section(capsys):
    assert glossary.main(["--markdown"]) == 0
    assert capsys.readouterr().out == glossary.readme_section()


@pytest.mark.parametrize("name", sorted(OUTCOME))
def test_every_outcome_is_defined_in_both_languages(name):
    outcome = OUTCOME[name]
    assert outcome.definition.strip() and outcome.definition_zh.strip()
    assert CJK.search(outcome.definition_zh), f"{name}: the Chinese definition has no Chinese"
    assert not CJK.search(outcome.definition), f"{name}: the English definition is Chinese"


def test_every_term_is_defined_in_both_languages():
    for term in glossary.TERMS:
        assert term.en and term.meaning_en and not CJK.search(term.meaning_en)
        assert CJK.search(term.zh) and CJK.search(term.meaning_zh), term.en


def test_the_terms_a_planner_meets_are_there():
    terms = {t.en for t in glossary.TERMS}
    for word in ("received", "latent", "lapsed", "p90", "logit", "paired difference"):
        assert word in terms
    assert {"95% interval", "replication", "scale", "warm-up", "pp"} <= terms
    assert "stays closed within the time limit" in terms


def test_rows_keep_the_order_asked_and_drop_unknown_names():
    rows = glossary.rows("zh", ["court_cases", "no_such_outcome", "petitions"])
    outcomes = [r for r in rows if r[1]]
    assert [r[1] for r in outcomes] == ["court_cases", "petitions"]
    assert outcomes[0] == ("进入法院的纠纷数", "court_cases", OUTCOME["court_cases"].definition_zh)
    assert len(rows) == 2 + len(glossary.TERMS)
    assert len(glossary.rows("en")) == len(OUTCOME) + len(glossary.TERMS)


def test_a_page_finds_its_outcomes_by_their_labels():
    labels = ["中心化解率", "policy A", "信访数"]
    assert glossary.outcomes_labelled(labels, "zh") == ["centre_resolution_rate", "petitions"]
    assert glossary.outcomes_labelled(["中心化解率"], "en") == []


def test_markdown_rows_have_as_many_cells_as_the_header():
    for lang in ("en", "zh"):
        for names in (False, True):
            lines = glossary.markdown(lang, names=names).splitlines()
            cells = {len(re.split(r"(?<!\\)\|", line)) for line in lines}
            assert len(cells) == 1, (lang, names)
            assert len(lines) == 2 + len(OUTCOME) + len(glossary.TERMS)


def test_html_section_is_a_collapsible_definition_list():
    section = glossary.html_section("zh", ["court_cases"])
    assert section.startswith("<details") and section.endswith("</details>")
    assert "<summary>术语表</summary>" in section
    assert section.count("<dt>") == 1 + len(glossary.TERMS) == section.count("<dd>")
    assert "<dt>进入法院的纠纷数</dt>" in section
