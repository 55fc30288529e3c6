"""`sim calibrate --help-targets`: how to write a targets file, and every figure basis."""

from __future__ import annotations

import textwrap

from sim.calibrate.conventions import CONVENTIONS

EXAMPLE = """\
# my_targets.toml: the figures your city published, one [[target]] each.
[[target]]
id = "received-2024"              # your name for the figure (unique)
counts = "received_at_centres"    # what it counts: one of the bases below
value = 3120                      # a count; a rate as 0.95 or "95%"
year = 2024                       # or period = { from = 2024-01-01, to = 2024-06-30 }
tolerance = "3%"                  # optional; counts "3%" (default) or a number,
                                  # rates "1pp" (default)
source = "county yearbook 2025, p. 12"   # optional: label, source, locator, note

[[target]]
id = "rate-2024"
counts = "centre_resolution_rate"
value = "96.5%"
year = 2024
"""


def targets_help() -> str:
    lines = [
        "How to write a targets file (sim calibrate --scenario my_city.toml --targets FILE):",
        "",
        EXAMPLE,
        *textwrap.wrap(
            "Counts are compared per day of their period, so a half-year or three-year "
            "figure fits a year's run; when every target shares one period of at most a "
            "year, the calibration runs measure exactly that period.",
            width=88,
        ),
        "",
        "What a figure counts (counts = ...), and what the model counts for it:",
    ]
    for c in CONVENTIONS.values():
        lines.append(f"  {c.name} ({c.kind}; {c.label('zh')})")
        lines += textwrap.wrap(c.counts, 88, initial_indent="      ", subsequent_indent="      ")
    return "\n".join(lines)
