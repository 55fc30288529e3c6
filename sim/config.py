"""Scenario schema: every parameter of the model, with its unit, default and valid range.

This file is the one place where parameters live. A scenario TOML holds only overrides of
these defaults; calibration replaces the uncalibrated guesses by writing an override file.
Defaults reproduce the structure of Hohhot 2023 (shared/published_figures.toml); rates and
probabilities marked "guess" are uncalibrated placeholders until calibration fits them.

Each field carries ``role`` metadata: "lever" (a planner sets it), "context" (an uncertain
fact about the world) or "structure" (a published count). Sweeps and calibration read it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sim.domain import CENTRE_LEVELS, COMPLEXITIES, DISPUTE_TYPES, STAGES

DisputeType = Literal[DISPUTE_TYPES]  # type: ignore[valid-type]
Complexity = Literal[COMPLEXITIES]  # type: ignore[valid-type]
CentreLevel = Literal[CENTRE_LEVELS]  # type: ignore[valid-type]

# Every number is finite and bounded: the bounds keep a run inside one machine's memory and
# a day's time, and each says in its name what it measures.
MAX_DAYS = 3660  # ten years: horizons, warm-ups and mean durations
MAX_STAFF = 200_000  # mediators or grid officers of one kind (Hohhot: 4,112 and 6,158)
MAX_SEED = 2**32 - 1


def _days_or_inf(value: float) -> float:
    if value != math.inf and value > MAX_DAYS:
        raise ValueError(f"must be at most {MAX_DAYS} days, or inf for none")
    return value


def _month_day(text: str) -> str:
    month, day = (int(part) for part in text.split("-"))
    try:
        dt.date(2000, month, day)  # a leap year: 02-29 is a day
    except ValueError:
        raise ValueError(f"{text!r} is not a day of the year (MM-DD, e.g. 10-15)") from None
    return text


def _no_nul(text: str) -> str:
    if "\0" in text:  # no file has such a name; the OS refuses it with an obscure error
        raise ValueError("a file path cannot hold a NUL character (\\0)")
    return text


def _refuse_removed(data, removed: dict[str, str]):
    """Keys a section no longer has: say what replaced each, instead of 'extra field'."""
    if isinstance(data, dict):
        for key, instead in removed.items():
            if key in data:
                raise ValueError(f"{key} was removed: {instead}")
    return data


Prob = Annotated[float, Field(ge=0.0, le=1.0)]
HazardPerDay = Annotated[float, Field(ge=0.0, le=1e9)]  # events per day; 1e9 is "at once"
Multiplier = Annotated[float, Field(ge=0.0, le=100.0)]
Days = Annotated[float, Field(gt=0.0, le=MAX_DAYS)]
Hours = Annotated[float, Field(gt=0.0, le=24.0)]
LeadDays = Annotated[float, Field(ge=0.0, le=365.0)]
HalfDays = Annotated[int, Field(ge=1, le=9)]  # a part-timer's half-days a week (10 is full time)
DaysOrNone = Annotated[float, Field(gt=0.0, allow_inf_nan=True), AfterValidator(_days_or_inf)]
Km = Annotated[float, Field(ge=0.0, le=1000.0)]
Coordinate = Annotated[float, Field(ge=-40_000.0, le=40_000.0)]  # km on a local map
Staff = Annotated[int, Field(ge=0, le=MAX_STAFF)]
Logit = Annotated[float, Field(ge=-50.0, le=50.0)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
Label = Annotated[str, Field(min_length=1, max_length=80)]
MonthDay = Annotated[str, Field(pattern=r"^\d\d-\d\d$"), AfterValidator(_month_day)]


def month_day(text: str) -> tuple[int, int]:
    """(month, day) of an MM-DD text."""
    month, day = text.split("-")
    return int(month), int(day)


# Units of levers' values (of each entry, for tables and lists), in Chinese for the forms a
# dashboard builds from the declarations; "" (a choice, a list, yes/no) has none.
UNITS_ZH: dict[str, str] = {
    "people": "人",
    "people per 10,000 residents": "人/万人",
    "share": "比例 (0–1)",
    "days": "天",
    "days a week": "天/周",
    "half-days a week": "每周半天数",
    "hours": "小时",
    "households": "户",
    "households a day": "户/天",
    "villages a day": "村/天",
    "km": "公里",
    "attempts": "次",
    "parts": "份",
    "teams": "支",
}


def lever(
    default, description: str, *, label: str, label_zh: str, help_zh: str, unit: str = "", **kw
):
    """A planner's lever, with what a form shows for it: a short label in English and in
    Chinese, the description in Chinese, and the unit of its values (a key of UNITS_ZH)."""
    return Field(
        default,
        description=description,
        json_schema_extra={
            "role": "lever",
            "label": label,
            "label_zh": label_zh,
            "help_zh": help_zh,
            "unit": unit,
        },
        **kw,
    )


def context(default, description: str, **kw):
    return Field(default, description=description, json_schema_extra={"role": "context"}, **kw)


def structure(default, description: str, **kw):
    return Field(default, description=description, json_schema_extra={"role": "structure"}, **kw)


def per_type(**values: float) -> dict[str, float]:
    """A full per-dispute-type table: unnamed types take the value of ``other``."""
    other = values.pop("other", 0.0)
    return {t: values.get(t, other) for t in DISPUTE_TYPES}


def _stage_list(n: int = len(STAGES)) -> dict:
    """Length constraints of a list with one value per stage (or per stage transition)."""
    return {"min_length": n, "max_length": n}


class Section(BaseModel):
    # Strict: a boolean is not a number and a string is not a boolean (files and --set
    # values are validated with strict=True; internal payloads of validated scenarios are
    # re-read laxly, since JSON turns dates into strings).
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False, strict=True
    )


class RunConfig(Section):
    days: int = Field(365, ge=1, le=MAX_DAYS, description="Measured horizon, days.")
    warmup_days: int = Field(
        365,
        ge=0,
        le=MAX_DAYS,
        description="Days simulated before day 0 so the year starts from the state a running "
        "system is in (its latent disputes and court backlog); recorded with negative days "
        "and left out of the summary. The default passes MSER-5 on the default city's latent "
        "pool and court backlog (260 to 335 days; sim/analysis/warmup.py).",
    )
    start_date: dt.date = Field(
        dt.date(2023, 1, 1),
        ge=dt.date(1950, 1, 1),
        le=dt.date(2100, 12, 31),
        description="Calendar date of day 0 (1950 to 2100).",
    )
    scale: float = Field(
        1.0,
        gt=0.0,
        le=8.0,
        description="Population scale. Below 1 keeps that share of townships (whole, with their "
        "communities and staff); above 1 multiplies population and staff.",
    )
    seed: Seed = Field(1, description="Root seed of all random streams (the CLI overrides).")


# What a community layer's properties (attribute columns) give, for geography.gis_properties.
GisKey = Literal["id", "name", "population", "urban", "has_room", "township", "county"]
FilePath = Annotated[str, Field(min_length=1, max_length=4096), AfterValidator(_no_nul)]
PropertyName = Annotated[str, Field(min_length=1, max_length=200)]


class GeographyConfig(Section):
    source: Literal["synthetic", "csv", "gis"] = structure(
        "synthetic",
        "Generate a synthetic city from the totals, or read communities from csv_path (csv) "
        "or from the GIS layer gis_path (gis).",
    )
    csv_path: FilePath | None = structure(
        None,
        "CSV of communities (id, township, county, x_km, y_km, population, urban; optionally "
        "name, has_room); relative paths are taken from the scenario file's folder.",
    )
    gis_path: FilePath | None = structure(
        None,
        "GeoJSON, GeoPackage or Shapefile of communities, as points or polygons (a polygon "
        "stands at its representative point); relative paths are taken from the scenario "
        "file's folder. Needs the gis extra: pip install 'dispute-sim[gis]'.",
    )
    gis_layer: Label | None = structure(
        None, "Layer of gis_path to read, for a GeoPackage holding several."
    )
    gis_properties: dict[GisKey, PropertyName] = structure(
        {},
        "Property (attribute column) of the community layer holding each of id, name, "
        "population, urban, has_room, township, county, where it is not named so; name and "
        "has_room are optional, township and county may come from gis_townships / "
        "gis_counties instead.",
    )
    gis_townships: FilePath | None = structure(
        None,
        "GIS file of township boundary polygons: each community takes the township whose "
        "polygon holds it, instead of a township property.",
    )
    gis_townships_layer: Label | None = structure(
        None, "Layer of gis_townships to read, for a GeoPackage holding several."
    )
    gis_township_id: PropertyName = structure(
        "id", "Property of the township polygons naming each township."
    )
    gis_counties: FilePath | None = structure(
        None,
        "GIS file of county boundary polygons: each community takes the county whose polygon "
        "holds it, instead of a county property.",
    )
    gis_counties_layer: Label | None = structure(
        None, "Layer of gis_counties to read, for a GeoPackage holding several."
    )
    gis_county_id: PropertyName = structure(
        "id", "Property of the county polygons naming each county."
    )
    seed: Seed = structure(2023, "Seed of the synthetic geography (fixed per city, not per run).")
    population: int = structure(
        3_400_000, "Residents (Hohhot 2025 population records).", ge=1, le=100_000_000
    )
    n_counties: int = structure(9, "County/district/banner centres (Hohhot 2023).", ge=1, le=1_000)
    n_urban_counties: int = structure(
        4, "Counties that are urban districts (Hohhot: 4).", ge=0, le=1_000
    )
    n_townships: int = structure(89, "Township/street centres (Hohhot 2023).", ge=1, le=20_000)
    n_communities: int = structure(
        1348, "Communities and villages (Hohhot 2023).", ge=1, le=200_000
    )
    urban_population_share: Prob = context(0.72, "Share of residents in urban communities (guess).")
    rural_radius_km: Annotated[float, Field(gt=0.0, le=5000.0)] = structure(
        75.0, "Radius of the synthetic city's rural ring, km (Hohhot ~17,200 km2)."
    )
    persons_per_household: Annotated[float, Field(ge=1.0, le=20.0)] = context(
        2.6, "Residents per household (guess)."
    )
    intra_community_km: dict[Literal["urban", "rural"], Km] = context(
        {"urban": 0.4, "rural": 1.5},
        "Mean distance from a home to its own community's centre point, km (guess).",
    )

    @model_validator(mode="after")
    def _counts_nest(self):
        if self.source == "csv" and not self.csv_path:
            raise ValueError("source = 'csv' needs csv_path")
        if self.source == "gis":
            self._check_gis()
        if self.source == "synthetic":
            if not self.n_counties <= self.n_townships <= self.n_communities:
                raise ValueError("need n_counties <= n_townships <= n_communities")
            if self.n_urban_counties > self.n_counties:
                raise ValueError("n_urban_counties exceeds n_counties")
            if self.population < self.n_communities:
                raise ValueError(
                    f"population {self.population:,} is fewer than one resident "
                    f"per community ({self.n_communities:,} communities)"
                )
        return self

    def _check_gis(self) -> None:
        if not self.gis_path:
            raise ValueError("source = 'gis' needs gis_path")
        layers = {"township": self.gis_townships, "county": self.gis_counties}
        for key, boundaries in layers.items():
            if boundaries and key in self.gis_properties:
                raise ValueError(
                    f"gis_properties.{key} and a boundary layer ({boundaries!r:.80}) both say "
                    f"where a community's {key} comes from; keep one"
                )


class StaffingConfig(Section):
    """How many mediators, grid officers and court mediators, and where (when: DutyConfig)."""

    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data):
        return _refuse_removed(
            data,
            {
                "availability_by_level": "mediators' time is now set by their duty: "
                "[duty] full_time_share_by_level, part_time_half_days_by_level and "
                "on_call_share_by_level (a part-time mediator on 2 half-days a week gives "
                "cases a fifth of a full-time mediator's hours)",
            },
        )

    mediators_total: Staff = lever(
        4112,
        "People's mediators in the centres (Hohhot 2023).",
        label="Mediators in total",
        label_zh="人民调解员总数",
        help_zh="各中心的人民调解员人数（呼和浩特，2023年）。",
        unit="people",
    )
    mediator_share_by_level: dict[CentreLevel, Prob] = lever(
        {"community": 0.62, "township": 0.28, "county": 0.08, "city": 0.02},
        "Share of mediators at each level (guess); within a level, apportioned by population.",
        label="Mediator share by level",
        label_zh="各级调解员占比",
        help_zh="各级调解员所占比例（估计值）；同一级内按人口分配。",
        unit="share",
    )
    mediators_by_level: dict[CentreLevel, Staff] = lever(
        {},
        "Mediators at a level, absolute; replaces total x share for the levels named.",
        label="Mediators by level",
        label_zh="各级调解员人数",
        help_zh="某一级调解员的绝对人数；对所列各级，取代“总数×比例”。",
        unit="people",
    )
    mediators_per_10k_by_level: dict[CentreLevel, Annotated[float, Field(ge=0, le=100)]] = lever(
        {},
        "Staffing rule: mediators per 10,000 residents served, per centre (at least one per "
        "open centre); replaces total x share for the levels named.",
        label="Mediators per 10k residents",
        label_zh="各级每万人调解员配备数",
        help_zh=(
            "配备标准：每个中心按所服务的每万名居民配备的调解员人数（每个开放的中心"
            "至少一名）；对所列各级，取代“总数×比例”。"
        ),
        unit="people per 10,000 residents",
    )
    grid_officers: Staff = lever(
        6158,
        "Grid officers, one per grid (Hohhot 2025).",
        label="Grid officers",
        label_zh="网格员人数",
        help_zh="网格员人数，每个网格一名（呼和浩特，2025年）。",
        unit="people",
    )
    households_per_grid: Annotated[int, Field(ge=10, le=100_000)] | None = lever(
        None,
        "Grid size in households; when set, each community gets ceil(households / this) grids "
        "and grid_officers is ignored.",
        label="Households per grid",
        label_zh="每网格户数",
        help_zh=(
            "以户数计的网格规模；设定后，每个社区划分 ceil(户数 / 此值) 个网格，"
            "grid_officers 不再起作用。"
        ),
        unit="households",
    )
    officers_per_grid: Annotated[int, Field(ge=1, le=10)] = lever(
        1,
        "Grid officers per grid when households_per_grid is set.",
        label="Grid officers per grid",
        label_zh="每网格网格员人数",
        help_zh="设定 households_per_grid 时每个网格的网格员人数。",
        unit="people",
    )
    court_mediators: Staff = context(
        383, "Court mediators: 357 of all kinds plus 26 experts (Hohhot 2023)."
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self):
        both = set(self.mediators_by_level) & set(self.mediators_per_10k_by_level)
        if both:
            raise ValueError(
                f"level(s) {sorted(both)} named in both mediators_by_level and "
                "mediators_per_10k_by_level; use one rule per level"
            )
        total = sum(self.mediator_share_by_level.get(level, 0.0) for level in CENTRE_LEVELS)
        if set(self.mediator_share_by_level) != set(CENTRE_LEVELS) or abs(total - 1) > 1e-6:
            raise ValueError(
                f"mediator_share_by_level must name all of {list(CENTRE_LEVELS)} and sum to 1 "
                f"(sums to {total:.4g})"
            )
        return self


class CentreDutyConfig(Section):
    """The duty mix of one named centre, replacing its level's."""

    full_time_share: Prob = lever(
        0.0,
        "Share of the centre's mediators on full-time duty.",
        label="Centre full-time share",
        label_zh="本中心专职调解员比例",
        help_zh="该中心调解员中专职值班者所占比例。",
        unit="share",
    )
    on_call_share: Prob = lever(
        0.0,
        "Share on call (summoned when a case is booked).",
        label="Centre on-call share",
        label_zh="本中心待命调解员比例",
        help_zh="待命者所占比例（有案件预约时召集）。",
        unit="share",
    )
    part_time_half_days: HalfDays = lever(
        2,
        "Half-days a week of each part-timer.",
        label="Centre part-time half-days",
        label_zh="本中心兼职调解员每周值班半天数",
        help_zh="每名兼职调解员每周值班的半天数。",
        unit="half-days a week",
    )

    @model_validator(mode="after")
    def _shares_fit(self):
        _check_mix(self.full_time_share, self.on_call_share, "this centre")
        return self


