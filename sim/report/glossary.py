"""What the numbers and words of a report mean, in English and Chinese.

Two kinds of entries: every outcome of the registry (:mod:`sim.results.outcomes`, whose
definitions follow the counting rules of :mod:`sim.results.metrics`), and the general
terms a planner meets around them (received, latent, p90, paired difference, ...). A report
ends with the outcomes of its table and the general terms; the README's Glossary section is
the whole of it, written by ``python3 -m sim.report.glossary --markdown``.
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from sim.report.style import LANGUAGES, TEXT
from sim.results.outcomes import OUTCOME


@dataclass(frozen=True)
class Term:
    """A word of the reports that is not an outcome, with its meaning in both languages."""

    en: str
    zh: str
    meaning_en: str
    meaning_zh: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def meaning(self, lang: str) -> str:
        return self.meaning_zh if lang == "zh" else self.meaning_en


TERMS: tuple[Term, ...] = (
    Term(
        "measured period",
        "统计期",
        "the days the outcomes count, from day 0 to the end of the run; events of the warm-up "
        "before it are left out",
        "各项指标所统计的天数,从第0天到运行结束;此前预热期内的事件不计入",
    ),
    Term(
        "warm-up",
        "预热期",
        "days simulated before day 0, so that the measured period starts from the state of a "
        "system already running (disputes not yet found, cases waiting in court)",
        "第0天之前先行模拟的天数,使统计期从一个已在运转的体系的状态开始(尚未发现的纠纷、法院积压的案件)",
    ),
    Term(
        "latent",
        "潜在纠纷",
        "a dispute that has arisen but that nobody in the network has learned of yet; it may "
        "harden, lapse, or be found by a grid patrol, a building head, a walk-in, the hotline "
        "or a court filing",
        "已经发生但尚无人知晓的纠纷;它可能升级、自行消解,或经网格巡查、楼栋长报告、群众来访、热线、诉讼立案被发现",
    ),
    Term(
        "lapsed",
        "自行消解",
        "a latent dispute the parties settled privately or let drop before anybody learned of it",
        "在无人知晓之前由当事人私下了结或不了了之的潜在纠纷",
    ),
    Term(
        "stay",
        "中心办理",
        "the time a dispute spends at one level of centre, from arrival to leaving; a dispute "
        "handed up has one stay at each level it reaches",
        "一件纠纷在某一级中心从到达到离开的过程;逐级移交的纠纷在所到的每一级各有一次办理",
    ),
    Term(
        "received",
        "受理",
        "a dispute is received by the centres when its first stay at a joint centre of any "
        "level (community room to city centre) began in the measured period, whatever channel "
        "brought it; it counts once however many levels it passes",
        "纠纷在任一级联合中心(社区调解室至市中心)的首次办理始于统计期内即为受理,不论经何渠道而来;经过多少级都只计一次",
    ),
    Term(
        "stays closed within the time limit",
        "按时限办结",
        "a closed stay complies when it ended (settled, failed or withdrawn) by its level's "
        "deadline; a stay handed on because its time ran out does not",
        "已结束的中心办理在该级时限内结束(化解、调解不成或撤回)即为按时办结;因期满而移交的不算",
    ),
    Term(
        "p90",
        "p90(90%分位数)",
        "the 90th percentile: nine values in ten are at or below it",
        "第90百分位数:十个值中有九个不超过它",
    ),
    Term(
        "logit",
        "logit(对数几率)",
        "the scale of the success levers of the calibration: the log of the odds p/(1-p) of "
        "success. 0 is 50%, +1 about 73%, -1 about 27%; the shifts by level, complexity, stage "
        "and type add on this scale",
        "校准中调解成功参数所用的尺度:成功几率p/(1-p)的自然对数。0对应50%,+1约为73%,-1约为27%;按层级、复杂程度、阶段和类型的调整在此尺度上相加",
    ),
    Term(
        "replication",
        "重复运行",
        "one run of a policy with one seed; the replications of a policy differ only in their "
        "random draws, and every policy runs on the same seeds",
        "某一方案用一个随机种子的一次运行;同一方案的各次重复只在随机抽样上不同,各方案使用相同的种子",
    ),
    Term(
        "paired difference",
        "配对差值",
        "policy minus baseline, taken seed by seed (both saw the same disputes arise) and then "
        "averaged; pairing removes most of the noise between seeds",
        "方案减基准,按相同种子逐次相减(两者发生的纠纷相同)后取平均;配对消除了种子之间的大部分随机差异",
    ),
    Term(
        "95% interval",
        "95%区间",
        "the mean plus or minus Student's t times its standard error over the replications; a "
        "difference whose interval excludes 0 is unlikely to be chance",
        "按重复运行的均值加减t分布分位数乘以标准误;区间不含0的差值不大可能出于偶然",
    ),
    Term(
        "scale",
        "人口比例",
        "the share of the city that is run: below 1 keeps that share of townships whole, with "
        "their communities and staff; above 1 multiplies residents and staff. Counts are of "
        "the part that is run",
        "运行的城市比例:小于1时按此比例保留整个街道(乡镇)及其社区和人员;大于1时人口和人员按比例放大。各项计数均针对运行的部分",
    ),
    Term(
        "pp",
        "百分点(pp)",
        "percentage points: the difference of two shares, as 80% - 78% = 2 pp",
        "两个比例之差的单位,例如80%-78%=2个百分点",
    ),
)


def rows(lang: str, outcomes: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """(term, column name or "", meaning): the outcomes named (every registry outcome when
    None) in that order, then the general terms."""
    names = OUTCOME if outcomes is None else [n for n in outcomes if n in OUTCOME]
    found = [(OUTCOME[n].label(lang), n, OUTCOME[n].meaning(lang)) for n in names]
    return [*found, *((t.label(lang), "", t.meaning(lang)) for t in TERMS)]


def outcomes_labelled(labels: Iterable[str], lang: str) -> list[str]:
    """The registry names of the outcomes whose label (in that language) is among ``labels``,
    in the order of the labels: a page knows its table by what it shows."""
    by_label = {o.label(lang): o.name for o in OUTCOME.values()}
    return [by_label[label] for label in labels if label in by_label]


def markdown(lang: str, outcomes: Iterable[str] | None = None, names: bool = False) -> str:
    """A Markdown table of the glossary; ``names`` adds the column names of the outcomes."""
    words = TEXT[lang]
    head = [words["term"], *([words["column"]] if names else []), words["meaning"]]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for term, name, meaning in rows(lang, outcomes):
        cells = [term, *([f"`{name}`" if name else ""] if names else []), meaning]
        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(out)


def html_section(lang: str, outcomes: Iterable[str] | None = None) -> str:
    """The glossary as a collapsible HTML section (a definition list)."""
    e = html.escape
    words = TEXT[lang]
    items = "".join(f"<dt>{e(t)}</dt><dd>{e(m)}</dd>" for t, _, m in rows(lang, outcomes))
    return (
        f"<details class='glossary'><summary>{e(words['glossary'])}</summary>"
        f"<p>{e(words['glossary_intro'])}</p><dl>{items}</dl></details>"
    )


README_LANGUAGES = {"en": "English", "zh": "中文"}


def readme_section() -> str:
    """The README's Glossary section: every outcome and term, a table per language."""
    out = [
        "## Glossary",
        "",
        "What each outcome and each word of the reports means. Written by",
        "`python3 -m sim.report.glossary --markdown` from the outcome registry",
        "(`sim/results/outcomes.py`) and the terms in `sim/report/glossary.py`; a test checks",
        "that this section is what they write (rerun the command after changing either).",
    ]
    for lang in LANGUAGES:
        out += ["", f"### {README_LANGUAGES[lang]}", "", markdown(lang, names=True)]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    """A Markdown table cell: a '|' or a line break would split the row."""
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m sim.report.glossary", description="Print the glossary."
    )
    parser.add_argument("--markdown", action="store_true", help="the README's section")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="one language's table")
    args = parser.parse_args(argv)
    text = readme_section() if args.markdown else markdown(args.lang, names=True) + "\n"
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
