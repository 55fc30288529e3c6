"""Golden baseline: a REGRESSION check, not validation. It pins the summary of one seeded
small default run, so that refactoring and speed work can show results did not change.
When a change of results is intended, regenerate with ``python3 -m tests.update_baseline``
and say why in the commit."""

from __future__ import annotations

import json
import math

from tests.update_baseline import BASELINE, baseline_summary


def test_summary_matches_golden_baseline():
    expected = json.loads(BASELINE.read_text())
    actual = baseline_summary()
    assert sorted(actual) == sorted(expected)
    changed = {k: (expected[k], actual[k]) for k in expected if not _same(expected[k], actual[k])}
    assert not changed, changed


def _same(expected, actual) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        both_nan = math.isnan(expected) and math.isnan(actual)
        return both_nan or math.isclose(expected, actual, rel_tol=1e-9)
    return expected == actual
