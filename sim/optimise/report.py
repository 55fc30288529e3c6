"""What `sim optimise` writes: the tables (CSV), the figures and the report in English and
Chinese (report.md, report_zh.md). Everything here reads the result; nothing runs."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from sim.optimise.final import best_at_levels
from sim.optimise.robustness import minimax_regret
from sim.optimise.run import OptimiseResult
from sim.results.outcomes import OUTCOME, label
from sim.sweeps.store import atomic_text

TEXT = {
    "en": {
        "title": "Policies within a budget: {name}",
        "asked": "Search: NSGA-II (optuna), population {population} x {generations} "
        "generations = {candidates} candidates ({unique} distinct), each on the same {reps} "
        "seeds{futures}. {runs} runs simulated in this call ({stored} read from the store), "
        "{minutes:.1f} minutes.",
        "futures": " in {k} futures",
        "budget": "Budget: at most {budget} yuan a year of extra public cost over the baseline "
        "(whole city).",
        "no_budget": "No budget: every policy's extra cost is shown.",
        "constraints": "Constraints: {items}.",
        "fresh": "The {n} policies the search found best were rerun on {reps} fresh seeds "
        "(never used by the search){futures}, with the baseline on the same seeds; the "
        "differences below pair each policy's run with the baseline's run of the same seed. "
        "Reported: within the budget and constraints on the fresh seeds and dominated by no "
        "other such policy. * the 95% interval excludes 0.",
        "levers": "Levers searched",
        "lever_row": "{label}: {range}",
        "pareto": "The policies found",
        "policy": "policy",
        "reported": "reported",
        "yes": "yes",
        "no": "no: dominated on fresh seeds",
        "infeasible": "no: over budget or a constraint on fresh seeds",
        "extra_cost": "extra public cost a year",
        "best_at": "The best policy at each budget level",
        "level": "budget a year",
        "best": "best policy",
        "none": "none better than the baseline within this budget",
        "recommend": "Recommended within the budget: {id} ({changes}): {effects}; extra public "
        "cost {cost} a year.",
        "no_recommend": "No policy within the budget and constraints did better than the "
        "baseline in {outcome} on the fresh seeds: keep the current policy, or widen the "
        "levers or the budget.",
        "robust": "Robustness across {k} futures (the calibration's accepted set or the "
        "context ranges)",
        "robust_cols": "mean, worst future and largest regret of {outcome}; share of futures "
        "meeting budget and constraints",
        "share": "futures meeting budget and constraints",
        "minimax": "Minimax regret in {outcome}: {id}.",
        "discovery": "Scenario discovery: when does {id} fail?",
        "criterion": "Criterion: {criterion}, in {n} futures sampled from the context ranges; "
        "met in {met} of them.",
        "figures": "Figures",
        "front": "Cost against effect of the policies found",
        "levers_fig": "Lever settings of the policies found",
        "baseline": "baseline",
        "mean": "mean",
        "step": "step",
        "worst": "worst",
        "regret": "max regret",
        "scaled": "Run at scale {scale:g}: costs are scaled up to the whole city by the "
        "population share, which overstates items kept whole per county (departments, roving "
        "teams); judge budgets at scale 1.",
    },
    "zh": {
        "title": "预算内的政策组合:{name}",
        "asked": "搜索:NSGA-II(optuna),种群{population}×{generations}代 = {candidates}个候选"
        "({unique}个不同),每个候选使用相同的{reps}个随机种子{futures}。本次模拟{runs}次运行"
        "(另有{stored}次取自存储),"
        "用时{minutes:.1f}分钟。",
        "futures": "(共{k}种情景)",
        "budget": "预算:相对基线每年新增公共成本不超过{budget}元(全市)。",
        "no_budget": "未设预算:列出各方案的新增成本。",
        "constraints": "约束:{items}。",
        "fresh": "搜索得到的{n}个最优方案在{reps}个新种子(搜索从未使用)上重新运行{futures},基线"
        "使用相同种子;下表差值为各方案与基线同种子运行的配对差。入选:在新种子上满足预算与约束,"
        "且不被其他此类方案支配。* 95%区间不含0。",
        "levers": "搜索的政策杠杆",
        "lever_row": "{label}:{range}",
        "pareto": "找到的方案",
        "policy": "方案",
        "reported": "入选",
        "yes": "是",
        "no": "否:新种子上被支配",
        "infeasible": "否:新种子上超预算或违反约束",
        "extra_cost": "每年新增公共成本",
        "best_at": "各预算水平下的最佳方案",
        "level": "每年预算",
        "best": "最佳方案",
        "none": "此预算内无优于基线的方案",
        "recommend": "预算内推荐:{id}({changes}):{effects};每年新增公共成本{cost}。",
        "no_recommend": "在新种子上,没有满足预算与约束的方案在{outcome}上优于基线:维持现行政策,"
        "或放宽杠杆范围或预算。",
        "robust": "在{k}种情景(校准可接受参数集或情景范围)下的稳健性",
        "robust_cols": "{outcome}的均值、最差情景值与最大遗憾;满足预算与约束的情景比例",
        "share": "满足预算与约束的情景比例",
        "minimax": "{outcome}的最小最大遗憾方案:{id}。",
        "discovery": "情景发现:{id}何时失效?",
        "criterion": "判据:{criterion};在情景范围内抽样{n}种情景,其中{met}种满足。",
        "figures": "图",
        "front": "所找到方案的成本与效果",
        "levers_fig": "所找到方案的杠杆设置",
        "baseline": "基线",
        "mean": "均值",
        "step": "步长",
        "worst": "最差",
        "regret": "最大遗憾",
        "scaled": "按{scale:g}比例运行:成本按人口比例放大到全市,会高估按县整体保留的项目"
        "(部门、巡回调解队);预算判断请在比例1下运行。",
    },
}


def write_report(result: OptimiseResult) -> list[Path]:
    """Every file of the report, into the result's folder."""
    folder = result.folder
    searched, policies = searched_rows(result), policy_rows(result)
    written = [_csv(folder / "searched.csv", searched), _csv(folder / "policies.csv", policies)]
    if result.robustness:
        written.append(_csv(folder / "robustness.csv", robustness_rows(result)))
    if result.discovery and result.discovery.futures:
        written.append(_csv(folder / "discovery.csv", discovery_rows(result)))
    written += _figures(result, policies, searched)
    for lang, name in (("en", "report.md"), ("zh", "report_zh.md")):
        path = folder / name
        atomic_text("\n".join(report_lines(result, lang)) + "\n", path)
        written.append(path)
    return written


