"""Scenario discovery (sim/optimise/discovery.py): PRIM boxes from the PRIM package, their
statistics recomputed on all futures, and the Markdown that describes them."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("prim")

from sim.optimise.discovery import Box, DiscoveryError, describe_boxes, find_boxes

N = 600


def uniform_inputs(rng: np.random.Generator, n: int = N) -> dict[str, np.ndarray]:
    return {name: rng.random(n) for name in "abcd"}


def planted(seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Failures where a > 0.6 and b < 0.3, with 5% of the labels flipped."""
    rng = np.random.default_rng(seed)
    inputs = uniform_inputs(rng)
    fails = (inputs["a"] > 0.6) & (inputs["b"] < 0.3)
    return inputs, fails ^ (rng.random(N) < 0.05)


def recomputed(box: Box, inputs: dict[str, np.ndarray], fails: np.ndarray) -> dict[str, float]:
    """Coverage, density and mass of the box's limits (inclusive), counted here."""
    inside = np.logical_and.reduce(
        [(inputs[name] >= low) & (inputs[name] <= high) for name, (low, high) in box.limits.items()]
    )
    return {
        "coverage": fails[inside].sum() / fails.sum(),
        "density": fails[inside].mean(),
        "mass": inside.mean(),
        "n_inside": inside.sum(),
    }


# With 5% of the labels flipped about a quarter of the failing futures are noise outside the
# planted box, so even the planted box covers only about 0.72 of them, below 0.7 in about a
# third of the seeds. These seeds are ones where it covers more; in 2 and 5 peeling also cut a
# sliver off d or c that only the quasi-p test removes.
@pytest.mark.parametrize("seed", [0, 2, 5])
def test_a_planted_box_is_recovered(seed: int) -> None:
    inputs, fails = planted(seed)
    true_box = (inputs["a"] > 0.6) & (inputs["b"] < 0.3)
    true_coverage = fails[true_box].sum() / fails.sum()
    assert true_coverage >= 0.7  # the seed's premise, not a test of the module
    boxes = find_boxes(inputs, fails)
    assert boxes
    box = boxes[0]
    assert set(box.limits) == {"a", "b"}  # c and d do not matter and are not restricted
    (a_low, a_high), (b_low, b_high) = box.limits["a"], box.limits["b"]
    assert abs(a_low - 0.6) <= 0.07 and a_high > 0.93  # a > 0.6: cut from below only
    assert abs(b_high - 0.3) <= 0.07 and b_low < 0.07  # b < 0.3: cut from above only
    assert box.density >= 0.8
    assert box.coverage >= 0.7
    assert box.coverage >= true_coverage - 0.05  # close to what the planted box covers
    again = recomputed(box, inputs, fails)
    assert box.coverage == pytest.approx(again["coverage"])
    assert box.density == pytest.approx(again["density"])
    assert box.mass == pytest.approx(again["mass"])
    assert box.n_inside == again["n_inside"]


def test_the_same_input_gives_the_same_boxes() -> None:
    inputs, fails = planted()
    assert find_boxes(inputs, fails) == find_boxes(
        {name: values.copy() for name, values in inputs.items()}, fails.copy()
    )


def test_covering_finds_a_second_box_among_the_futures_left() -> None:
    rng = np.random.default_rng(0)
    inputs = uniform_inputs(rng)
    a, b, c, d = (inputs[name] for name in "abcd")
    fails = ((a > 0.6) & (b < 0.3)) | ((c < 0.3) & (d > 0.6))
    boxes = find_boxes(inputs, fails)
    assert {frozenset(box.limits) for box in boxes} == {frozenset("ab"), frozenset("cd")}
    assert all(box.density >= 0.8 for box in boxes)
    for box in boxes:  # the statistics are over all futures, not only the ones left
        assert box.coverage == pytest.approx(recomputed(box, inputs, fails)["coverage"])
    assert find_boxes(inputs, fails, max_boxes=1) == boxes[:1]


