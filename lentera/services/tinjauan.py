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
TOP_OVERDUE_CASES = 20
TOP_LAGGARDS = 10
DIGEST_ANSWERS = 5
METHODS: list[tuple[str, str]] = [("petugas.method_tinjauan_title", "petugas.method_tinjauan_body")]
# Age bands (working days since receipt, net of pauses) of an office's open cases.
AGE_BANDS = ((0, 5), (6, 10), (11, 20), (21, None))


def week_bounds(year: int, week: int) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ISO week `week` of `year` (ValueError for a week that does not exist)."""
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + dt.timedelta(days=6)


def week_range(start: dt.date, end: dt.date, lang: str | None = None) -> str:
    """A week as people write it: "24–30 Nov 2026", "27 Okt – 2 Nov 2026", "29 Des 2025 – 4 Jan 2026"."""
    from lentera.core import fmt

    def month(d: dt.date) -> str:
        return fmt.month_name(d.month, short=True, lang=lang)

    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {month(end)} {end.year}"
    if start.year == end.year:
        return f"{start.day} {month(start)} – {end.day} {month(end)} {end.year}"
    return f"{start.day} {month(start)} {start.year} – {end.day} {month(end)} {end.year}"


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


def overdue_cases(year: int, week: int, kode_skpd: str | None = None) -> pl.DataFrame:
    """The longest-overdue open complaints at the week's end with their owner and age."""
    _, end = week_bounds(year, week)
    sql = _WEEK_SQL + """
SELECT nomor_tiket, nama_opd, kategori, CAST(tanggal_masuk AS DATE) AS masuk,
       hari_kerja, hari_lewat
FROM k
WHERE terbuka AND hari_lewat > 0 AND ($opd IS NULL OR kode_skpd = $opd)
ORDER BY hari_lewat DESC, nomor_tiket LIMIT $n
"""
    return _run(sql, {"as_of": end, "n": TOP_OVERDUE_CASES, "opd": kode_skpd})


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
    meta = db.meta()
    return {"year": year, "week": week, "start": start, "end": end, "now": now,
            "before": before, "prev_start": prev_start, "prev_end": prev_end,
            "overdue": overdue_by_opd(year, week), "overdue_cases": overdue_cases(year, week),
            "laggards": laggards, "dupes": new_duplicate_clusters(year, week),
            "answers": digest(year, week)["answers"],
            "sample": meta.get("is_sample") == "true", "data_version": db.data_version()}


LAGGARD_COLUMNS = ("singkatan", "pagu", "realisasi", "serapan", "harapan", "tertinggal")


def laggards_table(laggards: pl.DataFrame) -> pl.DataFrame:
    """The budget laggards' columns the pack shows, amounts as numbers (Float64 rupiah)."""
    if laggards.is_empty():
        return pl.DataFrame(schema={c: pl.String if c == "singkatan" else pl.Float64
                                    for c in LAGGARD_COLUMNS})
    return laggards.select(pl.col("singkatan"),
                           *[pl.col(c).cast(pl.Float64) for c in LAGGARD_COLUMNS[1:]])


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