def searched_rows(result: OptimiseResult) -> list[dict]:
    rows = []
    base = result.baseline
    base_means = {
        o.outcome: _mean([r[o.outcome] for r in base.rows]) for o in result.spec.objectives
    }
    for s in result.searched:
        row = {"generation": s.generation + 1, **s.score.values}
        row["extra_cost_yuan"] = s.score.extra_cost
        for o in result.spec.objectives:
            value = s.score.means.get(o.outcome, math.nan)
            row[o.outcome] = value
            row[f"{o.outcome}_diff"] = value - base_means[o.outcome]
        row["feasible"] = s.score.feasible
        row["error"] = s.score.error
        rows.append(row)
    return rows


def policy_rows(result: OptimiseResult) -> list[dict]:
    """The final policies (and the baseline first) as the figures and policies.csv read
    them."""
    spec = result.spec
    base = {"policy": "baseline", "reported": False, "feasible": True}
    for lever in spec.levers:
        value = lever.baseline(spec.base)
        base[lever.name] = (
            value if value is not None else (math.nan if lever.kind != "choice" else "")
        )
    base |= {"extra_cost_yuan": 0.0, "extra_cost_low": 0.0, "extra_cost_high": 0.0}
    for o in spec.objectives:
        value = _mean([r[o.outcome] for r in result.fresh_baseline.rows])
        base |= {
            o.outcome: value,
            f"{o.outcome}_diff": 0.0,
            f"{o.outcome}_low": 0.0,
            f"{o.outcome}_high": 0.0,
        }
    rows = [base]
    for p in result.policies:
        mean, low, high = p.extra_cost_interval()
        row = {"policy": p.id, "reported": p.reported, "feasible": p.score.feasible, **p.values}
        row |= {"extra_cost_yuan": mean, "extra_cost_low": low, "extra_cost_high": high}
        for name in dict.fromkeys(
            [*(o.outcome for o in spec.objectives), *(c.outcome for c in spec.constraints)]
        ):
            d = p.differences.get(name, {})
            row |= {
                name: p.score.means.get(name, math.nan),
                f"{name}_diff": d.get("difference", math.nan),
                f"{name}_low": d.get("ci_low", math.nan),
                f"{name}_high": d.get("ci_high", math.nan),
            }
        rows.append(row)
    return rows


def robustness_rows(result: OptimiseResult) -> list[dict]:
    rows = []
    for r in result.robustness:
        row: dict = {"policy": r.policy, "share_meeting": r.share_meeting}
        for o in result.spec.objectives:
            row |= {
                f"{o.outcome}_mean": r.mean[o.outcome],
                f"{o.outcome}_worst": r.worst[o.outcome],
                f"{o.outcome}_max_regret": r.max_regret[o.outcome],
            }
        rows.append(row)
    return rows


