"""Communities read from a GIS layer: a GeoJSON, GeoPackage or Shapefile of points or polygons.

Each feature is a community; its properties (attribute columns) give its id, population,
urban flag, township and county, and optionally its name and whether it has a mediation room
today (``geography.gis_properties`` names the properties where they are not called so). A
polygon stands at its representative point (a point inside it, unlike a centroid, which can
fall outside a crescent-shaped village). Townships and counties may come from boundary
polygons instead (``gis_townships``, ``gis_counties``): a community takes the polygon that
holds its point.

Coordinates become km on a local flat map: lon/lat is projected with an azimuthal equidistant
projection centred on the communities (distances from the centre are true, and within a
city's few hundred km the others barely bend), a projected layer keeps its own map, converted
to km. The map is shifted so that its origin is the south-west corner of the communities'
extent, and rounded to the metre, the precision a communities CSV holds (so a city written
to CSV and read back runs the same). Features are counted from 1 in the file's order.

The GIS libraries (geopandas, pyogrio, pyproj, shapely) are an optional extra, imported only
here, only when a scenario reads a GIS layer.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.city.geography import (
    FLAG_VALUES,
    MAX_COMMUNITIES,
    MAX_COMMUNITY_POPULATION,
    MAX_COORDINATE_KM,
    Geography,
    GeographyError,
    assemble,
    check_total,
    parse_flag,
)
from sim.config import GeographyConfig

if TYPE_CHECKING:
    import geopandas as gpd
    import pyproj

INSTALL = "install the gis extra: pip install 'dispute-sim[gis]'"
MAX_GIS_BYTES = 2_000_000_000  # a layer of MAX_COMMUNITIES detailed village polygons fits
MAX_LABEL = 200  # characters of an id or a name, as in a communities CSV
SET_CRS = "ogr2ogr -a_srs EPSG:4326 fixed.gpkg"  # what to run, followed by the file's name

# What each property of a community holds, for messages.
MEANING = {
    "id": "each community's id",
    "name": "each community's name",
    "population": "residents of each community",
    "urban": "whether each community is urban (1) or rural (0)",
    "has_room": "whether each community has a mediation room (1) or not (0)",
    "township": "the township each community belongs to",
    "county": "the county each community belongs to",
}
OPTIONAL = ("name", "has_room")  # read when the layer has them
# Shapely's geometry type ids of points and polygons (lines and collections are refused).
POINT, MULTIPOINT, POLYGON, MULTIPOLYGON = 0, 4, 3, 6
# Linear units a projected map may have; pyproj gives each its length in metres.
LINEAR_UNITS = frozenset(
    {"metre", "meter", "kilometre", "kilometer", "foot", "US survey foot", "foot (International)"}
)


def load_gis(config: GeographyConfig) -> Geography:
    """The communities of ``config.gis_path``, with townships and counties from their
    properties or from the boundary layers."""
    require_libraries()
    assert config.gis_path is not None  # the schema requires it with source = "gis"
    path = Path(config.gis_path)
    frame = read_layer(path, config.gis_layer, "community layer")
    crs = _crs(frame, path)
    columns = property_columns(frame, config, path)
    ids = _ids(frame[columns["id"]].tolist(), columns["id"], path)
    points = community_points(frame, path, ids)
    townships = _area_labels(frame, columns, "township", config, path, ids, points)
    counties = _area_labels(frame, columns, "county", config, path, ids, points)
    _check_one_county(ids, townships, counties, path)
    x, y = to_km(points, crs, path)
    where = [_feature(path, n, ids) for n in range(len(ids))]
    population = [
        _population(value, columns["population"], at)
        for value, at in zip(frame[columns["population"]].tolist(), where, strict=True)
    ]
    check_total(path, sum(population))
    urban = _flags(frame, columns["urban"], where, "urban")
    rooms = _flags(frame, columns["has_room"], where) if "has_room" in columns else None
    names = _names(frame, columns["name"], where) if "name" in columns else None
    return assemble(
        ids, townships, counties, x.tolist(), y.tolist(), population, urban, rooms, names
    )


def require_libraries() -> None:
    """Refuse, saying how to install them, when the GIS libraries are missing."""
    for module in ("geopandas", "pyogrio", "pyproj", "shapely"):
        try:
            __import__(module)
        except ImportError:
            raise GeographyError(
                f"geography.source = 'gis' reads GIS files with {module}, which is not "
                f"installed: {INSTALL}"
            ) from None


# ----------------------------------------------------------------------------- reading


def read_layer(
    path: Path, layer: str | None, what: str, setting: str = "gis_layer"
) -> gpd.GeoDataFrame:
    """One layer of a GIS file as a GeoDataFrame, every failure as a GeographyError;
    ``setting`` is the scenario key naming the layer."""
    import geopandas
    import pyogrio

    _check_file(path, what)
    name = _layer_name(path, layer, what, setting)
    with _gdal_errors(path, what):
        info = pyogrio.read_info(path, layer=name)
    if info.get("geometry_type") is None:
        raise GeographyError(
            f"{path}: the {what} is a table without geometry (no points or polygons); a CSV "
            'of communities with x_km and y_km is read with [geography] source = "csv"'
        )
    if int(info.get("features", -1)) > MAX_COMMUNITIES:
        raise GeographyError(
            f"{path}: the {what} holds {int(info['features']):,} features; at most "
            f"{MAX_COMMUNITIES:,} are read (run a part of the city)"
        )
    with _gdal_errors(path, what), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes on the file are not the planner's
        frame = geopandas.read_file(path, layer=name, engine="pyogrio")
    if len(frame) == 0:
        raise GeographyError(f"{path}: the {what} holds no features")
    if len(frame) > MAX_COMMUNITIES:  # a count the driver did not know in advance
        raise GeographyError(
            f"{path}: the {what} holds more than {MAX_COMMUNITIES:,} features (run a part "
            "of the city)"
        )
    return frame


def _check_file(path: Path, what: str) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise GeographyError(f"{path}: no such file (the {what})") from None
    except (OSError, ValueError) as err:  # ValueError: a name the OS cannot hold
        reason = err.strerror if isinstance(err, OSError) else str(err)
        raise GeographyError(f"{path}: cannot read the {what}: {reason}") from None
    if stat.S_ISDIR(info.st_mode):
        raise GeographyError(
            f"{path}: is a folder, not a GIS file; name the .geojson, .gpkg or .shp file"
        )
    if not stat.S_ISREG(info.st_mode):
        raise GeographyError(f"{path}: is not a regular file (a pipe or a device?)")
    if info.st_size > MAX_GIS_BYTES:
        raise GeographyError(
            f"{path}: the {what} is {info.st_size:,} bytes; at most {MAX_GIS_BYTES:,} are read"
        )


@contextlib.contextmanager
def _gdal_errors(path: Path, what: str) -> Iterator[None]:
    """GDAL's failures (a file of another kind, a broken one) as one line naming the file."""
    try:
        yield
    except GeographyError:
        raise
    except Exception as err:  # pyogrio and GDAL raise many kinds; each means "unreadable"
        raise GeographyError(
            f"{path}: the {what} is not a GIS file this tool can read (GeoJSON, GeoPackage "
            f"or Shapefile): {_gdal_reason(err, path)}"
        ) from None