def test_no_failure_gives_no_box_and_says_so() -> None:
    inputs = uniform_inputs(np.random.default_rng(1))
    assert find_boxes(inputs, np.zeros(N, dtype=bool)) == []
    text = " ".join(describe_boxes([], N, 0))
    assert "the policy met the criterion in every future" in text.lower()
    assert "全部" in " ".join(describe_boxes([], N, 0, lang="zh"))


def test_every_future_failing_gives_no_box_and_says_so() -> None:
    inputs = uniform_inputs(np.random.default_rng(2))
    assert find_boxes(inputs, np.ones(N, dtype=bool)) == []
    text = " ".join(describe_boxes([], N, N))
    assert "failed the criterion in every future" in text
    assert "met the criterion" not in text


def test_failures_without_structure_give_nothing_convincing() -> None:
    rng = np.random.default_rng(3)
    inputs = uniform_inputs(rng)
    fails = rng.random(N) < 0.2
    # Every box returned has density >= threshold (0.8) among the futures it was sought in,
    # so "no box, or only boxes of density below 0.6" can only hold as "no box" here. The
    # densest pocket of 5% of the futures that PRIM peels to in such data is far below 0.8.
    assert find_boxes(inputs, fails) == []
    # With the bar lowered to 0.3 PRIM may report a box, but none that looks like a cause:
    # failures are 20% everywhere, so nothing reaches a density of 0.6.
    assert all(box.density < 0.6 for box in find_boxes(inputs, fails, threshold=0.3))
    assert "No box was found" in " ".join(describe_boxes([], N, int(fails.sum())))


@pytest.mark.parametrize(
    ("inputs", "fails", "named"),
    [
        ({"a": np.zeros(20), "b": np.zeros(19)}, np.zeros(20, dtype=bool), "'b' has 19 values"),
        ({"a": np.r_[np.zeros(19), np.nan]}, np.zeros(20, dtype=bool), "'a'"),
        ({"a": np.r_[np.zeros(19), np.inf]}, np.zeros(20, dtype=bool), "not finite"),
        ({"a": np.zeros(9)}, np.zeros(9, dtype=bool), "at least 10 futures"),
        ({"": np.zeros(20)}, np.zeros(20, dtype=bool), "non-empty"),
        ({}, np.zeros(20, dtype=bool), "no uncertain facts"),
        ({"a": np.zeros(20)}, np.full(20, 0.5), "True or False"),
    ],
)
def test_bad_input_is_a_one_line_discovery_error(
    inputs: dict[str, np.ndarray], fails: np.ndarray, named: str
) -> None:
    with pytest.raises(DiscoveryError, match=named) as raised:
        find_boxes(inputs, fails)
    assert "\n" not in str(raised.value)


def test_without_the_prim_package_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "prim", None)  # makes `import prim` fail
    inputs, fails = planted()
    with pytest.raises(DiscoveryError, match=r"pip install 'dispute-sim\[discovery\]'"):
        find_boxes(inputs, fails)


def test_description_in_english_and_chinese_uses_the_labels() -> None:
    inputs, fails = planted()
    boxes = find_boxes(inputs, fails)
    labels = {"a": "demand growth", "b": "mediator turnover"}
    english = describe_boxes(boxes, N, int(fails.sum()), labels=labels)
    table = [line for line in english if line.startswith("|")]
    assert table[0].startswith("| Box |") and "Coverage" in table[0]
    assert len(table) == 2 + len(boxes)  # header, alignment, one row per box
    row = table[2]
    assert "demand growth ∈ [" in row and "mediator turnover ∈ [" in row
    assert f"{100 * boxes[0].coverage:.0f}%" in row
    zh_labels = {"a": "需求增长", "b": "调解员流失"}
    chinese = "\n".join(describe_boxes(boxes, N, int(fails.sum()), lang="zh", labels=zh_labels))
    assert "覆盖率" in chinese and "密度" in chinese
    assert "需求增长 ∈ [" in chinese and "调解员流失 ∈ [" in chinese
    assert "a ∈" not in chinese
    with pytest.raises(DiscoveryError, match="lang"):
        describe_boxes(boxes, N, int(fails.sum()), lang="fr")
