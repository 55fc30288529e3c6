"""Communities, townships and counties: where people live and where centres stand.

A :class:`Geography` is plain arrays, one entry per community, with the township and county
each belongs to. It comes from a CSV of communities, from a GIS layer (:mod:`sim.city.gis`)
or from :func:`synthetic`, which builds a city from published totals. Centres of a level
stand at the population-weighted centroid of the area they serve; the city centre at the
centroid of the whole city.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from sim import input_files
from sim.city.apportion import apportion
from sim.config import GeographyConfig
from sim.streams import Streams

CSV_COLUMNS = ("id", "township", "county", "x_km", "y_km", "population", "urban")


class GeographyError(ValueError):
    """A geography file that cannot be used; the message names the file, line and column."""


@dataclass(frozen=True)
class Geography:
    community_id: np.ndarray  # str labels
    township: np.ndarray  # township index of each community
    county: np.ndarray  # county index of each township (indexed by township!)
    x_km: np.ndarray
    y_km: np.ndarray
    population: np.ndarray  # int
    urban: np.ndarray  # bool
    township_id: np.ndarray  # str labels
    county_id: np.ndarray  # str labels
    # From a file that says so (None otherwise): which communities have a room today (the
    # starting point of sim.city.placement.has_room), and each community's name.
    has_room: np.ndarray | None = None  # bool
    community_name: np.ndarray | None = None  # str

    @property
    def n_communities(self) -> int:
        return len(self.population)

    @property
    def n_townships(self) -> int:
        return len(self.township_id)

    @property
    def n_counties(self) -> int:
        return len(self.county_id)

    @property
    def community_county(self) -> np.ndarray:
        return self.county[self.township]

    def township_xy(self) -> np.ndarray:
        return _weighted_centroids(self.township, self.n_townships, self)

    def county_xy(self) -> np.ndarray:
        return _weighted_centroids(self.community_county, self.n_counties, self)

    def city_xy(self) -> np.ndarray:
        return _weighted_centroids(np.zeros(self.n_communities, int), 1, self)[0]

    def keep_townships(self, keep: np.ndarray) -> Geography:
        """The part of the city made of the townships flagged in ``keep`` (bool per township)."""
        kept_t = np.flatnonzero(keep)
        kept_c = np.unique(self.county[kept_t])
        t_new = np.full(self.n_townships, -1)
        t_new[kept_t] = np.arange(len(kept_t))
        c_new = np.full(self.n_counties, -1)
        c_new[kept_c] = np.arange(len(kept_c))
        rows = np.flatnonzero(keep[self.township])
        return Geography(
            community_id=self.community_id[rows],
            township=t_new[self.township[rows]],
            county=c_new[self.county[kept_t]],
            x_km=self.x_km[rows],
            y_km=self.y_km[rows],
            population=self.population[rows],
            urban=self.urban[rows],
            township_id=self.township_id[kept_t],
            county_id=self.county_id[kept_c],
            has_room=None if self.has_room is None else self.has_room[rows],
            community_name=None if self.community_name is None else self.community_name[rows],
        )

    def with_population(self, population: np.ndarray) -> Geography:
        return replace(self, population=np.asarray(population, dtype=np.int64))


def _weighted_centroids(group: np.ndarray, n: int, geo: Geography) -> np.ndarray:
    w = geo.population.astype(float) + 1e-9  # an empty community still places its centre
    sw = np.bincount(group, weights=w, minlength=n)
    x = np.bincount(group, weights=w * geo.x_km, minlength=n) / sw
    y = np.bincount(group, weights=w * geo.y_km, minlength=n) / sw
    return np.column_stack([x, y])


def build(config: GeographyConfig) -> Geography:
    if config.source == "csv":
        assert config.csv_path is not None  # the schema requires it with source = "csv"
        return load_csv(Path(config.csv_path))
    if config.source == "gis":
        from sim.city import gis  # imports this module; GIS libraries load only when used

        return gis.load_gis(config)
    return synthetic(config)


# ----------------------------------------------------------------------------- synthetic

# Typical residents of an urban community and of a village, used to decide how many of
# each a township holds (guesses; Hohhot averages ~2,500 over all 1348).
_URBAN_COMMUNITY_SIZE = 5000.0
_RURAL_COMMUNITY_SIZE = 800.0
# Share of the urban population living in the county towns of rural counties.
_COUNTY_TOWN_SHARE = 0.2


def synthetic(config: GeographyConfig) -> Geography:
    """A city with the configured totals: urban districts in the middle, rural counties around."""
    rng = Streams(config.seed)["geography"]
    n_c, n_u = config.n_counties, config.n_urban_counties
    is_urban_county = np.arange(n_c) < n_u
    county_xy = _county_seats(rng, is_urban_county, config.rural_radius_km)

    urban_pop = config.population * config.urban_population_share
    rural_pop = config.population - urban_pop
    town_share = _COUNTY_TOWN_SHARE if n_u < n_c else 0.0
    if n_u == 0:
        town_share = 1.0
    county_weight = np.where(
        is_urban_county,
        urban_pop * (1 - town_share) / max(n_u, 1),
        (rural_pop + urban_pop * town_share) / max(n_c - n_u, 1),
    ) * rng.lognormal(0.0, 0.2, n_c)
    townships_per_county = apportion(config.n_townships, np.sqrt(county_weight), minimum=1)
    t_county = np.repeat(np.arange(n_c), townships_per_county)
    first_of_county = np.r_[True, t_county[1:] != t_county[:-1]]
    t_urban = is_urban_county[t_county] | first_of_county  # county town is urban
    t_pop = _township_population(
        rng, t_county, t_urban, is_urban_county, urban_pop, rural_pop, town_share
    )
    size = np.where(t_urban, _URBAN_COMMUNITY_SIZE, _RURAL_COMMUNITY_SIZE)
    communities_per_t = apportion(config.n_communities, t_pop / size, minimum=1)
    township = np.repeat(np.arange(config.n_townships), communities_per_t)
    population = _community_population(rng, township, t_pop, config.population)
    t_xy = _township_points(rng, t_county, t_urban, county_xy, first_of_county)
    spread = np.where(t_urban[township], 0.8, 3.0)
    x = t_xy[township, 0] + rng.normal(0.0, 1.0, len(township)) * spread
    y = t_xy[township, 1] + rng.normal(0.0, 1.0, len(township)) * spread
    return Geography(
        community_id=np.array([f"C{i:05d}" for i in range(len(township))]),
        township=township,
        county=t_county,
        x_km=x,
        y_km=y,
        population=population,
        urban=t_urban[township],
        township_id=np.array([f"T{i:03d}" for i in range(config.n_townships)]),
        county_id=np.array([f"K{i:02d}" for i in range(n_c)]),
    )


def _county_seats(rng, is_urban: np.ndarray, rural_radius_km: float) -> np.ndarray:
    n = len(is_urban)
    angle = (np.arange(n) / max(n, 1)) * 2 * np.pi + rng.uniform(0, 0.5, n)
    radius = np.where(
        is_urban, rng.uniform(3.0, 8.0, n), rng.uniform(0.35, 0.85, n) * rural_radius_km
    )
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _township_population(
    rng, t_county, t_urban, is_urban_county, urban_pop, rural_pop, town_share
) -> np.ndarray:
    jitter = rng.lognormal(0.0, 0.3, len(t_county))
    n_towns = int((t_urban & ~is_urban_county[t_county]).sum())
    n_district_t = int(is_urban_county[t_county].sum())
    n_rural_t = int((~t_urban).sum())
    pop = np.where(
        is_urban_county[t_county],
        urban_pop * (1 - town_share) / max(n_district_t, 1),
        np.where(t_urban, urban_pop * town_share / max(n_towns, 1), rural_pop / max(n_rural_t, 1)),
    )
    if n_rural_t == 0:  # no villages at all: the rural population lives in the towns
        pop = pop + rural_pop / len(pop)
    return pop * jitter


def _community_population(rng, township, t_pop, total: int) -> np.ndarray:
    weight = t_pop[township] / np.bincount(township)[township]
    weight = weight * rng.lognormal(0.0, 0.4, len(township))
    return apportion(total, weight)


def _township_points(rng, t_county, t_urban, county_xy, first_of_county) -> np.ndarray:
    n = len(t_county)
    angle = rng.uniform(0, 2 * np.pi, n)
    urban_district = t_urban & ~first_of_county
    radius = np.where(
        first_of_county,
        0.0,
        np.where(urban_district, rng.uniform(1.5, 6.0, n), rng.uniform(8.0, 30.0, n)),
    )
    xy = county_xy[t_county].copy()
    xy[:, 0] += radius * np.cos(angle)
    xy[:, 1] += radius * np.sin(angle)
    return xy


# ----------------------------------------------------------------------------- CSV


# Bounds that keep a city inside one machine's memory and distances finite (km from any
# origin: the Earth's circumference is 40,075 km).
MAX_COMMUNITIES = 200_000
MAX_COMMUNITY_POPULATION = 10_000_000
MAX_POPULATION = 100_000_000
MAX_COORDINATE_KM = 40_000.0


def load_csv(path: Path) -> Geography:
    """Read communities from a CSV with columns id, township, county, x_km, y_km, population,
    urban, and optionally name and has_room. Townships and counties are identified by their
    labels, in order of appearance."""
    rows = _read_rows(path)
    header = rows[0][1].keys()
    ids: list[str] = []
    seen: set[str] = set()
    townships, counties, x, y, pop, urban = [], [], [], [], [], []
    names: list[str] | None = [] if "name" in header else None
    rooms: list[bool] | None = [] if "has_room" in header else None
    t_county: dict[str, str] = {}
    for line, row in rows:
        where = f"{path}:{line}"
        cid = _text(row, "id", where)
        if cid in seen:
            raise GeographyError(f"{where}: column 'id': duplicate community id {cid!r}")
        seen.add(cid)
        township, county = _text(row, "township", where), _text(row, "county", where)
        if t_county.setdefault(township, county) != county:
            raise GeographyError(
                f"{where}: township {township!r} is in county {t_county[township]!r} on an "
                f"earlier line, here in {county!r}"
            )
        ids.append(cid)
        townships.append(township)
        counties.append(county)
        x.append(_coordinate(row, "x_km", where))
        y.append(_coordinate(row, "y_km", where))
        pop.append(_whole(row, "population", where))
        urban.append(_flag(row, "urban", where))
        if names is not None:
            names.append(_name(row, where))
        if rooms is not None:
            rooms.append(_flag(row, "has_room", where))
    check_total(path, sum(pop))
    return assemble(ids, townships, counties, x, y, pop, urban, rooms, names)


def assemble(
    ids: list[str],
    townships: list[str],
    counties: list[str],
    x: list[float],
    y: list[float],
    population: list[int],
    urban: list[bool],
    has_room: list[bool] | None = None,
    names: list[str] | None = None,
) -> Geography:
    """A geography from one entry per community (townships and counties by label, numbered
    in order of first appearance). Each township must lie in one county: the readers check
    that first, naming the line or feature."""
    t_labels = list(dict.fromkeys(townships))
    c_labels = list(dict.fromkeys(counties))
    t_index = {t: i for i, t in enumerate(t_labels)}
    c_index = {c: i for i, c in enumerate(c_labels)}
    t_county = dict(zip(townships, counties, strict=True))
    return Geography(
        community_id=np.array(ids),
        township=np.array([t_index[t] for t in townships]),
        county=np.array([c_index[t_county[t]] for t in t_labels]),
        x_km=np.array(x),
        y_km=np.array(y),
        population=np.array(population, dtype=np.int64),
        urban=np.array(urban, dtype=bool),
        township_id=np.array(t_labels),
        county_id=np.array(c_labels),
        has_room=None if has_room is None else np.array(has_room, dtype=bool),
        community_name=None if names is None else np.array(names, dtype=str),
    )


def check_total(path: Path, total: int) -> None:
    """Refuse a city with nobody in it, or more residents than a run can hold."""
    if total < 1:
        raise GeographyError(
            f"{path}: column 'population': the communities have no residents "
            "at all (every population is 0)"
        )
    if total > MAX_POPULATION:
        raise GeographyError(
            f"{path}: column 'population': {total:,} residents in all; at "
            f"most {MAX_POPULATION:,} (run a part of the city, or --scale)"
        )


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    try:
        text = input_files.read_text(path, "geography file", input_files.MAX_CSV_BYTES)
    except input_files.InputFileError as err:
        raise GeographyError(str(err)) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        _check_header(path, header)
        rows: list[tuple[int, dict[str, str]]] = []
        for row in reader:
            if len(rows) == MAX_COMMUNITIES:
                raise GeographyError(f"{path}: more than {MAX_COMMUNITIES:,} communities")
            rows.append((reader.line_num, row))
    except csv.Error as err:
        raise GeographyError(f"{path}: not a readable CSV: {err}") from None
    if not rows:
        raise GeographyError(f"{path}: no communities (only a header)")
    return rows


def _check_header(path: Path, header: list[str]) -> None:
    """Name the missing columns; echo a found column only when it looks like a misspelt
    one (the file may not be a CSV of communities at all, and its lines are not ours to
    print)."""
    missing = [c for c in CSV_COLUMNS if c not in header]
    if not missing:
        return
    _check_delimiter(path, header)
    hints = []
    for column in missing:
        close = difflib.get_close_matches(column, header, n=1, cutoff=0.75)
        if close:
            hints.append(f"{close[0][:40]!r} for {column!r}?")
    hint = f" (did you mean {', '.join(hints)})" if hints else ""
    raise GeographyError(
        f"{path}: missing column(s) {missing}{hint}; the first line must "
        f"name the columns {list(CSV_COLUMNS)}"
    )


# Other separators a spreadsheet writes, and which of its settings writes them.
_OTHER_DELIMITERS = {
    ";": "semicolons (';'): Excel's 'CSV' where the decimal mark is a comma, as in much of Europe",
    "\t": "tabs: Excel's 'Text (Tab delimited)', or a table copied out of a spreadsheet",
}


def _check_delimiter(path: Path, header: list[str]) -> None:
    """A first line with no commas but another separator: name it and say how to save
    the file comma-separated."""
    if len(header) != 1:
        return
    for delimiter, what in _OTHER_DELIMITERS.items():
        if delimiter in header[0]:
            raise GeographyError(
                f"{path}: the first line has no commas but {what}. Save it with commas: "
                f"{input_files.EXCEL_SAVE_AS_CSV_UTF8}; in LibreOffice or WPS choose ',' as "
                "the field separator (字段分隔符)"
            )


def _text(row: dict, column: str, where: str) -> str:
    value = row.get(column)
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise GeographyError(f"{where}: column {column!r} is empty")
    if len(value) > 200:
        raise GeographyError(f"{where}: column {column!r}: longer than 200 characters")
    return value


def _coordinate(row: dict, column: str, where: str) -> float:
    text = _text(row, column, where)
    try:
        value = float(text)
    except ValueError:
        raise GeographyError(f"{where}: column {column!r}: {text!r} is not a number") from None
    if not np.isfinite(value):
        raise GeographyError(f"{where}: column {column!r}: {text!r} is not finite")
    if abs(value) > MAX_COORDINATE_KM:
        raise GeographyError(
            f"{where}: column {column!r}: {value:g} km is farther than "
            f"{MAX_COORDINATE_KM:,.0f} km from the origin (coordinates are "
            "km on a local map, not metres or degrees)"
        )
    return value


def _whole(row: dict, column: str, where: str) -> int:
    text = _text(row, column, where)
    if not (text.isascii() and text.isdigit()):
        raise GeographyError(f"{where}: column {column!r}: {text!r} is not a whole number >= 0")
    if len(text) > 12 or int(text) > MAX_COMMUNITY_POPULATION:
        raise GeographyError(
            f"{where}: column {column!r}: {text} residents in one "
            f"community; at most {MAX_COMMUNITY_POPULATION:,}"
        )
    return int(text)


# Yes/no values a planner's file may hold, Chinese too; the urban flag may also be a word.
_TRUE = frozenset({"1", "true", "yes", "是"})
_FALSE = frozenset({"0", "false", "no", "否"})
_URBAN_WORDS = {"urban": True, "rural": False}
FLAG_VALUES = "1/0, true/false, yes/no or 是/否"


def parse_flag(text: str, column: str = "") -> bool | None:
    """A yes/no value as bool (for ``column`` "urban" also urban/rural); None if neither."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return _URBAN_WORDS.get(value) if column == "urban" else None


