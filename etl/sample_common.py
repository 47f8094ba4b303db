"""Shared pieces of the sample generator: reference data, calendars, value formatting, writers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import holidays
import numpy as np
import polars as pl
import xlsxwriter

from lentera.core.config import Region
from lentera.core.fmt import BULAN

# Every generated file starts with this prefix, so a re-run removes exactly its own files.
FILE_PREFIX = "sample_"
# A fixed creation date keeps XLSX output byte-identical between runs.
FIXED_CREATED = dt.datetime(2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Reference:
    """Reference tables the generator draws from, read through the region file."""

    skpd: pl.DataFrame
    kecamatan: pl.DataFrame
    desa: pl.DataFrame
    desa_polygons: dict[str, list[np.ndarray]]
    kecamatan_polygons: dict[str, list[np.ndarray]]
    kode_rekening: dict[str, str]
    standar_layanan: pl.DataFrame
    kategori_pengaduan: pl.DataFrame
    bbox: tuple[float, float, float, float]

    def skpd_code(self, singkatan: str) -> str:
        """The SKPD code for an abbreviation in skpd.csv (KeyError when absent)."""
        hit = self.skpd.filter(pl.col("singkatan") == singkatan)
        if hit.height == 0:
            raise KeyError(singkatan)
        return hit["kode_skpd"][0]


def _rings(geometry: dict) -> list[np.ndarray]:
    """All rings (outer and holes) of a Polygon/MultiPolygon as (n, 2) lng/lat arrays."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [np.asarray(ring, dtype=np.float64)[:, :2] for poly in polys for ring in poly]


def _polygons(path: Path) -> dict[str, list[np.ndarray]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["kode"]: _rings(f["geometry"]) for f in doc["features"]}


def read_reference(region: Region) -> Reference:
    """Load the reference files named in region.toml."""
    str_csv = {"infer_schema": False}
    desa = pl.read_csv(region.path("desa"), **str_csv).with_columns(
        pl.col("penduduk").cast(pl.Int64))
    kec = pl.read_csv(region.path("kecamatan"), **str_csv).with_columns(
        pl.col("penduduk").cast(pl.Int64))
    kode = pl.read_csv(region.path("kode_rekening"), **str_csv)
    return Reference(
        skpd=pl.read_csv(region.path("skpd"), **str_csv),
        kecamatan=kec,
        desa=desa.sort("kode_desa"),
        desa_polygons=_polygons(region.path("desa_geojson")),
        kecamatan_polygons=_polygons(region.path("kecamatan_geojson")),
        kode_rekening=dict(zip(kode["kode_rekening"], kode["nama_rekening"], strict=True)),
        standar_layanan=pl.read_csv(region.path("standar_layanan"), **str_csv),
        kategori_pengaduan=pl.read_csv(region.path("kategori_pengaduan"), **str_csv),
        bbox=region.bbox,
    )


