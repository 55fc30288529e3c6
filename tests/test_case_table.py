"""The case table's and the latent pool's declared fields (what mypy checks) are the
fields they create."""

from __future__ import annotations

import typing

from sim.engine import latent
from sim.engine.cases import CaseTable


def test_case_table_declares_every_column_it_creates():
    declared = set(typing.get_type_hints(CaseTable)) - {"n"}
    created = {*CaseTable.INT_COLUMNS, *CaseTable.FLOAT_COLUMNS, *CaseTable.MATRICES}
    assert declared == created
    table = CaseTable(capacity=4)
    assert all(hasattr(table, name) for name in created)


def test_latent_pool_declares_every_field():
    declared = {
        name for name, value in vars(latent.LatentPool).items() if isinstance(value, latent._InUse)
    }
    assert declared == set(latent.LatentPool.FIELDS)