def _check_mix(full_time: float, on_call: float, where: str) -> None:
    if full_time + on_call > 1 + 1e-9:
        raise ValueError(
            f"full-time and on-call shares of {where} add up to {full_time + on_call:.4g}; "
            "at most 1 (the rest are part-time)"
        )


class DutyConfig(Section):
    """When mediators are there. A working day has two duty half-days; a full-time
    mediator is on duty in every one, a part-timer in N a week (staggered so that a
    centre's part-timers cover different half-days), an on-call mediator in any once
    summoned. A session is booked in the first half-day in which a fitting mediator is on
    duty and free (sim/engine/appointments.py)."""

    full_time_share_by_level: dict[CentreLevel, Prob] = lever(
        {"community": 0.1, "township": 0.3, "county": 0.5, "city": 0.6},
        "Share of a level's mediators on full-time duty (guess inside Hohhot's 4,112: most "
        "people's mediators are part-time).",
        label="Full-time share by level",
        label_zh="各级专职调解员比例",
        help_zh=(
            "某一级调解员中专职值班者所占比例（在呼和浩特4,112名调解员范围内的估计"
            "值：人民调解员大多为兼职）。"
        ),
        unit="share",
    )
    on_call_share_by_level: dict[CentreLevel, Prob] = lever(
        {"community": 0.2, "township": 0.0, "county": 0.0, "city": 0.0},
        "Share of a level's mediators on call: on duty in any half-day, after "
        "on_call_delay_days (guess).",
        label="On-call share by level",
        label_zh="各级待命调解员比例",
        help_zh=(
            "某一级调解员中待命者所占比例：经过 on_call_delay_days 之后，"
            "可在任一值班半天到岗（估计值）。"
        ),
        unit="share",
    )
    part_time_half_days_by_level: dict[CentreLevel, HalfDays] = lever(
        {"community": 2, "township": 3, "county": 4, "city": 4},
        "Duty half-days a week of each part-time mediator, by level (guess).",
        label="Part-time half-days by level",
        label_zh="各级兼职调解员每周值班半天数",
        help_zh="各级每名兼职调解员每周值班的半天数（估计值）。",
        unit="half-days a week",
    )
    on_call_delay_days: LeadDays = lever(
        1.0,
        "Days from booking until an on-call mediator can hold a session.",
        label="On-call delay",
        label_zh="待命调解员到岗时间",
        help_zh="从预约到待命调解员能够主持调解的天数。",
        unit="days",
    )
    by_centre: dict[Label, CentreDutyConfig] = lever(
        {},
        "Duty mix of named centres (community, township or county id, or 'city'), replacing "
        "their level's.",
        label="Duty mix by centre",
        label_zh="各中心值班安排",
        help_zh=(
            "指定中心（社区、街道（乡镇）或县（区）的编号，或“city”）的值班构成，"
            "取代其所在层级的设置。"
        ),
    )
    court_full_time_share: Prob = lever(
        0.5,
        "Share of court mediators on full-time duty; the rest part-time (guess).",
        label="Court full-time share",
        label_zh="法院专职调解员比例",
        help_zh="法院调解员中专职值班者所占比例；其余为兼职（估计值）。",
        unit="share",
    )
    court_part_time_half_days: HalfDays = lever(
        4,
        "Duty half-days a week of each part-time court mediator (guess).",
        label="Court part-time half-days",
        label_zh="法院兼职调解员每周值班半天数",
        help_zh="每名兼职法院调解员每周值班的半天数（估计值）。",
        unit="half-days a week",
    )
    day_start_hour: Annotated[float, Field(ge=0.0, lt=24.0)] = structure(
        8.5, "Hour of the day duty begins (8:30)."
    )
    hours_per_day: Annotated[float, Field(gt=0.0, le=24.0)] = structure(
        8.0, "Duty hours of a working day, in two equal half-days."
    )

    @model_validator(mode="after")
    def _shares_fit(self):
        for level in CENTRE_LEVELS:
            full = self.full_time_share_by_level.get(level, 0.0)
            _check_mix(full, self.on_call_share_by_level.get(level, 0.0), f"level {level}")
        if self.day_start_hour + self.hours_per_day > 24 + 1e-9:
            raise ValueError("day_start_hour + hours_per_day must not pass midnight")
        return self