def office_view(kode_skpd: str, year: int, week: int) -> dict:
    """One office's week: open cases by age band and days past target, its on-time rate this
    week, last week and this year, and its flows against last week (new, resolved, overdue)."""
    start, end = week_bounds(year, week)
    prev_start, prev_end = week_bounds(*previous_week(year, week))
    sql = _WEEK_SQL + """
SELECT
    count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) BETWEEN $mulai AND $akhir) AS masuk,
    count(*) FILTER (WHERE CAST(tanggal_selesai AS DATE) BETWEEN $mulai AND $akhir) AS selesai,
    count(*) FILTER (WHERE terbuka) AS terbuka,
    count(*) FILTER (WHERE terbuka AND hari_lewat > 0) AS lewat_target,
    -- the measure's macro skips NULL verdicts: cases outside the period become NULL
    rasio_tepat_waktu(CASE WHEN CAST(tanggal_selesai AS DATE) BETWEEN $mulai AND $akhir
                      THEN tepat_waktu END) AS tepat_waktu_minggu,
    rasio_tepat_waktu(CASE WHEN year(tanggal_selesai) = year($akhir)
                           AND CAST(tanggal_selesai AS DATE) <= $akhir
                      THEN tepat_waktu END) AS tepat_waktu_tahun
FROM k WHERE kode_skpd = $opd
"""
    now = _run(sql, {"mulai": start, "akhir": end, "as_of": end, "opd": kode_skpd})
    before = _run(sql, {"mulai": prev_start, "akhir": prev_end, "as_of": prev_end,
                        "opd": kode_skpd})
    bands_sql = _WEEK_SQL + """
SELECT band, count(*) AS jumlah, count(*) FILTER (WHERE hari_lewat > 0) AS lewat_target,
       max(hari_lewat) FILTER (WHERE hari_lewat > 0) AS lewat_maks
FROM (SELECT *, CASE WHEN hari_kerja <= $b0 THEN 0 WHEN hari_kerja <= $b1 THEN 1
                     WHEN hari_kerja <= $b2 THEN 2 ELSE 3 END AS band
      FROM k WHERE terbuka AND kode_skpd = $opd)
GROUP BY band ORDER BY band
"""
    upper = {f"b{i}": hi for i, (_, hi) in enumerate(AGE_BANDS[:-1])}
    got = {r["band"]: r for r in _run(bands_sql, {"as_of": end, "opd": kode_skpd} | upper)
           .iter_rows(named=True)}
    bands = pl.DataFrame(
        [{"umur": f"{lo}–{hi}" if hi is not None else f"> {lo - 1}",
          "jumlah": got.get(i, {}).get("jumlah", 0),
          "lewat_target": got.get(i, {}).get("lewat_target", 0),
          "lewat_maks": got.get(i, {}).get("lewat_maks")} for i, (lo, hi) in enumerate(AGE_BANDS)],
        schema={"umur": pl.String, "jumlah": pl.Int64, "lewat_target": pl.Int64,
                "lewat_maks": pl.Int64})
    return {"kode_skpd": kode_skpd, "start": start, "end": end, "now": now.row(0, named=True),
            "before": before.row(0, named=True), "bands": bands,
            "cases": overdue_cases(year, week, kode_skpd)}


_METRICS = ("pengaduan_baru", "usulan_baru", "selesai", "lewat_sla", "tunggakan", "izin_terbuka")


