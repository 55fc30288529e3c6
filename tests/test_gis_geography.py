"""Communities from GIS files (geography.source = "gis"): GeoJSON, GeoPackage and Shapefile,
points and polygons, townships and counties from boundary polygons, km from lon/lat; a GIS
city runs exactly as the same city written to CSV; every bad file is refused by name."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

gpd = pytest.importorskip("geopandas")

from shapely.geometry import LineString, Point, Polygon, box  # noqa: E402

from sim.city import gis  # noqa: E402
from sim.city.geography import Geography, GeographyError, build, load_csv, write_csv  # noqa: E402
from sim.city.placement import has_room  # noqa: E402
from sim.cli import main  # noqa: E402
from sim.config import PlacementConfig  # noqa: E402
from sim.scenario_loader import ScenarioError, load_scenario, source_files  # noqa: E402
from tests.conftest import comparable  # noqa: E402

LON, LAT = 111.7, 40.8  # Hohhot
QUICK = ["--quiet", "--days", "20", "--seed", "5"]
# A small city's staff, so that a run of 24 communities takes a moment.
HEAD = """name = "gis-city"
[run]
warmup_days = 5
[staffing]
mediators_total = 60
grid_officers = 40
court_mediators = 4
"""


def city(n_counties: int = 2, towns: int = 2, per_town: int = 6) -> gpd.GeoDataFrame:
    """Points in lon/lat around Hohhot: county k east of k-1, township t north of t-1."""
    rows = []
    for k in range(n_counties):
        for t in range(towns):
            for c in range(per_town):
                rows.append(
                    {
                        "id": f"C{k}{t}{c:02d}",
                        "name": f"社区{k}-{t}-{c}",
                        "population": 6000 + 1370 * c + 4000 * t,
                        "urban": int(k == 0),
                        "has_room": "否" if c == per_town - 1 else "是",
                        "township": f"T{k}{t}",
                        "county": f"K{k}",
                        "geometry": Point(
                            LON + 0.2 * k + 0.03 * (c % 3), LAT + 0.1 * t + 0.02 * (c // 3)
                        ),
                    }
                )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def township_boxes(n_counties: int = 2, towns: int = 2) -> gpd.GeoDataFrame:
    """A rectangle around each township of :func:`city`."""
    rows = [
        {
            "code": f"T{k}{t}",
            "geometry": box(
                LON + 0.2 * k - 0.01,
                LAT + 0.1 * t - 0.01,
                LON + 0.2 * k + 0.1,
                LAT + 0.1 * t + 0.05,
            ),
        }
        for k in range(n_counties)
        for t in range(towns)
    ]
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def county_boxes(n_counties: int = 2) -> gpd.GeoDataFrame:
    rows = [
        {
            "id": f"K{k}",
            "geometry": box(LON + 0.2 * k - 0.05, LAT - 0.05, LON + 0.2 * k + 0.15, 41.5),
        }
        for k in range(n_counties)
    ]
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def write(frame: gpd.GeoDataFrame, path: Path, **kw) -> Path:
    frame.to_file(path, engine="pyogrio", **kw)
    return path


def scenario(folder: Path, geography: dict, name: str = "s.toml") -> Path:
    """A scenario file with the small city's staff and these [geography] keys."""
    lines = [HEAD, "[geography]"]
    for key, value in geography.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items())
            lines.append(f"{key} = {{ {inner} }}")
        else:
            lines.append(f"{key} = {json.dumps(value)}")
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gis_scenario(folder: Path, layer: str, **geography) -> Path:
    return scenario(folder, {"source": "gis", "gis_path": layer, **geography})


def geography_of(path: Path) -> Geography:
    return build(load_scenario(path).geography)


def run(path: Path, out: Path, capsys) -> dict[str, list[dict]]:
    """Run a scenario through the CLI; its summary, areas, cases and places rows."""
    assert main(["run", str(path), *QUICK, "--out", str(out)]) == 0, capsys.readouterr().err
    return {
        name: comparable(pq.read_table(out / f"{name}.parquet").to_pylist())
        for name in ("summary", "areas", "cases", "places")
    }


