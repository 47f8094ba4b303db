"""pydeck builders that stand on the project's own boundary layers (work offline; tiles optional).

Builders take frames of already-formatted values and the boundary shapes (objects with `kode`,
`nama` and a GeoJSON `geometry`, e.g. lentera.warehouse.geo.shapes) from the caller, and return
`pydeck.Deck` objects; tooltips use pydeck's `text` form (never `html`) so proposal text is shown
as text, not markup.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import polars as pl
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from lentera.core import config

# Okabe–Ito colours (lentera.figures.export.PALETTE) as RGB, per proposal status.
STATUS_RGB = {
    "diusulkan": [86, 180, 233],  # sky blue
    "diverifikasi_kecamatan": [0, 114, 178],  # blue
    "diterima_opd": [0, 158, 115],  # bluish green
    "masuk_rkpd": [230, 159, 0],  # orange
    "ditolak": [213, 94, 0],  # vermillion
    "dikembalikan": [204, 121, 167],  # reddish purple
}
OTHER_RGB = [120, 120, 120]
# Sequential single-hue ramp (light → dark blue) for counts: readable without colour vision.
RAMP = [[222, 235, 247], [158, 202, 225], [107, 174, 214], [49, 130, 189], [8, 81, 156]]
LINE_RGB = [90, 90, 90]


class Deck(pdk.Deck):
    """A pydeck Deck whose JSON is compact: pydeck indents it (two spaces a level), which for
    nested polygon coordinates tripled what a phone downloads on every map view."""

    _frozen_json: str | None = None

    def to_json(self) -> str:
        if self._frozen_json is not None:
            return self._frozen_json
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))

    def freeze(self) -> Deck:
        """Write the JSON once and hand it out from now on (a kept deck is never changed):
        Streamlit asks for it on every rerun, and for a map of every desa that was a tenth of
        a view's CPU."""
        self._frozen_json = None
        self._frozen_json = self.to_json()
        return self


def _round_coords(coords, ndigits: int = 5):
    # 5 decimals ≈ 1 m: plenty for a map, and it halves the payload sent to the phone
    if isinstance(coords, (int, float)):
        return round(coords, ndigits)
    return [_round_coords(c, ndigits) for c in coords]


# Douglas–Peucker tolerance in degrees (≈ 45 m, about a pixel at zoom 12): invisible on a
# regency map, and it halves the boundary vertices a phone downloads and draws on every view.
SIMPLIFY_DEG = 0.0004


def _dp(points: list, tol: float) -> list:
    """Douglas–Peucker simplification of one line (iterative, so long rings cannot overflow)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a][:2], points[b][:2]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        far, far_d = -1, tol
        for i in range(a + 1, b):
            px, py = points[i][:2]
            d = (abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm
                 else math.hypot(px - x1, py - y1))
            if d > far_d:
                far, far_d = i, d
        if far >= 0:
            keep[far] = True
            stack += [(a, far), (far, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list, tol: float) -> list:
    out = _dp(ring, tol)
    return out if len(out) >= 4 else ring  # a ring keeps at least a triangle


def simplify(geometry: dict, tol: float = SIMPLIFY_DEG) -> dict:
    """A (Multi)Polygon simplified ring by ring; other geometry types are returned as they are."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        coords = [_ring(r, tol) for r in coords]
    elif kind == "MultiPolygon":
        coords = [[_ring(r, tol) for r in poly] for poly in coords]
    return {"type": kind, "coordinates": coords}


_LIGHT: dict[int, tuple[dict, dict]] = {}


@lru_cache(maxsize=256)
def _drawn_text(geojson: str) -> dict:
    """A boundary kept as GeoJSON text (the warehouse's) as drawn; parsed once per text."""
    return _drawn(json.loads(geojson))


def _drawn(geometry: dict) -> dict:
    light = simplify(geometry)
    return {"type": light["type"], "coordinates": _round_coords(light["coordinates"])}