def _gdal_reason(err: Exception, path: Path) -> str:
    """GDAL's message without the file's name (said already) and its advice on drivers."""
    text = " ".join(str(err).split())
    if "not recognized as being in a supported file format" in text:
        return "GDAL does not recognise its format"
    text = text.replace(f"'{path}'", "it").replace(str(path), "it")
    return text.split("; It might help")[0][:200] or type(err).__name__


def _layer_name(path: Path, layer: str | None, what: str, setting: str) -> str:
    """The layer to read: the one named, or the file's only one."""
    import pyogrio

    with _gdal_errors(path, what):
        names = [str(row[0]) for row in pyogrio.list_layers(path)]
    if not names:
        raise GeographyError(f"{path}: the {what} holds no layers")
    if layer is None:
        if len(names) > 1:
            raise GeographyError(
                f"{path}: holds {len(names)} layers ({_listed(names)}); name the {what} "
                f"with [geography] {setting}"
            )
        return names[0]
    if layer not in names:
        raise GeographyError(
            f"{path}: no layer {layer!r}{_did_you_mean(layer, names)}; its layers: {_listed(names)}"
        )
    return layer


def _listed(names: list[str], at_most: int = 15) -> str:
    shown = ", ".join(repr(n[:60]) for n in names[:at_most])
    return shown + (f" and {len(names) - at_most} more" if len(names) > at_most else "")


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _crs(frame: gpd.GeoDataFrame, path: Path) -> pyproj.CRS:
    if frame.crs is None:
        raise GeographyError(
            f"{path}: the layer has no coordinate reference system (CRS), so its "
            "coordinates cannot be turned into km. Set the one it was drawn in, e.g. for "
            f"lon/lat: {SET_CRS} {path.name} (or in QGIS: Layer Properties > Source > "
            "Assigned Coordinate Reference System); a Shapefile keeps it in its .prj file"
        )
    return frame.crs


