"""Geometry without GIS libraries: boundary loading, vectorised point-in-polygon, haversine distance.

Boundaries come from the warehouse `geojson` columns when a warehouse is there, else from the
region's reference files (`data/reference/`, named in `region.toml`), so maps and checks work
offline and in tests. Coordinates are GeoJSON order: `[lng, lat]`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lentera.core import config

EARTH_RADIUS_M = 6_371_008.8
# Edges × points compared at once inside one polygon; bounds memory (8 bytes × this × ~4 arrays).
_CHUNK = 2_000_000


class GeometryError(ValueError):
    """A geometry that is not a Polygon or MultiPolygon with valid rings."""


def haversine_m(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distance in metres; arguments broadcast like numpy arrays."""
    p1, p2 = np.radians(np.asarray(lat1, float)), np.radians(np.asarray(lat2, float))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lng2, float) - np.asarray(lng1, float))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Shape:
    """One boundary: its code, name and polygons (each a list of rings as (n, 2) lng/lat arrays)."""

    kode: str
    nama: str
    polygons: tuple[tuple[np.ndarray, ...], ...]
    bbox: tuple[float, float, float, float]  # min_lng, min_lat, max_lng, max_lat
    geometry: dict


def _rings(geometry: dict) -> tuple[tuple[np.ndarray, ...], ...]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        raise GeometryError(f"unsupported geometry type {kind!r}")
    out = []
    for poly in polys:
        rings = tuple(np.asarray(ring, dtype=float)[:, :2] for ring in poly if len(ring) >= 3)
        if rings:
            out.append(rings)
    if not out:
        raise GeometryError("geometry without rings")
    return tuple(out)


def shape(kode: str, nama: str, geometry: dict | str) -> Shape:
    """A `Shape` from a GeoJSON geometry (or a Feature, or its JSON text)."""
    if isinstance(geometry, str):
        geometry = json.loads(geometry)
    if geometry.get("type") == "Feature":
        geometry = geometry["geometry"]
    polys = _rings(geometry)
    allpts = np.concatenate([r for p in polys for r in p])
    bbox = (float(allpts[:, 0].min()), float(allpts[:, 1].min()),
            float(allpts[:, 0].max()), float(allpts[:, 1].max()))
    return Shape(str(kode), str(nama), polys, bbox, geometry)


def _in_ring(x: np.ndarray, y: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Even-odd ray casting of points (x, y) against one ring, vectorised over points × edges."""
    x1, y1 = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    inside = np.zeros(len(x), dtype=bool)
    step = max(1, _CHUNK // max(len(ring), 1))
    for start in range(0, len(x), step):
        px = x[start:start + step, None]
        py = y[start:start + step, None]
        crosses = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xint = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        hits = crosses & (px < xint)
        inside[start:start + step] = (hits.sum(axis=1) % 2) == 1
    return inside


def contains(s: Shape, lat, lng) -> np.ndarray:
    """Boolean array: which points (lat, lng) lie inside the shape (holes excluded)."""
    lat = np.asarray(lat, dtype=float)
    lng = np.asarray(lng, dtype=float)
    result = np.zeros(lat.shape, dtype=bool)
    min_x, min_y, max_x, max_y = s.bbox
    cand = np.flatnonzero((lng >= min_x) & (lng <= max_x) & (lat >= min_y) & (lat <= max_y))
    if cand.size == 0:
        return result
    x, y = lng[cand], lat[cand]
    hit = np.zeros(cand.size, dtype=bool)
    for rings in s.polygons:
        inner = _in_ring(x, y, rings[0])
        for hole in rings[1:]:
            inner &= ~_in_ring(x, y, hole)
        hit |= inner
    result[cand] = hit
    return result


def locate(shapes: list[Shape], lat, lng) -> np.ndarray:
    """For each point the index of the first shape containing it, or -1 (vectorised)."""
    lat = np.asarray(lat, dtype=float)
    lng = np.asarray(lng, dtype=float)
    found = np.full(lat.shape, -1, dtype=np.int64)
    valid = np.isfinite(lat) & np.isfinite(lng)
    for i, s in enumerate(shapes):
        todo = np.flatnonzero(valid & (found < 0))
        if todo.size == 0:
            break
        inside = contains(s, lat[todo], lng[todo])
        found[todo[inside]] = i
    return found


def _from_file(key: str) -> list[tuple[str, str, dict]]:
    path = config.region().path(key)
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for f in doc.get("features", []):
        props = f.get("properties") or {}
        if f.get("geometry"):
            out.append((str(props.get("kode", "")), str(props.get("nama", "")), f["geometry"]))
    return out


def _from_warehouse(level: str) -> list[tuple[str, str, dict]] | None:
    """Geometries from `wilayah_<level>.geojson`, or None when no warehouse (or no column)."""
    from lentera.warehouse import db  # local import: geo stays usable without a warehouse

    try:
        if not db.exists():
            return None
        frame = db.query(
            f"SELECT kode_{level} AS kode, nama_{level} AS nama, geojson "  # level is allow-listed
            f"FROM wilayah_{level} WHERE geojson IS NOT NULL AND geojson <> '' ORDER BY kode"
        )
    except Exception:  # missing table/column or unreadable file: fall back to reference files
        return None
    if frame.is_empty():
        return None
    return [(k, n, json.loads(g)) for k, n, g in frame.iter_rows()]


def _version_key() -> str:
    from lentera.warehouse import db
    try:
        return f"{config.warehouse_path()}::{db.data_version()}"
    except Exception:
        return f"ref::{config.reference_dir().resolve()}"


@lru_cache(maxsize=8)
def _shapes_cached(level: str, key: str) -> tuple[Shape, ...]:
    rows = _from_warehouse(level) if not key.startswith("ref::") else None
    if rows is None:
        rows = _from_file({"desa": "desa_geojson", "kecamatan": "kecamatan_geojson",
                           "kabupaten": "kabupaten_geojson"}[level])
    return tuple(shape(k, n, g) for k, n, g in rows)


def shapes(level: str) -> list[Shape]:
    """Boundaries for `desa`, `kecamatan` or `kabupaten` (warehouse first, then reference files)."""
    if level not in ("desa", "kecamatan", "kabupaten"):
        raise ValueError(f"unknown level {level!r}")
    key = _version_key() if level != "kabupaten" else f"ref::{config.reference_dir().resolve()}"
    return list(_shapes_cached(level, key))


def feature_collection(items: list[tuple[dict, dict]]) -> dict:
    """A GeoJSON FeatureCollection from (geometry, properties) pairs."""
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": g, "properties": p} for g, p in items],
    }


def desa_at(lat: float | None, lng: float | None) -> str | None:
    """The code of the project's desa whose boundary holds the point (lat, lng), or None."""
    if lat is None or lng is None:
        return None
    desa = shapes("desa")
    found = int(locate(desa, np.asarray([lat], float), np.asarray([lng], float))[0])
    return desa[found].kode if found >= 0 else None
