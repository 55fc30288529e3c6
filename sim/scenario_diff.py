"""What one scenario changes against another, key by key.

Planner scripts print it for every policy, write it beside their results and ``sim compare``
shows it, so a reader sees exactly what was compared. Scenarios are compared as their JSON
dumps (``Scenario.model_dump(mode="json")``), so results on disk can be compared too.
"""

from __future__ import annotations

from dataclasses import dataclass

# Labels and the seed: they differ between policies without changing what is simulated.
IGNORED = frozenset({"name", "description", "base", "run.seed"})
# Keys that say which city is simulated and over what: results differing in them are not
# a comparison of policies.
# (calendar.kind is a lever, so a policy may change it.)
CITY_KEYS = ("geography", "run.days", "run.warmup_days", "run.scale", "run.start_date")


@dataclass(frozen=True)
class Change:
    key: str  # dotted path, e.g. handling.time_limit_days_by_complexity.simple
    before: object
    after: object

    def text(self, lang: str = "en") -> str:
        return f"{self.key}: {_shown(self.before, lang)} -> {_shown(self.after, lang)}"


def changes(base: dict, other: dict) -> list[Change]:
    """Every leaf key whose value differs (lists are compared whole), in key order."""
    flat_base, flat_other = _flatten(base), _flatten(other)
    keys = sorted((set(flat_base) | set(flat_other)) - IGNORED)
    found = [
        Change(key, flat_base.get(key), flat_other.get(key))
        for key in keys
        if flat_base.get(key) != flat_other.get(key)
    ]
    # an empty list on one side whose entries the other side lists key by key
    return [c for c in found if not (c.before in ([], None) and c.after in ([], None))]


WORDS = {
    "en": {"none": "nothing (same scenario)", "more": "; and {n} more", "unset": "(not set)"},
    "zh": {"none": "无(同一情景)", "more": ";另有{n}项", "unset": "(未设)"},
}


def summary(found: list[Change], limit: int = 8, lang: str = "en") -> str:
    """The changes on one line, e.g. for a terminal or a table cell."""
    words = WORDS[lang]
    if not found:
        return words["none"]
    shown = "; ".join(change.text(lang) for change in found[:limit])
    more = len(found) - limit
    return shown + (words["more"].format(n=more) if more > 0 else "")


def city_changes(found: list[Change]) -> list[Change]:
    """The changes that make two runs results of different cities or horizons."""
    return [c for c in found if any(c.key == k or c.key.startswith(k + ".") for k in CITY_KEYS)]


def _flatten(data: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):  # an empty table holds no key (not "{}")
            flat |= _flatten(value, path + ".")
        elif _named_tables(value):  # [[departments]]: one key per entry and field
            assert isinstance(value, list)
            for entry in value:  # the name is in the key
                fields = {k: v for k, v in entry.items() if k != "name"}
                flat |= _flatten(fields, f"{path}.{entry['name']}.")
        else:
            flat[path] = value
    return flat


def _named_tables(value: object) -> bool:
    """A non-empty list of tables with distinct names, like [[departments]]."""
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in value):
        return False
    return len({v["name"] for v in value}) == len(value)


def _shown(value: object, lang: str = "en") -> str:
    if isinstance(value, float):
        value = float(f"{value:.10g}")  # 0.16999999999999998 was 0.1 + 0.07
    text = WORDS[lang]["unset"] if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