class CalendarConfig(Section):
    kind: Literal["china", "weekdays", "every_day"] = lever(
        "china",
        "Working days of centres and grid officers: Chinese statutory calendar with make-up "
        "workdays (chinese-calendar), Monday-Friday, or every day.",
        label="Working calendar",
        label_zh="工作日历",
        help_zh=(
            "各中心和网格员的工作日：中国法定节假日安排（含调休补班，"
            "chinese-calendar）、周一至周五，或每天。"
        ),
    )


class ArrivalConfig(Section):
    incidence_per_10k_per_year: dict[DisputeType, Annotated[float, Field(ge=0, le=2000)]] = context(
        per_type(
            neighbour=40,
            family=25,
            property_management=22,
            heating=12,
            land=6,
            wage_arrears=12,
            medical=3,
            traffic=30,
            debt=55,
            housing_demolition=4,
        ),
        "Disputes arising per 10,000 urban residents per year, by type (guess).",
    )
    rural_multiplier: dict[DisputeType, Multiplier] = context(
        per_type(property_management=0.1, heating=0.2, land=6.0, housing_demolition=1.5, other=0.8),
        "Incidence in rural communities relative to urban, by type (guess).",
    )
    heating_season_multiplier: Multiplier = context(
        2.5, "Heating disputes during the heating season x this (guess)."
    )
    heating_season_start: MonthDay = context(
        "10-15", "First day (MM-DD) of the heating season (Hohhot: 15 October)."
    )
    heating_season_end: MonthDay = context(
        "04-15", "Day (MM-DD) the heating season is over (Hohhot: 15 April; not in the season)."
    )
    spring_festival_multiplier: Multiplier = context(
        3.0, "Wage-arrears disputes in the run-up to Spring Festival x this (guess)."
    )
    spring_festival_run_up_days: Annotated[int, Field(ge=0, le=120)] = context(
        30, "Days before Spring Festival in which wage-arrears disputes rise (guess)."
    )
    complexity_shares: dict[Complexity, Prob] = context(
        {"simple": 0.45, "general": 0.35, "complex": 0.15, "major": 0.05},
        "Share of new disputes by complexity (guess).",
    )
    extra_parties_mean: dict[DisputeType, Annotated[float, Field(ge=0, le=50)]] = context(
        per_type(
            wage_arrears=0.8, property_management=0.4, land=0.3, housing_demolition=0.5, other=0.02
        ),
        "Mean parties beyond two, by type (Poisson); Hohhot 2023 averaged 2.09 (guess).",
    )
    money_median_yuan: dict[DisputeType, Annotated[float, Field(ge=0, le=1e10)]] = context(
        per_type(
            neighbour=500,
            family=2000,
            property_management=1500,
            heating=1500,
            land=8000,
            wage_arrears=12000,
            medical=30000,
            traffic=9000,
            debt=6000,
            housing_demolition=50000,
        ),
        "Median money at stake per case, yuan, by type; lognormal (guess).",
    )
    money_sigma: Annotated[float, Field(ge=0, le=5)] = context(
        1.0, "Log-scale spread of money at stake (guess)."
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self):
        total = sum(self.complexity_shares.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"complexity_shares must sum to 1 (sums to {total:.4g})")
        return self


