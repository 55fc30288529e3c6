"""The one-page report: a self-contained, well-formed HTML file with every figure embedded,
Markdown tables that survive awkward labels, a glossary of the outcomes shown, and a
Chinese report with no English left in what a planner reads."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from sim.cli import main
from sim.report.page import Page
from sim.report.style import save

PNG = b"\x89PNG\r\n\x1a\n"
VOID = {"meta", "img", "br", "hr", "link", "input", "source", "wbr"}
# ASCII words a Chinese page may keep: units and terms a Chinese planner reads as they are.
ALLOWED = {"p90", "pp", "csv", "km", "logit", "png"}


class Parsed(HTMLParser):
    """Tags, links and visible text of a page; fails on a tag closed out of order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.doctype = ""
        self.lang = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "img":
            self.text.append(values.get("alt") or "")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data) -> None:
        if not self.open or self.open[-1] not in ("style", "script"):
            self.text.append(data)


def parse(page: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(page)
    parsed.close()
    assert parsed.open == [], f"unclosed: {parsed.open}"
    return parsed


def figure(folder: Path, name: str) -> str:
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [1, 0])
    save(fig, folder / name)
    return name


def small_page(folder: Path, lang: str = "en") -> Page:
    return Page(
        title="title <&>",
        lines=["line one"],
        header=["outcome", "policy | A", "B"],
        rows=[
            ["centre resolution rate", "90%", "91%"],
            ["court cases" if lang == "en" else "进入法院的纠纷数", "1", "2"],
            ["not an outcome", "x" * 300, "a\nb"],
        ],
        figures=[(figure(folder, "one.png"), "first"), (figure(folder, "two.png"), "second")],
        notes=["a note"],
        lang=lang,
    )


def test_html_embeds_every_figure_and_links_no_file(tmp_path):
    page = small_page(tmp_path)
    _, path = page.write(tmp_path)
    parsed = parse(path.read_text(encoding="utf-8"))
    images = [link for link in parsed.links if link.startswith("data:image/png;base64,")]
    assert len(images) == len(page.figures) and set(parsed.links) == set(images)
    for link in images:
        assert base64.b64decode(link.split(",", 1)[1], validate=True).startswith(PNG)
    moved = tmp_path / "elsewhere.html"
    path.rename(moved)  # nothing beside it is needed
    (tmp_path / "one.png").unlink()
    assert parse(moved.read_text(encoding="utf-8")).links == parsed.links


def test_html_is_well_formed_with_language_sticky_header_and_glossary(tmp_path):
    for lang, code in (("en", "en"), ("zh", "zh-CN")):
        text = small_page(tmp_path, lang).html(tmp_path)
        parsed = parse(text)
        assert text.startswith("<!DOCTYPE html>") and parsed.doctype.lower() == "doctype html"
        assert parsed.lang == code
        assert "<thead>" in text and "position:sticky" in text
        assert text.count("<details") == 1 and "<dl>" in text
        assert "title &lt;&amp;&gt;" in text  # escaped, not markup


def test_markdown_links_figures_and_keeps_each_row_one_row(tmp_path):
    page = small_page(tmp_path)
    text = page.markdown()
    assert "(one.png)" in text and "(two.png)" in text
    table = [line for line in text.splitlines() if line.startswith("|")]
    rows = table[: 2 + len(page.rows)]
    assert {len(re.split(r"(?<!\\)\|", line)) for line in rows} == {5}
    assert "policy \\| A" in rows[0] and "a b" in rows[-1]


def test_the_glossary_lists_the_outcomes_of_the_table_and_only_those(tmp_path):
    text = small_page(tmp_path).markdown()
    glossary = text[text.index("## Glossary") :]
    assert "| centre resolution rate | resolved by the centres over received" in glossary
    assert "| court cases |" not in glossary  # its English label is "disputes reaching court"
    assert "| not an outcome |" not in glossary
    assert "| received | a dispute is received" in glossary
    zh = small_page(tmp_path, "zh").markdown()
    assert "## 术语表" in zh and "| 进入法院的纠纷数 | 统计期内首次进入法院的纠纷数 |" in zh


# ----------------------------------------------------------------------- a Chinese report


@pytest.fixture(scope="module")
def chinese_report(tmp_path_factory):
    pytest.importorskip("noto_cjk_sans_otc")
    from tests.test_policy_scripts import SMALL, load_script

    out = tmp_path_factory.mktemp("script") / "time_limits"
    assert load_script("time_limits").run([*SMALL, "--out", str(out)]) == 0
    report = tmp_path_factory.mktemp("zh") / "report"
    assert main(["compare", str(out), "--lang", "zh", "--out", str(report)]) == 0
    from sim.report.results import load

    return report, load([out]).policies


def english_words(text: str, policies: list[str]) -> set[str]:
    """Runs of three or more ASCII letters, once paths, policy names and allowed words
    are left out."""
    for policy in sorted(policies, key=len, reverse=True):
        text = text.replace(policy, " ")
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths (and file names)
    text = re.sub(r"\b[a-z_]+(\.[a-z_0-9]+)+\b", " ", text)  # scenario keys, as written
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return {w for w in words if w.lower() not in ALLOWED}


def test_a_chinese_report_has_no_english_left(chinese_report):
    report, policies = chinese_report
    md = (report / "report.md").read_text(encoding="utf-8")
    md_text = re.sub(r"\]\([^)]*\.png\)", "]", md)  # figure links are file names
    assert english_words(md_text, policies) == set()
    parsed = parse((report / "report.html").read_text(encoding="utf-8"))
    assert parsed.lang == "zh-CN"
    assert english_words(" ".join(parsed.text), policies) == set()
    assert "术语表" in md and "受理" in md


def test_the_word_check_finds_english():
    assert english_words("中心 runs over 2 km, p90 limits 7/15", ["limits 7/15"]) == {
        "runs",
        "over",
    }
