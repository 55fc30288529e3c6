"""Every word the dashboard shows, in English and Chinese. Levers and outcomes bring their
own labels (sim.config, sim.results.outcomes); this table holds the page's own."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Dispute-resolution network planner", "矛盾纠纷多元化解网络规划模拟"),
    "language": ("中文", "English"),  # the button shows the other language
    "tab_scenario": ("Scenario", "情景"),
    "tab_compare": ("Compare", "方案比较"),
    "tab_results": ("Results", "结果"),
    "tab_optimise": ("Optimise", "优化"),
    "preset": ("Preset scenario", "预设情景"),
    "or_upload": ("… or upload your own", "……或上传自己的情景"),
    "upload_scenario": ("Scenario TOML", "情景文件 (TOML)"),
    "upload_communities": ("Communities file (CSV or GeoJSON)", "社区文件 (CSV 或 GeoJSON)"),
    "uploaded": ("Uploaded: {name}", "已上传:{name}"),
    "using": ("Scenario in use: {name}", "当前情景:{name}"),
    "use_preset": ("Clear the uploads (use the preset)", "清除上传文件(改用预设情景)"),
    "upload_error": ("That file cannot be used", "该文件无法使用"),
    "policies": ("Policies", "政策方案"),
    "baseline": ("baseline", "基准"),
    "baseline_note": (
        "The baseline is the scenario as chosen; each policy changes levers of it.",
        "基准即所选情景;每个政策方案在其上调整若干杠杆。",
    ),
    "add_policy": ("Add a policy", "新增方案"),
    "remove_policy": ("Remove this policy", "删除此方案"),
    "policy_name": ("Policy name", "方案名称"),
    "name_taken": (
        "'{name}' cannot be this policy's name: it is empty, 'baseline' or another policy's",
        "“{name}”不能用作方案名称:为空、为 baseline 或与其他方案重名",
    ),
    "editing": ("Levers of: {name}", "正在编辑的方案:{name}"),
    "changed": ("changes: {what}", "调整:{what}"),
    "nothing_changed": ("no lever changed yet", "尚未调整任何杠杆"),
    "range": ("range", "取值范围"),
    "not_set": ("(empty: not set)", "(留空:不设置)"),
    "form_errors": ("Fix the fields marked in red first", "请先修正标红的字段"),
    "replications": ("Replications (seeds)", "重复次数(随机种子数)"),
    "first_seed": ("First seed", "起始随机种子"),
    "scale": ("Population scale (0.05 for a quick look)", "人口缩放比例(0.05 可快速试算)"),
    "days": ("Days measured", "统计天数"),
    "run": ("Run the comparison", "运行比较"),
    "cancel": ("Cancel", "取消"),
    "running": ("Running {done} of {total} runs …", "正在运行:{done}/{total} 次 ……"),
    "reporting": ("Writing the report …", "正在生成报告 ……"),
    "cancelled": ("Cancelled: nothing was written.", "已取消:未写入任何文件。"),
    "failed": ("The comparison failed", "比较运行失败"),
    "done": ("Done: results in {folder}", "完成:结果已写入 {folder}"),
    "cli_hint": (
        "The CLI reads it too: sim compare {folder}",
        "命令行同样可读取:sim compare {folder}",
    ),
    "too_many": (
        "{runs} runs is more than one click may start ({most}); use fewer replications or a "
        "sweep (sim sweep)",
        "{runs} 次运行超过单次上限({most} 次);请减少重复次数或使用批量扫描(sim sweep)",
    ),
    "no_results": (
        "No results yet: run a comparison on the Compare tab.",
        "暂无结果:请在“方案比较”页运行。",
    ),
    "key_outcomes": ("Key outcomes (paired 95% intervals)", "主要结果(配对 95% 置信区间)"),
    "outcome": ("Outcome", "指标"),
    "baseline_value": ("Baseline", "基准"),
    "policy_value": ("Policy", "方案"),
    "difference": ("Difference [95% interval]", "差值 [95% 区间]"),
    "star_note": (
        "* the 95% interval excludes zero; pp: percentage points",
        "* 95% 区间不含零;pp:百分点",
    ),
    "few_reps": (
        "Only {n} paired replication(s): the intervals are wide, or missing below 2 (use "
        "{advised} or more for a decision).",
        "仅 {n} 次配对重复:区间很宽(少于 2 次则无区间);决策建议 {advised} 次以上。",
    ),
    "figures": ("The report's figures", "报告图表"),
    "map": ("Map of communities", "社区分布图"),
    "map_policy": ("Map of", "地图所示方案"),
    "x_km": ("x, km", "x(公里)"),
    "y_km": ("y, km", "y(公里)"),
    "new_room": ("new room", "新设调解室"),
    "closed_room": ("closed room", "撤销调解室"),
    "community": ("community", "社区"),
    "residents": ("residents", "常住人口"),
    "distance": ("distance to nearest centre, km", "到最近中心距离(公里)"),
    "served_by": ("served by", "服务中心"),
    "township": ("township", "乡镇(街道)"),
    "county": ("county", "县(区)"),
    "centre": ("centre", "中心"),
    "by_county": ("Results by county", "分县(区)结果"),
    "by_township": ("Worst-served townships (lowest resolution rate)", "化解率最低的乡镇(街道)"),
    "downloads": ("Downloads", "下载"),
    "report_missing": (
        "The {language} report was not written: {why}",
        "{language} 报告未生成:{why}",
    ),
    "store_folder": (
        "Folder of a search (sim optimise --out)",
        "优化搜索结果文件夹(sim optimise --out)",
    ),
    "searches_found": ("Searches found in the outputs folder", "输出文件夹中的优化搜索"),
    "objective": ("Objective", "优化目标"),
    "policy_status": (
        "In the search's report: {reported}; within the budget and constraints: {feasible}",
        "列入搜索报告:{reported};满足预算与约束:{feasible}",
    ),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "open_store": ("Open", "打开"),
    "front": ("Pareto front: extra cost against the objective", "帕累托前沿:新增成本与目标"),
    "extra_cost": ("extra public cost, yuan a year", "新增公共成本(元/年)"),
    "choose_policy": ("Policy", "方案"),
    "policy_comparison": ("{policy} against the baseline", "{policy} 与基准比较"),
    "searched": ("searched candidates", "搜索过的候选方案"),
    "final": ("final policies (fresh seeds)", "最终方案(新随机种子复核)"),
    "no_store": ("Not a search folder: {why}", "不是优化搜索结果文件夹:{why}"),
    "levers_of": ("Lever values", "杠杆取值"),
}

SECTIONS: dict[str, tuple[str, str]] = {
    "staffing": ("Staffing", "人员配置"),
    "duty": ("Duty patterns", "值班安排"),
    "calendar": ("Calendar", "工作日历"),
    "latent": ("Grid patrols", "网格巡查"),
    "handling": ("Case handling and escalation", "案件办理与逐级上交"),
    "court": ("Court diversion", "诉前分流"),
    "follow_up": ("Follow-up visits", "回访"),
    "placement": ("Rooms and centres", "调解室与中心布局"),
    "roving": ("Roving teams", "巡回调解队"),
    "departments": ("Departments", "职能部门"),
    "committees": ("Specialised committees", "专业性调解委员会"),
}


def word(key: str, lang: str, **values: object) -> str:
    en, zh = WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def section_title(name: str, lang: str) -> str:
    en, zh = SECTIONS.get(name, (name, name))
    return zh if lang == "zh" else en


# Names of the entries of lever tables (levels, complexities, dispute types, urban/rural).
ENTRIES: dict[str, tuple[str, str]] = {
    "community": ("community", "社区(村)"),
    "township": ("township", "乡镇(街道)"),
    "county": ("county", "县(区)"),
    "city": ("city", "市"),
    "simple": ("simple", "简易"),
    "general": ("general", "一般"),
    "complex": ("complex", "复杂"),
    "major": ("major", "重大"),
    "neighbour": ("neighbour", "邻里"),
    "family": ("family", "婚姻家庭"),
    "property_management": ("property management", "物业"),
    "heating": ("heating", "供暖"),
    "land": ("land", "土地"),
    "wage_arrears": ("wage arrears", "劳资欠薪"),
    "medical": ("medical", "医疗"),
    "traffic": ("traffic", "交通事故"),
    "debt": ("debt", "债务"),
    "housing_demolition": ("housing and demolition", "房屋征收拆迁"),
    "urban": ("urban", "城镇"),
    "rural": ("rural", "农村"),
}


def entry_name(name: str, lang: str) -> str:
    en, zh = ENTRIES.get(name, (name, name))
    return zh if lang == "zh" else en