class LatentConfig(Section):
    """Hazards (per day) acting on a dispute that nobody handles yet."""

    households_visited_per_officer_day: Annotated[float, Field(ge=0, le=500)] = lever(
        1.5,
        "Households a grid officer visits per working day (Hohhot 2025: 2.05 million visits by "
        "6158 officers, ~1.3 per working day if over one year).",
        label="Household visits per day",
        label_zh="网格员每日走访户数",
        help_zh=(
            "每名网格员每个工作日走访的户数（呼和浩特2025年："
            "6158名网格员共走访205万户次，若按一年计约为每个工作日1.3户）。"
        ),
        unit="households a day",
    )
    patrol_regime: Literal["visits", "3458"] = lever(
        "visits",
        "Grid officers' patrol rule. 'visits': households_visited_per_officer_day and "
        "p_notice_on_visit as set. '3458' (Shangzhan street, Taiyuan): 4 must-visits a working "
        "day, a weekly sweep of the grid, and disputes at stage harm always reported "
        "(see sim/engine/patrol.py for how the rule is read).",
        label="Patrol regime",
        label_zh="网格巡查制度",
        help_zh=(
            "网格员的巡查规则。“visits”：按所设的 households_visited_per_officer_da"
            "y 和 p_notice_on_visit。“3458”（太原市Shangzhan街道）："
            "每个工作日四必到，每周对网格排查一遍，"
            "伤害阶段的纠纷一律上报（该规则如何解读，见 sim/engine/patrol.py）。"
        ),
    )
    regime_3458_visits_per_day: Annotated[float, Field(ge=0, le=500)] = context(
        4.0, "Households an officer must visit per working day under the '3458' rule."
    )
    regime_3458_sweep_notice: list[Prob] = context(
        [0.0, 0.5, 0.9],
        "Chance the '3458' rule's weekly sweep finds a dispute, by stage (guess).",
        **_stage_list(),
    )
    p_notice_on_visit: list[Prob] = context(
        [0.4, 0.7, 0.9], "Chance a visit notices the dispute, by stage (guess).", **_stage_list()
    )
    building_head_coverage: dict[Literal["urban", "rural"], Prob] = lever(
        {"urban": 0.8, "rural": 0.5},
        "Share of households with an active building head (guess).",
        label="Building head coverage",
        label_zh="楼栋长覆盖率",
        help_zh="有在岗楼栋长的住户所占比例（估计值）。",
        unit="share",
    )
    building_head_reports_per_day: HazardPerDay = context(
        0.0005, "Report hazard of a covered household's dispute at stage quarrel (guess)."
    )
    walk_in_per_day: HazardPerDay = context(
        0.0004, "Hazard that a party walks into a centre next door, stage quarrel (guess)."
    )
    walk_in_distance_scale_km: Annotated[float, Field(gt=0, le=1000)] = context(
        3.0, "Walk-ins fall as exp(-distance / this) with distance to the nearest centre (guess)."
    )
    hotline_per_day: HazardPerDay = context(
        0.00025, "12345 hotline call hazard at stage quarrel (guess)."
    )
    court_filing_per_day: dict[DisputeType, HazardPerDay] = context(
        per_type(
            debt=0.032,
            traffic=0.026,
            wage_arrears=0.01,
            family=0.006,
            land=0.004,
            housing_demolition=0.004,
            other=0.002,
        ),
        "Hazard of filing a lawsuit directly, stage quarrel, by type (guess).",
    )
    stage_multiplier: list[Multiplier] = context(
        [1.0, 2.0, 4.0],
        "Multiplier of building-head, walk-in, hotline and court hazards by stage (guess).",
        **_stage_list(),
    )
    lapse_per_day: list[HazardPerDay] = context(
        [0.012, 0.006, 0.002],
        "Hazard that the parties settle privately or let it drop, by stage (guess).",
        **_stage_list(),
    )
    stage_rise_per_day: list[HazardPerDay] = context(
        [0.01, 0.006],
        "Hazard of quarrel->confrontation and confrontation->harm while unhandled (guess).",
        **_stage_list(len(STAGES) - 1),
    )
    incident_per_day_at_harm: HazardPerDay = context(
        0.0005, "Hazard of a violent incident while latent at stage harm (guess)."
    )


