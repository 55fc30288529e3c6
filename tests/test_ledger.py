"""The case ledger's two forms of each transition (one case, many cases) write identical
tables from the same input (an independent check of the batch form against the per-case
form that SimPy processes use)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.domain import END, NO_LEVEL, RESOLUTION_PLACES
from sim.engine.cases import CaseTable
from sim.engine.ledger import CaseLedger

N = 500


def _ledger(seed: int) -> CaseLedger:
    rng = np.random.default_rng(seed)
    cases = CaseTable(capacity=16)  # grows: the forms must agree across regrowth too
    cases.append(N)
    cases.stage[:N] = rng.integers(0, 3, N)
    cases.levels_visited[:N] = rng.integers(0, 1 << len(RESOLUTION_PLACES), N)
    return CaseLedger(cases)


def _tables(ledger: CaseLedger) -> dict[str, np.ndarray]:
    cases = ledger.cases
    columns = (*CaseTable.INT_COLUMNS, *CaseTable.FLOAT_COLUMNS, *CaseTable.MATRICES)
    return {"today": ledger.today.copy(), **{c: cases.column(c).copy() for c in columns}}


def _assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def _input(seed: int, size: int):
    rng = np.random.default_rng(seed)
    ids = rng.choice(N, size=size, replace=False)  # the batch form takes distinct cases
    codes = rng.integers(1, len(END), size)
    at = rng.uniform(0, 365, size)
    return ids, codes, at


@pytest.mark.parametrize("level", [NO_LEVEL, 0, RESOLUTION_PLACES.index("court")])
def test_finish_one_by_one_equals_finish_many(level):
    ids, codes, at = _input(1, 300)
    single, batch = _ledger(2), _ledger(2)
    for i, code, t in zip(ids.tolist(), codes.tolist(), at.tolist(), strict=True):
        single.finish(i, code, level, t)
    batch.finish_many(ids, codes, level, at)
    _assert_same(_tables(single), _tables(batch))
    assert single.today[: len(END)].sum() == 300


def test_discover_one_by_one_equals_discover_many():
    ids, _, at = _input(3, 250)
    single, batch = _ledger(4), _ledger(4)
    for i, t in zip(ids.tolist(), at.tolist(), strict=True):
        single.discover(i, t)
    batch.discover_many(ids, at)
    _assert_same(_tables(single), _tables(batch))


def test_the_forms_differ_when_the_input_does():
    """The comparison can fail: one changed end day shows."""
    ids, codes, at = _input(5, 50)
    single, batch = _ledger(6), _ledger(6)
    for i, code, t in zip(ids.tolist(), codes.tolist(), at.tolist(), strict=True):
        single.finish(i, code, 1, t)
    at[7] += 1.0
    batch.finish_many(ids, codes, 1, at)
    with pytest.raises(AssertionError, match="end_day"):
        _assert_same(_tables(single), _tables(batch))


def test_reopen_undoes_an_end_and_counts_the_relapse():
    ledger = _ledger(7)
    ledger.finish(3, END["resolved"], 1, 10.0)
    ledger.reopen(3)
    cases = ledger.cases
    assert (cases.end_state[3], cases.end_level[3], cases.n_relapses[3]) == (
        END["open"],
        NO_LEVEL,
        1,
    )
    assert np.isnan(cases.end_day[3])