def _light(geometry: dict) -> dict:
    """The geometry as drawn: simplified and rounded, computed once per boundary object."""
    hit = _LIGHT.get(id(geometry))
    if hit is not None and hit[0] is geometry:
        return hit[1]
    light = _drawn(geometry)
    if len(_LIGHT) > 4096:
        _LIGHT.clear()
    _LIGHT[id(geometry)] = (geometry, light)  # the original is kept, so its id stays its own
    return light


def feature_collection(items: list[tuple[dict, dict]]) -> dict:
    """A GeoJSON FeatureCollection from (geometry, properties) pairs."""
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": g, "properties": p} for g, p in items]}


def view_state() -> pdk.ViewState:
    """The region's default view (centre and zoom from region.toml)."""
    r = config.region()
    return pdk.ViewState(latitude=r.map_lat, longitude=r.map_lng, zoom=r.map_zoom)


def boundary_layer(shapes: Sequence[Any], level: str = "desa", *, width_px: float = 1.0,
                   kode_prefix: str | None = None) -> pdk.Layer:
    """Outlines of `shapes` (optionally only codes starting with `kode_prefix`); `level` names it."""
    shapes = [s for s in shapes if not kode_prefix or s.kode.startswith(kode_prefix)]
    fc = feature_collection([(_light(s.geometry), {"nama": s.nama}) for s in shapes])
    return pdk.Layer("GeoJsonLayer", fc, id=f"batas-{level}", stroked=True, filled=False,
                     get_line_color=LINE_RGB, line_width_min_pixels=width_px, pickable=False)


def points_deck(points: pl.DataFrame, tooltip: str, *, desa: Sequence[Any],
                kecamatan: Sequence[Any], kode_prefix: str | None = None) -> pdk.Deck:
    """Proposals as dots coloured by `status`; rows with `duplikat` get a thick dark ring.

    `points` needs lat, lng, status, duplikat (bool) and the fields named in `tooltip`.
    """
    colours = pl.DataFrame({"status": list(STATUS_RGB), "warna": list(STATUS_RGB.values())})
    data = (points.filter(pl.col("lat").is_not_null() & pl.col("lng").is_not_null())
            .join(colours, on="status", how="left")
            .with_columns(pl.col("warna").fill_null(OTHER_RGB),
                          pl.col("lat").round(5), pl.col("lng").round(5)))
    # string layer arguments become pydeck expressions, so sizes are numbers in metres, held
    # readable at every zoom by min/max pixel bounds
    dots = dict(get_position=["lng", "lat"], radius_min_pixels=5, radius_max_pixels=12,
                get_radius=80, pickable=True, auto_highlight=True)
    layers = [
        boundary_layer(desa, "desa", kode_prefix=kode_prefix),
        boundary_layer(kecamatan, "kecamatan", width_px=2.0),
        pdk.Layer("ScatterplotLayer", data.to_dicts(), id="usulan", get_fill_color="warna",
                  stroked=True, get_line_color=[255, 255, 255], line_width_min_pixels=1, **dots),
        # a thick dark ring marks possible duplicates (shape, not only colour)
        pdk.Layer("ScatterplotLayer", data.filter(pl.col("duplikat")).to_dicts(),
                  id="usulan-duplikat", filled=False, stroked=True, get_line_color=[0, 0, 0],
                  line_width_min_pixels=3, **{**dots, "radius_min_pixels": 8,
                                              "radius_max_pixels": 16, "get_radius": 120}),
    ]
    return Deck(layers=layers, initial_view_state=view_state(), map_style=None,
                    tooltip={"text": tooltip})


def class_breaks(per_desa: pl.DataFrame) -> list:
    """Upper bounds of the first four of five quantile classes of `jumlah` (> 0)."""
    counts = per_desa.filter(pl.col("jumlah") > 0)["jumlah"]
    return [counts.quantile(q, "nearest") for q in (0.2, 0.4, 0.6, 0.8)] if len(counts) else []