class HandlingConfig(Section):
    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data):
        return _refuse_removed(
            data,
            {
                "mean_session_days_by_level": "sessions take hours of a duty half-day: "
                "handling.mean_session_hours_by_level (hours), and a case's elapsed time "
                "comes from summons lead times, waits for duty slots and gaps",
            },
        )

    p_settle_on_spot: dict[Complexity, Prob] = context(
        {"simple": 0.55, "general": 0.15, "complex": 0.0, "major": 0.0},
        "Chance a grid officer settles a dispute he discovered on the spot, at stage quarrel "
        "(guess); times on_spot_stage_factor per later stage.",
    )
    on_spot_stage_factor: Prob = context(
        0.5, "The chance of settling on the spot is multiplied by this per stage (guess)."
    )
    entry_level_by_complexity: dict[Complexity, CentreLevel] = lever(
        {"simple": "community", "general": "community", "complex": "township", "major": "county"},
        "Lowest fitting level for a dispute of each complexity.",
        label="Entry level by complexity",
        label_zh="受理层级（按复杂程度）",
        help_zh="各复杂程度的纠纷适宜受理的最低层级。",
    )
    hotline_entry_level: CentreLevel = lever(
        "township",
        "Level that 12345 hotline dispatches to (at least the fitting level).",
        label="Hotline entry level",
        label_zh="12345热线派单层级",
        help_zh="12345热线派单的层级（不低于适宜层级）。",
    )
    sessions_by_complexity: dict[Complexity, Annotated[int, Field(ge=1, le=20)]] = context(
        {"simple": 1, "general": 2, "complex": 3, "major": 4},
        "Mediation sessions per attempt (guess).",
    )
    mean_session_hours_by_level: dict[CentreLevel, Hours] = lever(
        {"community": 1.5, "township": 2.0, "county": 2.5, "city": 3.0},
        "Mean mediator hours per session, taken from a duty half-day; exponential (guess).",
        label="Session length by level",
        label_zh="各级单次调解时长",
        help_zh=("每次调解平均占用调解员的小时数，从一个值班半天中扣除；指数分布（估计值）。"),
        unit="hours",
    )
    summons_lead_days_by_level: dict[CentreLevel, LeadDays] = context(
        {"community": 1.0, "township": 2.0, "county": 3.0, "city": 3.0},
        "Mean days from a case's arrival at a level to the earliest day its parties can be "
        "summoned to the first session; exponential (guess).",
    )
    stage_rise_waiting_per_day: dict[DisputeType, HazardPerDay] = context(
        per_type(
            wage_arrears=0.006, housing_demolition=0.006, land=0.005, neighbour=0.004, other=0.003
        ),
        "Hazard per day that a dispute hardens by one stage while it waits at a centre (for "
        "the summons, a duty slot, a department or the next session), by type (guess).",
    )
    mean_gap_days: Annotated[float, Field(ge=0, le=MAX_DAYS)] = context(
        3.0,
        "Mean days from the end of a session to the earliest the parties can meet again; "
        "exponential (guess).",
    )
    time_limit_days_by_complexity: dict[Complexity, DaysOrNone] = lever(
        {"simple": 7.0, "general": 15.0, "complex": 30.0, "major": 60.0},
        "Days a level has to close a case before it goes up; inf for none (Qincunbei: 7/15/30).",
        label="Time limit by complexity",
        label_zh="办理时限（按复杂程度）",
        help_zh=(
            "某一级办结案件的期限（天），逾期则移交上一级；inf 表示不设时限（Qincunbei：7/15/30）。"
        ),
        unit="days",
    )
    time_limit_days_by_level: dict[CentreLevel, dict[Complexity, DaysOrNone]] = lever(
        {},
        "Time limits of a level, by complexity; replaces time_limit_days_by_complexity at the "
        "levels named (complexities not named keep it).",
        label="Time limit by level",
        label_zh="办理时限（按层级）",
        help_zh=(
            "某一级按复杂程度的办理时限；在所列层级取代 time_limit_days_by_complexi"
            "ty（未列出的复杂程度仍沿用之）。"
        ),
        unit="days",
    )
    attempts_per_level: int = lever(
        1,
        "Mediation attempts at a level before escalation.",
        ge=1,
        le=6,
        label="Attempts per level",
        label_zh="每级调解次数",
        help_zh="移交上一级之前在本级进行的调解次数。",
        unit="attempts",
    )
    entry_level_by_type: dict[DisputeType, CentreLevel] = lever(
        {},
        "Types that skip levels: the lowest level such a dispute enters (the higher of this "
        "and its complexity's level).",
        label="Entry level by type",
        label_zh="受理层级（按纠纷类型）",
        help_zh=(
            "越级受理的纠纷类型：此类纠纷进入的最低层级（取此层级与其复杂程度对应层级中较高者）。"
        ),
    )
    whistle_types: list[DisputeType] = lever(
        [],
        "'Whistle' list: types a community room handles by summoning the county department "
        "for the type (on call, whatever its mode at the county centre).",
        label="Whistle dispute types",
        label_zh="“吹哨报到”纠纷类型",
        help_zh=(
            "“吹哨”清单：社区调解室召集该类型对应的县（区）"
            "部门来办理的纠纷类型（以随驻方式召集，不论其在县（区）中心的进驻方式）"
            "。"
        ),
    )
    split_complexities: list[Complexity] = lever(
        [],
        "'One key for one lock': at the county centre, disputes of these complexities are "
        "split into parts mediated in parallel by different mediators and joined; the "
        "dispute is settled when every part is.",
        label="Complexities to split",
        label_zh="拆分调解的复杂程度",
        help_zh=(
            "“一把钥匙开一把锁”：在县（区）中心，这些复杂程度的纠纷拆分为若干部分，"
            "由不同调解员并行调解后合并；各部分均化解时，纠纷方告化解。"
        ),
    )
    split_parts: int = lever(
        2,
        "Parts a split dispute is cut into.",
        ge=2,
        le=6,
        label="Parts per split dispute",
        label_zh="拆分份数",
        help_zh="拆分纠纷所分成的部分数。",
        unit="parts",
    )
    split_part_logit: Logit = context(
        1.0, "Logit shift of a part's success over the whole dispute's (guess)."
    )
    specialist_logit: Logit = context(
        0.5,
        "Logit shift of success when the department or committee for the type takes part (guess).",
    )
    success_logit_by_level: dict[CentreLevel, Logit] = context(
        {"community": 1.3, "township": 1.6, "county": 1.8, "city": 1.4},
        "Logit of mediation success by level; the logits below add to it (guess).",
    )
    success_logit_by_complexity: dict[Complexity, Logit] = context(
        {"simple": 0.8, "general": 0.0, "complex": -0.6, "major": -1.1},
        "Logit shift of mediation success by complexity (guess).",
    )
    success_logit_by_stage: list[Logit] = context(
        [0.0, -0.4, -1.0], "Logit shift of mediation success by stage (guess).", **_stage_list()
    )
    success_logit_by_type: dict[DisputeType, Logit] = context(
        per_type(family=0.3, neighbour=0.2, housing_demolition=-0.8, land=-0.3, other=0.0),
        "Logit shift of mediation success by type (guess).",
    )
    mean_patience_days: DaysOrNone = context(
        90.0, "Mean days a party waits for a session before withdrawing; inf for never (guess)."
    )
    p_withdraw_after_failure: Prob = context(0.10, "A party gives up after a failed level (guess).")
    p_court_after_failure: Prob = context(
        0.15, "A party goes to court after a failed level (guess)."
    )
    p_petition_after_failure: list[Prob] = context(
        [0.01, 0.03, 0.10],
        "A party petitions after a failed level, by stage (guess).",
        **_stage_list(),
    )
    p_incident_after_failure_at_harm: Prob = context(
        0.02, "A failed dispute at stage harm turns violent (guess)."
    )

    @model_validator(mode="after")
    def _failure_choices_fit(self):
        worst = (
            self.p_withdraw_after_failure
            + self.p_court_after_failure
            + max(self.p_petition_after_failure)
            + self.p_incident_after_failure_at_harm
        )
        if worst > 1 + 1e-9:
            raise ValueError(
                "p_withdraw_after_failure + p_court_after_failure + max(p_petition_after_failure) "
                f"+ p_incident_after_failure_at_harm must not exceed 1 (is {worst:.4g})"
            )
        return self


