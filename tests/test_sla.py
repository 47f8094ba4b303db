"""SLA clock: hand-computed working days, targets and pauses; the semantic layer's macros agree
with the Python oracle (tests/sla_oracle.py)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import polars as pl
import pytest
import sla_oracle as sla
from hypothesis import given, settings
from hypothesis import strategies as st
from sla_oracle import Calendar, CalendarRangeError, CaseSla, case_sla

from lentera.core import schema
from lentera.warehouse import semantic
from lentera.warehouse.db import sql_text

YEARS = range(2023, 2028)
D = date
# built once: hypothesis tests cannot take function-scoped fixtures
_CAL = Calendar.from_reference(YEARS)


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return _CAL


# -- the calendar ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "kerja"),
    [
        (D(2025, 3, 27), True),  # Thursday before Nyepi
        (D(2025, 3, 28), False),  # Friday, cuti bersama Nyepi (from cuti_bersama.csv)
        (D(2025, 3, 31), False),  # Monday, Idul Fitri (holidays package)
        (D(2025, 4, 1), False),  # Tuesday, Idul Fitri day 2
        (D(2025, 4, 2), False),  # Wednesday, cuti bersama Idul Fitri
        (D(2025, 4, 4), False),  # Friday, cuti bersama Idul Fitri
        (D(2025, 4, 7), False),  # Monday, cuti bersama Idul Fitri
        (D(2025, 4, 8), True),  # Tuesday, first working day after Lebaran
        (D(2025, 12, 25), False),  # Natal
        (D(2025, 12, 26), False),  # cuti bersama Natal
        (D(2026, 1, 1), False),  # Tahun Baru
        (D(2026, 1, 2), True),  # Friday between New Year and the weekend
        (D(2025, 2, 15), False),  # Saturday
        (D(2025, 2, 16), False),  # Sunday
        (D(2025, 2, 17), True),  # an ordinary Monday
    ],
)
def test_is_working_day(cal: Calendar, d: date, kerja: bool) -> None:
    assert cal.is_working_day(d) is kerja


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Monday → Tuesday = 1; the same day = 0
        (D(2025, 2, 17), D(2025, 2, 18), 1),
        (D(2025, 2, 14), D(2025, 2, 14), 0),
        # received Saturday, done Monday = 1 (Saturday shares Friday's idx)
        (D(2025, 2, 15), D(2025, 2, 17), 1),
        # Friday → next Monday = 1
        (D(2025, 2, 14), D(2025, 2, 17), 1),
        # Thu 27 Mar → Tue 8 Apr 2025: 28 Mar cuti, 29–30 weekend, 31 Mar–1 Apr Idul Fitri,
        # 2–4 Apr cuti, 5–6 weekend, 7 Apr cuti; only 8 Apr counts = 1
        (D(2025, 3, 27), D(2025, 4, 8), 1),
        # Wed 26 Mar → Wed 16 Apr 2025: 27 Mar, 8, 9, 10, 11, 14, 15, 16 Apr = 8
        (D(2025, 3, 26), D(2025, 4, 16), 8),
        # Tue 24 Dec 2024 → Thu 2 Jan 2025: 25 Natal, 26 cuti, 27 (1), 30 (2), 31 (3),
        # 1 Jan Tahun Baru, 2 Jan (4) = 4
        (D(2024, 12, 24), D(2025, 1, 2), 4),
        # Wed 24 Dec 2025 → Mon 5 Jan 2026: 25 Natal, 26 cuti, 29, 30, 31, 1 Jan holiday,
        # 2 Jan, weekend, 5 Jan = 5
        (D(2025, 12, 24), D(2026, 1, 5), 5),
        # start on a holiday (Idul Fitri, Mon 31 Mar 2025) → Tue 8 Apr: only 8 Apr counts = 1
        (D(2025, 3, 31), D(2025, 4, 8), 1),
    ],
)
def test_working_days_between(cal: Calendar, start: date, end: date, expected: int) -> None:
    assert cal.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 5 working days after Thu 27 Mar 2025: 8, 9, 10, 11, 14 Apr → Mon 14 Apr
        (D(2025, 3, 27), 5, D(2025, 4, 14)),
        # 1 working day after Idul Fitri (Mon 31 Mar 2025) → Tue 8 Apr
        (D(2025, 3, 31), 1, D(2025, 4, 8)),
        # 5 after Wed 24 Dec 2025: 29, 30, 31 Dec, 2 Jan, 5 Jan → Mon 5 Jan 2026
        (D(2025, 12, 24), 5, D(2026, 1, 5)),
        # 1 after Saturday 15 Feb 2025 → Monday 17 Feb
        (D(2025, 2, 15), 1, D(2025, 2, 17)),
        # 0 → the start itself, even on a weekend
        (D(2025, 2, 15), 0, D(2025, 2, 15)),
    ],
)
def test_add_working_days(cal: Calendar, start: date, n: int, expected: date) -> None:
    assert cal.add_working_days(start, n) == expected


def test_idx_counts_working_days_on_or_before(cal: Calendar) -> None:
    # Saturday and Sunday carry Friday's idx; Monday is one more
    fri, sat, sun, mon = D(2025, 2, 14), D(2025, 2, 15), D(2025, 2, 16), D(2025, 2, 17)
    assert cal.idx(sat) == cal.idx(sun) == cal.idx(fri)
    assert cal.idx(mon) == cal.idx(fri) + 1
    # the calendar's first day (Sun 1 Jan 2023) has idx 0; Mon 2 Jan 2023 is working: 1
    assert cal.idx(D(2023, 1, 1)) == 0
    assert cal.idx(D(2023, 1, 2)) == 1
    # datetimes count on their date
    assert cal.idx(datetime(2025, 2, 17, 23, 59)) == cal.idx(mon)


def test_frame_names_days_off(cal: Calendar) -> None:
    f = cal.frame(D(2025, 3, 27), D(2025, 4, 8))
    assert f.columns == ["tanggal", "hari_kerja", "idx", "nama_libur"]
    assert f.height == 13
    rows = {r["tanggal"]: r for r in f.iter_rows(named=True)}
    assert "Idul Fitri" in rows[D(2025, 3, 31)]["nama_libur"]
    assert rows[D(2025, 4, 2)]["nama_libur"] == "Cuti bersama Idul Fitri"
    assert rows[D(2025, 4, 5)]["nama_libur"] is None  # a plain Saturday
    # only the first and last rows are working days: idx rises by exactly one over the span
    assert f["hari_kerja"].sum() == 2
    assert f["idx"][-1] - f["idx"][0] == 1


def test_cuti_bersama_is_configuration(tmp_path) -> None:
    # another region's file: a new cuti day makes an ordinary Monday a day off, and a cuti day
    # on a national holiday keeps both names
    path = tmp_path / "cuti.csv"
    path.write_text("tanggal,keterangan\n2025-02-17,Cuti uji\n2025-12-25,Cuti uji Natal\n",
                    encoding="utf-8")
    cal = Calendar.from_reference(range(2025, 2026), cuti_path=path)
    assert not cal.is_working_day(D(2025, 2, 17))
    assert cal.libur[D(2025, 12, 25)] == "Hari Raya Natal; Cuti uji Natal"
    # the repository's own 2025 cuti (Fri 28 Mar) is not in this file, so it is worked
    assert cal.is_working_day(D(2025, 3, 28))


def test_frame_roundtrip_and_duckdb_table(cal: Calendar) -> None:
    again = Calendar.from_frame(cal.frame())
    probe = [D(2025, 3, 27), D(2025, 4, 8), D(2025, 12, 26), D(2026, 1, 5), D(2024, 2, 14)]
    assert [again.idx(d) for d in probe] == [cal.idx(d) for d in probe]
    con = duckdb.connect()
    assert cal.write_table(con) == (cal.last - cal.first).days + 1
    row = con.sql(
        "SELECT hari_kerja, idx, nama_libur FROM kalender_kerja WHERE tanggal = $d",
        params={"d": D(2025, 4, 7)},
    ).fetchall()
    assert row == [(False, cal.idx(D(2025, 4, 7)), "Cuti bersama Idul Fitri")]


def test_out_of_range_is_an_error(cal: Calendar) -> None:
    with pytest.raises(CalendarRangeError):
        cal.idx(D(2022, 12, 31))
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D(2027, 12, 20), 30)
    df = pl.DataFrame({"a": [D(2030, 1, 1)], "b": [None], "t": [5]},
                      schema={"a": pl.Date, "b": pl.Date, "t": pl.Int32})
    with pytest.raises(CalendarRangeError):
        sla.sla_columns(df, "a", "b", "t", as_of=D(2025, 1, 1), cal=cal)


@settings(max_examples=200, deadline=None)
@given(
    a=st.dates(D(2023, 1, 1), D(2027, 6, 30)),
    span=st.integers(0, 150),
)
def test_working_days_match_a_day_by_day_count(a: date, span: int) -> None:
    cal = _CAL
    b = a + timedelta(days=span)
    # independent oracle: count the dates in (a, b] that are Mon–Fri and not a named day off
    naive = sum(
        1
        for i in range(1, span + 1)
        if (d := a + timedelta(days=i)).weekday() < 5 and d not in cal.libur
    )
    assert cal.working_days_between(a, b) == naive
    assert cal.working_days_between(b, a) == -naive


@settings(max_examples=200, deadline=None)
@given(a=st.dates(D(2023, 1, 1), D(2027, 6, 30)), n=st.integers(1, 80))
def test_add_working_days_lands_on_the_nth_working_day(a: date, n: int) -> None:
    cal = _CAL
    t = cal.add_working_days(a, n)
    assert cal.is_working_day(t)
    assert cal.working_days_between(a, t) == n
    # the day before the target is still short of n
    assert cal.working_days_between(a, t - timedelta(days=1)) == n - 1


# -- one case, hand computed -------------------------------------------------------------------

AS_OF = D(2025, 6, 30)


@pytest.mark.parametrize(
    ("start", "end", "target", "paused", "expected"),
    [
        # across Idul Fitri 2025: Thu 27 Mar → Tue 8 Apr = 1 working day; target 5 lands on
        # Mon 14 Apr (8, 9, 10, 11, 14 Apr); on time
        (D(2025, 3, 27), D(2025, 4, 8), 5, 0, CaseSla(D(2025, 4, 14), 1, True, 0, False)),
        # Wed 26 Mar → Wed 16 Apr = 8 (27 Mar, 8–11, 14–16 Apr); target 5 → 3 days late;
        # target date: 27 Mar, 8, 9, 10, 11 Apr → Fri 11 Apr
        (D(2025, 3, 26), D(2025, 4, 16), 5, 0, CaseSla(D(2025, 4, 11), 8, False, 3, False)),
        # start on a holiday: received on Idul Fitri (Mon 31 Mar), target 1 → Tue 8 Apr,
        # done 8 Apr = 1 working day, on time
        (D(2025, 3, 31), D(2025, 4, 8), 1, 0, CaseSla(D(2025, 4, 8), 1, True, 0, False)),
        # year end 2025: Wed 24 Dec → Tue 6 Jan 2026 = 6 (29, 30, 31 Dec, 2, 5, 6 Jan);
        # target 5 → Mon 5 Jan, one day late
        (D(2025, 12, 24), D(2026, 1, 6), 5, 0, CaseSla(D(2026, 1, 5), 6, False, 1, False)),
        # year end 2024: Tue 24 Dec → Thu 2 Jan 2025 = 4 (27, 30, 31 Dec, 2 Jan); target 5 →
        # 27, 30, 31 Dec, 2, 3 Jan → Fri 3 Jan; on time
        (D(2024, 12, 24), D(2025, 1, 2), 5, 0, CaseSla(D(2025, 1, 3), 4, True, 0, False)),
        # weekend: received Saturday 15 Feb 2025, done Monday 17 Feb = 1; target 1 → Mon 17 Feb
        (D(2025, 2, 15), D(2025, 2, 17), 1, 0, CaseSla(D(2025, 2, 17), 1, True, 0, False)),
        # paused: Mon 3 Nov → Fri 28 Nov 2025 (no holiday) = 19 working days (4–7: 4, then
        # three full weeks: 15). Target 14 (Infrastruktur).
        # 4 days ditunda → 15 net, late by 1; target date = 14 + 4 = 18th working day → Thu 27 Nov
        (D(2025, 11, 3), D(2025, 11, 28), 14, 4, CaseSla(D(2025, 11, 27), 15, False, 1, False)),
        # 5 days ditunda → 14 net, on time; target date = 19th working day → Fri 28 Nov
        (D(2025, 11, 3), D(2025, 11, 28), 14, 5, CaseSla(D(2025, 11, 28), 14, True, 0, False)),
        # open and overdue at as_of Mon 30 Jun 2025: received Mon 2 Jun; June days off:
        # 6 Jun Idul Adha, 9 Jun cuti, 27 Jun Tahun Baru Islam. Working days after 2 Jun up to
        # 30 Jun: 3–5 (3), 10–13 (4), 16–20 (5), 23–26 (4), 30 (1) = 17. Target 10
        # (Permintaan Informasi): 3, 4, 5, 10, 11, 12, 13, 16, 17, 18 → Wed 18 Jun; 7 past
        (D(2025, 6, 2), None, 10, 0, CaseSla(D(2025, 6, 18), 17, None, 7, True)),
        # open but not yet due at as_of: received Wed 25 Jun, 2 working days (26, 30 Jun);
        # target 5 → 26, 30 Jun, 1, 2, 3 Jul → Thu 3 Jul
        (D(2025, 6, 25), None, 5, 0, CaseSla(D(2025, 7, 3), 2, None, 0, True)),
        # unknown target: Mon 17 → Fri 21 Feb 2025 = 4 working days, no verdict
        (D(2025, 2, 17), D(2025, 2, 21), None, 0, CaseSla(None, 4, None, None, False)),
        # a pause longer than the elapsed time cannot make the work negative
        (D(2025, 2, 17), D(2025, 2, 18), 5, 3, CaseSla(D(2025, 2, 27), 0, True, 0, False)),
    ],
)
def test_case_sla_hand_computed(
    cal: Calendar, start: date, end: date | None, target: int | None, paused: int,
    expected: CaseSla,
) -> None:
    assert case_sla(start, end, target, paused, as_of=AS_OF, cal=cal) == expected


def test_case_ended_without_date_is_not_open(cal: Calendar) -> None:
    got = case_sla(D(2025, 2, 17), None, 5, 0, as_of=AS_OF, cal=cal, ended=True)
    # 5 working days after Mon 17 Feb 2025: 18, 19, 20, 21, 24 Feb
    assert got == CaseSla(D(2025, 2, 24), None, None, None, False)


# -- vectorised == one at a time ---------------------------------------------------------------


def _random_cases(n: int, seed: int = 42) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        start = D(2024, 1, 1) + timedelta(days=rng.randrange(0, 730))
        closed = rng.random() < 0.7
        end = start + timedelta(days=rng.randrange(0, 90)) if closed else None
        target = rng.choice([None, 0, 1, 5, 10, 14, 28, 60])
        paused = rng.choice([None, 0, 0, 0, 2, 7])
        status = rng.choice(["selesai", "diproses", "ditolak"])
        rows.append((f"T{i:05d}", start, end, target, paused, status))
    return pl.DataFrame(
        rows, orient="row",
        schema={"id": pl.String, "mulai": pl.Date, "akhir": pl.Date, "target": pl.Int32,
                "ditunda": pl.Int32, "status": pl.String},
    )


def test_sla_columns_equal_case_sla(cal: Calendar) -> None:
    df = _random_cases(1500)
    as_of = D(2026, 3, 1)
    got = sla.sla_columns(df, "mulai", "akhir", "target", "ditunda", as_of=as_of, cal=cal,
                          status="status", ended_statuses=("ditolak",))
    assert got.columns == df.columns + list(sla.SLA_COLUMNS)
    for r in got.iter_rows(named=True):
        one = case_sla(r["mulai"], r["akhir"], r["target"], r["ditunda"], as_of=as_of, cal=cal,
                       ended=r["status"] == "ditolak")
        assert (r["target_date"], r["hari_kerja"], r["tepat_waktu"], r["hari_lewat"],
                r["terbuka"]) == (one.target_date, one.hari_kerja, one.tepat_waktu,
                                  one.hari_lewat, one.terbuka), r


def test_sla_columns_accepts_timestamps_and_reports_missing_columns(cal: Calendar) -> None:
    df = pl.DataFrame({
        "masuk": [datetime(2025, 3, 27, 16, 45)],
        "selesai": [datetime(2025, 4, 8, 8, 0)],
        "t": [5],
    })
    got = sla.sla_columns(df, "masuk", "selesai", "t", as_of=AS_OF, cal=cal)
    assert got.select(sla.SLA_COLUMNS).row(0) == (D(2025, 4, 14), 1, True, 0, False)
    with pytest.raises(sla.SlaInputError):
        sla.sla_columns(df, "masuk", "tidak_ada", "t", as_of=AS_OF, cal=cal)


# -- targets from the reference tables ---------------------------------------------------------


def test_targets_come_from_the_reference_tables() -> None:
    kat = dict(sla.targets_pengaduan().iter_rows())
    lay = dict(sla.targets_layanan().iter_rows())
    assert kat["Infrastruktur"] == 14 and kat["Dana Desa"] == 60
    assert lay["Persetujuan Bangunan Gedung (PBG)"] == 28 and lay["KTP Elektronik"] == 1
    assert sla.BATAS_VERIFIKASI_HARI_KERJA == 3 and sla.BATAS_TINDAK_LANJUT_HARI_KERJA == 5


# -- the SQL files and the Python engine agree -------------------------------------------------


def _create(con: duckdb.DuckDBPyConnection, source: schema.Source) -> None:
    cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in source.columns)
    con.execute(f"CREATE TABLE {source.table} ({cols})")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("_rows", frame)
    names = ", ".join(f'"{c}"' for c in frame.columns)
    con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows")
    con.unregister("_rows")


def _ts(d: date | None, hour: int = 9) -> datetime | None:
    return None if d is None else datetime(d.year, d.month, d.day, hour, 30)


# hand-built complaints; expectations in the comments come from the calendar reasoning above
PENGADUAN_HAND = [
    # tiket, kategori, status, masuk, verifikasi, disposisi, tindak lanjut, selesai, ditunda
    # Idul Fitri: Thu 27 Mar → verified Tue 8 Apr (1), disposed Wed 9 Apr (2), followed up
    # Mon 14 Apr (5; 3 after disposition), done Tue 15 Apr (6); Kesehatan target 5 → late by 1
    ("LPR-1", "Kesehatan", "selesai", D(2025, 3, 27), D(2025, 4, 8), D(2025, 4, 9),
     D(2025, 4, 14), D(2025, 4, 15), None),
    # paused: Infrastruktur (14), Mon 3 Nov → Fri 28 Nov = 19, 5 ditunda → 14, on time;
    # verified Thu 6 Nov (3: within the deadline), follow-up 6 working days after disposition
    ("LPR-2", " infrastruktur ", "selesai", D(2025, 11, 3), D(2025, 11, 6), D(2025, 11, 7),
     D(2025, 11, 17), D(2025, 11, 28), 5),
    # open and overdue at as_of 30 Jun 2025: Permintaan Informasi (10), 17 used → 7 past
    ("LPR-3", "Permintaan Informasi", "didisposisi", D(2025, 6, 2), D(2025, 6, 4),
     D(2025, 6, 5), None, None, 0),
    # unknown category: no target
    ("LPR-4", "Kategori Baru", "selesai", D(2025, 2, 17), D(2025, 2, 18), None, None,
     D(2025, 2, 21), None),
    # ended without a date: not open, not measured
    ("LPR-5", "Sosial dan Bantuan Sosial", "bukan_wewenang", D(2025, 5, 5), D(2025, 5, 6),
     None, None, None, None),
    # received on a Saturday, done on Monday
    ("LPR-6", "Perizinan", "selesai", D(2025, 2, 15), D(2025, 2, 17), D(2025, 2, 17),
     D(2025, 2, 17), D(2025, 2, 17), 0),
]


def _pengaduan_frame(extra: int) -> pl.DataFrame:
    rows = [
        {"nomor_tiket": t, "kategori": k, "status": s, "tanggal_masuk": _ts(m, 16),
         "tanggal_verifikasi": _ts(v), "tanggal_disposisi": _ts(d), "tanggal_tindak_lanjut": _ts(tl),
         "tanggal_selesai": _ts(sel, 8), "hari_ditunda": p}
        for t, k, s, m, v, d, tl, sel, p in PENGADUAN_HAND
    ]
    rng = random.Random(42)
    kategori = ["Kesehatan", "Infrastruktur", "Dana Desa", "Lainnya", "Tidak Dikenal"]
    for i in range(extra):
        m = D(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
        steps = sorted(rng.randrange(0, 40) for _ in range(4))
        stage = [m + timedelta(days=s) if rng.random() < 0.8 else None for s in steps]
        status = rng.choice(["selesai", "diverifikasi", "ditunda", "ditolak", "diarsipkan"])
        rows.append({
            "nomor_tiket": f"LPR-R{i:04d}", "kategori": rng.choice(kategori), "status": status,
            "tanggal_masuk": _ts(m, rng.randrange(0, 24)), "tanggal_verifikasi": _ts(stage[0]),
            "tanggal_disposisi": _ts(stage[1]), "tanggal_tindak_lanjut": _ts(stage[2]),
            "tanggal_selesai": _ts(stage[3]),
            "hari_ditunda": rng.choice([None, 0, 3, 10]),
        })
    return pl.DataFrame(rows, schema={
        "nomor_tiket": pl.String, "kategori": pl.String, "status": pl.String,
        "tanggal_masuk": pl.Datetime("us"), "tanggal_verifikasi": pl.Datetime("us"),
        "tanggal_disposisi": pl.Datetime("us"), "tanggal_tindak_lanjut": pl.Datetime("us"),
        "tanggal_selesai": pl.Datetime("us"), "hari_ditunda": pl.Int32,
    })


PERIZINAN_HAND = [
    # nomor, layanan, target, status, permohonan, berkas lengkap, selesai
    # SIP Bidan (5): file complete Wed 24 Dec 2025, issued Tue 6 Jan 2026 = 6, late by 1
    ("P-1", "Surat Izin Praktik (SIP) Bidan", 5, "selesai", D(2025, 12, 20), D(2025, 12, 24),
     D(2026, 1, 6)),
    # KTP-el (1): applied on Idul Fitri 31 Mar 2025, file complete that day, done 8 Apr = 1
    ("P-2", "KTP Elektronik", 1, "selesai", D(2025, 3, 31), None, D(2025, 4, 8)),
    # PBG (28): open since Mon 2 Jun 2025; at 30 Jun 17 working days, not yet late
    ("P-3", "Persetujuan Bangunan Gedung (PBG)", 28, "diproses", D(2025, 5, 28), D(2025, 6, 2),
     None),
    # unknown service: no target
    ("P-4", "Layanan Lain", None, "selesai", D(2025, 2, 17), D(2025, 2, 17), D(2025, 2, 21)),
    # returned to the applicant without a date: not open, not measured
    ("P-5", "Kartu Keluarga", 1, "dikembalikan", D(2025, 5, 5), D(2025, 5, 5), None),
]


def _perizinan_frame(extra: int) -> pl.DataFrame:
    rows = [
        {"nomor_permohonan": n, "jenis_layanan": j, "target_hari_kerja": t, "status": s,
         "tanggal_permohonan": p, "tanggal_berkas_lengkap": b, "tanggal_selesai": e}
        for n, j, t, s, p, b, e in PERIZINAN_HAND
    ]
    rng = random.Random(7)
    for i in range(extra):
        p = D(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
        b = p + timedelta(days=rng.randrange(0, 10)) if rng.random() < 0.8 else None
        e = (b or p) + timedelta(days=rng.randrange(0, 60)) if rng.random() < 0.7 else None
        rows.append({
            "nomor_permohonan": f"P-R{i:04d}", "jenis_layanan": "x",
            "target_hari_kerja": rng.choice([None, 0, 1, 5, 28]),
            "status": rng.choice(["selesai", "diproses", "ditolak", "dicabut"]),
            "tanggal_permohonan": p, "tanggal_berkas_lengkap": b, "tanggal_selesai": e,
        })
    return pl.DataFrame(rows, schema={
        "nomor_permohonan": pl.String, "jenis_layanan": pl.String, "target_hari_kerja": pl.Int32,
        "status": pl.String, "tanggal_permohonan": pl.Date, "tanggal_berkas_lengkap": pl.Date,
        "tanggal_selesai": pl.Date,
    })


@pytest.fixture(scope="module")
def warehouse(cal: Calendar) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse shaped as lentera/schema.py (attached as `w`, like the app's), with
    the calendar and targets, and the semantic layer installed over it."""
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS w")
    con.execute("USE w")
    for source in schema.SOURCES.values():
        _create(con, source)
    for name, cols in {**schema.REFERENCE_TABLES_SQL, **schema.ETL_TABLES_SQL}.items():
        con.execute(f"CREATE TABLE {name} ({cols})")
    _insert(con, "kategori_pengaduan", sla.targets_pengaduan())
    cal.write_table(con)
    _insert(con, "pengaduan", _pengaduan_frame(400))
    _insert(con, "perizinan", _perizinan_frame(400))
    semantic.install(con)
    return con