def choropleth_legend(per_desa: pl.DataFrame) -> list[tuple[int, int, list[int]]]:
    """(from, to, colour) of each class the choropleth draws, empty classes left out."""
    counts = per_desa.filter(pl.col("jumlah") > 0)["jumlah"]
    if not len(counts):
        return []
    bounds = [int(counts.min()) - 1, *[int(q) for q in class_breaks(per_desa)], int(counts.max())]
    out = []
    for i, colour in enumerate(RAMP):
        lo, hi = bounds[i] + 1, bounds[i + 1]
        if hi >= lo and (not out or lo > out[-1][1]):
            out.append((lo, hi, colour))
    return out


def shade_legend(values: list[float | None], steps: int = 4) -> list[tuple[float, list[int]]]:
    """(value, colour) at even steps from 0 to the maximum, the colours `_shade` gives them."""
    top = max([v for v in values if v is not None] or [0])
    marks = [top * i / steps for i in range(steps + 1)] if top else [0.0]
    return list(zip(marks, _shade([*marks[:-1], marks[-1]] if top else [0.0]), strict=True))


def choropleth_deck(per_desa: pl.DataFrame, tooltip: str, *, desa: Sequence[Any],
                    kecamatan: Sequence[Any]) -> pdk.Deck:
    """Desa coloured by `jumlah` (five quantile classes); joined to the desa boundaries by code.

    `per_desa` needs kode_desa, jumlah and the fields named in `tooltip`.
    """
    counts = per_desa.filter(pl.col("jumlah") > 0)
    if counts.height:
        qs = class_breaks(counts)
        counts = counts.with_columns(
            pl.sum_horizontal([(pl.col("jumlah") > q).cast(pl.Int8) for q in qs]).alias("kelas"))
    props = {r["kode_desa"]: r for r in counts.to_dicts()}
    items = []
    for s in desa:
        row = props.get(s.kode)
        if row is None:
            continue
        p = {k: v for k, v in row.items() if k != "kelas"}
        p["warna"] = RAMP[min(int(row["kelas"]), len(RAMP) - 1)] + [200]
        items.append((_light(s.geometry), p))
    fill = pdk.Layer("GeoJsonLayer", feature_collection(items), id="usulan-per-desa",
                     stroked=True, filled=True, get_fill_color="properties.warna",
                     get_line_color=LINE_RGB, line_width_min_pixels=0.5, pickable=True,
                     auto_highlight=True)
    # the filled layer draws the outlines of desa with proposals; the others are outlined below
    rest = [s for s in desa if s.kode not in props]
    layers = ([boundary_layer(rest, "desa")] if rest else []) + [
        fill, boundary_layer(kecamatan, "kecamatan", width_px=2.0)]
    return Deck(layers=layers, initial_view_state=view_state(), map_style=None,
                    tooltip={"text": tooltip})


def _shade(values: list[float | None]) -> list[list[int]]:
    """Sequential colour (light to dark blue, colour-blind safe) by share of the maximum."""
    top = max([v for v in values if v is not None] or [0]) or 1.0
    light, dark = (222, 235, 247), (8, 69, 148)
    out = []
    for v in values:
        if v is None:
            out.append([200, 200, 200, 120])
            continue
        s = v / top
        out.append([round(a + (b - a) * s) for a, b in zip(light, dark, strict=True)] + [190])
    return out