class FollowUpConfig(Section):
    """Relapse of settled disputes, and follow-up visits that catch relapses early."""

    p_relapse: Prob = context(
        0.0, "Chance a dispute settled by a grid officer or centre flares up again (guess)."
    )
    mean_relapse_days: Days = context(
        45.0, "Mean days from settlement to a relapse; exponential (guess)."
    )
    p_follow_up: Prob = lever(
        0.0,
        "Share of settled disputes visited again (回访); a visited relapse is caught and goes "
        "back to the level that settled it, an unvisited one comes back a stage worse and a "
        "level higher.",
        label="Follow-up visit share",
        label_zh="回访比例",
        help_zh=(
            "已化解纠纷中再次走访（回访）的比例；经回访的反复纠纷被及时发现，"
            "回到原化解层级，未经回访的反复纠纷则恶化一个阶段、上移一级后重新出现。"
        ),
        unit="share",
    )


class CourtConfig(Section):
    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data):
        return _refuse_removed(
            data,
            {
                "mean_mediation_days": "court mediation is a sitting of "
                "court.mean_mediation_hours in a court mediator's duty half-day, after "
                "court.summons_lead_days",
            },
        )

    p_court_mediation: Prob = context(
        0.85, "Share of court filings put to court-annexed mediation before trial (guess)."
    )
    summons_lead_days: LeadDays = context(
        5.0,
        "Mean days from filing to the earliest day the parties can be summoned to court "
        "mediation; exponential (guess).",
    )
    mean_mediation_hours: Hours = context(
        3.0,
        "Mean court-mediator hours of a mediation (one sitting in a duty half-day); "
        "exponential (guess).",
    )
    mediation_success_logit: Logit = context(
        0.52, "Logit of court mediation success (Hohhot 2023: 62.6% -> logit 0.52)."
    )
    mean_days_to_judgment: Days = context(
        60.0, "Mean days from failed mediation or filing to judgment; exponential (guess)."
    )
    diversion_types: list[DisputeType] = lever(
        [],
        "Types the court sends to the township centre before litigation (Saihan 2025: 5).",
        label="Court diversion types",
        label_zh="诉前分流纠纷类型",
        help_zh="法院在诉讼前分流至街道（乡镇）中心的纠纷类型（赛罕区2025年：5类）。",
    )


class DepartmentConfig(Section):
    """A government department stationed at the county centres (Hohhot 2025, Qi county)."""

    name: str = Field(min_length=1, max_length=40, description="Label, e.g. 'human resources'.")
    types: list[DisputeType] = Field(
        min_length=1, description="Dispute types that need this department."
    )
    mode: Literal["resident", "rotating", "on_call"] = lever(
        "resident",
        "Resident (always there), rotating (days_per_week at each county centre) or on call "
        "(summoned when a case needs it, arrives after on_call_days).",
        label="Department presence mode",
        label_zh="部门进驻方式",
        help_zh=(
            "常驻（始终在场）、轮驻（每周在每个县（区）中心驻 days_per_week 天）"
            "或随驻（案件需要时召集，经过 on_call_days 后到场）。"
        ),
    )
    days_per_week: Annotated[int, Field(ge=1, le=5)] = lever(
        2,
        "Working days a week a rotating department sits at each county centre.",
        label="Rotation days a week",
        label_zh="每周轮驻天数",
        help_zh="轮驻部门每周在每个县（区）中心坐班的工作日数。",
        unit="days a week",
    )
    on_call_days: Annotated[float, Field(ge=0, le=365)] = lever(
        2.0,
        "Mean days for an on-call department to arrive; exponential.",
        label="Department arrival delay",
        label_zh="随驻部门到场时间",
        help_zh="随驻部门到场所需的平均天数；指数分布。",
        unit="days",
    )


class CommitteeConfig(Section):
    """A specialised mediation committee (medical, property, labour, traffic...)."""

    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data):
        return _refuse_removed(
            data, {"mean_session_days": "committees[].mean_session_hours (hours of a session)"}
        )

    name: str = Field(min_length=1, max_length=40, description="Label, e.g. 'medical'.")
    types: list[DisputeType] = Field(
        min_length=1, description="Types the committee takes straight from discovery."
    )
    per: Literal["city", "county"] = structure(
        "city", "One committee for the city, or one in each county."
    )
    mediators: int = lever(
        5,
        "Mediators of each committee.",
        ge=1,
        le=10_000,
        label="Committee mediators",
        label_zh="调委会调解员人数",
        help_zh="每个调委会的调解员人数。",
        unit="people",
    )
    success_logit: Logit = context(
        2.9,
        "Logit of success before type, complexity and stage shifts (medical committee, "
        "Hohhot: 95% -> about 2.9).",
    )
    mean_session_hours: Hours = context(
        2.5, "Mean mediator hours per session (committee mediators work full time)."
    )