# ----------------------------------------------------------------------------- properties


def property_columns(frame: gpd.GeoDataFrame, config: GeographyConfig, path: Path) -> dict:
    """Key (id, population, ...) -> the layer's property holding it, for every key read;
    a property that is not there is named, with the closest one the layer has."""
    present = [str(c) for c in frame.columns if c != frame.geometry.name]
    from_boundaries = {"township": config.gis_townships, "county": config.gis_counties}
    named: dict[str, str] = {str(key): column for key, column in config.gis_properties.items()}
    columns: dict[str, str] = {}
    for key in MEANING:
        if from_boundaries.get(key):
            continue
        column = named.get(key, key)
        if column in present:
            columns[key] = column
        elif key not in OPTIONAL or key in named:
            raise GeographyError(_missing_property(path, key, column, present))
    return columns


def _missing_property(path: Path, key: str, column: str, present: list[str]) -> str:
    hint = _did_you_mean(column, present)
    if not present and path.suffix.lower() == ".shp":
        hint = " (a Shapefile keeps its properties in the .dbf file beside the .shp: copy it too)"
    where = ""
    if key in ("township", "county"):
        layer = "gis_townships" if key == "township" else "gis_counties"
        where = f", or give {key} boundary polygons with [geography] {layer}"
    return (
        f"{path}: the layer has no property {column!r} ({MEANING[key]}){hint}; its "
        f"properties: {_listed(present) or 'none'}. Name the one that holds it with "
        f'[geography] gis_properties = {{ {key} = "..." }}{where}'
    )