def peta_kecamatan(frame: pl.DataFrame, tooltip: str) -> pdk.Deck:
    """Kecamatan polygons coloured by complaints per 1,000 residents.

    `frame` needs geojson (GeoJSON geometry text), nama_kecamatan, jumlah and per_1000.
    """
    colours = _shade(frame["per_1000"].to_list())
    items = [
        (_drawn_text(r["geojson"]),
         {"nama": r["nama_kecamatan"], "jumlah": r["jumlah"],
          "per_1000": None if r["per_1000"] is None else round(r["per_1000"], 2), "warna": c})
        for r, c in zip(frame.iter_rows(named=True), colours, strict=True) if r["geojson"]
    ]
    r = config.region()
    layer = pdk.Layer("GeoJsonLayer", feature_collection(items), pickable=True, stroked=True,
                      filled=True, get_fill_color="properties.warna",
                      get_line_color=[60, 60, 60, 200], line_width_min_pixels=1)
    view = pdk.ViewState(latitude=r.map_lat, longitude=r.map_lng, zoom=r.map_zoom - 0.6)
    return Deck(layers=[layer], initial_view_state=view, map_style=None,
                    tooltip={"text": tooltip})


def payload_bytes(deck: pdk.Deck) -> int:
    """Size of the deck's JSON as sent to the browser."""
    return len(deck.to_json().encode("utf-8"))


# Fill of the desa a citizen can tap, and of the one chosen (Okabe–Ito blue, stronger).
PICK_RGBA = [86, 180, 233, 60]
CHOSEN_RGBA = [0, 114, 178, 170]


def pilih_desa_deck(desa: Sequence[Any], tooltip: str, *, chosen: str | None = None,
                    kode_prefix: str | None = None, width_px: int = 340,
                    height_px: int = 320) -> Deck:
    """Desa polygons to tap (layer id `pilih-desa`, each feature's `kode` and `nama`), the chosen
    one filled darker; framed on the desa of `kode_prefix` (a kecamatan) when given, so the
    whole of it fits a map of `width_px` × `height_px` (a phone's width by default)."""
    shown = [s for s in desa if not kode_prefix or s.kode.startswith(kode_prefix)] or list(desa)
    items = [(_light(s.geometry), {"kode": s.kode, "nama": s.nama,
                                   "warna": CHOSEN_RGBA if s.kode == chosen else PICK_RGBA})
             for s in shown]
    layer = pdk.Layer("GeoJsonLayer", feature_collection(items), id="pilih-desa", pickable=True,
                      stroked=True, filled=True, get_fill_color="properties.warna",
                      get_line_color=LINE_RGB, line_width_min_pixels=1, auto_highlight=True)
    min_lng = min(s.bbox[0] for s in shown)
    min_lat = min(s.bbox[1] for s in shown)
    max_lng = max(s.bbox[2] for s in shown)
    max_lat = max(s.bbox[3] for s in shown)
    zoom = fit_zoom(min_lng, min_lat, max_lng, max_lat, width_px, height_px)
    top, bottom = _merc_y(max_lat), _merc_y(min_lat)
    # the centre in Web Mercator, so the frame is even above and below at any latitude
    lat = math.degrees(2 * math.atan(math.exp((top + bottom) / 2)) - math.pi / 2)
    view = pdk.ViewState(latitude=lat, longitude=(min_lng + max_lng) / 2, zoom=zoom)
    return Deck(layers=[layer], initial_view_state=view, map_style=None,
                tooltip={"text": tooltip})


# deck.gl draws the whole world (360°, Web Mercator) 512 px wide at zoom 0
WORLD_PX = 512


def _merc_y(lat: float) -> float:
    """Web Mercator y of a latitude (radians of the projected plane; north is larger)."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_zoom(min_lng: float, min_lat: float, max_lng: float, max_lat: float,
             width_px: float, height_px: float, margin: float = 0.9) -> float:
    """The deck.gl zoom at which the box fills `margin` of a `width_px` × `height_px` map."""
    span_x = max(max_lng - min_lng, 1e-4) / 360
    span_y = max(_merc_y(max_lat) - _merc_y(min_lat), 1e-6) / (2 * math.pi)
    zoom = math.log2(margin * min(width_px / span_x, height_px / span_y) / WORLD_PX)
    return max(3.0, min(15.0, zoom))