class PlacementConfig(Section):
    """Where community rooms and centres stand. Communities are named by their id."""

    rural_room_share: Prob = structure(
        1.0,
        "Share of rural villages with a mediation room of their own, largest first (of those "
        "with a room in the geography file, when it has a has_room column or property).",
    )
    rooms_closed: list[Label] = lever(
        [],
        "Communities whose room closes.",
        max_length=200_000,
        label="Rooms closed",
        label_zh="撤销调解室的社区",
        help_zh="调解室关闭的社区。",
    )
    rooms_opened: list[Label] = lever(
        [],
        "Communities that get a room.",
        max_length=200_000,
        label="Rooms opened",
        label_zh="新设调解室的社区",
        help_zh="新设调解室的社区。",
    )
    share_rooms_within_township: bool = lever(
        True,
        "A community without a room uses the nearest room in its township; otherwise its "
        "disputes start at the township centre.",
        label="Share rooms within township",
        label_zh="街道（乡镇）内共用调解室",
        help_zh=(
            "没有调解室的社区使用本街道（乡镇）内最近的调解室；"
            "否则其纠纷从街道（乡镇）中心开始办理。"
        ),
    )
    moved_centres: dict[Label, Annotated[list[Coordinate], Field(min_length=2, max_length=2)]] = (
        lever(
            {},
            "Township or county centres moved to new [x_km, y_km], keyed by township or county id.",
            label="Moved centres",
            label_zh="中心迁址",
            help_zh=(
                "迁至新位置 [x_km, y_km] 的街道（乡镇）或县（区）中心，以街道（乡镇）"
                "或县（区）编号为键。"
            ),
            unit="km",
        )
    )


class RovingConfig(Section):
    """Roving (circuit) mediation teams that visit villages on a schedule (Otog Banner)."""

    teams_per_county: int = lever(
        0,
        "Teams in each county with rural villages.",
        ge=0,
        le=50,
        label="Roving teams per county",
        label_zh="每县（区）巡回调解队数",
        help_zh="每个有农村村庄的县（区）的巡回调解队数。",
        unit="teams",
    )
    members: int = lever(
        2,
        "Mediators in a team.",
        ge=1,
        le=20,
        label="Roving team members",
        label_zh="巡回调解队人数",
        help_zh="每支巡回调解队的调解员人数。",
        unit="people",
    )
    villages_per_day: int = lever(
        2,
        "Villages a team visits on a working day, in a fixed round.",
        ge=1,
        le=20,
        label="Villages visited per day",
        label_zh="巡回调解每日村数",
        help_zh="一支队伍每个工作日按固定路线走访的村庄数。",
        unit="villages a day",
    )
    serves: Literal["roomless", "rural"] = lever(
        "roomless",
        "Villages on the round: rural villages without a room, or every rural village.",
        label="Villages on the round",
        label_zh="巡回服务村庄范围",
        help_zh="巡回路线上的村庄：没有调解室的农村村庄，或全部农村村庄。",
    )


# Where mediators are paid: the four centre levels and the specialised committees.
PaidPlace = Literal["community", "township", "county", "city", "committee"]
Yuan = Annotated[float, Field(ge=0.0, le=1e10)]


def per_paid_place(community: float, township: float, county: float, city: float) -> dict:
    """A value per centre level; committees take the county's (they sit at that rank)."""
    values = {"community": community, "township": township, "county": county, "city": city}
    return values | {"committee": county}


class CostsConfig(Section):
    """What the network costs, in yuan (2023 prices). Only the subsidies per case are
    published (Changzheng street, Xinzhou: 50 to 200 yuan by complexity); every other price
    is an assumption of this model, to be replaced by a city's own finance figures. Annual
    items are prorated to the measured period (days / 365)."""

    subsidy_per_case_yuan: dict[Complexity, Yuan] = structure(
        {"simple": 50.0, "general": 100.0, "complex": 150.0, "major": 200.0},
        "Subsidy a mediator is paid per case by complexity ('以案定补'; Changzheng street "
        "pays 50 to 200 yuan for simple, general, complex and major cases: "
        "shanxi-changzheng-subsidy-yuan; the middle two are interpolated, an assumption).",
    )
    subsidy_paid_for: Literal["resolved", "handled"] = structure(
        "resolved",
        "Which centre and committee cases earn the subsidy: those settled there, or every "
        "case a level took up (assumption: paid for settled cases with a file).",
    )
    full_time_mediator_yuan: dict[PaidPlace, Yuan] = structure(
        per_paid_place(60_000.0, 72_000.0, 84_000.0, 96_000.0),
        "Annual cost of a full-time mediator (pay and social insurance) by level "
        "(assumption: a grass-roots staff post in a northern Chinese city, 2023).",
    )
    part_time_half_day_yuan: dict[PaidPlace, Yuan] = structure(
        per_paid_place(3_000.0, 3_600.0, 4_200.0, 4_800.0),
        "Annual allowance of a part-timer per weekly duty half-day, so that two half-days a "
        "week cost twice one (assumption: half the full-time rate per half-day, as a "
        "part-timer keeps another job).",
    )
    on_call_mediator_yuan: dict[PaidPlace, Yuan] = structure(
        per_paid_place(3_000.0, 3_600.0, 4_200.0, 4_800.0),
        "Annual retainer of an on-call mediator (assumption: as one weekly half-day).",
    )
    grid_officer_yuan: Yuan = structure(
        48_000.0,
        "Annual cost of a full-time grid officer (assumption: 4,000 yuan a month all in).",
    )
    room_opening_yuan: Yuan = structure(
        60_000.0, "One-off cost of fitting out a community mediation room (assumption)."
    )
    room_life_years: Annotated[float, Field(ge=1.0, le=100.0)] = structure(
        10.0, "Years over which a room's opening cost is spread (straight line; assumption)."
    )
    room_running_yuan: Yuan = structure(
        12_000.0, "Annual running cost of a community room: rent, heating, upkeep (assumption)."
    )
    department_day_yuan: dict[Literal["resident", "rotating", "on_call"], Yuan] = structure(
        {"resident": 600.0, "rotating": 600.0, "on_call": 800.0},
        "Cost of a county department's staff day at a centre by mode; an on-call day includes "
        "the trip (assumption: a civil servant's day, about 150,000 yuan a year over 250 days).",
    )
    roving_team_day_yuan: Yuan = structure(
        400.0,
        "Vehicle and travel allowance of a roving team's working day on its round; the "
        "members' pay is in the mediators' items (assumption).",
    )
    court_mediation_yuan: Yuan = structure(
        1_500.0, "Public cost of a court mediation (court time and staff; assumption)."
    )
    judgment_yuan: Yuan = structure(6_000.0, "Public cost of a case the court judges (assumption).")
    party_yuan_per_km: Yuan = structure(
        0.6, "Parties' travel cost per km, each way (assumption: bus or car fuel)."
    )
    party_day_yuan: Yuan = structure(
        250.0, "A party's day of work lost (assumption: a day's wage in a northern city, 2023)."
    )
    party_days_per_session: Annotated[float, Field(ge=0.0, le=5.0)] = structure(
        0.5, "Days a party loses per mediation session attended (assumption: a half-day)."
    )
    party_days_court: dict[
        Literal["mediation", "judgment"], Annotated[float, Field(ge=0.0, le=365.0)]
    ] = structure(
        {"mediation": 1.0, "judgment": 3.0},
        "Days a party loses to a court mediation and to a judged case (assumption).",
    )