def _label(value: Any) -> str:
    """An id as text: an integer stored as a float (12.0, as GDAL reads numbers) is "12"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_missing(value: Any) -> bool:
    import pandas

    return value is None or (not isinstance(value, str) and bool(pandas.isna(value)))


def _text(value: Any, column: str, where: str) -> str:
    if _is_missing(value) or not _label(value):
        raise GeographyError(f"{where}: property {column!r} is empty")
    text = _label(value)
    if len(text) > MAX_LABEL:
        raise GeographyError(f"{where}: property {column!r}: longer than {MAX_LABEL} characters")
    return text


def _ids(values: list, column: str, path: Path) -> list[str]:
    ids: list[str] = []
    first: dict[str, int] = {}
    for n, value in enumerate(values, start=1):
        cid = _text(value, column, f"{path}: feature {n}")
        if cid in first:
            raise GeographyError(
                f"{path}: feature {n}: property {column!r}: duplicate community id {cid!r} "
                f"(also feature {first[cid]}); give each community its own id"
            )
        first[cid] = n
        ids.append(cid)
    return ids


def _population(value: Any, column: str, where: str) -> int:
    shown = f"{value!r:.40}"
    if _is_missing(value):
        raise GeographyError(f"{where}: property {column!r} (residents) is empty")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise GeographyError(
            f"{where}: property {column!r}: {shown} is not a whole number of residents >= 0"
        )
    if value > MAX_COMMUNITY_POPULATION:
        raise GeographyError(
            f"{where}: property {column!r}: {value:,} residents in one community; at most "
            f"{MAX_COMMUNITY_POPULATION:,}"
        )
    return value


def _flags(frame: gpd.GeoDataFrame, column: str, where: list[str], key: str = "") -> list[bool]:
    return [
        _flag(value, column, at, key)
        for value, at in zip(frame[column].tolist(), where, strict=True)
    ]


def _flag(value: Any, column: str, where: str, key: str) -> bool:
    if _is_missing(value):
        raise GeographyError(f"{where}: property {column!r} is empty (one of {FLAG_VALUES})")
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    found = parse_flag(value, key) if isinstance(value, str) else None
    if found is None:
        raise GeographyError(
            f"{where}: property {column!r}: {value!r:.40} is not one of {FLAG_VALUES}"
        )
    return found


def _names(frame: gpd.GeoDataFrame, column: str, where: list[str]) -> list[str]:
    names = ["" if _is_missing(v) else _label(v) for v in frame[column].tolist()]
    for name, at in zip(names, where, strict=True):
        if len(name) > MAX_LABEL:
            raise GeographyError(f"{at}: property {column!r}: longer than {MAX_LABEL} characters")
    return names


# ----------------------------------------------------------------------------- geometry


def community_points(frame: gpd.GeoDataFrame, path: Path, ids: list[str]) -> np.ndarray:
    """Each community's point (shapely), in the layer's CRS: a point as it is, a polygon's
    representative point. Missing, empty, invalid and line geometries are refused."""
    import shapely

    geometries = np.asarray(frame.geometry.array, dtype=object)
    _check_geometries(geometries, path, ids, (POINT, MULTIPOINT, POLYGON, MULTIPOLYGON))
    kinds = shapely.get_type_id(geometries)
    points = np.where(kinds == POINT, geometries, shapely.point_on_surface(geometries))
    bad = ~np.isfinite(shapely.get_x(points)) | ~np.isfinite(shapely.get_y(points))
    if bad.any():
        n = int(np.flatnonzero(bad)[0])
        raise GeographyError(f"{_feature(path, n, ids)}: its coordinates are not finite numbers")
    return points


def _check_geometries(
    geometries: np.ndarray, path: Path, ids: list[str] | None, allowed: tuple[int, ...]
) -> None:
    import shapely

    missing = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    if missing.any():
        n = int(np.flatnonzero(missing)[0])
        raise GeographyError(
            f"{_feature(path, n, ids)}: has no geometry (empty or missing); draw it, or "
            "delete the feature"
        )
    kinds = shapely.get_type_id(geometries)
    wrong = ~np.isin(kinds, allowed)
    if wrong.any():
        n = int(np.flatnonzero(wrong)[0])
        expected = "points or polygons" if POINT in allowed else "polygons"
        raise GeographyError(
            f"{_feature(path, n, ids)}: is a {geometries[n].geom_type}; the layer must hold "
            f"{expected}"
        )
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        n = int(np.flatnonzero(invalid)[0])
        reason = shapely.is_valid_reason(geometries[n])
        raise GeographyError(
            f"{_feature(path, n, ids)}: invalid geometry ({reason}); repair it, e.g. in QGIS "
            "with Vector > Geometry Tools > Fix Geometries, or with ogr2ogr -makevalid"
        )


def _feature(path: Path, n: int, ids: list[str] | None) -> str:
    """Where feature ``n`` (0-based) is, for a message: counted from 1, with its id."""
    named = f" (id {ids[n]!r})" if ids is not None else ""
    return f"{path}: feature {n + 1}{named}"


# ----------------------------------------------------------------------------- coordinates


def to_km(points: np.ndarray, crs: pyproj.CRS, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """x, y of ``points`` in km on a local map from the south-west corner of their extent,
    rounded to the metre."""
    import shapely

    x, y = shapely.get_x(points), shapely.get_y(points)
    if crs.is_geographic:
        x, y = _lonlat_to_km(x, y, crs, path)
    elif crs.is_projected:
        metres = _metres_per_unit(crs, path)
        x, y = x * metres / 1000.0, y * metres / 1000.0
    else:
        raise GeographyError(
            f"{path}: its CRS ({crs.name}) is neither lon/lat nor a projected map; reproject "
            "it to lon/lat, e.g. ogr2ogr -t_srs EPSG:4326 fixed.gpkg " + path.name
        )
    x, y = np.round(x - x.min(), 3), np.round(y - y.min(), 3)
    span = max(float(x.max()), float(y.max()))
    if not math.isfinite(span) or span > MAX_COORDINATE_KM:
        raise GeographyError(
            f"{path}: the communities span {span:,.0f} km, more than {MAX_COORDINATE_KM:,.0f} "
            f"km: is the layer's CRS ({crs.name}) the one its coordinates were drawn in?"
        )
    return x, y


def _lonlat_to_km(
    lon: np.ndarray, lat: np.ndarray, crs: pyproj.CRS, path: Path
) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat onto an azimuthal equidistant map centred on the communities, in km."""
    from pyproj import Transformer
    from pyproj.crs import ProjectedCRS
    from pyproj.crs.coordinate_operation import AzimuthalEquidistantConversion

    units = {axis.unit_name for axis in crs.axis_info[:2]}
    if units != {"degree"}:
        raise GeographyError(
            f"{path}: its lon/lat axes are in {', '.join(sorted(units))}, not degrees, which "
            "this tool does not convert; reproject it, e.g. ogr2ogr -t_srs EPSG:4326 "
            f"fixed.gpkg {path.name}"
        )
    outside = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if outside.any():
        n = int(np.flatnonzero(outside)[0])
        raise GeographyError(
            f"{path}: feature {n + 1}: ({lon[n]:g}, {lat[n]:g}) is not a longitude and "
            f"latitude, but the layer's CRS ({crs.name}) says degrees; set the CRS it was "
            "drawn in (ogr2ogr -a_srs EPSG:... fixed.gpkg " + path.name + ")"
        )
    # The same datum as the layer's (WGS 84, CGCS2000, ...): projecting needs no datum shift.
    local = ProjectedCRS(
        conversion=AzimuthalEquidistantConversion(
            latitude_natural_origin=float(lat.mean()), longitude_natural_origin=float(lon.mean())
        ),
        geodetic_crs=crs.geodetic_crs,
    )
    x, y = Transformer.from_crs(crs, local, always_xy=True).transform(lon, lat)
    return np.asarray(x) / 1000.0, np.asarray(y) / 1000.0


