"""The SLA clock of live citizen complaints, for officials' queues and Lacak, read from the warehouse.

The clock itself is the semantic layer's `sla_pengaduan` (semantic.sql, section sla); this
module asks it for the live complaints at today's local date. Without a usable warehouse the
same macro runs over the reference calendar alone (`pengaduan.sla_live`); only when that fails
too is the clock unknown: views keep their status and timeline and show no target date.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from lentera.core import config
from lentera.core.errors import WarehouseUnavailableError
from lentera.store import submissions
from lentera.warehouse import pengaduan

CLOCK_COLUMNS = {"target_hari_kerja": pl.Int32, "target_date": pl.Date, "hari_ditunda": pl.Int32,
                 "hari_kerja": pl.Int32, "hari_lewat": pl.Int32, "terbuka": pl.Boolean}


def today() -> dt.date:
    """Today in the region's local time (the clock's date for live cases)."""
    return dt.datetime.now(config.local_zone()).date()


def clock_live(as_of: dt.date | None = None) -> pl.DataFrame:
    """Per live complaint: nomor_tiket and the CLOCK_COLUMNS at `as_of` (empty if no clock can run)."""
    try:
        frame = pengaduan.sla_live(as_of or today())
    except (WarehouseUnavailableError, duckdb.Error, OSError):  # nor reference files
        return pl.DataFrame(schema={"nomor_tiket": pl.String, **CLOCK_COLUMNS})
    return frame.select("nomor_tiket", *[pl.col(c).cast(t) for c, t in CLOCK_COLUMNS.items()])


def public_view(ticket: str) -> dict | None:
    """The store's public view of a ticket plus, for a complaint, its SLA clock (Lacak, Lapor).

    Adds target_hari_kerja, target_date, hari_kerja, hari_lewat, terbuka and sisa_hari_kerja
    (working days left while open); all None when no clock can run (see clock_live).
    """
    view = submissions.public_view(ticket)
    if view is None or view["kind"] != "pengaduan":
        return view
    clock = clock_live().filter(pl.col("nomor_tiket") == view["ticket"])
    row = clock.row(0, named=True) if clock.height else dict.fromkeys(CLOCK_COLUMNS)
    view |= {c: row[c] for c in ("target_hari_kerja", "target_date", "hari_kerja", "hari_lewat",
                                 "terbuka")}
    target, used = row["target_hari_kerja"], row["hari_kerja"]
    view["sisa_hari_kerja"] = (max(0, target - used) if row["terbuka"] and target is not None
                               and used is not None else None)
    return view
