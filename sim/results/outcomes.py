"""The outcome registry: every outcome a run yields, with its labels, unit and format.

One entry per column of the summary row (:func:`sim.results.metrics.summarise`, in its
order) and per extra output computed from the record tables for validation
(:func:`sim.results.metrics.extra_outputs`). The terminal table, planner scripts, figures
and reports all read their labels and formats from here; a test checks that the entries
and the columns are the same names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.domain import CENTRE_LEVELS, CHANNELS, DUTY_PLACES, RESOLUTION_PLACES

# Names of the places a dispute can end in, and of the centre kinds, in both languages.
PLACE_LABELS = {
    "en": {
        "grid": "grid officer",
        "community": "community",
        "township": "township",
        "county": "county",
        "city": "city",
        "committee": "specialised committee",
        "court": "court mediation",
        "judged": "judged",
        "withdrawn": "withdrawn",
        "petitions": "petition",
        "incidents": "violent incident",
    },
    "zh": {
        "grid": "网格员",
        "community": "社区(村)",
        "township": "街道(乡镇)",
        "county": "县(区)",
        "city": "市",
        "committee": "专业调委会",
        "court": "法院调解",
        "judged": "判决",
        "withdrawn": "撤回",
        "petitions": "信访",
        "incidents": "暴力事件",
    },
}
CHANNEL_LABELS = {
    "en": {
        "patrol": "patrol",
        "building_head": "building heads",
        "walk_in": "walk-in",
        "hotline": "hotline",
        "court_filing": "court filing",
    },
    "zh": {
        "patrol": "网格巡查",
        "building_head": "楼栋长报告",
        "walk_in": "群众来访",
        "hotline": "热线",
        "court_filing": "诉讼立案",
    },
}

COUNT = "{:,.0f}"
SHARE = "{:.1%}"
DAYS = "{:.2f}"


@dataclass(frozen=True)
class Outcome:
    """One outcome: its column name, labels in English and Chinese, unit, value format and
    a one-line definition in each language (the full counting rules are in
    :mod:`sim.results.metrics`)."""

    name: str
    en: str
    zh: str
    unit: str
    fmt: str
    definition: str
    definition_zh: str = ""  # the same definition in Chinese, for the glossary

    @property
    def is_share(self) -> bool:
        return "%" in self.fmt

    def label(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def meaning(self, lang: str = "en") -> str:
        """The definition in that language."""
        return self.definition_zh if lang == "zh" else self.definition

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the outcome can take: shares within 0 to 1, everything else (counts,
        days, hours, ratios, km) not below 0. Intervals are clipped to them."""
        return (0.0, 1.0) if self.is_share else (0.0, math.inf)

    def format(self, value: float | None) -> str:
        """The value as the tables print it; an undefined value (None, NaN) as "n/a"."""
        if value is None or not math.isfinite(value):
            return "n/a"
        return _unsigned_zero(self.fmt.format(value))

    def format_difference(self, value: float | None) -> str:
        """A difference with its sign; of shares in percentage points ("+0.5 pp")."""
        if value is None or not math.isfinite(value):
            return "n/a"
        if self.is_share and "%" in self.fmt:
            decimals = int(self.fmt.split(".")[1][0]) if "." in self.fmt else 0
            text = _unsigned_zero(f"{100 * value:.{decimals}f}") + " pp"
        elif self.fmt == COUNT and abs(value) < 10:  # a mean change of 0.4 is not "0"
            text = _unsigned_zero(f"{value:.1f}")
        else:
            text = _unsigned_zero(self.fmt.format(value))
        return text if text.startswith("-") or _is_zero(text) else "+" + text


def _is_zero(text: str) -> bool:
    """Whether a formatted number reads as zero ("0", "0.0%", "-0.00 pp")."""
    digits = [c for c in text if c.isdigit()]
    return bool(digits) and set(digits) == {"0"}


