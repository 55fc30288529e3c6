"""Disputes arising: Poisson counts per community, type and day, with seasons.

Each new dispute gets all of its luck drawn at once, from one named stream per decision,
so that the same dispute meets the same draws under any policy (common random numbers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import ArrivalConfig, month_day
from sim.domain import COMPLEXITIES, DISPUTE_TYPES
from sim.engine.cases import CaseTable

if TYPE_CHECKING:
    from sim.engine.model import DisputeModel

HEATING = DISPUTE_TYPES.index("heating")
WAGE_ARREARS = DISPUTE_TYPES.index("wage_arrears")


def base_rates(config: ArrivalConfig, population: np.ndarray, urban: np.ndarray) -> np.ndarray:
    """Expected disputes per day, shape (community, type), outside any season."""
    incidence = np.array([config.incidence_per_10k_per_year[t] for t in DISPUTE_TYPES])
    rural = np.array([config.rural_multiplier[t] for t in DISPUTE_TYPES])
    per_person_day = incidence / 1e4 / 365.0
    multiplier = np.where(urban[:, None], 1.0, rural[None, :])
    return population[:, None] * per_person_day[None, :] * multiplier


def _in_season(day: tuple[int, int], start: tuple[int, int], end: tuple[int, int]) -> bool:
    """Whether a (month, day) is in the season from ``start`` up to ``end`` (not included),
    which may run over the new year; equal days make it the whole year."""
    if start < end:
        return start <= day < end
    return day >= start or day < end


def season_multipliers(config: ArrivalConfig, calendar, days: int) -> np.ndarray:
    """Multiplier of each type's rate on each run day, shape (day, type)."""
    season = np.ones((days, len(DISPUTE_TYPES)))
    heating_from = month_day(config.heating_season_start)
    heating_to = month_day(config.heating_season_end)
    for d in range(days):
        date = calendar.dates[d]
        if _in_season((date.month, date.day), heating_from, heating_to):
            season[d, HEATING] = config.heating_season_multiplier
    years = {calendar.dates[d].year for d in range(days)} | {calendar.dates[days - 1].year + 1}
    for year in years:
        festival = calendar.spring_festival_day(year)
        if festival is None:
            continue
        start = max(festival - config.spring_festival_run_up_days, 0)
        stop = min(festival, days)
        if start < stop:
            season[start:stop, WAGE_ARREARS] = config.spring_festival_multiplier
    return season


class Arrivals:
    """Creates each day's new disputes in the case table."""

    def __init__(self, model: DisputeModel) -> None:
        self.model = model
        config = model.scenario.arrivals
        self.config = config
        geo = model.network.geography
        self.rates = base_rates(config, geo.population.astype(float), geo.urban)
        self.season = season_multipliers(config, model.calendar, model.days)
        self.complexity_p = np.array([config.complexity_shares[c] for c in COMPLEXITIES])
        self.extra_parties = np.array([config.extra_parties_mean[t] for t in DISPUTE_TYPES])
        self.log_money = np.log(
            np.maximum([config.money_median_yuan[t] for t in DISPUTE_TYPES], 1e-9)
        )
        officers = model.network.staff.grid_officers
        self.officer_offset = np.r_[0, np.cumsum(officers)[:-1]]
        self.officers = officers
        self.mean_patience = model.scenario.handling.mean_patience_days

    def expected_per_year(self) -> float:
        return float((self.rates.sum(axis=0) * self.season.mean(axis=0)).sum() * 365.0)

    def arise(self, day: int) -> slice:
        """Create the disputes that arise during ``day``; returns their rows."""
        streams = self.model.streams
        counts = streams["dispute_arrival"].poisson(self.rates * self.season[day])
        flat = counts.ravel()
        cells = np.repeat(np.arange(flat.size), flat)
        n = len(cells)
        cases: CaseTable = self.model.cases
        rows = cases.append(n)
        if n == 0:
            return rows
        n_types = len(DISPUTE_TYPES)
        community = cells // n_types
        kind = cells % n_types
        cases.community[rows] = community
        cases.type[rows] = kind
        cases.arose_day[rows] = day + streams["arrival_time"].random(n)
        self._draw_attributes(rows, community, kind)
        self._draw_luck(rows, n)
        return rows

    def _draw_attributes(self, rows: slice, community: np.ndarray, kind: np.ndarray) -> None:
        streams, cases, n = self.model.streams, self.model.cases, len(community)
        cases.complexity[rows] = streams["complexity"].choice(
            len(COMPLEXITIES), size=n, p=self.complexity_p
        )
        cases.n_parties[rows] = 2 + streams["parties"].poisson(self.extra_parties[kind])
        cases.money_yuan[rows] = np.exp(
            self.log_money[kind] + self.config.money_sigma * streams["money"].standard_normal(n)
        )
        officers = self.officers[community]
        pick = np.floor(streams["grid_assignment"].random(n) * officers).astype(np.int64)
        cases.officer[rows] = np.where(officers > 0, self.officer_offset[community] + pick, -1)
        cases.stage[rows] = 0

    def _draw_luck(self, rows: slice, n: int) -> None:
        streams, cases = self.model.streams, self.model.cases
        for name, (width, dtype) in CaseTable.MATRICES.items():
            stream = streams[name]
            if name.startswith("u_"):
                values = stream.random((n, width), dtype=np.float64)
            else:
                values = stream.standard_exponential((n, width))
            getattr(cases, name)[rows] = values.astype(dtype, copy=False)
        cases.u_on_spot[rows] = streams["on_spot"].random(n)
        cases.e_call[rows] = streams["department_call"].standard_exponential(n)
        cases.u_relapse[rows] = streams["relapse"].random(n)
        cases.e_relapse[rows] = streams["relapse_time"].standard_exponential(n)
        cases.u_follow_up[rows] = streams["follow_up"].random(n)
        cases.e_court_summons[rows] = streams["court_summons"].standard_exponential(n)
        cases.patience_days[rows] = self.mean_patience * streams["patience"].standard_exponential(n)