def _metres_per_unit(crs: pyproj.CRS, path: Path) -> float:
    """Metres in one unit of a projected map's axes; unknown units are refused."""
    axes = crs.axis_info[:2]
    units = {axis.unit_name for axis in axes}
    if len(axes) < 2 or len(units) != 1 or not units <= LINEAR_UNITS:
        raise GeographyError(
            f"{path}: the map's axes are in {', '.join(sorted(units)) or 'no unit'}, which "
            "this tool does not convert to km; reproject the layer to lon/lat or to a map "
            f"in metres, e.g. ogr2ogr -t_srs EPSG:4326 fixed.gpkg {path.name}"
        )
    return float(axes[0].unit_conversion_factor)


# ----------------------------------------------------------------------------- areas


@dataclass(frozen=True)
class Boundaries:
    """Township or county polygons, read from their own GIS file."""

    path: Path
    labels: list[str]  # per polygon
    polygons: np.ndarray  # shapely, in the community layer's CRS


def _area_labels(
    frame: gpd.GeoDataFrame,
    columns: dict,
    key: str,
    config: GeographyConfig,
    path: Path,
    ids: list[str],
    points: np.ndarray,
) -> list[str]:
    """Each community's township or county: its property, or the boundary polygon holding
    its point."""
    if key in columns:
        return [
            _text(value, columns[key], _feature(path, n, ids))
            for n, value in enumerate(frame[columns[key]].tolist())
        ]
    if key == "township":
        layer, name = config.gis_townships, config.gis_townships_layer
        id_property = config.gis_township_id
    else:
        layer, name = config.gis_counties, config.gis_counties_layer
        id_property = config.gis_county_id
    assert layer is not None  # property_columns reads the property when there is no layer
    boundaries = read_boundaries(Path(layer), name, id_property, key, frame.crs)
    return join(boundaries, points, ids, key, path)


