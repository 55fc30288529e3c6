"""A policy's name in both languages: the string itself is the English name (what result
tables key on), ``zh`` the Chinese one that Chinese reports show."""

from __future__ import annotations


class PolicyLabel(str):
    """A planner script's name for a policy, e.g. ``PolicyLabel("resident", "常驻")``."""

    zh: str

    def __new__(cls, en: str, zh: str) -> PolicyLabel:
        label = super().__new__(cls, en)
        label.zh = zh
        return label


def chinese_names(labels) -> dict[str, str]:
    """English name -> Chinese name of the labels that have one."""
    return {str(label): label.zh for label in labels if isinstance(label, PolicyLabel)}
