"""Bytes of a frame for download (CSV, XLSX) and the one chart palette: pure, no Streamlit."""

from __future__ import annotations

import io

import polars as pl

# Okabe–Ito: colour-blind-safe qualitative palette, used by every chart.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]


# OWASP CSV injection: a text cell starting with one of these runs as a formula in a spreadsheet.
FORMULA_START = r"^[=+\-@\t\r]"


def csv_safe(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with each text cell that starts like a formula prefixed by an apostrophe."""
    text = [name for name, dtype in rows.schema.items() if dtype == pl.String]
    return rows.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c)).alias(c) for c in text) if text else rows


def csv_bytes(rows: pl.DataFrame, excel: bool = False) -> bytes:
    """UTF-8 CSV, formulas neutralised; `excel=True` adds a BOM and semicolons so Excel in
    Indonesia opens it right."""
    text = csv_safe(rows).write_csv(separator=";" if excel else ",")
    return ("\ufeff" + text).encode("utf-8") if excel else text.encode("utf-8")


def xlsx_bytes(rows: pl.DataFrame, sheet: str = "data",
               meta: dict[str, str] | None = None) -> bytes:
    """One worksheet (name cut to Excel's 31 characters) with autofit columns; `meta` (the
    figure's base, as-of date, data version) goes to a second sheet "keterangan"."""
    import xlsxwriter

    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        rows.write_excel(wb, worksheet=sheet[:31], autofit=True)
        if meta:
            pl.DataFrame({"kunci": list(meta), "nilai": [str(v) for v in meta.values()]}
                         ).write_excel(wb, worksheet="keterangan", autofit=True)
    return buf.getvalue()
