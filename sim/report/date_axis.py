"""Time axes in calendar dates, with public holidays shaded.

Day ``d`` of a run is the date ``start + d`` (day 0 is the scenario's ``run.start_date``;
warm-up days are negative). Daily tables of a run carry a ``date`` column; tables pooled
for a comparison keep only ``day``, so the caller passes the start date (see
:func:`run_start`). Without a date the axis stays in day numbers. Public holidays are those
of the Chinese statutory calendar (``chinese-calendar``); years it does not cover get none.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import numpy as np
import pyarrow as pa

HOLIDAY_COLOUR = "#fde0c5"
ZH_FORMATS = ["%Y年", "%m月", "%m月%d日", "%H:%M", "%H:%M", "%S.%f"]
ZH_OFFSETS = ["", "%Y年", "%Y年%m月", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"]


def run_start(manifest: dict) -> dt.date | None:
    """Day 0 of a run from its manifest's resolved scenario, or None if it is not there."""
    scenario = manifest.get("scenario") if isinstance(manifest, dict) else None
    run = scenario.get("run", {}) if isinstance(scenario, dict) else {}
    value = run.get("start_date") if isinstance(run, dict) else None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def table_start(daily: pa.Table) -> dt.date | None:
    """Day 0 from a daily table's own ``date`` column, when it has one."""
    if "date" not in daily.column_names or "day" not in daily.column_names:
        return None
    dates, days = daily.column("date").to_pylist(), daily.column("day").to_pylist()
    for date, day in zip(dates, days, strict=True):
        if isinstance(date, dt.date) and day is not None:
            return date - dt.timedelta(days=int(day))
    return None


def x_values(days: np.ndarray, start: dt.date | None) -> np.ndarray:
    """What to plot on the x axis: matplotlib date numbers, or the days themselves."""
    days = np.asarray(days, dtype=float)
    return days if start is None else mdates.date2num(start) + days


def holiday_spans(start: dt.date, first_day: int, last_day: int) -> list[tuple[int, int]]:
    """(first, last) run days of each stretch of public holidays in [first_day, last_day]."""
    try:
        import chinese_calendar
    except ImportError:
        return []
    spans: list[tuple[int, int]] = []
    for day in range(int(first_day), int(last_day) + 1):
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(start + dt.timedelta(day))
        except NotImplementedError:  # a year the package does not cover
            continue
        if not (on_holiday and name):  # weekends are holidays with no name
            continue
        if spans and spans[-1][1] == day - 1:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def date_axis(ax, start: dt.date | None, days: np.ndarray, lang: str, label: str) -> None:
    """Dates (or day numbers) on ``ax``'s x axis and public holidays shaded behind the data;
    ``label`` names the holidays in the legend (only the first span carries it)."""
    if start is None or len(days) == 0:
        return
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    if lang == "zh":
        formatter = mdates.ConciseDateFormatter(
            locator, formats=ZH_FORMATS, offset_formats=ZH_OFFSETS
        )
    else:
        formatter = mdates.ConciseDateFormatter(locator)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    origin = mdates.date2num(start)
    for k, (first, last) in enumerate(holiday_spans(start, int(np.min(days)), int(np.max(days)))):
        ax.axvspan(
            origin + first - 0.5,
            origin + last + 0.5,
            color=HOLIDAY_COLOUR,
            lw=0,
            zorder=0,
            label=label if k == 0 else None,
        )


def time_axis(ax, start: dt.date | None, days: np.ndarray, lang, grey: str = "0.9") -> None:
    """Shade the warm-up (before day 0), put dates and holidays (or day numbers) on the x
    axis: the time axis every backlog figure shares. ``lang`` is a report Language."""
    from sim.report.text_wrap import wrap_to

    if len(days) and days.min() < 0:
        span = x_values(np.array([days.min(), 0]), start)
        ax.axvspan(*span, color=grey, zorder=0, label=lang.text("warm_up"))
    date_axis(ax, start, days, lang.code, lang.text("fig_holiday"))
    ax.set_xlabel(lang.text("fig_date") if start else wrap_to(lang.text("day"), 5.0, 10))
