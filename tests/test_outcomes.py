"""The outcome registry names exactly the outputs a run yields, and everything that shows
outcomes reads it."""

from __future__ import annotations

import math

from sim.results import outcomes
from sim.results.metrics import extra_outputs


def test_every_summary_column_has_an_entry_and_every_entry_is_a_column(small_run):
    assert tuple(small_run.summary.column_names) == outcomes.SUMMARY_NAMES


def test_every_extra_output_has_an_entry(small_run):
    summary = small_run.summary.to_pylist()[0]
    extra = extra_outputs(summary, small_run.cases, small_run.stays)
    assert tuple(extra) == tuple(o.name for o in outcomes.EXTRA)
    assert not set(extra) & set(summary)


def test_entries_are_complete():
    for outcome in outcomes.OUTCOME.values():
        assert outcome.en and outcome.zh and outcome.unit and outcome.definition, outcome
        assert outcome.format(1234.5) != "n/a"
        assert outcome.format(math.nan) == "n/a" and outcome.format(None) == "n/a"
    labels = [o.en for o in outcomes.OUTCOME.values()]
    assert len(set(labels)) == len(labels), "two outcomes share a label"


def test_shown_outcomes_are_registered():
    for name in (*outcomes.RUN_TABLE, *outcomes.KEY_OUTCOMES):
        assert name in outcomes.OUTCOME


def test_the_run_table_prints_the_registry_formats(small_run):
    from sim.cli import format_summary

    row = small_run.summary.to_pylist()[0]
    text = format_summary(row, "x", 11)
    for name in outcomes.RUN_TABLE:
        entry = outcomes.OUTCOME[name]
        assert f"{entry.en}" in text and entry.format(row[name]) in text


def test_report_labels_come_from_the_registry():
    from sim.report.style import Language

    for name, entry in outcomes.OUTCOME.items():
        assert Language("en").outcome(name) == entry.en
        assert Language("zh").outcome(name) == entry.zh
