"""Labels in English or Chinese, the CJK font, and how figures are saved.

Chinese labels use Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package (the ``zh``
extra), registered with matplotlib at first use, with DejaVu Sans as the fallback for
anything it lacks; English figures use DejaVu Sans with the CJK font as the fallback, so a
Chinese policy name renders in them too.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.font_manager as font_manager
import matplotlib.pyplot as plt
from matplotlib.text import Text

from sim.report.errors import ReportError as ReportError  # re-exported
from sim.report.text_wrap import has_cjk
from sim.results.outcomes import PLACE_LABELS, label

LANGUAGES = ("en", "zh")
CJK_FAMILY = "Noto Sans CJK SC"


TEXT = {
    "en": {
        "difference_from": "difference from {baseline}: mean and 95% interval over {n} paired "
        "replications (filled: interval excludes 0)",
        "outcomes_title": "Outcomes per policy: mean and 95% interval over replications",
        "backlog_title": "Cases open in the centres (line: median; band: 95% of replications)",
        "court_backlog": "Cases open in court",
        "day": "day (0 = start of the measured period)",
        "open_cases": "open cases",
        "warm_up": "warm-up (not counted)",
        "where_title": "Where disputes ended (mean per year over replications)",
        "disputes": "disputes",
        "map_title": "Communities and centres: {policy}",
        "population": "residents",
        "distance": "km to the nearest open centre",
        "gap": "gap: more than {km:g} km ({n} communities, {people:,} residents)",
        "serves": "served by township centre",
        "x_km": "km east",
        "y_km": "km north",
        "surface_title": "{outcome} over {x} and {y} (mean over replications)",
        "sensitivity_title": "Sensitivity: {outcome}",
        "first_order": "first-order (S1)",
        "total": "total (ST)",
        "mu_star": "mu* (mean absolute effect)",
        "outcome_column": "outcome (mean [95% interval])",
        "difference_column": "{policy} - {baseline}",
        "runs": "{policy}: {n} runs",
        "list_separator": ", ",
        "pairs_note": "Differences pair runs of the same seed: {n} pairs (the policies' seed "
        "sets differ).",
        "sweep_line": "sweep {name}: {n} runs over {factors}",
        "changes_line": "{policy} changes against {baseline}: {changes}",
        "no_changes": "nothing (the same scenario)",
        "few_replications": "Only {n} paired replications: the intervals are wide; run "
        "{more} or more for a decision.",
        "mixed_baselines": "These results come from {n} planner-script folders with their "
        "own baselines ({baselines}); every difference here is against {baseline}.",
        "no_record": "{policy}: its folder does not record its scenario (written by an "
        "older version), so what it changes is not shown.",
        "date": "written {date}",
        "glossary": "Glossary",
        "glossary_intro": "What the numbers on this page count.",
        "term": "term",
        "column": "column",
        "meaning": "meaning",
        # figures
        "fig_no_data": "no data",
        "fig_date": "date",
        "fig_holiday": "public holiday",
        "fig_new_room": "new community room (none in {baseline})",
        "fig_size_legend": "{people:,} residents",
        "fig_wide_intervals": "Warning: 95% intervals up to {width:.2f} wide (over {limit:.1f}): "
        "the indices are unreliable; run more base samples",
        "fig_few_samples": "Warning: only {n} base samples: the indices are unreliable",
        "fig_clipped": "arrow: interval continues beyond the axis",
        "fig_levels_title": "Cases being handled, by level",
        "fig_in_court_right": "in court (right axis)",
        "fig_court_axis": "open cases in court",
        "fig_backlog_axis": "open cases (backlog)",
    },
    "zh": {
        "difference_from": "与{baseline}之差:配对重复{n}次的均值与95%区间(实心:区间不含0)",
        "outcomes_title": "各方案结果:重复运行的均值与95%区间",
        "backlog_title": "各中心在办案件(线:中位数;带:95%的重复运行)",
        "court_backlog": "法院在办案件",
        "day": "天(0为统计期开始)",
        "open_cases": "在办案件",
        "warm_up": "预热期(不计入)",
        "where_title": "纠纷的结局(重复运行的年均值)",
        "disputes": "纠纷数",
        "map_title": "社区与中心:{policy}",
        "population": "人口",
        "distance": "到最近开放中心的距离(公里)",
        "gap": "空白:超过{km:g}公里({n}个社区,{people:,}人)",
        "serves": "所属街道中心",
        "x_km": "东向(公里)",
        "y_km": "北向(公里)",
        "surface_title": "{outcome}随{x}与{y}的变化(重复运行均值)",
        "sensitivity_title": "敏感性:{outcome}",
        "first_order": "一阶指数(S1)",
        "total": "总指数(ST)",
        "mu_star": "mu*(平均绝对效应)",
        "outcome_column": "指标(均值[95%区间])",
        "difference_column": "{policy}与{baseline}之差",
        "runs": "{policy}:{n}次运行",
        "list_separator": ";",
        "pairs_note": "差值按相同种子配对:共{n}对(各方案的种子不完全相同)。",
        "sweep_line": "参数扫描{name}:{n}次运行,因素为{factors}",
        "changes_line": "{policy}相对{baseline}的改变:{changes}",
        "no_changes": "无(同一情景)",
        "few_replications": "配对重复仅{n}次:区间很宽;作决策请至少运行{more}次。",
        "mixed_baselines": "这些结果来自{n}个规划脚本文件夹,各有基线({baselines});"
        "此处所有差值均相对{baseline}。",
        "no_record": "{policy}:其文件夹未记录情景(旧版本所写),无法显示其改变。",
        "date": "生成日期:{date}",
        "glossary": "术语表",
        "glossary_intro": "本页各项数字的含义。",
        "term": "术语",
        "column": "列名",
        "meaning": "含义",
        # figures
        "fig_no_data": "无数据",
        "fig_date": "日期",
        "fig_holiday": "法定节假日",
        "fig_new_room": "新设社区调解室({baseline}中没有)",
        "fig_size_legend": "{people:,}人",
        "fig_wide_intervals": "警告:95%区间宽达{width:.2f}(超过{limit:.1f}),"
        "指数不可靠,请增加基础样本",
        "fig_few_samples": "警告:基础样本仅{n}个,指数不可靠",
        "fig_clipped": "箭头:区间超出坐标轴",
        "fig_levels_title": "各级在办案件",
        "fig_in_court_right": "法院在办(右轴)",
        "fig_court_axis": "法院在办案件",
        "fig_backlog_axis": "在办案件(积压)",
    },
}
LEVELS = {
    "en": {
        "community": "community room",
        "township": "township centre",
        "county": "county centre",
        "city": "city centre",
        "committee": "committee",
        "roving": "roving team base",
    },
    "zh": {
        "community": "社区调解室",
        "township": "街道(乡镇)中心",
        "county": "县(区)中心",
        "city": "市中心",
        "committee": "专业调委会",
        "roving": "巡回调解队驻地",
    },
}


@dataclass(frozen=True)
class Language:
    code: str = "en"

    def outcome(self, name: str) -> str:
        return label(name, self.code)

    def text(self, key: str, **values) -> str:
        return TEXT[self.code][key].format(**values)

    def place(self, name: str) -> str:
        return PLACE_LABELS[self.code].get(name, name)

    def level(self, name: str) -> str:
        return LEVELS[self.code].get(name, name)

    @contextlib.contextmanager
    def style(self):
        """Matplotlib settings for this language: the CJK font first for Chinese, and after
        DejaVu Sans otherwise, so that Chinese policy names render in English reports too
        (matplotlib falls back glyph by glyph along the list)."""
        rc: dict[Any, Any] = {"axes.unicode_minus": False}  # matplotlib types keys as literals
        # Named families, not "sans-serif": matplotlib falls back glyph by glyph only along
        # font.family (a generic family resolves to one font).
        rc["font.family"] = font_families(self.code)
        rc["font.sans-serif"] = font_families(self.code)
        with plt.rc_context(rc):
            yield


def language(code: str) -> Language:
    if code not in LANGUAGES:
        raise ReportError(f"--lang {code!r}: expected one of {', '.join(LANGUAGES)}")
    return Language(code)


def cjk_font() -> str:
    """Register the packaged Noto Sans CJK collection once; return the family to use."""
    if any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        return CJK_FAMILY
    try:
        import noto_cjk_sans_otc
    except ImportError:
        raise ReportError(
            "Chinese labels need the CJK font package: pip install 'dispute-sim[zh]' "
            "(from a source checkout: pip install -e '.[zh]')"
        ) from None
    font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        raise ReportError(
            f"{CJK_FAMILY} not found in {noto_cjk_sans_otc.FONT_PATH}: this "
            "matplotlib cannot read font collections (need 3.10 or newer)"
        )
    return CJK_FAMILY


def font_families(code: str = "en") -> list[str]:
    """The sans-serif list for a language; Chinese requires the CJK font, English adds it
    as a fallback when it is installed."""
    if code == "zh":
        return [cjk_font(), "DejaVu Sans"]
    try:
        return ["DejaVu Sans", cjk_font()]
    except ReportError:
        return ["DejaVu Sans"]


def check_fonts(fig) -> None:
    """Refuse, with the install hint, a figure whose text needs the CJK font when that font
    is missing (matplotlib would draw empty boxes and only warn)."""
    if len(font_families()) > 1:  # the CJK font is there
        return
    for ax in fig.axes:  # tick labels get their text only when asked for
        ax.get_xticklabels()
        ax.get_yticklabels()
    if any(has_cjk(t.get_text()) for t in fig.findobj(Text)):
        cjk_font()  # raises the ReportError that names the package


def save(fig, path: Path, dpi: int = 120) -> Path:
    """Write the figure as a PNG (with the CJK fallback font, whatever the caller's style)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_fonts(fig)
    fallback_fonts(fig)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def fallback_fonts(fig) -> None:
    """Give text made outside a language's style (generic "sans-serif", which resolves to a
    single font) the named families, so that Chinese glyphs fall back to the CJK font."""
    families = font_families()
    for ax in fig.axes:  # tick labels exist only once asked for; later ones copy the first
        ax.get_xticklabels()
        ax.get_yticklabels()
    for text in fig.findobj(Text):
        if text.get_fontfamily() == ["sans-serif"]:
            text.set_fontfamily(families)