def discovery_rows(result: OptimiseResult) -> list[dict]:
    d = result.discovery
    assert d is not None
    return [
        {"future": f.index, **f.values, "change": c, "difference": diff, "met": m}
        for f, c, diff, m in zip(d.futures, d.changes, d.differences, d.met, strict=True)
    ]


def report_lines(result: OptimiseResult, lang: str) -> list[str]:
    spec, t = result.spec, TEXT[lang]
    k = len({r["future"] for r in result.fresh_baseline.rows})
    futures = t["futures"].format(k=k) if k > 1 else ""
    unique = len({s.score.key for s in result.searched})
    lines = [f"# {t['title'].format(name=spec.name)}", ""]
    lines.append(
        t["asked"].format(
            population=spec.population,
            generations=spec.generations,
            candidates=len(result.searched),
            unique=unique,
            reps=spec.replications,
            futures=futures if spec.uncertainty.in_search else "",
            runs=result.runs_made,
            stored=result.runs_stored,
            minutes=result.minutes,
        )
    )
    lines.append("")
    budget = spec.budget
    lines.append(
        t["budget"].format(budget=f"{budget:,.0f}") if budget is not None else t["no_budget"]
    )
    if spec.base.run.scale < 1:
        lines += ["", t["scaled"].format(scale=spec.base.run.scale)]
    if spec.constraints:
        items = "; ".join(_constraint_text(c, lang) for c in spec.constraints)
        lines += ["", t["constraints"].format(items=items)]
    lines += ["", f"## {t['levers']}", ""]
    lines += [f"- {_lever_text(lv, lang)}" for lv in spec.levers]
    lines += ["", f"## {t['pareto']}", ""]
    lines.append(
        t["fresh"].format(n=len(result.policies), reps=spec.fresh_replications, futures=futures)
    )
    lines += ["", *_policy_table(result, lang)]
    lines += ["", *_recommendation(result, lang)]
    lines += ["", f"## {t['best_at']}", "", *_levels_table(result, lang)]
    if result.robustness:
        lines += ["", f"## {t['robust'].format(k=k)}", "", *_robust_table(result, lang)]
    if result.discovery is not None:
        lines += ["", *_discovery_lines(result, lang)]
    suffix = "_zh" if lang == "zh" else ""
    lines += ["", f"## {t['figures']}", ""]
    lines += [
        f"![{t['front']}](front{suffix}.png)",
        "",
        f"![{t['levers_fig']}](levers{suffix}.png)",
    ]
    return lines


def _policy_table(result: OptimiseResult, lang: str) -> list[str]:
    spec, t = result.spec, TEXT[lang]
    head = [
        t["policy"],
        t["reported"],
        *(_lever_label(lv, lang) for lv in spec.levers),
        t["extra_cost"],
        *(label(o.outcome, lang) for o in spec.objectives),
    ]
    lines = [_row(head), _row(["---"] * len(head))]
    for p in result.policies:
        mean, low, high = p.extra_cost_interval()
        why = "no" if p.score.feasible else "infeasible"
        cells = [p.id, t["yes"] if p.reported else t[why]]
        cells += [_value(lv, p.values[lv.name]) for lv in spec.levers]
        cells.append(_yuan_interval(mean, low, high))
        cells += [_difference(p.differences.get(o.outcome, {}), o.outcome) for o in spec.objectives]
        lines.append(_row(cells))
    return lines


def _recommendation(result: OptimiseResult, lang: str) -> list[str]:
    t, spec = TEXT[lang], result.spec
    best = result.recommended
    if best is None:
        return [t["no_recommend"].format(outcome=label(spec.objectives[0].outcome, lang))]
    changes = ", ".join(
        f"{_lever_label(lv, lang)} {_value(lv, best.values[lv.name])}" for lv in spec.levers
    )
    effects = "; ".join(
        f"{label(o.outcome, lang)} {_difference(best.differences.get(o.outcome, {}), o.outcome)}"
        for o in spec.objectives
    )
    mean, low, high = best.extra_cost_interval()
    return [
        t["recommend"].format(
            id=best.id, changes=changes, effects=effects, cost=_yuan_interval(mean, low, high)
        )
    ]


def _levels_table(result: OptimiseResult, lang: str) -> list[str]:
    t, spec = TEXT[lang], result.spec
    first = spec.objectives[0].outcome
    head = [t["level"], t["best"], t["extra_cost"], label(first, lang)]
    lines = [_row(head), _row(["---"] * len(head))]
    for level, policy in best_at_levels(spec, result.policies):
        if policy is None:
            lines.append(_row([f"{level:,.0f}", t["none"], "", ""]))
            continue
        mean, low, high = policy.extra_cost_interval()
        lines.append(
            _row(
                [
                    f"{level:,.0f}",
                    policy.id,
                    _yuan_interval(mean, low, high),
                    _difference(policy.differences.get(first, {}), first),
                ]
            )
        )
    return lines


