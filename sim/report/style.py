"""Labels in English or Chinese, the CJK font, and how figures are saved.

Chinese labels use Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package (the ``zh``
extra), registered with matplotlib at first use, with DejaVu Sans as the fallback for
anything it lacks.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.font_manager as font_manager
import matplotlib.pyplot as plt

from sim.report.errors import ReportError as ReportError  # re-exported
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
        """Matplotlib settings for this language (the CJK font for Chinese)."""
        rc: dict[Any, Any] = {"axes.unicode_minus": False}  # matplotlib types keys as literals
        if self.code == "zh":
            rc["font.family"] = "sans-serif"
            rc["font.sans-serif"] = [cjk_font(), "DejaVu Sans"]
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
            "Chinese labels need the CJK font package: pip install -e '.[zh]'"
        ) from None
    font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        raise ReportError(
            f"{CJK_FAMILY} not found in {noto_cjk_sans_otc.FONT_PATH}: this "
            "matplotlib cannot read font collections (need 3.10 or newer)"
        )
    return CJK_FAMILY


def save(fig, path: Path, dpi: int = 120) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
