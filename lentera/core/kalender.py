"""The working-day calendar: national holidays and cuti bersama → `kalender_kerja` (idx per date).

Data preparation for the SLA clock, not the clock itself: the ETL writes the table, the semantic
layer (`lentera/warehouse/semantic.sql`, section sla) counts working days over it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import holidays
import numpy as np
import polars as pl

from lentera.core import config

# The warehouse table the ETL writes from `Calendar.frame` (dashboard SQL joins it).
KALENDER_KERJA_TABLE = "kalender_kerja"
KALENDER_KERJA_SQL = "tanggal DATE PRIMARY KEY, hari_kerja BOOLEAN, idx INTEGER, nama_libur VARCHAR"

# Years covered when none are given: far enough back for old records, two years ahead for
# target dates of cases received now.
_FIRST_DEFAULT_YEAR = 2015
_EPOCH = np.datetime64("1970-01-01", "D")


class CalendarRangeError(ValueError):
    """A date lies outside the years the working-day calendar was built for."""


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def cuti_bersama(path: Path | None = None) -> dict[date, str]:
    """The configured collective-leave days (date → description) of the region."""
    path = path or config.region().path("cuti_bersama")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {
            date.fromisoformat(row["tanggal"].strip()): (row.get("keterangan") or "").strip()
            for row in csv.DictReader(fh)
            if (row.get("tanggal") or "").strip()
        }


def libur_nasional(years: Iterable[int]) -> dict[date, str]:
    """Indonesian national holidays (date → name in Bahasa Indonesia) for the given years."""
    return dict(holidays.country_holidays("ID", years=list(years), language="id").items())


@dataclass(frozen=True, eq=False)
class Calendar:
    """Working-day calendar over [first, last]: weekends and the `libur` dates are not worked."""

    first: date
    last: date
    # every named day off (holidays and cuti bersama, weekend ones included for their names)
    libur: Mapping[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise CalendarRangeError(f"calendar ends ({self.last}) before it starts ({self.first})")
        days = np.arange(
            np.datetime64(self.first, "D"), np.datetime64(self.last, "D") + 1, dtype="datetime64[D]"
        )
        off = np.array(sorted(self.libur), dtype="datetime64[D]")
        work = np.is_busday(days, busdaycal=np.busdaycalendar(holidays=off))
        # idx by offset from `first`; the k-th working day (idx k) sits at offset _wd[k - 1]
        object.__setattr__(self, "_base", int((days[0] - _EPOCH).astype(int)))
        object.__setattr__(self, "_work", work)
        object.__setattr__(self, "_cum", np.cumsum(work, dtype=np.int64))
        object.__setattr__(self, "_wd", np.flatnonzero(work).astype(np.int64))

    @classmethod
    def from_reference(cls, years: range | None = None, cuti_path: Path | None = None) -> Calendar:
        """National holidays plus the region's cuti bersama, for `years` (default 2015 to +2)."""
        cuti = cuti_bersama(cuti_path)
        if years is None:
            last_year = max([date.today().year, *(d.year for d in cuti)]) + 2
            years = range(_FIRST_DEFAULT_YEAR, last_year + 1)
        if len(years) == 0:
            raise CalendarRangeError("a calendar needs at least one year")
        libur = libur_nasional(years)
        for d, name in cuti.items():
            if years.start <= d.year < years.stop:
                libur[d] = f"{libur[d]}; {name}" if d in libur else name
        return cls(date(years.start, 1, 1), date(years.stop - 1, 12, 31), libur)

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> Calendar:
        """Rebuild a calendar from its `kalender_kerja` table (as written by `frame`)."""
        frame = frame.sort("tanggal")
        tanggal = frame["tanggal"].to_list()
        libur = {
            d: (name or "")
            for d, kerja, name in zip(tanggal, frame["hari_kerja"], frame["nama_libur"], strict=True)
            if name is not None or (not kerja and d.weekday() < 5)
        }
        return cls(tanggal[0], tanggal[-1], libur)

    # -- one date at a time -------------------------------------------------------------------

    def _offset(self, d: date | datetime) -> int:
        d = _as_date(d)
        if not (self.first <= d <= self.last):
            raise CalendarRangeError(f"{d} is outside the calendar {self.first} – {self.last}")
        return (d - self.first).days

    def is_working_day(self, d: date | datetime) -> bool:
        """True on Monday–Friday that is neither a national holiday nor cuti bersama."""
        return bool(self._work[self._offset(d)])

    def idx(self, d: date | datetime) -> int:
        """Number of working days on or before `d` since the calendar's first day."""
        return int(self._cum[self._offset(d)])

    def working_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """Working days used from `start` to `end`: idx(end) - idx(start) (negative if reversed)."""
        return self.idx(end) - self.idx(start)

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The working day whose idx is idx(start) + n; `start` itself when n == 0."""
        if n < 0:
            raise ValueError("n must be >= 0")
        start = _as_date(start)
        if n == 0:
            self._offset(start)
            return start
        k = self.idx(start) + n
        if k > len(self._wd):
            raise CalendarRangeError(f"{n} working days after {start} is past {self.last}")
        return self.first + _days(int(self._wd[k - 1]))

    def frame(self, start: date | None = None, end: date | None = None) -> pl.DataFrame:
        """Rows tanggal, hari_kerja, idx, nama_libur for each date in [start, end] (default: all)."""
        a = self._offset(start or self.first)
        b = self._offset(end or self.last)
        tanggal = pl.date_range(self.first + _days(a), self.first + _days(b), "1d", eager=True)
        return pl.DataFrame(
            {
                "tanggal": tanggal,
                "hari_kerja": self._work[a : b + 1],
                "idx": self._cum[a : b + 1].astype(np.int32),
                "nama_libur": [self.libur.get(d) for d in tanggal.to_list()],
            },
            schema={"tanggal": pl.Date, "hari_kerja": pl.Boolean, "idx": pl.Int32,
                    "nama_libur": pl.String},
        )

    def write_table(self, con: duckdb.DuckDBPyConnection) -> int:
        """(Re)create table `kalender_kerja` from the whole calendar; returns its row count."""
        frame = self.frame()
        con.execute(f"DROP TABLE IF EXISTS {KALENDER_KERJA_TABLE}")
        con.execute(f"CREATE TABLE {KALENDER_KERJA_TABLE} ({KALENDER_KERJA_SQL})")
        con.register("_lentera_kalender_frame", frame)
        try:
            con.execute(f"INSERT INTO {KALENDER_KERJA_TABLE} SELECT * FROM _lentera_kalender_frame")
        finally:
            con.unregister("_lentera_kalender_frame")
        return frame.height


def _days(n: int) -> timedelta:
    return timedelta(days=n)