def read_boundaries(
    path: Path, layer: str | None, id_property: str, key: str, crs: pyproj.CRS
) -> Boundaries:
    """The polygons of a township or county layer, in ``crs`` (the community layer's)."""
    what = f"{key} layer"
    setting = "gis_townships_layer" if key == "township" else "gis_counties_layer"
    frame = read_layer(path, layer, what, setting)
    _crs(frame, path)
    present = [str(c) for c in frame.columns if c != frame.geometry.name]
    if id_property not in present:
        setting = "gis_township_id" if key == "township" else "gis_county_id"
        raise GeographyError(
            f"{path}: the {what} has no property {id_property!r} (the id of each {key})"
            f"{_did_you_mean(id_property, present)}; its properties: "
            f"{_listed(present) or 'none'}. Name it with [geography] {setting}"
        )
    if frame.crs != crs:
        with _gdal_errors(path, what):
            frame = frame.to_crs(crs)
    polygons = np.asarray(frame.geometry.array, dtype=object)
    _check_geometries(polygons, path, None, (POLYGON, MULTIPOLYGON))
    labels = [
        _text(value, id_property, f"{path}: feature {n}")
        for n, value in enumerate(frame[id_property].tolist(), start=1)
    ]
    return Boundaries(path, labels, polygons)


def join(
    boundaries: Boundaries, points: np.ndarray, ids: list[str], key: str, path: Path
) -> list[str]:
    """Each community's label: the polygon its point lies within. A point outside every
    polygon, or within two with different labels, is refused."""
    import shapely

    tree = shapely.STRtree(boundaries.polygons)
    community, polygon = tree.query(points, predicate="within")
    found: list[set[str]] = [set() for _ in ids]
    for c, p in zip(community.tolist(), polygon.tolist(), strict=True):
        found[c].add(boundaries.labels[p])  # one label may have several polygons
    for n, labels in enumerate(found):
        point = points[n]
        at = f"{_feature(path, n, ids)} at ({point.x:.6g}, {point.y:.6g})"
        if not labels:
            raise GeographyError(
                f"{at}: lies outside every {key} polygon of {boundaries.path} (or on a "
                "border); extend the polygons, move the point, or give the "
                f"{key} as a property with [geography] gis_properties"
            )
        if len(labels) > 1:
            raise GeographyError(
                f"{at}: lies within {len(labels)} {key} polygons of {boundaries.path} "
                f"({_listed(sorted(labels))}); the polygons overlap there, fix them"
            )
    return [labels.pop() for labels in found]


def _check_one_county(
    ids: list[str], townships: list[str], counties: list[str], path: Path
) -> None:
    """Each township in one county (a county boundary may cut a township in two)."""
    first: dict[str, tuple[str, str]] = {}
    for cid, township, county in zip(ids, townships, counties, strict=True):
        county_of, community = first.setdefault(township, (county, cid))
        if county_of != county:
            raise GeographyError(
                f"{path}: township {township!r} falls in two counties: community "
                f"{community!r} is in {county_of!r}, community {cid!r} in {county!r}; a "
                "township belongs to one county: fix the boundaries or the properties"
            )
