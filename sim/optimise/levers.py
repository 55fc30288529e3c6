"""What the search may change: integer, real and choice levers on scenario keys, and k new
community rooms placed by the siting optimiser (sim/city/siting.py).

A lever moves one dotted key the way sweep factors do (``set`` it, or ``scale`` or
``shift`` every number in it). A level's mediators (``staffing.mediators_by_level.<level>``)
may be scaled or shifted although the scenario leaves them to ``mediators_total``: the
level's share is the number moved. A rooms lever opens the k rooms the p-median puts best
and hires ``mediators_per_room`` community mediators with each; it is applied after the
other levers, so it adds its mediators to whatever the community level has then.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from pydantic import ValidationError

from sim.config import Scenario
from sim.scenario_keys import TRANSFORMS, KeyTransformError, get_key, map_numbers, put_key
from sim.scenario_loader import format_errors
from sim.sweeps.spec import SpecError, number

KINDS = ("integer", "real", "choice", "rooms")
ROOMS_KEY = "placement.rooms_opened"
LEVEL_MEDIATORS = "staffing.mediators_by_level."
ALLOWED = {
    "name",
    "key",
    "kind",
    "transform",
    "low",
    "high",
    "step",
    "log",
    "choices",
    "values",
    "mediators_per_room",
    "label",
    "label_zh",
}


@dataclass(frozen=True)
class Lever:
    name: str
    key: str
    kind: str
    transform: str = "set"
    low: float | None = None
    high: float | None = None
    step: int | None = None  # integer and rooms levers
    log: bool = False
    choices: tuple[tuple[str, object], ...] | None = None  # (label, value)
    mediators_per_room: int = 2
    label: str = ""
    label_zh: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.choices or ())

    def choice_value(self, label: str):
        return dict(self.choices or ())[label]

    def apply(self, scenario: Scenario, value) -> Scenario:
        """``scenario`` with this lever at ``value`` (a choice lever takes its label)."""
        if self.kind == "rooms":
            return _with_rooms(scenario, int(value), self.mediators_per_room)
        if self.kind == "choice":
            value = self.choice_value(str(value))
        elif self.kind == "integer":
            value = round(value)
        nested: dict = {}
        put_key(nested, self.key, _transformed(scenario, self.key, self.transform, value))
        return scenario.with_overrides(nested)

    def baseline(self, base: Scenario):
        """The value that leaves ``base`` as it is (None if no value does: a choice none
        of whose options is the base's)."""
        if self.kind == "rooms":
            return 0
        if self.kind == "choice":
            current = current_value(base, self.key)
            return next((label for label, value in self.choices or () if value == current), None)
        if self.transform != "set":
            return 1.0 if self.transform == "scale" else 0.0
        return current_value(base, self.key)

    def ends(self) -> list:
        """Values that must all make valid scenarios: both ends, or every choice."""
        if self.kind == "choice":
            return list(self.labels)
        return [self.low, self.high]


def apply_levers(base: Scenario, levers: list[Lever], values: dict) -> Scenario:
    """``base`` with every lever at its value (rooms last); a value that makes no valid
    scenario raises SpecError naming the candidate."""
    scenario = base
    try:
        for lever in sorted(levers, key=lambda lv: lv.kind == "rooms"):
            scenario = lever.apply(scenario, values[lever.name])
    except ValidationError as err:
        raise SpecError(format_errors(err, f"candidate {values}")) from None
    return scenario


def candidate_key(values: dict) -> str:
    """A candidate's identity: its lever values as canonical JSON."""
    return json.dumps(values, sort_keys=True, default=str)


def parse_lever(entry, base: Scenario, where: str) -> Lever:
    if not isinstance(entry, dict):
        raise SpecError(f"{where}: expected a [[lever]] table")
    unknown = sorted(map(str, set(entry) - ALLOWED))
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(ALLOWED)}")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise SpecError(f"{where}.kind: expected one of {KINDS} (got {kind!r:.40})")
    lever = _rooms(entry, where) if kind == "rooms" else _keyed(entry, kind, base, where)
    for value in lever.ends():
        try:
            lever.apply(base, value)
        except (ValidationError, KeyTransformError, TypeError) as err:
            detail = (
                format_errors(err, f"{where} at {value!r}")
                if isinstance(err, ValidationError)
                else f"{where} at {value!r}: {err}"
            )
            raise SpecError(detail) from None
    return lever


def _keyed(entry: dict, kind: str, base: Scenario, where: str) -> Lever:
    key = entry.get("key")
    if not isinstance(key, str) or not key:
        raise SpecError(
            f"{where}.key: expected a dotted scenario key, e.g. 'duty.on_call_delay_days'"
        )
    try:
        current_value(base, key)
    except (KeyError, TypeError):
        raise SpecError(f"{where}.key: {key!r} is not a scenario key") from None
    transform = entry.get("transform", "set")
    if transform not in TRANSFORMS:
        raise SpecError(f"{where}.transform: expected one of {TRANSFORMS} (got {transform!r:.40})")
    name, label, label_zh = _names(entry, key.replace(".", "_"), where)
    if kind == "choice":
        return Lever(
            name, key, kind, "set", choices=_choices(entry, where), label=label, label_zh=label_zh
        )
    low, high = (number(entry, k, where) for k in ("low", "high"))
    log = entry.get("log", False)
    if not isinstance(log, bool):
        raise SpecError(f"{where}.log: expected true or false")
    if not low < high or (log and low <= 0):
        raise SpecError(f"{where}: need low < high (and low > 0 when log = true)")
    step = None
    if kind == "integer":
        step = _step(entry, low, high, where)
        if log:
            raise SpecError(f"{where}: an integer lever cannot be log-scaled; use kind = 'real'")
    return Lever(name, key, kind, transform, low, high, step, log, label=label, label_zh=label_zh)