def _flag(row: dict, column: str, where: str) -> bool:
    text = _text(row, column, where)
    value = parse_flag(text, column)
    if value is None:
        raise GeographyError(
            f"{where}: column {column!r}: {text.lower()!r} is not one of {FLAG_VALUES}"
        )
    return value


def _name(row: dict, where: str) -> str:
    """A community's name: may be empty (not every community has one on file)."""
    value = row.get("name")
    value = value.strip() if isinstance(value, str) else ""
    if len(value) > 200:
        raise GeographyError(f"{where}: column 'name': longer than 200 characters")
    return value


def write_csv(geo: Geography, path: Path) -> None:
    """Write a geography in the format :func:`load_csv` reads (with name and has_room
    columns when the geography has them)."""
    extra = [
        column
        for column, values in (("name", geo.community_name), ("has_room", geo.has_room))
        if values is not None
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*CSV_COLUMNS, *extra])
        for i in range(geo.n_communities):
            t = geo.township[i]
            row = [
                geo.community_id[i],
                geo.township_id[t],
                geo.county_id[geo.county[t]],
                f"{geo.x_km[i]:.3f}",
                f"{geo.y_km[i]:.3f}",
                int(geo.population[i]),
                int(geo.urban[i]),
            ]
            if geo.community_name is not None:
                row.append(geo.community_name[i])
            if geo.has_room is not None:
                row.append(int(geo.has_room[i]))
            writer.writerow(row)
