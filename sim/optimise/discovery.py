"""Scenario discovery: which uncertain facts make a chosen policy fail a criterion.

One policy is run in many futures (draws of the uncertain facts); in each it meets the
planner's criterion or fails it. Scenario discovery looks for boxes, ranges of a few of the
facts, inside which the failures concentrate, so that a planner can read "the policy fails
when demand grows faster than x and mediators leave faster than y". Of a box over N futures
of which F fail:

- coverage = failing futures inside the box / F: how much of the failure the box explains;
- density = failing futures inside the box / futures inside it: how likely failure is there;
- mass = futures inside the box / N: how much of the futures the box takes.

The boxes are found by PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999,
as used for scenario discovery by Bryant and Lempert 2010), from the PRIM package by David
Hadka (PyPI ``PRIM``, imported as ``prim``; GPL-3, so an optional extra imported only
here). This module chooses a point on each box's peeling trajectory, drops the box's
restrictions that are not significant and measures every box on all futures.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

INSTALL = "scenario discovery needs the PRIM package: pip install 'dispute-sim[discovery]'"
MIN_FUTURES = 10
# A restriction whose quasi-p value (Bryant and Lempert 2010: a one-sided binomial test of
# the box against the box without it) is above this is dropped as not significant.
QUASI_P_MAX = 0.05


@dataclass(frozen=True)
class Box:
    """A box of futures where failures concentrate, measured on all futures."""

    limits: dict[str, tuple[float, float]]  # only the restricted inputs: name -> (low, high)
    coverage: float  # share of all failing futures that fall inside the box
    density: float  # share of futures inside the box that fail
    mass: float  # share of all futures inside the box
    n_inside: int  # futures inside the box


class DiscoveryError(ValueError):
    """Bad input to scenario discovery, or PRIM not installed; a one-line message."""


def find_boxes(
    inputs: dict[str, np.ndarray],
    fails: np.ndarray,
    *,
    threshold: float = 0.8,
    max_boxes: int = 2,
    min_mass: float = 0.05,
) -> list[Box]:
    """PRIM boxes in the space of `inputs` (one float array per uncertain fact, all the same
    length N) where `fails` (bool array of length N) is concentrated.

    Boxes are found one after another, each among the futures not inside an earlier box
    (PRIM's covering), at most `max_boxes`. Of a box's peeling trajectory the point taken is
    the one with the best balance of coverage and density (their harmonic mean) among those
    whose density, among the futures still uncovered, is at least `threshold` and whose
    mass is at least `min_mass`; then its restrictions that are not significant (quasi-p
    above 0.05) are dropped while the density stays at `threshold`. The search stops at the
    first box with no such point. Coverage, density and mass are measured on all N futures,
    so a later box that overlaps an earlier one counts the futures they share.

    No failing future, or no passing one, gives [] (no box can separate them).
    """
    x, failed = _checked(inputs, fails, threshold, max_boxes, min_mass)
    with _quiet():
        try:
            import pandas as pd
            import prim
        except ImportError:
            raise DiscoveryError(INSTALL) from None
        n_fails = int(failed.sum())
        if n_fails in (0, failed.size):
            return []
        # y is given as the bool cases of interest and Prim's own threshold left unset: in
        # PRIM 1.0 that threshold classifies a continuous y (y > threshold), it is not the
        # density a box must reach (with a bool y, threshold=1.0 would mark no future).
        finder = prim.Prim(pd.DataFrame(x), failed, mass_min=min_mass)
        boxes: list[Box] = []
        for _ in range(max_boxes):
            try:
                found = finder.find_box()
            except prim.PrimError:  # the package's way of saying no box can be formed
                break
            if found is None or not _choose(found, threshold, min_mass):
                break
            limits = _restricted(found.limits, x)
            if not limits:  # the whole space: not a box
                break
            boxes.append(_measured(limits, x, failed))
    return boxes


def _checked(
    inputs: dict[str, np.ndarray],
    fails: np.ndarray,
    threshold: float,
    max_boxes: int,
    min_mass: float,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The inputs as float arrays and the failures as a bool array, or a DiscoveryError."""
    if not 0 < threshold <= 1:
        raise DiscoveryError(f"threshold must be a density in (0, 1], got {threshold}")
    if isinstance(max_boxes, bool) or not isinstance(max_boxes, int | np.integer) or max_boxes < 1:
        raise DiscoveryError(f"max_boxes must be a whole number of at least 1, got {max_boxes}")
    if not 0 < min_mass < 1:
        raise DiscoveryError(f"min_mass must be a share in (0, 1), got {min_mass}")
    failed = np.asarray(fails)
    if failed.ndim != 1:
        raise DiscoveryError(f"fails must hold one value per future, got shape {failed.shape}")
    if failed.dtype != bool:
        if failed.dtype.kind not in "iuf" or not np.isin(failed, (0, 1)).all():
            raise DiscoveryError("fails must be True or False (or 1 or 0) for every future")
        failed = failed.astype(bool)
    n = failed.size
    if n < MIN_FUTURES:
        raise DiscoveryError(f"scenario discovery needs at least {MIN_FUTURES} futures, got {n}")
    if not inputs:
        raise DiscoveryError("no uncertain facts given (inputs is empty)")
    x: dict[str, np.ndarray] = {}
    for name, values in inputs.items():
        if not isinstance(name, str) or not name.strip():
            raise DiscoveryError(f"input names must be non-empty strings, got {name!r}")
        try:
            column = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise DiscoveryError(f"input {name!r} is not numbers") from None
        if column.ndim != 1:
            raise DiscoveryError(
                f"input {name!r} must hold one value per future, got shape {column.shape}"
            )
        if column.size != n:
            raise DiscoveryError(
                f"input {name!r} has {column.size} values but fails has {n} (one per future)"
            )
        bad = np.flatnonzero(~np.isfinite(column))
        if bad.size:
            raise DiscoveryError(
                f"input {name!r} has {bad.size} value(s) that are not finite numbers "
                f"(NaN or infinite), the first in future {bad[0]}"
            )
        x[name] = column
    return x, failed


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the PRIM package: its info logging, pandas and scipy warnings, any print."""
    # The package's modules log to prim.<module>; importing it imports matplotlib, which logs.
    loggers = [logging.getLogger(name) for name in ("prim", "matplotlib")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _choose(box: Any, threshold: float, min_mass: float) -> bool:
    """Select the point of the box's trajectory to keep (see find_boxes); False if none fits.

    The package's default, the last point, is peeled furthest: inside a real box label
    noise keeps the peeling going and loses coverage for little density.
    """
    trajectory = box.peeling_trajectory
    coverage = trajectory["coverage"].to_numpy(dtype=float)
    density = trajectory["density"].to_numpy(dtype=float)
    mass = trajectory["mass"].to_numpy(dtype=float)
    fits = np.flatnonzero((density >= threshold) & (mass >= min_mass) & (coverage > 0))
    if fits.size == 0:
        return False
    balance = 2 * coverage[fits] * density[fits] / (coverage[fits] + density[fits])
    current = int(fits[np.argmax(balance)])  # ties: the first, the larger box
    box.select(current)
    # Peeling may have cut a sliver off a fact that does not matter; Bryant and Lempert's
    # quasi-p values (from the package) say which restrictions are not significant.
    while True:
        limits = box.limits
        if limits.empty:
            break
        quasi_p = limits["qp values"].astype(float)
        name = quasi_p.idxmax()  # the least significant restriction first
        if not quasi_p[name] > QUASI_P_MAX:
            break
        box.drop_restriction(name)  # appends the wider box to the trajectory, selects it
        if box.density < threshold:
            box.select(current)  # the restriction was needed after all
            break
        current = len(box) - 1
    return True


def _restricted(limits: Any, x: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """The box's limits on the inputs it narrows below their observed range, in input order."""
    restricted: dict[str, tuple[float, float]] = {}
    for name, values in x.items():
        if name not in limits.index:
            continue
        low, high = float(limits.at[name, "min"]), float(limits.at[name, "max"])
        if low > values.min() or high < values.max():
            restricted[name] = (low, high)
    return restricted


def _measured(
    limits: dict[str, tuple[float, float]], x: dict[str, np.ndarray], failed: np.ndarray
) -> Box:
    """The box with its statistics on all futures (limits inclusive, as PRIM's)."""
    inside = np.ones(failed.size, dtype=bool)
    for name, (low, high) in limits.items():
        inside &= (x[name] >= low) & (x[name] <= high)
    n_inside = int(inside.sum())
    fails_inside = int(failed[inside].sum())
    return Box(
        limits=limits,
        coverage=fails_inside / int(failed.sum()),
        density=fails_inside / n_inside if n_inside else 0.0,
        mass=n_inside / failed.size,
        n_inside=n_inside,
    )


WORDS = {
    "en": {
        "all_pass": "The policy met the criterion in every future ({n} of {n}): there is no "
        "failure to explain, so no box.",
        "all_fail": "The policy failed the criterion in every future ({n} of {n}): no range of "
        "the uncertain facts separates failing from passing futures, so no box.",
        "share": "The policy failed the criterion in {f} of {n} futures ({share}).",
        "none": "No box was found: the failures are not concentrated in a range of the "
        "uncertain facts dense enough to report.",
        "found": "Scenario discovery (PRIM) found {k} {boxes} of the uncertain facts in which "
        "the failures concentrate. Coverage is the share of all failing futures inside a "
        "box, density the share of the futures inside it that fail, mass the share of all "
        "futures inside it.",
        "later": " Each box after the first was sought among the futures outside the earlier ones.",
        "box": "box",
        "boxes": "boxes",
        "header": "| Box | Uncertain facts and their ranges | Coverage | Density | Mass |",
        "join": "; ",
        "gap": " ",
    },
    "zh": {
        "all_pass": "该政策在全部未来情景中都达到了标准({n}/{n}),没有需要解释的失败,因此没有盒子。",
        "all_fail": "该政策在全部未来情景中都未达到标准({n}/{n}),不确定因素的任何范围都无法"
        "区分失败与达标的情景,因此没有盒子。",
        "share": "该政策在 {n} 个未来情景中有 {f} 个未达到标准({share})。",
        "none": "未找到盒子:失败情景没有集中在不确定因素的某个足够密集、值得报告的范围内。",
        "found": "情景发现(PRIM)找到 {k} {boxes},即失败集中的不确定因素范围。覆盖率是全部失败"
        "情景中落在盒子内的比例,密度是盒子内情景中失败的比例,质量是全部情景中落在盒子内的比例。",
        "later": "第一个之后的盒子是在前面盒子之外的情景中寻找的。",
        "box": "个盒子",
        "boxes": "个盒子",
        "header": "| 盒子 | 不确定因素及其范围 | 覆盖率 | 密度 | 质量 |",
        "join": ";",
        "gap": "",
    },
}


def describe_boxes(
    boxes: list[Box],
    n_futures: int,
    n_fails: int,
    lang: str = "en",
    labels: dict[str, str] | None = None,
) -> list[str]:
    """Markdown lines (a short paragraph plus a table: box, the restricted facts with their
    ranges, coverage, density, mass) in English (lang='en') or Chinese (lang='zh'); `labels`
    maps input names to display names. Says plainly when no box was found, when no future
    fails ('the policy met the criterion in every future') and when every future fails."""
    if lang not in WORDS:
        raise DiscoveryError(f"lang must be one of {', '.join(WORDS)}, got {lang!r}")
    if n_futures < 1 or not 0 <= n_fails <= n_futures:
        raise DiscoveryError(
            f"need 0 <= n_fails <= n_futures and n_futures >= 1, got {n_fails} of {n_futures}"
        )
    words = WORDS[lang]
    if n_fails == 0:
        return [words["all_pass"].format(n=n_futures)]
    if n_fails == n_futures:
        return [words["all_fail"].format(n=n_futures)]
    share = words["share"].format(f=n_fails, n=n_futures, share=_percent(n_fails / n_futures))
    if not boxes:
        return [share + words["gap"] + words["none"]]
    found = words["found"].format(k=len(boxes), boxes=words["box" if len(boxes) == 1 else "boxes"])
    if len(boxes) > 1:
        found += words["later"]
    lines = [share + words["gap"] + found, "", words["header"]]
    lines.append("|---|---|---:|---:|---:|")
    names = labels or {}
    for number, box in enumerate(boxes, start=1):
        ranges = words["join"].join(
            f"{_cell(names.get(name, name))} ∈ [{_number(low)}, {_number(high)}]"
            for name, (low, high) in box.limits.items()
        )
        lines.append(
            f"| {number} | {ranges} | {_percent(box.coverage)} | {_percent(box.density)} "
            f"| {_percent(box.mass)} |"
        )
    return lines


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _number(value: float) -> str:
    """A limit for reading: three significant figures, whole numbers from 100 on."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a pipe would end the Markdown table cell