def points_in_rings(lng: np.ndarray, lat: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd ray casting over all rings at once (holes and multipolygons included)."""
    inside = np.zeros(lng.shape[0], dtype=bool)
    for ring in rings:
        x1, y1 = ring[:, 0], ring[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        px, py = lng[:, None], lat[:, None]
        crosses = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        inside ^= (crosses & (px < x_at)).sum(axis=1) % 2 == 1
    return inside


def busday_holidays(years: range) -> np.ndarray:
    """National holidays (holidays package) plus cuti bersama for the years, as datetime64[D]."""
    days = set(holidays.country_holidays("ID", years=list(years)).keys())
    return np.array(sorted(days), dtype="datetime64[D]")


def add_cuti_bersama(base: np.ndarray, region: Region) -> np.ndarray:
    """Add the configured cuti bersama days to a holiday array."""
    path = region.path("cuti_bersama")
    if not path.exists():
        return base
    extra = pl.read_csv(path, infer_schema=False)["tanggal"].to_list()
    merged = np.union1d(base, np.array(extra, dtype="datetime64[D]"))
    return merged


def month_end(year: int, month: int) -> dt.date:
    """Last day of a month."""
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def default_as_of(today: dt.date | None = None) -> dt.date:
    """The last day of the last full month before today."""
    today = today or dt.date.today()
    return today.replace(day=1) - dt.timedelta(days=1)


def rupiah_text(expr: pl.Expr, prefix: str = "Rp ", sen: bool = True) -> pl.Expr:
    """Integer rupiah as SIPD-style text, `Rp 1.234.567,00`, vectorised."""
    digits = expr.abs().cast(pl.Int64).cast(pl.String)
    grouped = (digits.str.reverse().str.replace_all(r"(\d{3})", "${1}.")
               .str.strip_suffix(".").str.reverse())
    sign = pl.when(expr < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, pl.lit(prefix), grouped, pl.lit(",00" if sen else "")])


def tanggal_indonesia(expr: pl.Expr) -> pl.Expr:
    """A Date column as `17 Agustus 2025` (null stays null)."""
    month = expr.dt.month().replace_strict(list(range(1, 13)), list(BULAN), return_dtype=pl.String)
    return pl.concat_str([expr.dt.day().cast(pl.String), month, expr.dt.year().cast(pl.String)],
                         separator=" ")


def write_csv(df: pl.DataFrame, path: Path, separator: str = ",", bom: bool = False,
              title_lines: tuple[str, ...] = (), repeat_header_at: int | None = None,
              footer: str | None = None) -> int:
    """Write a CSV with the quirks of real exports; returns the number of data rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not title_lines and repeat_header_at is None and footer is None:
        df.write_csv(path, separator=separator, include_bom=bom, null_value="")
        return df.height
    text = df.write_csv(separator=separator, null_value="")
    lines = text.splitlines(keepends=True)
    if repeat_header_at is not None and 0 < repeat_header_at < len(lines) - 1:
        lines.insert(repeat_header_at + 1, lines[0])
    body = "".join(line + "\n" for line in title_lines) + "".join(lines)
    if footer is not None:
        body += footer + "\n"
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        fh.write(body)
    return df.height


def write_xlsx(df: pl.DataFrame, path: Path, title_lines: tuple[str, ...] = (),
               footer: list | None = None, sheet: str = "Sheet1") -> int:
    """Write an XLSX export (title lines above the header, optional closing row), reproducibly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": path.stem, "author": "Lentera sample", "created": FIXED_CREATED,
                       "company": "", "comments": "Data contoh (generated)"})
    ws = wb.add_worksheet(sheet)
    row = 0
    for line in title_lines:
        ws.write_string(row, 0, line)
        row += 1
    ws.write_row(row, 0, df.columns)
    row += 1
    for values in df.iter_rows():
        # write_row maps None to a blank cell and numbers to numeric cells.
        ws.write_row(row, 0, ["" if v is None else v for v in values])
        row += 1
    if footer is not None:
        ws.write_row(row, 0, footer)
    wb.close()
    return df.height


def spread(weights: np.ndarray, total: float) -> np.ndarray:
    """Split `total` over `weights` proportionally."""
    w = np.asarray(weights, dtype=np.float64)
    s = w.sum()
    return w * (total / s) if s > 0 else np.zeros_like(w)


def pick(rng: np.random.Generator, options: list | tuple | np.ndarray, size: int,
         p: list | np.ndarray | None = None) -> np.ndarray:
    """Vectorised weighted choice that accepts unnormalised weights."""
    if p is not None:
        p = np.asarray(p, dtype=np.float64)
        p = p / p.sum()
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p)]


def lookup(values: np.ndarray, mapping: dict, default=None) -> np.ndarray:
    """Map each value through a dict, vectorised over the distinct values."""
    uniq, inverse = np.unique(np.asarray(values).astype(str), return_inverse=True)
    mapped = np.array([mapping.get(u, default) for u in uniq], dtype=object)
    return mapped[inverse]
