"""Tinjauan mingguan: one ISO week against the week before, the meeting pack (PDF, XLSX), the digest.

Weeks are ISO weeks, Monday to Sunday in local time (WIB). Complaint figures read the warehouse
`pengaduan` table plus the live submissions (`lentera.warehouse.pengaduan`'s union and SLA query, at the
week's last day); proposals the live citizen submissions (the warehouse `usulan` table carries no
entry date). The SLA at the week's end counts only complaints received by then (live reports too)
and treats one finished later as open (semantic.sql `terbuka_pada`), so the backlog is the stock on
that day whatever year each complaint arrived. The public digest shows only non-confidential live
answers.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import polars as pl

from lentera.store import submissions
from lentera.warehouse import anggaran, db, musrenbang, pengaduan

TOP_OVERDUE = 15
TOP_LAGGARDS = 10
DIGEST_ANSWERS = 5
METHODS: list[tuple[str, str]] = [("petugas.method_tinjauan_title", "petugas.method_tinjauan_body")]


def week_bounds(year: int, week: int) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ISO week `week` of `year` (ValueError for a week that does not exist)."""
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + dt.timedelta(days=6)


def previous_week(year: int, week: int) -> tuple[int, int]:
    """The ISO (year, week) before this one."""
    iso = (week_bounds(year, week)[0] - dt.timedelta(days=7)).isocalendar()
    return iso.year, iso.week


def latest_week() -> tuple[int, int]:
    """The last full ISO week on or before the data's reporting date."""
    iso = (pengaduan.as_of() - dt.timedelta(days=7)).isocalendar()
    return iso.year, iso.week


_WEEK_SQL = """
WITH k AS (SELECT kasus.*, coalesce(s.singkatan, s.nama_skpd, kasus.kode_skpd, '-') AS nama_opd
      FROM sla_pengaduan($as_of) AS kasus LEFT JOIN skpd AS s USING (kode_skpd))
"""


def _run(sql: str, params: dict) -> pl.DataFrame:
    """`sql` with the live complaints read fresh (officials act on them; no 30 s cache here)."""
    pengaduan.refresh_live(max_age=0)
    return db.query(sql, params)


def _figures(start: dt.date, end: dt.date) -> dict:
    """Complaint figures of one week, with the SLA counted at the week's last day."""
    sql = _WEEK_SQL + """
SELECT
    count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) BETWEEN $mulai AND $akhir) AS pengaduan_baru,
    count(*) FILTER (WHERE CAST(tanggal_selesai AS DATE) BETWEEN $mulai AND $akhir) AS selesai,
    count(*) FILTER (WHERE CAST(tanggal_selesai AS DATE) BETWEEN $mulai AND $akhir
                     AND NOT tepat_waktu) AS lewat_sla,
    count(*) FILTER (WHERE terbuka AND hari_lewat > 0) AS tunggakan
FROM k
"""
    return _run(sql, {"mulai": start, "akhir": end, "as_of": end}).row(0, named=True)


def overdue_by_opd(year: int, week: int) -> pl.DataFrame:
    """Open complaints past target at the week's end, by owning office (most first)."""
    _, end = week_bounds(year, week)
    sql = _WEEK_SQL + """
SELECT nama_opd, count(*) AS jumlah, max(hari_lewat) AS lewat_maks
FROM k
WHERE terbuka AND hari_lewat > 0
GROUP BY nama_opd ORDER BY jumlah DESC, nama_opd LIMIT $n
"""
    return _run(sql, {"as_of": end, "n": TOP_OVERDUE})


def _izin_terbuka(end: dt.date) -> int:
    sql = ("SELECT count(*) FROM sla_perizinan($as_of) "
           "WHERE terbuka AND CAST(tanggal_permohonan AS DATE) <= $as_of")
    return int(db.query(sql, {"as_of": end}).item())


def _usulan_baru(start: dt.date, end: dt.date, frame: pl.DataFrame) -> int:
    return frame.filter(pl.col("tanggal_masuk").dt.date().is_between(start, end)).height


def new_duplicate_clusters(year: int, week: int) -> pl.DataFrame:
    """Clusters of near-and-similar live proposals that gained a member this week."""
    start, end = week_bounds(year, week)
    frame = submissions.usulan_frame(with_support=True).filter(
        pl.col("tanggal_masuk").dt.date() <= end, pl.col("lat").is_not_null())
    if frame.height < 2:
        return pl.DataFrame(schema={"grup_duplikat": pl.Int64, "jumlah": pl.UInt32,
                                    "contoh": pl.String})
    grouped = musrenbang.duplicate_groups(frame.select("id_usulan", "usulan", "lat", "lng",
                                                       "tanggal_masuk"))
    return (grouped.filter(pl.col("grup_duplikat").is_not_null())
            .group_by("grup_duplikat")
            .agg(pl.len().alias("jumlah"), pl.col("usulan").first().alias("contoh"),
                 (pl.col("tanggal_masuk").dt.date() >= start).any().alias("baru"))
            .filter("baru").drop("baru").sort("grup_duplikat"))


def review(year: int, week: int) -> dict:
    """Everything the weekly pack shows: figures this and last week, tables."""
    start, end = week_bounds(year, week)
    prev_start, prev_end = week_bounds(*previous_week(year, week))
    usulan = submissions.usulan_frame(with_support=True)
    now, before = _figures(start, end), _figures(prev_start, prev_end)
    now |= {"usulan_baru": _usulan_baru(start, end, usulan), "izin_terbuka": _izin_terbuka(end)}
    before |= {"usulan_baru": _usulan_baru(prev_start, prev_end, usulan),
               "izin_terbuka": _izin_terbuka(prev_end)}
    try:
        laggards = anggaran.tertinggal(end.year, end.month).head(TOP_LAGGARDS)
    except Exception:  # no budget for that year yet: the pack still goes to the meeting
        laggards = pl.DataFrame()
    return {"year": year, "week": week, "start": start, "end": end, "now": now,
            "before": before, "overdue": overdue_by_opd(year, week), "laggards": laggards,
            "dupes": new_duplicate_clusters(year, week)}


