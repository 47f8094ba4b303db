"""Maps send little: compact JSON, simplified boundaries, each desa outline once."""

from __future__ import annotations

import json

import polars as pl
import pydeck as pdk

from lentera.figures import maps
from lentera.warehouse import geo


def _rings(geometry: dict) -> list[list]:
    c = geometry["coordinates"]
    return c if geometry["type"] == "Polygon" else [r for poly in c for r in poly]


def test_compact_json_says_the_same_as_pydecks_own():
    desa, kec = geo.shapes("desa"), geo.shapes("kecamatan")
    per_desa = pl.DataFrame({"kode_desa": [s.kode for s in desa[:10]],
                             "jumlah": list(range(1, 11)), "nama_desa": [s.nama for s in desa[:10]]})
    deck = maps.choropleth_deck(per_desa, "{nama_desa}", desa=desa, kecamatan=kec)
    compact = deck.to_json()
    assert "\n" not in compact and ": " not in compact
    assert json.loads(compact) == json.loads(pdk.Deck.to_json(deck))
    assert maps.payload_bytes(deck) == len(compact.encode())


def test_simplified_rings_stay_closed_polygons_with_fewer_vertices():
    before = after = 0
    for s in geo.shapes("desa"):
        light = maps.simplify(s.geometry)
        assert light["type"] == s.geometry["type"]
        for old, new in zip(_rings(s.geometry), _rings(light), strict=True):
            assert len(new) >= 4 and new[0] == new[-1]
            assert all(p in old for p in new)  # only vertices dropped, none moved
            before, after = before + len(old), after + len(new)
    assert after < before


def test_each_desa_outline_is_drawn_once_on_the_choropleth():
    desa, kec = geo.shapes("desa"), geo.shapes("kecamatan")
    with_data = desa[: len(desa) // 2]
    per_desa = pl.DataFrame({"kode_desa": [s.kode for s in with_data],
                             "jumlah": [1] * len(with_data), "nama_desa": [s.nama for s in with_data]})
    spec = json.loads(maps.choropleth_deck(per_desa, "{nama_desa}", desa=desa,
                                           kecamatan=kec).to_json())
    drawn = {}
    for layer in spec["layers"]:
        if layer["id"] in ("usulan-per-desa", "batas-desa"):
            drawn[layer["id"]] = len(layer["data"]["features"])
    assert drawn["usulan-per-desa"] + drawn["batas-desa"] == len(desa)
