"""Reference data from the region folder: tables for the warehouse and lookups for the ETL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl import parse
from lentera.core.config import Region

_PREFIX = re.compile(r"^(desa|kelurahan|kel|kecamatan|kec)\b\.?\s*")


class ReferenceError(Exception):
    """A reference file of the region is missing or malformed."""


def place_key(name: str | None) -> str:
    """A place name folded for matching: case, spaces, punctuation, a leading "Desa "/"Kecamatan "."""
    if not name:
        return ""
    text = parse.norm_text(str(name)).lower()
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    text = _PREFIX.sub("", text).strip()
    return text


def service_key(name: str | None) -> str:
    """A service name folded for matching (case, spaces and punctuation)."""
    if not name:
        return ""
    return re.sub(r"[^0-9a-z]+", " ", parse.norm_text(str(name)).lower()).strip()


@dataclass(frozen=True)
class Reference:
    """Lookups the transform needs: places, service standards and the region's bounding box."""

    desa: pl.DataFrame  # kode_desa, nama_desa, kode_kecamatan, nama_kecamatan
    kecamatan: pl.DataFrame  # kode_kecamatan, nama_kecamatan
    layanan: pl.DataFrame  # jenis_layanan, aliases, target_hari_kerja
    bbox: tuple[float, float, float, float]  # min_lng, min_lat, max_lng, max_lat
    region_name: str
    region_code: str


def _csv(path: Path) -> pl.DataFrame:
    try:
        return pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise ReferenceError(f"{path.name}: {str(exc).splitlines()[0]}") from None


def _geometries(region: Region, key: str) -> pl.DataFrame:
    """kode → geometry as GeoJSON text, from a FeatureCollection keyed by `properties.kode`."""
    path = region.path(key) if key in region.files else None
    if path is None or not path.exists():
        return pl.DataFrame(schema={"kode": pl.String, "geojson": pl.String})
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        rows = [(f["properties"]["kode"], json.dumps(f["geometry"], separators=(",", ":")))
                for f in doc["features"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReferenceError(f"{path.name}: {exc}") from None
    return pl.DataFrame(rows, schema={"kode": pl.String, "geojson": pl.String}, orient="row")


def _yes(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars().str.to_lowercase().is_in(["ya", "true", "1", "y"])


def reference_tables(region: Region) -> dict[str, pl.DataFrame]:
    """The reference tables of REFERENCE_TABLES_SQL as frames, from the region's files."""
    kec = _csv(region.path("kecamatan"))
    desa = _csv(region.path("desa"))
    kec_geo = _geometries(region, "kecamatan_geojson")
    desa_geo = _geometries(region, "desa_geojson")
    out = {
        "wilayah_kecamatan": kec.with_columns(
            jumlah_desa=pl.col("jumlah_desa").cast(pl.Int32, strict=False),
            lat=parse.coordinate(pl.col("lat")),
            lng=parse.coordinate(pl.col("lng")),
            luas_km2=pl.col("luas_km2").cast(pl.Float64, strict=False),
            penduduk=pl.col("penduduk").cast(pl.Int32, strict=False),
            penduduk_estimasi=_yes("penduduk_estimasi"),
        ).join(kec_geo, left_on="kode_kecamatan", right_on="kode", how="left"),
        "wilayah_desa": desa.with_columns(
            lat=parse.coordinate(pl.col("lat")),
            lng=parse.coordinate(pl.col("lng")),
            penduduk=pl.col("penduduk").cast(pl.Int32, strict=False),
            penduduk_estimasi=_yes("penduduk_estimasi"),
        ).join(desa_geo, left_on="kode_desa", right_on="kode", how="left"),
        "skpd": _csv(region.path("skpd")),
        "kode_rekening": _csv(region.path("kode_rekening")),
    }
    lay = _csv(region.path("standar_layanan"))
    if "catatan" not in lay.columns and "jam_catatan" in lay.columns:
        lay = lay.rename({"jam_catatan": "catatan"})
    out["standar_layanan"] = lay.with_columns(
        target_hari_kerja=pl.col("target_hari_kerja").cast(pl.Int32, strict=False))
    kat = _csv(region.path("kategori_pengaduan"))
    out["kategori_pengaduan"] = kat.with_columns(
        target_hari_kerja=pl.col("target_hari_kerja").cast(pl.Int32, strict=False))
    cuti = _csv(region.path("cuti_bersama"))
    out["cuti_bersama"] = cuti.with_columns(tanggal=pl.col("tanggal").str.to_date("%Y-%m-%d"))
    return out


def reference_of(region: Region, tables: dict[str, pl.DataFrame] | None = None) -> Reference:
    """The lookups for the transform step."""
    tables = tables or reference_tables(region)
    return Reference(
        desa=tables["wilayah_desa"].select("kode_desa", "nama_desa", "kode_kecamatan",
                                           "nama_kecamatan"),
        kecamatan=tables["wilayah_kecamatan"].select("kode_kecamatan", "nama_kecamatan"),
        layanan=tables["standar_layanan"].select("jenis_layanan", "aliases", "target_hari_kerja"),
        bbox=region.bbox,
        region_name=region.nama,
        region_code=region.kode,
    )