def _rooms(entry: dict, where: str) -> Lever:
    if "key" in entry and entry["key"] != ROOMS_KEY:
        raise SpecError(f"{where}.key: a rooms lever opens rooms; leave key out")
    low, high = (number(entry, k, where) for k in ("low", "high"))
    if not (0 <= low < high <= 10_000):
        raise SpecError(f"{where}: rooms: need 0 <= low < high <= 10,000 (new rooms)")
    per_room = entry.get("mediators_per_room", 2)
    if isinstance(per_room, bool) or not isinstance(per_room, int) or not 0 <= per_room <= 100:
        raise SpecError(f"{where}.mediators_per_room: expected a whole number 0 to 100")
    name, label, label_zh = _names(entry, "new_rooms", where)
    return Lever(
        name,
        ROOMS_KEY,
        "rooms",
        "set",
        low,
        high,
        _step(entry, low, high, where),
        mediators_per_room=per_room,
        label=label,
        label_zh=label_zh,
    )


def _names(entry: dict, default: str, where: str) -> tuple[str, str, str]:
    name = entry.get("name", default)
    if not isinstance(name, str) or not 1 <= len(name) <= 60 or not name.isidentifier():
        raise SpecError(
            f"{where}.name: expected a short name of letters, digits and '_' (it names a "
            f"column), got {name!r:.40}"
        )
    label = entry.get("label", name.replace("_", " "))
    label_zh = entry.get("label_zh", label)
    if not isinstance(label, str) or not isinstance(label_zh, str):
        raise SpecError(f"{where}: label and label_zh are text")
    return name, label, label_zh


def _choices(entry: dict, where: str) -> tuple[tuple[str, object], ...]:
    if ("choices" in entry) == ("values" in entry):
        raise SpecError(
            f"{where}: a choice lever needs choices = {{label = value, ...}} or values = [...]"
        )
    if "values" in entry:
        values = entry["values"]
        if not isinstance(values, list) or not 2 <= len(values) <= 50:
            raise SpecError(f"{where}.values: expected a list of 2 to 50 values")
        pairs = [(json.dumps(v, ensure_ascii=False, default=str), v) for v in values]
    else:
        table = entry["choices"]
        if not isinstance(table, dict) or not 2 <= len(table) <= 50:
            raise SpecError(f"{where}.choices: expected a table of 2 to 50 labelled values")
        pairs = list(table.items())
    labels = [label for label, _ in pairs]
    if len(set(labels)) != len(labels):
        raise SpecError(f"{where}: two choices are the same: {labels}")
    return tuple(pairs)


def _step(entry: dict, low: float, high: float, where: str) -> int:
    if low != int(low) or high != int(high):
        raise SpecError(f"{where}: an integer lever needs whole-number low and high")
    step = entry.get("step", 1)
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise SpecError(f"{where}.step: expected a whole number of at least 1")
    if (high - low) % step:
        raise SpecError(f"{where}: high - low ({high - low:g}) must be a multiple of step ({step})")
    return step


def current_value(scenario: Scenario, key: str):
    """The key's value in ``scenario``; a level's mediators default to its share of the
    total."""
    tree = scenario.model_dump(mode="python")
    if key.startswith(LEVEL_MEDIATORS):
        from sim.city.staffing import level_shares

        level = key.removeprefix(LEVEL_MEDIATORS)
        shares = level_shares(scenario.staffing)
        if level not in shares:
            raise KeyError(key)
        return scenario.staffing.mediators_by_level.get(level, shares[level])
    return get_key(tree, key)


def _transformed(scenario: Scenario, key: str, transform: str, value):
    if transform == "set":
        return value
    op = (lambda x: x * value) if transform == "scale" else (lambda x: x + value)
    moved = map_numbers(current_value(scenario, key), op)
    if key.startswith(LEVEL_MEDIATORS):
        return round(moved)  # headcounts are whole
    return moved


def _with_rooms(scenario: Scenario, k: int, per_room: int) -> Scenario:
    if k == 0:
        return scenario
    opened = _proposal(scenario, k)
    community = current_value(scenario, LEVEL_MEDIATORS + "community")
    return scenario.with_overrides(
        {
            "staffing": {"mediators_by_level": {"community": community + per_room * len(opened)}},
            "placement": {
                "rooms_opened": sorted(set(scenario.placement.rooms_opened) | set(opened))
            },
        }
    )


def _proposal(scenario: Scenario, k: int) -> tuple[str, ...]:
    """Where the p-median opens k rooms (cached: every candidate with k rooms asks)."""
    city = json.dumps(
        [scenario.geography.model_dump(mode="json"), scenario.placement.model_dump(mode="json")],
        sort_keys=True,
    )
    return _cached_proposal(city, k)


@functools.lru_cache(maxsize=256)
def _cached_proposal(city: str, k: int) -> tuple[str, ...]:
    from sim.city.geography import build
    from sim.city.placement import has_room
    from sim.city.siting import propose_rooms
    from sim.config import GeographyConfig, PlacementConfig

    geography, placement = json.loads(city)
    geo = build(GeographyConfig.model_validate(geography))
    placement = PlacementConfig.model_validate(placement)
    rooms = has_room(geo, placement)
    if rooms.all():
        raise SpecError(
            "a rooms lever needs communities without a room, and every community of the base "
            "has one; plan against a baseline with fewer (placement.rural_room_share below 1)"
        )
    proposal = propose_rooms(geo, rooms, k, share=placement.share_rooms_within_township)
    return tuple(proposal.community_ids)