def _unsigned_zero(text: str) -> str:
    """A value that rounds to zero without a minus sign ("-0.0%" reads as a loss)."""
    return text[1:] if text.startswith("-") and _is_zero(text) else text


def plain_number(value: float | None) -> str:
    """A number the registry has no format for, as a planner reads it (no "e-06")."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) < 0.0005:
        return "0"
    return _unsigned_zero(f"{value:.3f}".rstrip("0").rstrip("."))


def _o(
    name: str, en: str, zh: str, unit: str, fmt: str, definition: str, definition_zh: str = ""
) -> Outcome:
    return Outcome(name, en, zh, unit, fmt, definition, definition_zh)


def _by_channel() -> list[Outcome]:
    return [
        _o(
            f"found_by_{c}",
            f"disputes found by {CHANNEL_LABELS['en'][c]}",
            f"{CHANNEL_LABELS['zh'][c]}发现数",
            "disputes",
            COUNT,
            f"disputes discovered in the period through the {c} channel",
            f"统计期内经{CHANNEL_LABELS['zh'][c]}渠道发现的纠纷数",
        )
        for c in CHANNELS
    ]


def _by_place() -> list[Outcome]:
    en, zh = PLACE_LABELS["en"], PLACE_LABELS["zh"]
    names = {"committee": ("settled by specialised committees", "专业调委会化解数")}
    return [
        _o(
            f"resolved_at_{p}",
            *names.get(p, (f"settled at {en[p]}", f"{zh[p]}化解数")),
            "disputes",
            COUNT,
            f"disputes that ended resolved in the period at {p}",
            f"统计期内化解结案且化解地点为{zh[p]}的纠纷数",
        )
        for p in RESOLUTION_PLACES
    ]


def _wait_by_level() -> list[Outcome]:
    kinds = {
        "community": ("community rooms", "社区调解室"),
        "township": ("township centres", "街道(乡镇)中心"),
        "county": ("county centres", "县(区)中心"),
        "city": ("the city centre", "市中心"),
    }
    return [
        _o(
            f"mean_wait_days_{lv}",
            f"wait at {kinds[lv][0]}, days",
            f"{kinds[lv][1]}等候天数",
            "days",
            DAYS,
            f"mean wait for free duty slots (after the parties could meet), summed over the "
            f"sessions of stays at {lv} centres begun in the period",
            f"统计期内开始的{kinds[lv][1]}办理在当事人可到场后等候空闲值班时段等的天数,"
            "按各次调解累加后的平均值",
        )
        for lv in CENTRE_LEVELS
    ]


def _first_sessions() -> list[Outcome]:
    zh = PLACE_LABELS["zh"]
    rows = []
    for lv in CENTRE_LEVELS:
        en = PLACE_LABELS["en"][lv]
        rows += [
            _o(
                f"wait_first_session_days_{lv}",
                f"wait to first session at {en}, days",
                f"{zh[lv]}首次调解等候天数",
                "days",
                DAYS,
                f"mean days from arrival at a {lv} centre to its first session (summons, "
                "department, free duty slot), stays begun in the period",
                f"统计期内开始的{zh[lv]}一级中心办理从到达至首次调解的平均天数"
                "(含传唤、部门到场与等候值班时段)",
            ),
            _o(
                f"wait_first_session_p90_{lv}",
                f"wait to first session at {en}, 90th percentile",
                f"{zh[lv]}首次调解等候天数(90%分位)",
                "days",
                DAYS,
                f"90th percentile of the same waits at {lv} centres",
                f"{zh[lv]}一级中心上述等候天数的90%分位数",
            ),
        ]
    return rows


TIME_AT_CENTRES: tuple[Outcome, ...] = (
    _o(
        "days_per_session",
        "elapsed days per session",
        "每次调解平均耗时(天)",
        "days",
        DAYS,
        "a closed stay's days from arrival to leaving over its sessions, stays begun in the period",
        "统计期内开始且已结束的中心办理从进入到离开的天数除以其调解次数",
    ),
    _o(
        "sessions_per_case",
        "sessions per dispute received",
        "每件纠纷调解次数",
        "sessions",
        DAYS,
        "sessions held for the disputes received in the period, over those disputes",
        "统计期内受理纠纷的调解总次数除以这些纠纷数",
    ),
    _o(
        "mean_stage_at_resolution",
        "stage at resolution (0 quarrel, 2 harm)",
        "化解时纠纷阶段(0口角至2伤害)",
        "stage",
        DAYS,
        "mean stage (0 quarrel, 1 confrontation, 2 harm) of disputes resolved in the period",
        "统计期内化解的纠纷化解时的平均阶段(0口角,1对峙,2伤害)",
    ),
    _o(
        "hardened_waiting_share",
        "disputes that hardened while waiting",
        "等候期间升级的纠纷占比",
        "share",
        SHARE,
        "received disputes whose stage rose while they waited at centres",
        "受理纠纷中在中心等候期间阶段升级的占比",
    ),
)


def _duty() -> list[Outcome]:
    en, zh = PLACE_LABELS["en"], PLACE_LABELS["zh"]
    names = {"court": ("court mediators", "法院调解员")}
    rows = []
    for place in DUTY_PLACES:
        who_en, who_zh = names.get(place, (f"{en[place]} mediators", f"{zh[place]}调解员"))
        rows += [
            _o(
                f"duty_hours_{place}",
                f"duty hours of {who_en}",
                f"{who_zh}值班小时数",
                "hours",
                COUNT,
                f"hours the {place} mediators were on duty in the period (by duty pattern)",
                f"统计期内{who_zh}按值班安排在岗的小时数",
            ),
            _o(
                f"utilisation_{place}",
                f"{who_en}: duty hours in session",
                f"{who_zh}值班时间利用率",
                "share",
                SHARE,
                f"session hours over duty hours of the {place} mediators, sessions begun in "
                "the period",
                f"统计期内开始的调解所占小时数除以{who_zh}值班小时数",
            ),
            _o(
                f"workload_spread_{place}",
                f"{who_en}: workload spread (p90 / mean)",
                f"{who_zh}工作量差异(90%分位/均值)",
                "ratio",
                DAYS,
                f"90th percentile of sessions per {place} mediator in the period over the mean",
                f"统计期内每名{who_zh}调解次数的90%分位数除以其均值",
            ),
        ]
    return rows


YUAN = "{:,.0f}"
# Cost items of a run (sim/results/costs.py): public items, the parties' items, totals.
PUBLIC_COST_ITEMS = (
    ("cost_full_time_mediators_yuan", "full-time mediators", "专职调解员"),
    ("cost_part_time_mediators_yuan", "part-time mediators", "兼职调解员"),
    ("cost_on_call_mediators_yuan", "on-call mediators", "随叫随到调解员"),
    ("cost_case_subsidies_yuan", "case subsidies", "以案定补"),
    ("cost_grid_officers_yuan", "grid officers", "网格员"),
    ("cost_rooms_yuan", "community rooms", "社区调解室"),
    ("cost_department_days_yuan", "department days", "部门派驻日"),
    ("cost_roving_days_yuan", "roving-team days", "巡回调解日"),
    ("cost_court_mediations_yuan", "court mediations", "法院调解"),
    ("cost_judgments_yuan", "judgments", "法院判决"),
)
PARTY_COST_ITEMS = (
    ("cost_party_travel_yuan", "parties' travel", "当事人交通"),
    ("cost_party_time_yuan", "parties' days lost", "当事人误工"),
)


def _costs() -> list[Outcome]:
    items = [
        _o(
            name,
            f"cost: {en}",
            f"成本:{zh}",
            "yuan",
            YUAN,
            f"yuan spent on {en} in the period ([costs] prices; annual items prorated)",
            f"统计期内{zh}支出(元,按[costs]价格;年度项目按天数折算)",
        )
        for name, en, zh in (*PUBLIC_COST_ITEMS, *PARTY_COST_ITEMS)
    ]
    return [
        *items,
        _o(
            "cost_public_yuan",
            "public cost",
            "公共成本",
            "yuan",
            YUAN,
            "sum of the public cost items in the period (the parties' costs are not in it)",
            "统计期内各项公共支出之和(不含当事人成本)",
        ),
        _o(
            "cost_parties_yuan",
            "parties' cost",
            "当事人成本",
            "yuan",
            YUAN,
            "parties' travel and days of work lost in the period",
            "统计期内当事人交通与误工成本",
        ),
        _o(
            "cost_per_resolved_yuan",
            "public cost per resolved dispute",
            "每件化解纠纷公共成本",
            "yuan per dispute",
            YUAN,
            "public cost over the disputes resolved in the period anywhere (grid to court)",
            "公共成本除以统计期内化解的纠纷数(网格至法院)",
        ),
    ]


SUMMARY: tuple[Outcome, ...] = (
    _o(
        "population",
        "residents simulated",
        "模拟人口",
        "residents",
        COUNT,
        "residents of the part of the city that is run",
        "本次运行所含那部分城市的常住人口",
    ),
    _o(
        "effective_scale",
        "population scale",
        "人口比例",
        "share",
        "{:.3f}",
        "residents run over the city's residents (whole townships are kept)",
        "运行人口占全市常住人口的比例(按整个街道(乡镇)保留)",
    ),
    _o(
        "days",
        "days measured",
        "统计天数",
        "days",
        COUNT,
        "length of the measured period (the warm-up is not counted)",
        "统计期的长度(预热期不计入)",
    ),
    _o(
        "n_arisen",
        "disputes that arose",
        "发生的纠纷数",
        "disputes",
        COUNT,
        "disputes that arose in the period",
        "统计期内发生的纠纷数",
    ),
    _o(
        "n_discovered",
        "disputes discovered",
        "发现的纠纷数",
        "disputes",
        COUNT,
        "disputes that came to light in the period, by any channel",
        "统计期内经任一渠道被发现的纠纷数",
    ),
    _o(
        "n_lapsed",
        "disputes that lapsed unseen",
        "自行消解的纠纷数",
        "disputes",
        COUNT,
        "disputes settled privately or faded before anybody learned of them",
        "统计期内尚无人知晓时即由当事人私下了结或自行平息的纠纷数",
    ),
    _o(
        "n_open_at_end",
        "still open at the end (known)",
        "期末仍在办理",
        "disputes",
        COUNT,
        "disputes discovered but not ended when the run stopped: at a centre, a committee "
        "or the court",
        "运行结束时已被发现但尚未终结的纠纷数(在各级中心、专业调委会或法院办理中)",
    ),
    _o(
        "n_latent_at_end",
        "latent at the end (nobody knows yet)",
        "期末潜在纠纷(尚未被发现)",
        "disputes",
        COUNT,
        "disputes that had arisen but that nobody had learned of when the run stopped",
        "运行结束时已发生但尚无人知晓的纠纷数",
    ),
    _o(
        "received_by_centres",
        "disputes received by the centres",
        "中心受理纠纷数",
        "disputes",
        COUNT,
        "distinct disputes whose first centre stay began in the period",
        "首次进入中心办理始于统计期内的纠纷数(每件纠纷只计一次)",
    ),
    _o(
        "resolved_by_centres",
        "resolved by the centres",
        "中心化解纠纷数",
        "disputes",
        COUNT,
        "of those received, the ones resolved at a centre level by the end of the run",
        "上述受理纠纷中,到运行结束时已在某一级中心化解的纠纷数",
    ),
    _o(
        "centre_resolution_rate",
        "centre resolution rate",
        "中心化解率",
        "share",
        "{:.2%}",
        "resolved by the centres over received by the centres",
        "中心化解纠纷数除以中心受理纠纷数",
    ),
    _o(
        "resolved_by_grid_officers",
        "settled on the spot by grid officers",
        "网格员就地化解数",
        "disputes",
        COUNT,
        "disputes a grid officer settled in the period",
        "统计期内网格员就地化解的纠纷数",
    ),
    _o(
        "share_resolved_at_community_or_below",
        "share resolved at community level or below",
        "社区(村)及以下化解占比",
        "share",
        SHARE,
        "resolved by grid officers or community rooms over all resolved by grid and centres",
        "网格员或社区调解室化解的纠纷占网格员与各级中心化解纠纷总数的比例",
    ),
    _o(
        "resolution_days_median",
        "days to resolution, median",
        "化解用时中位数(天)",
        "days",
        DAYS,
        "median days from discovery to resolution, grid officers and centres",
        "网格员与各级中心化解的纠纷从发现到化解所用天数的中位数",
    ),
    _o(
        "resolution_days_p90",
        "days to resolution, 90th percentile",
        "化解用时90分位(天)",
        "days",
        "{:.1f}",
        "90th percentile of the same durations",
        "同一用时的90%分位数",
    ),
    _o(
        "time_limit_compliance",
        "stays closed within the time limit",
        "按时限办结比例",
        "share",
        SHARE,
        "closed centre stays that ended (settled, failed, withdrawn) by their deadline; a "
        "stay handed on when its time ran out did not",
        "已结束的中心办理中在期限内结束(化解、调解不成或撤回)的占比;因期满移交的不算按时",
    ),
    _o(
        "mean_wait_days",
        "wait for a session, mean days",
        "平均等候调解天数",
        "days",
        DAYS,
        "mean wait after the parties could meet (for a department, a roving team or a free "
        "duty slot), summed over the sessions of centre stays begun in the period",
        "统计期内开始的中心办理在当事人可到场后等候部门、巡回调解队或空闲值班时段的天数,按各次调"
        "解累加后的平均值",
    ),
    _o(
        "backlog_mean",
        "backlog in centres, daily mean",
        "中心在办案件日均数",
        "cases",
        "{:,.1f}",
        "cases at centres at the end of each measured day, mean",
        "统计期内每天结束时各中心在办案件数的平均值",
    ),
    _o(
        "backlog_end",
        "backlog in centres at the end",
        "期末中心在办案件数",
        "cases",
        COUNT,
        "cases at centres at the end of the last day",
        "最后一天结束时各中心在办案件数",
    ),
    _o(
        "court_cases",
        "disputes reaching court",
        "进入法院的纠纷数",
        "disputes",
        COUNT,
        "disputes that first reached the court in the period",
        "统计期内首次进入法院的纠纷数",
    ),
    _o(
        "court_cases_per_10k",
        "disputes reaching court per 10,000 residents",
        "每万人进入法院纠纷数",
        "per 10,000 residents",
        "{:.1f}",
        "court cases per 10,000 residents run",
        "按运行人口折算的每万人进入法院纠纷数",
    ),
    _o(
        "court_mediated",
        "court cases mediated",
        "法院调解案件数",
        "disputes",
        COUNT,
        "court cases that went through court mediation",
        "经过法院调解的法院案件数",
    ),
    _o(
        "court_mediation_successes",
        "court mediations that settled",
        "法院调解成功数",
        "disputes",
        COUNT,
        "court mediations that ended in a settlement",
        "以达成调解协议结束的法院调解数",
    ),
    _o(
        "court_mediation_rate",
        "court mediation success rate",
        "法院调解成功率",
        "share",
        SHARE,
        "court mediations that settled over court cases mediated",
        "法院调解成功数除以法院调解案件数",
    ),
    _o(
        "judged",
        "decided by judgment",
        "判决数",
        "disputes",
        COUNT,
        "disputes a court judgment ended in the period",
        "统计期内以法院判决终结的纠纷数",
    ),
    _o(
        "withdrawn",
        "withdrawn",
        "撤回数",
        "disputes",
        COUNT,
        "disputes a party gave up inside the system in the period",
        "统计期内当事人在化解体系内放弃的纠纷数",
    ),
    _o(
        "petitions",
        "petitions",
        "信访数",
        "disputes",
        COUNT,
        "disputes that left the ladder as a petition in the period",
        "统计期内以信访方式离开化解链条的纠纷数",
    ),
    _o(
        "incidents",
        "violent incidents (all)",
        "暴力事件数(全部)",
        "disputes",
        COUNT,
        "disputes that turned into a violent incident in the period, including those "
        "nobody had learned of",
        "统计期内演变为暴力事件的纠纷数,含此前无人知晓的纠纷",
    ),
    _o(
        "incidents_unseen",
        "of which: nobody had learned of the dispute",
        "其中:事前无人知晓的纠纷",
        "disputes",
        COUNT,
        "violent incidents in the period from disputes that no channel had discovered",
        "统计期内由未被任何渠道发现的纠纷演变成的暴力事件数",
    ),
    _o(
        "mean_distance_km",
        "travel to the first centre, km",
        "到首个中心的距离(公里)",
        "km",
        "{:.3f}",  # room placement moves it by tens of metres
        "mean distance from home to the first centre, disputes received",
        "受理纠纷从住处到首个中心的平均距离",
    ),
    _o(
        "parties_received",
        "parties of disputes received",
        "受理纠纷当事人数",
        "parties",
        COUNT,
        "parties of the disputes received by the centres",
        "中心受理纠纷的当事人数",
    ),
    _o(
        "peoples_mediation_cases",
        "people's mediation cases",
        "人民调解案件数",
        "cases",
        COUNT,
        "centre stays begun in the period (each level registers its own case)",
        "统计期内开始的各级中心办理数(每一级各自登记为一件案件)",
    ),
    _o(
        "peoples_mediation_parties",
        "people's mediation parties",
        "人民调解当事人数",
        "parties",
        COUNT,
        "parties of those cases",
        "上述案件的当事人数",
    ),
    _o(
        "peoples_mediation_money_yuan",
        "people's mediation amounts, yuan",
        "人民调解涉及金额(元)",
        "yuan",
        COUNT,
        "money at stake in those cases",
        "上述案件涉及的金额",
    ),
    _o(
        "money_received_yuan",
        "amounts of disputes received, yuan",
        "受理纠纷涉及金额(元)",
        "yuan",
        COUNT,
        "money at stake in the disputes received by the centres",
        "中心受理纠纷涉及的金额",
    ),
    _o(
        "relapses",
        "relapses",
        "反复纠纷数",
        "disputes",
        COUNT,
        "times settled disputes discovered in the period came back",
        "统计期内发现的纠纷化解后又反复的次数",
    ),
    _o(
        "relapses_caught",
        "relapses caught by follow-up",
        "回访发现的反复纠纷数",
        "disputes",
        COUNT,
        "relapses a follow-up visit caught",
        "回访时发现的反复次数",
    ),
    *_by_channel(),
    *_by_place(),
    *_wait_by_level(),
    *_first_sessions(),
    *TIME_AT_CENTRES,
    *_duty(),
    _o(
        "grid_household_visits",
        "grid officers' household visits",
        "网格员入户走访数",
        "visits",
        COUNT,
        "household visits of grid officers' patrols in the period",
        "统计期内网格员巡查入户走访的次数",
    ),
    *_costs(),
)

# Outputs computed from a run's tables for validation; not columns of the summary row.
EXTRA: tuple[Outcome, ...] = (
    _o(
        "resolved_in_network",
        "resolved by grid officers and centres",
        "网格与中心化解数",
        "disputes",
        COUNT,
        "resolved by the centres plus settled by grid officers",
        "中心化解数加网格员就地化解数",
    ),
    _o(
        "medical_committee_cases",
        "medical committee cases",
        "医调委受理数",
        "cases",
        COUNT,
        "stays at specialised committees begun in the period, medical disputes",
        "统计期内开始的专业调委会办理中的医疗纠纷数",
    ),
    _o(
        "medical_committee_resolved",
        "medical committee settlements",
        "医调委化解数",
        "disputes",
        COUNT,
        "medical disputes a committee settled in the period",
        "统计期内由调委会化解的医疗纠纷数",
    ),
    _o(
        "court_settled_share",
        "court cases settled by mediation",
        "法院调解化解占比",
        "share",
        SHARE,
        "court mediations that settled over all court cases",
        "法院调解成功数占全部法院案件的比例",
    ),
    _o(
        "community_stays",
        "community room cases",
        "社区调解室案件数",
        "cases",
        COUNT,
        "stays at community rooms begun in the period",
        "统计期内开始的社区调解室办理数",
    ),
    _o(
        "handled_including_grid",
        "handled by grid officers and centres",
        "网格与中心受理数",
        "disputes",
        COUNT,
        "received by the centres plus settled on the spot by grid officers",
        "中心受理数加网格员就地化解数",
    ),
    _o(
        "resolution_rate_including_grid",
        "resolution rate of grid officers and centres",
        "网格与中心化解率",
        "share",
        SHARE,
        "resolved by grid officers and centres over handled by them",
        "网格与中心化解数占其受理数的比例",
    ),
)

OUTCOME: dict[str, Outcome] = {o.name: o for o in (*SUMMARY, *EXTRA)}
SUMMARY_NAMES: tuple[str, ...] = tuple(o.name for o in SUMMARY)

# The terminal table of ``sim run``.
RUN_TABLE = (
    "received_by_centres",
    "resolved_by_centres",
    "centre_resolution_rate",
    "resolved_by_grid_officers",
    "share_resolved_at_community_or_below",
    "resolution_days_median",
    "resolution_days_p90",
    "time_limit_compliance",
    "backlog_mean",
    "utilisation_community",
    "utilisation_township",
    "utilisation_county",
    "utilisation_city",
    "court_cases",
    "court_cases_per_10k",
    "court_mediation_rate",
    "petitions",
    "incidents",
    "incidents_unseen",
    "mean_distance_km",
    "n_arisen",
    "n_lapsed",
    "n_open_at_end",
    "n_latent_at_end",
    "cost_public_yuan",
    "cost_per_resolved_yuan",
    "cost_parties_yuan",
)
# What policy comparisons show by default, in this order.
KEY_OUTCOMES = (
    "received_by_centres",
    "centre_resolution_rate",
    "share_resolved_at_community_or_below",
    "resolution_days_median",
    "resolution_days_p90",
    "mean_wait_days",
    "time_limit_compliance",
    "court_cases",
    "petitions",
    "incidents",
    "mean_distance_km",
    "utilisation_township",
    "wait_first_session_days_community",
    "wait_first_session_days_township",
    "wait_first_session_days_county",
    "mean_wait_days_community",
    "mean_wait_days_township",
    "mean_wait_days_county",
    "found_by_walk_in",
    "found_by_patrol",
    "resolved_at_committee",
    "relapses",
    "cost_public_yuan",
    "cost_per_resolved_yuan",
)
# Every paired comparison shows what a policy costs, whatever outcomes it asks for.
COST_OUTCOMES = ("cost_public_yuan", "cost_per_resolved_yuan")


def with_costs(outcomes) -> list[str]:
    """``outcomes`` with the cost outcomes after them (each once)."""
    return list(dict.fromkeys([*outcomes, *COST_OUTCOMES]))


def label(name: str, lang: str = "en") -> str:
    """An outcome's label; a name the registry does not know is shown as it is."""
    outcome = OUTCOME.get(name)
    return outcome.label(lang) if outcome else name