def refused(path: Path, capsys) -> str:
    """Run a scenario through the CLI: it must exit 2 with a message and no traceback."""
    assert main(["run", str(path), *QUICK, "--out", str(path.parent / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err, err
    assert not (path.parent / "out").exists()
    return err


def same_city(a: Geography, b: Geography) -> None:
    for field in (
        "community_id",
        "township",
        "county",
        "township_id",
        "county_id",
        "population",
        "urban",
        "has_room",
        "community_name",
    ):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert np.allclose(a.x_km, b.x_km, atol=1e-3) and np.allclose(a.y_km, b.y_km, atol=1e-3)


# ----------------------------------------------------------------------------- reading


def test_a_geojson_city_runs_exactly_as_the_same_city_written_to_csv(tmp_path, capsys):
    write(city(), tmp_path / "city.geojson")
    from_gis = gis_scenario(tmp_path, "city.geojson")
    geo = geography_of(from_gis)
    write_csv(geo, tmp_path / "city.csv")
    from_csv = scenario(tmp_path, {"source": "csv", "csv_path": "city.csv"}, "c.toml")
    same_city(geo, load_csv(tmp_path / "city.csv"))
    gis_run = run(from_gis, tmp_path / "gis-out", capsys)
    csv_run = run(from_csv, tmp_path / "csv-out", capsys)
    assert gis_run == csv_run
    assert len(gis_run["cases"]) > 50


def test_geojson_geopackage_and_shapefile_give_the_same_city(tmp_path):
    frame = city()
    write(frame, tmp_path / "city.geojson")
    write(frame, tmp_path / "city.gpkg", layer="communities")
    write(frame, tmp_path / "city.shp")
    cities = [
        geography_of(gis_scenario(tmp_path, name))
        for name in ("city.geojson", "city.gpkg", "city.shp")
    ]
    for other in cities[1:]:
        same_city(cities[0], other)
    geo = cities[0]
    assert (geo.n_communities, geo.n_townships, geo.n_counties) == (24, 4, 2)
    assert geo.community_name[0] == "社区0-0-0"  # Chinese names survive every format
    assert geo.has_room.tolist().count(False) == 4  # 否: the last community of each township
    assert geo.x_km.min() == 0.0 and geo.y_km.min() == 0.0


def test_a_tenth_of_a_degree_of_latitude_is_11_1_km(tmp_path):
    frame = city(n_counties=1, towns=1, per_town=2)
    frame["geometry"] = [Point(LON, LAT), Point(LON, LAT + 0.1)]
    write(frame, tmp_path / "two.geojson")
    geo = geography_of(gis_scenario(tmp_path, "two.geojson"))
    distance = math.hypot(geo.x_km[1] - geo.x_km[0], geo.y_km[1] - geo.y_km[0])
    assert distance == pytest.approx(11.1, abs=0.1)


def test_a_projected_layer_keeps_its_map_in_km(tmp_path):
    write(city(), tmp_path / "city.geojson")
    write(city().to_crs("EPSG:32649"), tmp_path / "utm.gpkg")  # UTM zone 49N, metres
    write(city().to_crs("EPSG:2227"), tmp_path / "feet.gpkg")  # a map in US survey feet
    lonlat, utm, feet = (
        geography_of(gis_scenario(tmp_path, name))
        for name in ("city.geojson", "utm.gpkg", "feet.gpkg")
    )

    def spans(geo: Geography) -> np.ndarray:
        return np.hypot(geo.x_km - geo.x_km[0], geo.y_km - geo.y_km[0])

    # Two maps of ~25 km of ground agree within a fraction of a percent.
    assert np.allclose(spans(utm), spans(lonlat), rtol=0.005, atol=0.01)
    assert utm.x_km.max() < 40  # km, not metres
    assert np.isfinite(feet.x_km).all() and feet.x_km.max() < 100


def test_polygons_stand_at_their_representative_point(tmp_path, capsys):
    points = city()
    polygons = points.copy()
    polygons["geometry"] = [p.buffer(0.004, quad_segs=2) for p in points.geometry]
    write(points, tmp_path / "points.geojson")
    write(polygons, tmp_path / "villages.gpkg")
    geo = geography_of(gis_scenario(tmp_path, "villages.gpkg"))
    inside = [
        poly.contains(Point(p))
        for poly, p in zip(polygons.geometry, polygons.representative_point(), strict=True)
    ]
    assert all(inside)
    # A symmetric polygon's representative point is its centre, here the community's point.
    same_city(geo, geography_of(gis_scenario(tmp_path, "points.geojson")))
    run(gis_scenario(tmp_path, "villages.gpkg"), tmp_path / "out", capsys)


def test_townships_and_counties_from_boundary_polygons(tmp_path):
    frame = city().drop(columns=["township", "county"])
    write(frame, tmp_path / "city.gpkg", layer="communities")
    write(township_boxes().to_crs("EPSG:32649"), tmp_path / "city.gpkg", layer="townships")
    write(county_boxes(), tmp_path / "counties.geojson")
    path = gis_scenario(
        tmp_path,
        "city.gpkg",
        gis_layer="communities",
        gis_townships="city.gpkg",
        gis_townships_layer="townships",
        gis_township_id="code",
        gis_counties="counties.geojson",
    )
    geo = geography_of(path)
    # Relative paths are the scenario folder's, and no run may write over them.
    files = source_files(path, load_scenario(path))
    assert tmp_path / "city.gpkg" in files and tmp_path / "counties.geojson" in files
    same = city()
    assert geo.township_id[geo.township].tolist() == same["township"].tolist()
    assert geo.county_id[geo.community_county].tolist() == same["county"].tolist()


def test_properties_named_otherwise_are_mapped(tmp_path):
    frame = city().rename(columns={"id": "code", "population": "人口", "urban": "城镇"})
    frame["城镇"] = ["是" if u else "否" for u in frame["城镇"]]
    write(frame, tmp_path / "city.geojson")
    mapping = {"id": "code", "population": "人口", "urban": "城镇"}
    geo = geography_of(gis_scenario(tmp_path, "city.geojson", gis_properties=mapping))
    assert geo.community_id[0] == "C0000" and geo.population.sum() == city()["population"].sum()
    assert geo.urban.sum() == 12


def test_has_room_is_where_placement_starts(tmp_path):
    write(city(), tmp_path / "city.geojson")
    geo = geography_of(gis_scenario(tmp_path, "city.geojson"))
    assert np.array_equal(has_room(geo, PlacementConfig()), geo.has_room)
    opened = has_room(geo, PlacementConfig(rooms_opened=["C0005"], rooms_closed=["C0000"]))
    assert opened[5] and not opened[0]
    # The rural share keeps the largest of the villages that have a room.
    rural_rooms = ~geo.urban & geo.has_room
    kept = has_room(geo, PlacementConfig(rural_room_share=0.5))
    assert (kept & ~geo.urban).sum() == round(0.5 * rural_rooms.sum())
    plain = replace(geo, has_room=None)
    assert has_room(plain, PlacementConfig()).all()  # no column: every community has a room


def test_part_of_the_city_keeps_names_and_rooms(tmp_path):
    write(city(), tmp_path / "city.geojson")
    geo = geography_of(gis_scenario(tmp_path, "city.geojson"))
    part = geo.keep_townships(np.array([False, True, False, True]))
    rows = np.isin(geo.township, [1, 3])
    assert part.community_name.tolist() == geo.community_name[rows].tolist()
    assert part.has_room.tolist() == geo.has_room[rows].tolist()
    assert geo.with_population(geo.population * 2).community_name is geo.community_name


def test_a_csv_may_carry_names_and_rooms(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "id,township,county,x_km,y_km,population,urban,name,has_room\n"
        "A,T,K,0,0,10,1,新华街道,是\nB,T,K,1,1,5,否,,no\n",
        encoding="utf-8",
    )
    geo = load_csv(path)
    assert geo.community_name.tolist() == ["新华街道", ""]
    assert geo.has_room.tolist() == [True, False] and geo.urban.tolist() == [True, False]
    assert load_csv(tmp_path / "g.csv").has_room is not None
    path.write_text("id,township,county,x_km,y_km,population,urban\nA,T,K,0,0,10,1\n")
    assert load_csv(path).has_room is None and load_csv(path).community_name is None


# ----------------------------------------------------------------------------- refusals


def _edited(column: str, index: int, value, dtype: object = object) -> gpd.GeoDataFrame:
    """The city with one value changed (in a column of ``dtype``: text, unless a number)."""
    frame = city()
    if column != "geometry":
        frame[column] = frame[column].astype(dtype)
    frame.at[index, column] = value
    return frame


BAD_LAYERS = {
    "duplicate id": (lambda: _edited("id", 3, "C0000"), "duplicate community id 'C0000'"),
    "population with a fraction": (
        lambda: _edited("population", 2, 12.5, float),
        "12.5 is not a whole number",
    ),
    "negative population": (lambda: _edited("population", 2, -4, int), "-4 is not a whole number"),
    "missing population": (
        lambda: _edited("population", 2, math.nan, float),
        "feature 3 (id 'C0002'): property 'population' (residents) is empty",
    ),
    "population in words": (lambda: _edited("population", 2, "lots"), "'lots' is not a whole"),
    "urban maybe": (lambda: _edited("urban", 1, "maybe"), "'maybe' is not one of 1/0"),
    "has_room perhaps": (lambda: _edited("has_room", 1, "perhaps"), "property 'has_room'"),
    "empty id": (lambda: _edited("id", 0, ""), "feature 1: property 'id' is empty"),
    "township in two counties": (
        lambda: _edited("county", 1, "K1"),
        "township 'T00' falls in two counties",
    ),
    "misspelt property": (
        lambda: city().rename(columns={"population": "populaton"}),
        "no property 'population' (residents of each community) (did you mean 'populaton'?)",
    ),
    "no geometry": (
        lambda: _edited("geometry", 4, None),
        "feature 5 (id 'C0004'): has no geometry",
    ),
    "a line": (
        lambda: _edited("geometry", 4, LineString([(LON, LAT), (LON + 0.1, LAT)])),
        "is a LineString",
    ),
    "a self-crossing polygon": (
        lambda: _edited(
            "geometry",
            4,
            Polygon([(LON, LAT), (LON + 0.1, LAT + 0.1), (LON + 0.1, LAT), (LON, LAT + 0.1)]),
        ),
        "invalid geometry (Self-intersection",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_LAYERS))
def test_a_bad_layer_is_refused_by_name(case, tmp_path, capsys):
    make, expected = BAD_LAYERS[case]
    write(make(), tmp_path / "city.gpkg")
    err = refused(gis_scenario(tmp_path, "city.gpkg"), capsys)
    assert expected in err and "city.gpkg" in err


def test_a_layer_without_crs_says_how_to_set_one(tmp_path, capsys):
    write(city(), tmp_path / "city.shp")
    (tmp_path / "city.prj").unlink()
    err = refused(gis_scenario(tmp_path, "city.shp"), capsys)
    assert "no coordinate reference system" in err and "ogr2ogr -a_srs EPSG:4326" in err


def test_a_community_outside_every_township_is_refused(tmp_path, capsys):
    frame = city().drop(columns=["township"])
    frame.at[7, "geometry"] = Point(LON + 5, LAT)
    write(frame, tmp_path / "city.geojson")
    write(township_boxes(), tmp_path / "townships.geojson")
    path = gis_scenario(
        tmp_path, "city.geojson", gis_townships="townships.geojson", gis_township_id="code"
    )
    err = refused(path, capsys)
    assert "feature 8 (id 'C0101')" in err and "outside every township polygon" in err


def test_a_township_cut_by_a_county_border_is_refused(tmp_path, capsys):
    frame = city().drop(columns=["county"])
    frame.at[0, "geometry"] = Point(LON + 0.16, LAT)  # township T00, inside county K1's box
    write(frame, tmp_path / "city.geojson")
    write(county_boxes(), tmp_path / "counties.geojson")
    err = refused(gis_scenario(tmp_path, "city.geojson", gis_counties="counties.geojson"), capsys)
    assert "township 'T00' falls in two counties" in err


def test_a_boundary_id_property_that_is_not_there(tmp_path, capsys):
    write(city().drop(columns=["township"]), tmp_path / "city.geojson")
    write(township_boxes(), tmp_path / "townships.geojson")
    err = refused(gis_scenario(tmp_path, "city.geojson", gis_townships="townships.geojson"), capsys)
    assert "has no property 'id' (the id of each township)" in err and "gis_township_id" in err


def test_too_many_features(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(gis, "MAX_COMMUNITIES", 10)
    write(city(), tmp_path / "city.geojson")
    err = refused(gis_scenario(tmp_path, "city.geojson"), capsys)
    assert "holds 24 features; at most 10" in err


NOT_GIS = {
    "text": ("city.geojson", b"these are not the communities", "is not a GIS file this tool"),
    "a table": ("city.csv", b"id,population\nA,10\n", "table without geometry"),
    "nothing": ("city.gpkg", b"", "is not a GIS file this tool"),
}


@pytest.mark.parametrize("case", sorted(NOT_GIS))
def test_a_file_that_is_not_a_gis_layer(case, tmp_path, capsys):
    name, data, expected = NOT_GIS[case]
    (tmp_path / name).write_bytes(data)
    assert expected in refused(gis_scenario(tmp_path, name), capsys)


def test_missing_files_and_layers(tmp_path, capsys):
    assert "no such file" in refused(gis_scenario(tmp_path, "nowhere.gpkg"), capsys)
    write(city(), tmp_path / "city.gpkg", layer="communities")
    write(township_boxes(), tmp_path / "city.gpkg", layer="townships")
    err = refused(gis_scenario(tmp_path, "city.gpkg"), capsys)
    assert "holds 2 layers ('communities', 'townships')" in err and "gis_layer" in err
    err = refused(gis_scenario(tmp_path, "city.gpkg", gis_layer="comunities"), capsys)
    assert "no layer 'comunities' (did you mean 'communities'?)" in err


def test_the_scenario_keys_are_checked(tmp_path):
    with pytest.raises(ScenarioError, match="needs gis_path"):
        load_scenario(scenario(tmp_path, {"source": "gis"}))
    with pytest.raises(ScenarioError, match=r"geography\.gis_properties\.ward"):
        load_scenario(gis_scenario(tmp_path, "c.gpkg", gis_properties={"ward": "x"}))
    with pytest.raises(ScenarioError, match="keep one"):
        load_scenario(
            gis_scenario(
                tmp_path, "c.gpkg", gis_townships="t.gpkg", gis_properties={"township": "x"}
            )
        )


def test_without_the_gis_libraries_it_says_what_to_install(tmp_path, monkeypatch):
    write(city(), tmp_path / "city.geojson")
    path = gis_scenario(tmp_path, "city.geojson")
    monkeypatch.setitem(sys.modules, "pyogrio", None)  # import pyogrio now fails
    with pytest.raises(
        GeographyError, match=r"install the gis extra: pip install 'dispute-sim\[gis\]'"
    ):
        geography_of(path)
