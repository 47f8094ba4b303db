"""The SLA oracle: an independent Python statement of the clock, used ONLY by the tests.

Production computes the SLA in the semantic layer (`lentera/warehouse/semantic.sql`, section
sla); tests/test_sla.py checks those macros against this module. The rules are documented beside
the macros; in short:

- **Hari kerja (working day)**: Monday to Friday that is not an Indonesian national holiday
  (the `holidays` package, Indonesian names) and not a configured cuti bersama date
  (`cuti_bersama.csv` in the region's reference folder).
- **idx(d)**: the number of working days on or before date `d`, counted from the first day of
  the calendar. Working days used between a start and an end date = `idx(end) - idx(start)`:
  received Monday and done Tuesday = 1; done the same day = 0; received Saturday and done
  Monday = 1. Times of day are ignored: every event counts on its date.
- **Start and stop events**: a complaint's clock starts at `tanggal_masuk`; a permit's at
  `tanggal_berkas_lengkap` (the file complete; `tanggal_permohonan` when missing). The clock
  stops at `tanggal_selesai`; for a case still open it runs to the reporting date `as_of`.
- **Pause**: the `hari_ditunda` working days a complaint waited on the citizen (status
  `ditunda`) are subtracted: `hari_kerja = max(0, used - paused)`.
- **Target date**: the working day whose idx is `idx(start) + target + paused` (the start date
  itself when that sum is 0).
- **On time (tepat waktu)**: a closed case with `hari_kerja <= target`; open cases have no
  verdict yet. **Days past target (hari lewat)**: `max(0, hari_kerja - target)`, for open cases
  counted at `as_of`. An unknown target leaves both empty (never counted as on time or late).
- **Ended without an end date**: complaints `bukan_wewenang`, `diarsipkan`, `ditolak` and permits
  `ditolak`, `dikembalikan`, `dicabut` that carry no `tanggal_selesai` are neither open nor
  measured (their SLA fields are empty); with a date they are measured like any closed case.
- **Complaint stages**: working days from receipt to verification, to disposition, to the first
  follow-up and to finishing (pause not subtracted: its position in the flow is unknown).
  Stage deadlines: verification within 3 working days of receipt; the OPD's follow-up within
  5 working days of disposition (SP4N-LAPOR!, Permenpan RB 62/2018; FACTS.md §2).
- **Targets**: complaint category → `kategori_pengaduan.csv`; service → `standar_layanan.csv`
  (already carried by the warehouse's `perizinan.target_hari_kerja`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from lentera.core import config
from lentera.core.kalender import (  # noqa: F401  (re-exported for the tests)
    Calendar,
    CalendarRangeError,
    cuti_bersama,
    libur_nasional,
)

# The oracle's own statement of the stage deadlines and ended statuses; test_sla checks that
# the semantic layer's macros carry the same values.
BATAS_VERIFIKASI_HARI_KERJA = 3
BATAS_TINDAK_LANJUT_HARI_KERJA = 5
STATUS_BERAKHIR_PENGADUAN = ("bukan_wewenang", "diarsipkan", "ditolak")
STATUS_BERAKHIR_PERIZINAN = ("ditolak", "dikembalikan", "dicabut")


class SlaInputError(ValueError):
    """A column the SLA computation needs is missing or has the wrong type."""


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _offsets(cal: Calendar, s: pl.Series) -> pl.Series:
    """Offsets from `first` of a Date/Datetime series (nulls kept), range-checked."""
    if s.dtype not in (pl.Date,) and not isinstance(s.dtype, pl.Datetime):
        raise SlaInputError(f"column {s.name!r} must be a date, not {s.dtype}")
    off = s.cast(pl.Date).cast(pl.Int64) - cal._base
    lo, hi = off.min(), off.max()
    if lo is not None and (lo < 0 or hi >= len(cal._work)):
        bad = cal.first + _days(int(lo if lo < 0 else hi))
        raise CalendarRangeError(
            f"column {s.name!r} has {bad}, outside the calendar {cal.first} – {cal.last}"
        )
    return off

def idx_series(cal: Calendar, s: pl.Series) -> pl.Series:
    """idx of every date in a Date/Datetime series (vectorised; nulls stay null)."""
    return pl.Series(s.name, cal._cum).gather(_offsets(cal, s))


# -- one case ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSla:
    """The SLA of one case: target date, net working days, verdict, days past target, open."""

    target_date: date | None
    hari_kerja: int | None
    tepat_waktu: bool | None
    hari_lewat: int | None
    terbuka: bool


def case_sla(
    start: date | datetime | None,
    end: date | datetime | None,
    target: int | None,
    paused: int | None = 0,
    *,
    as_of: date,
    cal: Calendar,
    ended: bool = False,
) -> CaseSla:
    """The SLA of one case (see the module docstring for every rule).

    `ended`: the case's status ended it (e.g. `ditolak`); without an end date it is then
    neither open nor measured.
    """
    if ended and end is None:
        target_date = (
            cal.add_working_days(start, target + max(0, paused or 0))
            if start is not None and target is not None
            else None
        )
        return CaseSla(target_date, None, None, None, False)
    terbuka = end is None
    if start is None:
        return CaseSla(None, None, None, None, terbuka)
    paused = max(0, paused or 0)
    used = max(0, cal.working_days_between(start, as_of if terbuka else end))
    hari_kerja = max(0, used - paused)
    if target is None:
        return CaseSla(None, hari_kerja, None, None, terbuka)
    return CaseSla(
        target_date=cal.add_working_days(start, target + paused),
        hari_kerja=hari_kerja,
        tepat_waktu=None if terbuka else hari_kerja <= target,
        hari_lewat=max(0, hari_kerja - target),
        terbuka=terbuka,
    )


# -- whole frames (vectorised) -----------------------------------------------------------------

SLA_COLUMNS = ("target_date", "hari_kerja", "tepat_waktu", "hari_lewat", "terbuka")


def sla_columns(
    df: pl.DataFrame,
    start: str,
    end: str,
    target: str,
    paused: str | None = None,
    *,
    as_of: date,
    cal: Calendar,
    status: str | None = None,
    ended_statuses: Iterable[str] = (),
) -> pl.DataFrame:
    """`df` plus target_date, hari_kerja, tepat_waktu, hari_lewat, terbuka (same rules as case_sla).

    Rows whose `status` is in `ended_statuses` and that have no end date are not open and get
    no SLA figures (the module docstring explains why).
    """
    for name in (start, end, target, paused, status):
        if name is not None and name not in df.columns:
            raise SlaInputError(f"column {name!r} is missing")
    asof_idx = cal.idx(as_of)
    s_off = _offsets(cal, df[start])
    s_idx = idx_series(cal, df[start])
    e_idx = idx_series(cal, df[end])
    n_target = df[target].cast(pl.Int64)
    n_paused = (
        df[paused].cast(pl.Int64).fill_null(0).clip(lower_bound=0)
        if paused is not None
        else pl.repeat(0, df.height, dtype=pl.Int64, eager=True)
    )
    ended = (
        df[status].is_in(list(ended_statuses)).fill_null(False) & df[end].is_null()
        if status is not None
        else pl.repeat(False, df.height, eager=True)
    )

    # the idx the target date must reach, then that working day's offset (or start when 0)
    k = s_idx + n_target + n_paused
    k_max = k.max()
    if k_max is not None and k_max > len(cal._wd):
        raise CalendarRangeError(f"a target date falls after the calendar's end {cal.last}")
    wd = pl.Series(cal._wd)
    target_off = pl.select(
        pl.when(k == s_idx).then(s_off).otherwise(wd.gather((k - 1).clip(lower_bound=0)))
    ).to_series()

    tmp = pl.DataFrame(
        {"_s": s_idx, "_e": e_idx, "_n": n_target, "_p": n_paused, "_t": target_off,
         "_ended": ended, "_open": df[end].is_null()}
    )
    used = (pl.coalesce(pl.col("_e"), pl.lit(asof_idx)) - pl.col("_s")).clip(lower_bound=0)
    hk = (used - pl.col("_p")).clip(lower_bound=0)
    measured = ~pl.col("_ended")
    out = tmp.select(
        target_date=(pl.col("_t") + cal._base).cast(pl.Int32).cast(pl.Date),
        hari_kerja=pl.when(measured).then(hk),
        tepat_waktu=pl.when(measured & ~pl.col("_open")).then(hk <= pl.col("_n")),
        hari_lewat=pl.when(measured).then((hk - pl.col("_n")).clip(lower_bound=0)),
        terbuka=pl.col("_open") & measured,
    )
    return df.drop([c for c in SLA_COLUMNS if c in df.columns]).hstack(out)


def working_days_columns(
    df: pl.DataFrame, start: str, ends: Mapping[str, str], *, cal: Calendar
) -> pl.DataFrame:
    """`df` plus, for each `{new_column: end_column}`, idx(end) - idx(start) (null if either is)."""
    s_idx = idx_series(cal, df[start])
    return df.with_columns(
        (idx_series(cal, df[end_col]) - s_idx).cast(pl.Int32).alias(name)
        for name, end_col in ends.items()
    )


# -- targets and the two kinds of case ---------------------------------------------------------


def targets_pengaduan(path: Path | None = None) -> pl.DataFrame:
    """Complaint category → target working days, from `kategori_pengaduan.csv`."""
    path = path or config.region().path("kategori_pengaduan")
    return pl.read_csv(path, columns=["kategori", "target_hari_kerja"]).with_columns(
        pl.col("target_hari_kerja").cast(pl.Int32)
    )


def targets_layanan(path: Path | None = None) -> pl.DataFrame:
    """Service (canonical jenis_layanan) → target working days, from `standar_layanan.csv`."""
    path = path or config.region().path("standar_layanan")
    return pl.read_csv(path, columns=["jenis_layanan", "target_hari_kerja"]).with_columns(
        pl.col("target_hari_kerja").cast(pl.Int32)
    )


def _date_col(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Date)


def sla_pengaduan(
    df: pl.DataFrame, targets: pl.DataFrame, *, as_of: date, cal: Calendar
) -> pl.DataFrame:
    """Complaints (PENGADUAN columns) with their target, stage working days and SLA (Python twin
    of `lentera/sql/sla_pengaduan.sql`). As of a date: complaints received after `as_of` are
    left out and stage dates after it are unknown (NULL)."""
    key = pl.col("kategori").str.strip_chars().str.to_lowercase()
    t = targets.select(key.alias("_kat"), pl.col("target_hari_kerja").cast(pl.Int32))

    def known(name: str) -> pl.Expr:
        return pl.when(_date_col(name) <= as_of).then(_date_col(name))

    d = (
        df.filter(_date_col("tanggal_masuk") <= as_of).with_columns(
            _date_col("tanggal_masuk").alias("mulai"),
            known("tanggal_verifikasi").alias("_verifikasi"),
            known("tanggal_disposisi").alias("_disposisi"),
            known("tanggal_tindak_lanjut").alias("_tindak_lanjut"),
            known("tanggal_selesai").alias("_selesai"),
            key.alias("_kat"),
            # a case that ended after as_of had not ended on as_of: its status does not end it
            pl.when(_date_col("tanggal_selesai") > as_of).then(None).otherwise(pl.col("status"))
            .alias("_status"),
        )
        .drop("target_hari_kerja", strict=False)
        .join(t, on="_kat", how="left")
    )
    d = working_days_columns(
        d,
        "mulai",
        {"hk_verifikasi": "_verifikasi", "hk_disposisi": "_disposisi",
         "hk_tindak_lanjut": "_tindak_lanjut", "hk_selesai": "_selesai"},
        cal=cal,
    )
    d = working_days_columns(d, "_disposisi", {"hk_disposisi_ke_tindak_lanjut": "_tindak_lanjut"},
                             cal=cal)
    d = d.with_columns(
        (pl.col("hk_verifikasi") <= BATAS_VERIFIKASI_HARI_KERJA).alias("verifikasi_tepat_waktu"),
        (pl.col("hk_disposisi_ke_tindak_lanjut") <= BATAS_TINDAK_LANJUT_HARI_KERJA).alias(
            "tindak_lanjut_tepat_waktu"
        ),
    )
    d = sla_columns(d, "mulai", "_selesai", "target_hari_kerja", "hari_ditunda", as_of=as_of,
                    cal=cal, status="_status", ended_statuses=STATUS_BERAKHIR_PENGADUAN)
    return d.drop("_kat", "_verifikasi", "_disposisi", "_tindak_lanjut", "_selesai", "_status")


def sla_perizinan(df: pl.DataFrame, *, as_of: date, cal: Calendar) -> pl.DataFrame:
    """Permits (PERIZINAN columns, with target_hari_kerja) with their SLA (Python twin of
    `lentera/sql/sla_perizinan.sql`); the clock starts when the file is complete."""
    d = df.with_columns(
        pl.coalesce(_date_col("tanggal_berkas_lengkap"), _date_col("tanggal_permohonan"))
        .alias("mulai"),
        _date_col("tanggal_selesai").alias("_selesai"),
    )
    d = sla_columns(d, "mulai", "_selesai", "target_hari_kerja", None, as_of=as_of, cal=cal,
                    status="status", ended_statuses=STATUS_BERAKHIR_PERIZINAN)
    return d.drop("_selesai")