def _pdf_class():
    """FPDF with the pack's footer: page n of N and the data version on every page."""
    from fpdf import FPDF

    from lentera.services.petugas import FONT_DIR

    class Pack(FPDF):
        footer_text = ""

        def __init__(self) -> None:
            super().__init__(orientation="P", format="A4")
            self.add_font("dejavu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("dejavu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.set_auto_page_break(True, margin=18)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("dejavu", "", 7.5)
            self.set_text_color(90)
            self.cell(0, 5, self.footer_text.replace("{page}", str(self.page_no())), align="C")
            self.set_text_color(0)

    return Pack


def review_pdf(data: dict, *, lang: str = "id") -> bytes:
    """The meeting pack as a PDF: figures against last week, overdue by office and by case,
    budget laggards, new proposal clusters, the week's answers; DejaVu Sans, wrapped cells."""
    from fpdf.fonts import FontFace

    from lentera.core import fmt
    from lentera.core.i18n import t

    def tr(key: str, **kw) -> str:
        return t(key, lang=lang, **kw)

    now_label = week_range(data["start"], data["end"], lang)
    before_label = week_range(data["prev_start"], data["prev_end"], lang)
    pdf = _pdf_class()()
    # {page} is filled per page by the footer, {nb} (the page count) by fpdf2 at the end
    pdf.footer_text = (tr("petugas.pack_footer", version=data["data_version"]) + " · "
                       + tr("petugas.pack_page", page="{page}", total="{nb}"))
    pdf.alias_nb_pages("{nb}")
    pdf.set_title(tr("pages.tinjauan"))
    pdf.add_page()
    pdf.set_font("dejavu", "B", 15)
    pdf.cell(0, 9, tr("pages.tinjauan"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 10)
    pdf.cell(0, 6, tr("petugas.week_label", week=data["week"], year=data["year"],
                      start=fmt.date(data["start"], lang=lang), end=fmt.date(data["end"], lang=lang)),
             new_x="LMARGIN", new_y="NEXT")
    if data.get("sample"):
        pdf.set_fill_color(255, 240, 200)
        pdf.set_font("dejavu", "B", 9.5)
        pdf.multi_cell(0, 6, tr("petugas.pack_sample"), fill=True, new_x="LMARGIN",
                       new_y="NEXT")
    pdf.ln(3)
    head = FontFace(emphasis="BOLD", fill_color=(225, 232, 240))

    def section(title: str, note: str | None = None) -> None:
        pdf.ln(2)
        pdf.set_font("dejavu", "B", 11.5)
        pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        if note:
            pdf.set_font("dejavu", "", 8.5)
            pdf.multi_cell(0, 4.5, note, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dejavu", "", 9)

    def table(headers: list[str], rows: list[list[str]], widths: tuple, align: str) -> None:
        pdf.set_font("dejavu", "", 9)
        with pdf.table(col_widths=widths, text_align=tuple(
                "RIGHT" if a == "R" else "LEFT" for a in align), headings_style=head,
                line_height=5.5, padding=1.2, repeat_headings=1) as tab:
            tab.row(headers)
            for r in rows:
                tab.row([str(v) for v in r])

    def number(x) -> str:
        return fmt.number(x, lang=lang)

    section(tr("petugas.pack_summary"))
    table(["", now_label, before_label, tr("petugas.col_selisih")],
          [[tr(f"petugas.m_{m}"), number(data["now"][m]), number(data["before"][m]),
            _signed(data["now"][m] - data["before"][m], lang)] for m in _METRICS],
          (70, 38, 38, 24), "LRRR")

    section(tr("petugas.overdue_title"), tr("petugas.overdue_note", tanggal=fmt.date(data["end"], lang=lang)))
    if data["overdue"].is_empty():
        pdf.multi_cell(0, 6, tr("petugas.none"), new_x="LMARGIN", new_y="NEXT")
    else:
        table([tr("petugas.col_opd"), tr("petugas.col_jumlah"), tr("petugas.col_lewat_maks")],
              [[r["nama_opd"], number(r["jumlah"]), number(r["lewat_maks"])]
               for r in data["overdue"].iter_rows(named=True)], (100, 30, 40), "LRR")

    section(tr("petugas.cases_title", n=TOP_OVERDUE_CASES))
    if data["overdue_cases"].is_empty():
        pdf.multi_cell(0, 6, tr("petugas.none"), new_x="LMARGIN", new_y="NEXT")
    else:
        table([tr("petugas.col_tiket"), tr("petugas.col_opd"), tr("petugas.col_kategori"),
               tr("petugas.col_masuk"), tr("petugas.col_hari_kerja"), tr("petugas.col_lewat")],
              [[r["nomor_tiket"], r["nama_opd"], r["kategori"] or "–",
                fmt.date(r["masuk"], lang=lang), number(r["hari_kerja"]), number(r["hari_lewat"])]
               for r in data["overdue_cases"].iter_rows(named=True)],
              (30, 36, 34, 28, 20, 22), "LLLLRR")

    lag = laggards_table(data["laggards"])
    if not lag.is_empty():
        section(tr("petugas.laggards_title"),
                tr("petugas.laggards_note", bulan=fmt.month_year(data["end"].year,
                                                                  data["end"].month, lang=lang)))
        table([tr(f"petugas.lag_{c}") for c in LAGGARD_COLUMNS],
              [[r["singkatan"], fmt.rupiah(r["pagu"], lang=lang),
                fmt.rupiah(r["realisasi"], lang=lang), fmt.percent(r["serapan"], lang=lang),
                fmt.percent(r["harapan"], lang=lang), fmt.rupiah(r["tertinggal"], lang=lang)]
               for r in lag.iter_rows(named=True)], (44, 28, 28, 22, 22, 26), "LRRRRR")

    if not data["dupes"].is_empty():
        section(tr("petugas.dupes_title"))
        table([tr("petugas.col_grup"), tr("petugas.col_jumlah"), tr("petugas.col_contoh")],
              [[number(r["grup_duplikat"]), number(r["jumlah"]), r["contoh"]]
               for r in data["dupes"].iter_rows(named=True)], (20, 20, 130), "RRL")

    if data.get("answers"):
        section(tr("petugas.digest_title"))
        table([tr("petugas.col_tiket"), tr("petugas.col_kategori"), tr("petugas.col_judul"),
               tr("petugas.col_jawaban")],
              [[a["ticket"], a["kategori"] or "–", a["judul"] or "–", a["jawaban"]]
               for a in data["answers"]], (28, 32, 50, 60), "LLLL")
    return bytes(pdf.output())


def _signed(x: int, lang: str) -> str:
    from lentera.core import fmt

    return ("+" if x > 0 else "") + fmt.number(x, lang=lang)


def review_xlsx(data: dict, *, lang: str = "id") -> bytes:
    """The meeting pack as an XLSX workbook: the PDF's sections, one sheet each, numbers typed."""
    import xlsxwriter

    from lentera.core.i18n import t

    def tr(key: str, **kw) -> str:
        return t(key, lang=lang, **kw)

    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        bold = wb.add_format({"bold": True})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        formats = {"rupiah": wb.add_format({"num_format": "#,##0"}),
                   "percent": wb.add_format({"num_format": "0.0%"}),
                   "int": wb.add_format({"num_format": "0"})}

        def sheet(name: str, headers: list[str], rows: list[list], kinds: list[str],
                  widths: list[int]) -> None:
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, headers, bold)
            ws.freeze_panes(1, 0)
            for i, w in enumerate(widths):
                ws.set_column(i, i, w)
            for r, row in enumerate(rows, start=1):
                for c, (v, kind) in enumerate(zip(row, kinds, strict=True)):
                    if v is None:
                        ws.write_blank(r, c, None)
                    elif kind == "date":
                        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), day)
                    elif kind in formats:
                        ws.write_number(r, c, float(v), formats[kind])
                    else:
                        ws.write_string(r, c, str(v), wrap)

        ws = wb.add_worksheet("ringkasan")
        ws.write(0, 0, tr("pages.tinjauan"), bold)
        ws.write(1, 0, tr("petugas.week_label", week=data["week"], year=data["year"],
                          start=str(data["start"]), end=str(data["end"])))
        ws.write(2, 0, tr("petugas.pack_footer", version=data["data_version"]))
        if data.get("sample"):
            ws.write(3, 0, tr("petugas.pack_sample"), bold)
        ws.write_row(5, 0, ["", week_range(data["start"], data["end"], lang),
                            week_range(data["prev_start"], data["prev_end"], lang),
                            tr("petugas.col_selisih")], bold)
        for i, m in enumerate(_METRICS, start=6):
            ws.write_string(i, 0, tr(f"petugas.m_{m}"))
            for c, v in enumerate((data["now"][m], data["before"][m],
                                   data["now"][m] - data["before"][m]), start=1):
                ws.write_number(i, c, int(v), formats["int"])
        ws.set_column(0, 0, 34)
        ws.set_column(1, 3, 18)

        sheet("overdue", [tr("petugas.col_opd"), tr("petugas.col_jumlah"),
                          tr("petugas.col_lewat_maks")],
              data["overdue"].select("nama_opd", "jumlah", "lewat_maks").rows(),
              ["text", "int", "int"], [40, 10, 18])
        sheet("kasus_lewat", [tr("petugas.col_tiket"), tr("petugas.col_opd"),
                              tr("petugas.col_kategori"), tr("petugas.col_masuk"),
                              tr("petugas.col_hari_kerja"), tr("petugas.col_lewat")],
              data["overdue_cases"].rows(), ["text", "text", "text", "date", "int", "int"],
              [16, 30, 24, 12, 12, 12])
        lag = laggards_table(data["laggards"])
        sheet("laggards", [tr(f"petugas.lag_{c}") for c in LAGGARD_COLUMNS], lag.rows(),
              ["text", "rupiah", "rupiah", "percent", "percent", "rupiah"],
              [30, 20, 20, 10, 10, 20])
        sheet("dupes", [tr("petugas.col_grup"), tr("petugas.col_jumlah"),
                        tr("petugas.col_contoh")],
              data["dupes"].select("grup_duplikat", "jumlah", "contoh").rows()
              if not data["dupes"].is_empty() else [], ["int", "int", "text"], [10, 10, 60])
        sheet("jawaban", [tr("petugas.col_tiket"), tr("petugas.col_kategori"),
                          tr("petugas.col_judul"), tr("petugas.col_jawaban")],
              [[a["ticket"], a["kategori"], a["judul"], a["jawaban"]]
               for a in data.get("answers", [])], ["text"] * 4, [16, 20, 40, 60])
    return buf.getvalue()


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The weekly figures and the overdue table for the latest full week."""
    year, week = latest_week()
    start, end = week_bounds(year, week)
    return [("tinjauan.figures", lambda: _figures(start, end)),
            ("tinjauan.overdue_by_opd", lambda: overdue_by_opd(year, week))]