def digest(year: int, week: int) -> dict:
    """"Anda melapor, kami bertindak": complaints resolved this week by category, a few answers."""
    start, end = week_bounds(year, week)
    sql = _WEEK_SQL + """
SELECT kategori, count(*) AS jumlah FROM k
WHERE status = 'selesai' AND CAST(tanggal_selesai AS DATE) BETWEEN $mulai AND $akhir
GROUP BY kategori ORDER BY jumlah DESC, kategori
"""
    per_kategori = _run(sql, {"mulai": start, "akhir": end, "as_of": end})
    live = submissions.pengaduan_frame().filter(
        pl.col("status") == "selesai", ~pl.col("rahasia"),
        pl.col("tanggal_selesai").dt.date().is_between(start, end))
    answers = []
    for ticket in live.sort("tanggal_selesai", descending=True)["nomor_tiket"].head(
            DIGEST_ANSWERS):
        note = [e["public_note"] for e in submissions.timeline(ticket)
                if e["to_status"] == "selesai" and e["public_note"]]
        row = live.filter(pl.col("nomor_tiket") == ticket).row(0, named=True)
        if note:
            answers.append({"ticket": ticket, "kategori": row["kategori"], "judul": row["judul"],
                            "jawaban": note[-1]})
    return {"start": start, "end": end, "total": int(per_kategori["jumlah"].sum() or 0),
            "per_kategori": per_kategori, "answers": answers}


_METRICS = ("pengaduan_baru", "usulan_baru", "selesai", "lewat_sla", "tunggakan", "izin_terbuka")


def _latin(text) -> str:
    return (str(text).replace("—", "-").replace("–", "-")
            .encode("latin-1", "replace").decode("latin-1"))


def review_pdf(data: dict, *, lang: str = "id") -> bytes:
    """The meeting pack as a PDF: the figures against last week, then the overdue table."""
    from fpdf import FPDF

    from lentera.core import fmt
    from lentera.core.i18n import t

    pdf = FPDF(orientation="P", format="A4")
    pdf.set_title(t("pages.tinjauan", lang=lang))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 9, _latin(t("pages.tinjauan", lang=lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.cell(0, 6, _latin(t("petugas.week_label", lang=lang, week=data["week"], year=data["year"],
                            start=fmt.date(data["start"]), end=fmt.date(data["end"]))),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def table(headers: list[str], rows: list[list], widths: list[int]) -> None:
        pdf.set_font("helvetica", "B", 9)
        for h, w in zip(headers, widths, strict=True):
            pdf.cell(w, 7, _latin(h), border=1)
        pdf.ln()
        pdf.set_font("helvetica", "", 9)
        for r in rows:
            for v, w in zip(r, widths, strict=True):
                pdf.cell(w, 6, _latin(v)[:60], border=1)
            pdf.ln()
        pdf.ln(4)

    table(["", t("petugas.week", lang=lang) + f" {data['week']}", "-1"],
          [[t(f"petugas.m_{m}", lang=lang), fmt.number(data["now"][m]),
            fmt.number(data["before"][m])] for m in _METRICS], [90, 45, 45])
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 7, _latin(t("petugas.overdue_title", lang=lang)), new_x="LMARGIN", new_y="NEXT")
    table([t("petugas.col_opd", lang=lang), t("petugas.col_jumlah", lang=lang),
           t("petugas.col_lewat_maks", lang=lang)],
          [[r["nama_opd"], fmt.number(r["jumlah"]), fmt.number(r["lewat_maks"])]
           for r in data["overdue"].iter_rows(named=True)], [100, 35, 45])
    if not data["laggards"].is_empty():
        pdf.set_font("helvetica", "B", 11)
        pdf.cell(0, 7, _latin(t("petugas.laggards_title", lang=lang)),
                 new_x="LMARGIN", new_y="NEXT")
        cols = data["laggards"].columns[:3]
        table(list(cols), [[r[c] for c in cols] for r in data["laggards"].iter_rows(named=True)],
              [80, 50, 50])
    return bytes(pdf.output())


def review_xlsx(data: dict, *, lang: str = "id") -> bytes:
    """The meeting pack as an XLSX workbook: one sheet per table."""
    import xlsxwriter

    from lentera.core.i18n import t

    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        bold = wb.add_format({"bold": True})
        ws = wb.add_worksheet("ringkasan")
        ws.write_row(0, 0, ["", f"{data['year']}-W{data['week']:02d}", "-1"], bold)
        for i, m in enumerate(_METRICS, start=1):
            ws.write_row(i, 0, [t(f"petugas.m_{m}", lang=lang), data["now"][m],
                                data["before"][m]])
        ws.set_column(0, 0, 34)
        for name in ("overdue", "laggards", "dupes"):
            frame: pl.DataFrame = data[name]
            sheet = wb.add_worksheet(name)
            sheet.write_row(0, 0, frame.columns, bold)
            for r, row in enumerate(frame.iter_rows(), start=1):
                sheet.write_row(r, 0, [v if isinstance(v, (int, float, str)) or v is None
                                       else str(v) for v in row])
    return buf.getvalue()


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The weekly figures and the overdue table for the latest full week."""
    year, week = latest_week()
    start, end = week_bounds(year, week)
    return [("tinjauan.figures", lambda: _figures(start, end)),
            ("tinjauan.overdue_by_opd", lambda: overdue_by_opd(year, week))]