SLA_OUT = ("target_hari_kerja", "target_date", "hari_kerja", "tepat_waktu", "hari_lewat",
           "terbuka")
STAGES = ("hk_verifikasi", "hk_disposisi", "hk_tindak_lanjut", "hk_selesai",
          "hk_disposisi_ke_tindak_lanjut", "verifikasi_tepat_waktu", "tindak_lanjut_tepat_waktu")


def test_sql_pengaduan_hand_cases(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = warehouse.sql(sql_text("sla_pengaduan"), params={"as_of": AS_OF}).pl()
    by = {r["nomor_tiket"]: r for r in got.iter_rows(named=True)}
    # LPR-2 arrives in November 2025, after AS_OF: it exists only in a view of a later date
    assert "LPR-2" not in by
    later = warehouse.sql(sql_text("sla_pengaduan"), params={"as_of": D(2026, 2, 2)}).pl()
    by["LPR-2"] = later.filter(pl.col("nomor_tiket") == "LPR-2").row(0, named=True)
    pick = ("target_hari_kerja", "target_date", "hk_verifikasi", "hk_disposisi",
            "hk_tindak_lanjut", "hk_selesai", "hk_disposisi_ke_tindak_lanjut", "hari_kerja",
            "tepat_waktu", "hari_lewat", "terbuka")

    def row(t: str) -> tuple:
        return tuple(by[t][c] for c in pick)

    # 5 working days after Thu 27 Mar: 8, 9, 10, 11, 14 Apr → target Mon 14 Apr
    assert row("LPR-1") == (5, D(2025, 4, 14), 1, 2, 5, 6, 3, 6, False, 1, False)
    assert by["LPR-1"]["verifikasi_tepat_waktu"] and by["LPR-1"]["tindak_lanjut_tepat_waktu"]
    # Nov 2025: verified Thu 6 (3), disposed Fri 7 (4), follow-up Mon 17 (10; 6 after
    # disposition: 10–14, 17), done Fri 28 (19); 14 + 5 paused → target Fri 28 Nov
    assert row("LPR-2") == (14, D(2025, 11, 28), 3, 4, 10, 19, 6, 14, True, 0, False)
    assert by["LPR-2"]["verifikasi_tepat_waktu"] is True
    assert by["LPR-2"]["tindak_lanjut_tepat_waktu"] is False
    # verified Wed 4 Jun (2), disposed Thu 5 Jun (3); open: 17 used at 30 Jun, 7 past
    assert row("LPR-3") == (10, D(2025, 6, 18), 2, 3, None, None, None, 17, None, 7, True)
    assert row("LPR-4") == (None, None, 1, None, None, 4, None, 4, None, None, False)
    assert row("LPR-5")[7:] == (None, None, None, False)
    # Saturday → Monday: every stage on Monday = 1; Perizinan target 5 → Fri 21 Feb
    assert row("LPR-6") == (5, D(2025, 2, 21), 1, 1, 1, 1, 0, 1, True, 0, False)


def test_sql_perizinan_hand_cases(warehouse: duckdb.DuckDBPyConnection) -> None:
    got = warehouse.sql(sql_text("sla_perizinan"), params={"as_of": AS_OF}).pl()
    by = {r["nomor_permohonan"]: tuple(r[c] for c in SLA_OUT) for r in got.iter_rows(named=True)}
    assert by["P-1"] == (5, D(2026, 1, 5), 6, False, 1, False)
    # no berkas lengkap date: the clock starts at the application (a holiday) → 8 Apr
    assert by["P-2"] == (1, D(2025, 4, 8), 1, True, 0, False)
    # 28 working days after Mon 2 Jun 2025: June has 17 up to the 30th (see LPR-3), then
    # July 1–4 (21), 7–11 (26), 14, 15 → Tue 15 Jul
    assert by["P-3"] == (28, D(2025, 7, 15), 17, None, 0, True)
    assert by["P-4"] == (None, None, 4, None, None, False)
    assert by["P-5"][2:] == (None, None, None, False)


def _compare(sql_frame: pl.DataFrame, py_frame: pl.DataFrame, key: str, cols: tuple) -> None:
    a = sql_frame.select(key, *cols).sort(key)
    b = py_frame.select(key, *cols).sort(key)
    for c in cols:
        left, right = a[c], b[c]
        if left.dtype.is_integer():
            left, right = left.cast(pl.Int64), right.cast(pl.Int64)
        mismatch = a.filter(left.ne_missing(right))[key].to_list()
        assert not mismatch, f"{c} differs for {mismatch[:5]}"


def test_sql_and_python_agree_on_pengaduan(warehouse, cal: Calendar) -> None:
    for as_of in (AS_OF, D(2026, 2, 2)):
        from_sql = warehouse.sql(sql_text("sla_pengaduan"), params={"as_of": as_of}).pl()
        table = warehouse.sql("SELECT * FROM pengaduan").pl()
        from_py = sla.sla_pengaduan(table, sla.targets_pengaduan(), as_of=as_of, cal=cal)
        # as of a date: only complaints received by then
        received = table.filter(pl.col("tanggal_masuk").cast(pl.Date) <= as_of).height
        assert from_sql.height == from_py.height == received
        _compare(from_sql, from_py, "nomor_tiket", SLA_OUT + STAGES)
        # the random rows reach every branch: open, closed late, ended, unknown target
        assert from_sql["terbuka"].sum() > 0 and (~from_sql["tepat_waktu"]).sum() > 0
        assert from_sql["target_hari_kerja"].null_count() > 0


def test_sql_and_python_agree_on_perizinan(warehouse, cal: Calendar) -> None:
    for as_of in (AS_OF, D(2026, 2, 2)):
        from_sql = warehouse.sql(sql_text("sla_perizinan"), params={"as_of": as_of}).pl()
        table = warehouse.sql("SELECT * FROM perizinan").pl()
        from_py = sla.sla_perizinan(table, as_of=as_of, cal=cal)
        assert from_sql.height == from_py.height == table.height
        _compare(from_sql, from_py, "nomor_permohonan", SLA_OUT)


def test_calendar_table_matches_numpy_busday_count(cal: Calendar) -> None:
    # a second, independent count: numpy's own business-day counter over the same days off
    off = np.array(sorted(cal.libur), dtype="datetime64[D]")
    for a, b in [(D(2025, 3, 27), D(2025, 4, 8)), (D(2024, 12, 24), D(2025, 1, 2)),
                 (D(2023, 1, 1), D(2027, 12, 31))]:
        count = int(np.busday_count(np.datetime64(a, "D") + 1, np.datetime64(b, "D") + 1,
                                    holidays=off))
        assert cal.working_days_between(a, b) == count


def test_sql_constants_match_the_oracle(warehouse) -> None:
    got = warehouse.sql("SELECT batas_verifikasi_hari_kerja(), batas_tindak_lanjut_hari_kerja(), "
                        "status_berakhir_pengaduan(), status_berakhir_perizinan()").fetchall()[0]
    assert got == (sla.BATAS_VERIFIKASI_HARI_KERJA, sla.BATAS_TINDAK_LANJUT_HARI_KERJA,
                   list(sla.STATUS_BERAKHIR_PENGADUAN), list(sla.STATUS_BERAKHIR_PERIZINAN))


def test_live_pauses_come_from_events(warehouse, cal: Calendar) -> None:
    # Mon 3 Nov 2025 received; ditunda Wed 5 → verified again Mon 10 Nov (3 working days paused);
    # a second pause from Thu 20 Nov still running at as_of Wed 26 Nov (4 more: 21, 24, 25, 26)
    events = [("LTR-1", datetime(2025, 11, 3, 9), "diterima"),
              ("LTR-1", datetime(2025, 11, 5, 10), "ditunda"),
              ("LTR-1", datetime(2025, 11, 10, 8), "diverifikasi"),
              ("LTR-1", datetime(2025, 11, 20, 14), "ditunda")]
    as_of = D(2025, 11, 26)
    paused = (cal.working_days_between(D(2025, 11, 5), D(2025, 11, 10))
              + cal.working_days_between(D(2025, 11, 20), as_of))
    assert paused == 7
    live = pl.DataFrame({"nomor_tiket": ["LTR-1"], "kategori": ["Infrastruktur"],
                         "status": ["ditunda"], "tanggal_masuk": [datetime(2025, 11, 3, 9)]},
                        schema={"nomor_tiket": pl.String, "kategori": pl.String,
                                "status": pl.String, "tanggal_masuk": pl.Datetime("us")})
    ev = pl.DataFrame(events, orient="row", schema={"nomor_tiket": pl.String,
                                                    "waktu": pl.Datetime("us"),
                                                    "status": pl.String})
    ev = ev.with_row_index("urutan").with_columns(pl.col("urutan").cast(pl.Int64))
    warehouse.register("_live", live)
    warehouse.register("_ev", ev)
    try:
        warehouse.execute("INSERT INTO pengaduan_live BY NAME SELECT * FROM _live")
        warehouse.execute("INSERT INTO pengaduan_live_event BY NAME SELECT * FROM _ev")
        got = warehouse.sql("SELECT hari_ditunda, hari_kotor, hari_kerja, target_date, terbuka "
                            "FROM sla_pengaduan($a, dengan_gudang := false)",
                            params={"a": as_of}).fetchall()
        one = case_sla(D(2025, 11, 3), None, 14, paused, as_of=as_of, cal=cal)
        gross = cal.working_days_between(D(2025, 11, 3), as_of)
        assert got == [(paused, gross, one.hari_kerja, one.target_date, True)]
        # the warehouse and live complaints together: one more row than the warehouse alone
        n = warehouse.sql("SELECT count(*) FROM sla_pengaduan($a)", params={"a": as_of}).fetchall()[0]
        by_then = warehouse.sql("SELECT count(*) FROM w.main.pengaduan "
                                "WHERE CAST(tanggal_masuk AS DATE) <= $a", params={"a": as_of})
        assert n[0] == by_then.fetchall()[0][0] + 1
    finally:
        warehouse.execute("DELETE FROM pengaduan_live; DELETE FROM pengaduan_live_event")
        warehouse.unregister("_live")
        warehouse.unregister("_ev")