def _folder_name(text: str) -> str:
    """A scenario name names its output folder: letters of any script (呼和浩特 too),
    digits, '-', '_' and '.', not starting with '.' (a hidden folder, or '..')."""
    bad = sorted({c for c in text if not (c.isalnum() or c in "-_.")})
    if bad:
        shown = ", ".join("space" if c == " " else repr(c) for c in bad)
        raise ValueError(
            f"it holds {shown}; the output folder is named after it, so use only "
            "letters (Chinese too), digits, '-', '_' and '.' (e.g. write '-' for a space)"
        )
    if text.startswith("."):
        raise ValueError("it starts with '.'; start it with a letter or digit")
    return text


class Scenario(Section):
    name: Annotated[str, AfterValidator(_folder_name)] = Field(
        "hohhot-2023", min_length=1, max_length=80
    )
    description: str = Field(
        "Hohhot 2023 structure, uncalibrated behavioural guesses.", max_length=2000
    )
    base: Annotated[str, Field(min_length=1, max_length=80)] | None = Field(
        None,
        description="Preset this scenario builds on: its keys (and its calibration) lie "
        "beneath the scenario's own. A scenario file that names neither base nor "
        "calibration builds on the default preset, hohhot-2023. Recorded in the manifest.",
    )
    calibration: Annotated[str, Field(min_length=1, max_length=4096)] | None = Field(
        None,
        description="Fitted parameter values applied beneath the scenario's own keys: a "
        "shipped calibration by name (hohhot-2023), or a file written by `sim calibrate` "
        "(relative paths from the scenario file's folder); \"none\" runs uncalibrated. A run's "
        "manifest records the name or the absolute path.",
    )
    run: RunConfig = RunConfig()
    geography: GeographyConfig = GeographyConfig()
    staffing: StaffingConfig = StaffingConfig()
    duty: DutyConfig = DutyConfig()
    calendar: CalendarConfig = CalendarConfig()
    arrivals: ArrivalConfig = ArrivalConfig()
    latent: LatentConfig = LatentConfig()
    handling: HandlingConfig = HandlingConfig()
    court: CourtConfig = CourtConfig()
    follow_up: FollowUpConfig = FollowUpConfig()
    placement: PlacementConfig = PlacementConfig()
    roving: RovingConfig = RovingConfig()
    costs: CostsConfig = CostsConfig()
    departments: list[DepartmentConfig] = lever(
        [],
        "Departments at the county centres, each [[departments]] with name, types, mode "
        "(resident, rotating, on_call), days_per_week, on_call_days; none by default.",
        label="County departments",
        label_zh="进驻部门",
        help_zh=(
            "进驻县（区）中心的部门，每个 [[departments]] 含 name、types、"
            "mode（resident、rotating、on_call）、days_per_week、on_call_days；"
            "默认无。"
        ),
    )
    committees: list[CommitteeConfig] = lever(
        [],
        "Specialised mediation committees, each [[committees]] with name, types, per "
        "(city or county), mediators, success_logit, mean_session_hours; none by default.",
        label="Specialised committees",
        label_zh="专业调委会",
        help_zh=(
            "专业性调解委员会，每个 [[committees]] 含 name、types、"
            "per（city 或 county）、mediators、success_logit、mean_session_hours；"
            "默认无。"
        ),
    )

    @model_validator(mode="after")
    def _one_owner_per_type(self):
        for kind, items in (("department", self.departments), ("committee", self.committees)):
            owner: dict[str, str] = {}
            for item in items:
                for t in item.types:
                    if t in owner:
                        raise ValueError(
                            f"type {t!r} belongs to two {kind}s: {owner[t]!r} and {item.name!r}"
                        )
                    owner[t] = item.name
        return self

    @classmethod
    def from_payload(cls, data: dict) -> Scenario:
        """A scenario from the JSON dump of a validated one (dates as strings), e.g. a job
        sent to a worker process."""
        return cls.model_validate(data, strict=False)

    def with_overrides(self, overrides: dict) -> Scenario:
        """A new validated scenario with ``overrides`` (nested dict) applied."""
        return Scenario.model_validate(deep_merge(self.model_dump(), overrides))


def deep_merge(base: dict, overrides: dict) -> dict:
    """``base`` updated recursively by ``overrides`` (neither is modified)."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# What a lever's declaration says for a form, beside its role ("" for other fields).
FORM_KEYS = ("label", "label_zh", "help_zh", "unit")


def parameters(
    role: str | None = None, model: type[BaseModel] = Scenario, prefix: str = ""
) -> list[dict]:
    """Every parameter as {key, role, default, description, range, label, label_zh, help_zh,
    unit}, walking nested sections (the last four are "" but for levers); only those of
    ``role`` ("lever", "context", "structure") when given."""
    rows = []
    defaults = model() if model is not Scenario else Scenario()
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, Section):
            rows.extend(parameters(role, annotation, f"{key}."))
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        found = extra.get("role", "")
        if role is None or found == role:
            rows.append(
                {
                    "key": key,
                    "role": found,
                    "default": getattr(defaults, name),
                    "description": field.description or "",
                    "range": value_range(field),
                    **{name: str(extra.get(name, "")) for name in FORM_KEYS},
                }
            )
    return rows


_BOUND_SIGNS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))


def value_range(field) -> str:
    """The bounds of a field's values (of each entry, for tables and lists) as text, e.g.
    ">= 0, <= 200000"; "" when it has none."""
    metadata = list(field.metadata) or _entry_metadata(field.annotation)
    parts = [
        f"{sign} {_number_text(getattr(m, name))}"
        for name, sign in _BOUND_SIGNS
        for m in metadata
        if hasattr(m, name)
    ]
    if any(getattr(m, "func", None) is _days_or_inf for m in metadata):
        parts.append(f"<= {MAX_DAYS} or inf")
    return ", ".join(parts)


def _number_text(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _entry_metadata(annotation) -> list:
    """Constraints of the entries of dict[..., Annotated[...]] or list[Annotated[...]]."""
    for arg in get_args(annotation)[::-1]:
        for extra in getattr(arg, "__metadata__", ()):
            if hasattr(extra, "metadata"):
                return list(extra.metadata)
        inner = _entry_metadata(arg)
        if inner:
            return inner
    return []