def _robust_table(result: OptimiseResult, lang: str) -> list[str]:
    t, spec = TEXT[lang], result.spec
    head = [t["policy"]]
    for o in spec.objectives:
        name = label(o.outcome, lang)
        head += [f"{name} ({t['mean']})", f"{name} ({t['worst']})", f"{name} ({t['regret']})"]
    head.append(t["share"])
    lines = [
        t["robust_cols"].format(outcome="/".join(label(o.outcome, lang) for o in spec.objectives)),
        "",
    ]
    lines += [_row(head), _row(["---"] * len(head))]
    for r in result.robustness:
        cells = [t["baseline"] if r.policy == "baseline" else r.policy]
        for o in spec.objectives:
            fmt = _format(o.outcome)
            cells += [fmt(r.mean[o.outcome]), fmt(r.worst[o.outcome]), fmt(r.max_regret[o.outcome])]
        cells.append(f"{r.share_meeting:.0%}")
        lines.append(_row(cells))
    for o in spec.objectives:
        chosen = minimax_regret(result.robustness, o.outcome)
        lines += [
            "",
            t["minimax"].format(
                outcome=label(o.outcome, lang),
                id=t["baseline"] if chosen == "baseline" else chosen,
            ),
        ]
    return lines


def _discovery_lines(result: OptimiseResult, lang: str) -> list[str]:
    from sim.optimise.discovery import describe_boxes

    t, d = TEXT[lang], result.discovery
    assert d is not None and result.spec.discovery is not None
    lines = [f"## {t['discovery'].format(id=d.policy)}", ""]
    if d.error and not d.futures:
        return [*lines, d.error]
    lines.append(
        t["criterion"].format(
            criterion=result.spec.discovery.text(lang), n=len(d.futures), met=sum(d.met)
        )
    )
    if d.error:
        return [*lines, "", d.error]
    labels = {f.name: f.name for f in result.spec.context}
    return [
        *lines,
        "",
        *describe_boxes(d.boxes, len(d.futures), len(d.met) - sum(d.met), lang, labels),
    ]


def _figures(result: OptimiseResult, policies: list[dict], searched: list[dict]) -> list[Path]:
    from sim.optimise.plots import draw_figures

    return draw_figures(result, policies, searched)


def _constraint_text(c, lang: str) -> str:
    fmt = _format(c.outcome)
    if c.at_least is not None:
        return f"{label(c.outcome, lang)} >= {fmt(c.at_least)}"
    return f"{label(c.outcome, lang)} <= {fmt(c.at_most)}"


def _lever_label(lever, lang: str) -> str:
    return lever.label_zh if lang == "zh" else lever.label


def _lever_text(lever, lang: str) -> str:
    if lever.kind == "choice":
        span = " | ".join(lever.labels)
    else:
        if lever.transform == "shift":
            span = f"{lever.low:+g} .. {lever.high:+g}"
        else:
            times = "x" if lever.transform == "scale" else ""
            span = f"{times}{lever.low:g} .. {times}{lever.high:g}"
        if lever.step and lever.step > 1:
            span += f" ({TEXT[lang]['step']} {lever.step})"
        if lever.kind == "rooms":
            span += f" new rooms, {lever.mediators_per_room} mediators each"
    return TEXT[lang]["lever_row"].format(label=_lever_label(lever, lang), range=span.strip())


def _value(lever, value) -> str:
    if lever.kind == "choice":
        return str(value)
    if lever.kind in ("integer", "rooms"):
        return f"{int(value):,}"
    return f"{float(value):.3g}"


def _format(outcome: str):
    known = OUTCOME.get(outcome)
    return known.format if known else (lambda v: f"{v:,.3g}")


def _difference(row: dict, outcome: str) -> str:
    known = OUTCOME.get(outcome)
    diff = known.format_difference if known else (lambda v: f"{v:+,.3g}")
    if not row or not math.isfinite(row.get("difference", math.nan)):
        return "n/a"
    low, high = row["ci_low"], row["ci_high"]
    star = " *" if (low > 0 or high < 0) else ""
    return f"{diff(row['difference'])} [{diff(low)}, {diff(high)}]{star}"


def _yuan_interval(mean: float, low: float, high: float) -> str:
    if not math.isfinite(mean):
        return "n/a"
    if not math.isfinite(low):
        return f"{mean:,.0f}"
    return f"{mean:,.0f} [{low:,.0f}, {high:,.0f}]"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |"


def _mean(values: list) -> float:
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    return sum(finite) / len(finite) if finite else math.nan


def _csv(path: Path, rows: list[dict]) -> Path:
    names = list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_text(buffer.getvalue(), path)
    return path
