"""Point-in-polygon and distance: crafted shapes with known answers, and a brute-force cross-check."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lentera.core import config
from lentera.warehouse import geo

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}
WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
]}
TWO_ISLANDS = {"type": "MultiPolygon", "coordinates": [
    [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]],
]}


def brute_inside(x: float, y: float, geometry: dict) -> bool:
    """Textbook per-point ray casting in plain Python: the independent answer."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for poly in polys:
        def in_ring(ring):
            inside = False
            n = len(ring)
            for k in range(n):
                (x1, y1), (x2, y2) = ring[k][:2], ring[(k + 1) % n][:2]
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
            return inside
        if in_ring(poly[0]) and not any(in_ring(h) for h in poly[1:]):
            return True
    return False


@pytest.mark.parametrize("geometry, lng, lat, expected", [
    (SQUARE, 5, 5, True),
    (SQUARE, 11, 5, False),
    (SQUARE, -0.5, 5, False),
    (WITH_HOLE, 2, 2, True),
    (WITH_HOLE, 5, 5, False),  # in the hole
    (TWO_ISLANDS, 0.5, 0.5, True),
    (TWO_ISLANDS, 5.5, 5.5, True),
    (TWO_ISLANDS, 3, 3, False),  # between the islands, inside the combined bbox
])
def test_contains_crafted(geometry, lng, lat, expected):
    s = geo.shape("x", "x", geometry)
    assert bool(geo.contains(s, [lat], [lng])[0]) is expected


def test_shape_accepts_feature_and_text():
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {}}
    assert geo.shape("a", "a", feature).bbox == (0.0, 0.0, 10.0, 10.0)
    assert geo.shape("a", "a", json.dumps(SQUARE)).bbox == (0.0, 0.0, 10.0, 10.0)
    with pytest.raises(geo.GeometryError):
        geo.shape("a", "a", {"type": "Point", "coordinates": [1, 2]})


def test_locate_first_match_and_missing():
    shapes = [geo.shape("sq", "sq", SQUARE), geo.shape("is", "is", TWO_ISLANDS)]
    idx = geo.locate(shapes, [5, 5.5, 20, np.nan], [5, 5.5, 20, 1])
    # (5.5, 5.5) is in both: the first shape wins; far away and NaN are -1
    assert idx.tolist() == [0, 0, -1, -1]


def test_haversine_known_distances():
    # one degree of latitude is ~111.2 km everywhere; a point to itself is 0
    assert geo.haversine_m(0, 109, 1, 109) == pytest.approx(111_195, rel=1e-3)
    assert geo.haversine_m(-0.35, 109.5, -0.35, 109.5) == 0
    # 0.001 degree of longitude at the equator is ~111 m
    assert geo.haversine_m(0, 109.5, 0, 109.501) == pytest.approx(111.2, rel=1e-2)


@pytest.fixture(scope="module")
def desa_features():
    doc = json.loads(config.region().path("desa_geojson").read_text(encoding="utf-8"))
    return doc["features"]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 116), st.lists(st.tuples(st.floats(-0.2, 1.2), st.floats(-0.2, 1.2)),
                                      min_size=1, max_size=30))
def test_vectorised_matches_brute_force_on_real_desa(desa_features, which, unit_points):
    feature = desa_features[which % len(desa_features)]
    s = geo.shape("d", "d", feature["geometry"])
    min_x, min_y, max_x, max_y = s.bbox
    xs = [min_x + u * (max_x - min_x) for u, _ in unit_points]
    ys = [min_y + v * (max_y - min_y) for _, v in unit_points]
    got = geo.contains(s, ys, xs).tolist()
    expected = [brute_inside(x, y, feature["geometry"]) for x, y in zip(xs, ys, strict=True)]
    assert got == expected


def test_reference_shapes_load_without_warehouse(monkeypatch, tmp_path):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(tmp_path / "none.duckdb"))
    desa = geo.shapes("desa")
    assert len(desa) > 100 and all(s.kode.startswith(config.region().kode) for s in desa)
    assert len(geo.shapes("kabupaten")) == 1
    with pytest.raises(ValueError):
        geo.shapes("provinsi")
