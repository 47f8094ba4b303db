"""A printable one-page sheet per service (PDF, A4) for notice boards, with a QR code to its page.

fpdf2 draws it; segno makes the QR code. With the project's Unicode font
(lentera/assets/fonts/DejaVuSans.ttf) every character prints; without it fpdf2's core font
prints Latin-1 only, so the few other characters are spelled in Latin-1 (– → -, × → x).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import segno
from fpdf import FPDF

from lentera.core import config, fmt
from lentera.core.i18n import get_lang, set_lang, t

FONT = Path(__file__).resolve().parents[1] / "assets" / "fonts" / "DejaVuSans.ttf"
_LATIN1 = str.maketrans({"–": "-", "—": "-", "×": "x", "≤": "<=", "≥": ">=", "…": "...",
                         "“": '"', "”": '"', "‘": "'", "’": "'", "•": "-", "·": "-"})


def hari_kata(days: float | None, *, batas: bool = False) -> str | None:
    """Working days in plain words: "pada hari yang sama" for 0, else "N hari kerja".

    A typical time (median) is rounded to the nearest day; a bound ("9 in 10 within",
    `batas=True`) is rounded up, so that the sentence stays true.
    """
    if days is None:
        return None
    n = math.ceil(days - 1e-9) if batas else math.floor(days + 0.5)
    return _hari(n)


def _hari(n: int) -> str:
    if n <= 0:
        return t("perizinan.kata_hari_sama")
    return t("perizinan.kata_hari_satu") if n == 1 else t("perizinan.kata_hari", n=n)


def waktu_kata(median: float | None, p90: float | None) -> str | None:
    """"biasanya selesai pada hari yang sama; 9 dari 10 selesai dalam 2 hari kerja" (or None)."""
    if median is None:
        return None
    typical = hari_kata(median)
    kunci = "perizinan.kata_biasanya_sama" if typical == t("perizinan.kata_hari_sama") \
        else "perizinan.kata_biasanya"
    out = t(kunci, hari=typical)
    if p90 is not None:
        bound = hari_kata(p90, batas=True)
        kunci = "perizinan.kata_p90_sama" if bound == t("perizinan.kata_hari_sama") \
            else "perizinan.kata_p90"
        out += t(kunci, hari=bound)
    return out


def target_kata(target: int | None) -> str:
    """The standard in words: "selesai pada hari yang sama", "5 hari kerja", or "tanpa standar"."""
    if target is None:
        return t("perizinan.tanpa_standar")
    return t("perizinan.kata_target_sama") if target <= 0 else _hari(target)


def _font(pdf: FPDF) -> tuple[str, bool]:
    """The family to use and whether it is Unicode."""
    if FONT.exists():
        pdf.add_font("DejaVu", "", str(FONT))
        bold = FONT.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font("DejaVu", "B", str(bold if bold.exists() else FONT))
        return "DejaVu", True
    return "helvetica", False


def _clean(text: str | None, unicode: bool) -> str:
    text = str(text or "")
    if unicode:
        return text
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG (error correction M, a quiet zone of 2 modules)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def waktu_teks(r: dict) -> str:
    """The actual time of a catalogue row in words (or why there is none)."""
    if not r.get("jenis_layanan") or r.get("jumlah") is None:
        return t("layanan.waktu_tanpa_data")
    if not r["cukup"]:
        return t("layanan.waktu_sedikit", n=fmt.number(r["terbit"]),
                 min=config.MIN_CASES_FOR_RANKING)
    return t("layanan.waktu_nyata", kata=waktu_kata(r["median_hari_kerja"],
                                                               r["p90_hari_kerja"]),
             n=fmt.number(r["terbit"]))


def lembar_pdf(row: dict, url: str, lang: str, as_of: dt.date) -> bytes:
    """The one-page sheet of one catalogue row (`layanan.dengan_waktu`) in `lang`, with a QR
    code pointing at `url` and the figures' date."""
    before = get_lang()
    set_lang(lang)
    try:
        return _lembar(row, url, lang, as_of)
    finally:
        set_lang(before)


def _lembar(r: dict, url: str, lang: str, as_of: dt.date) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(16, 14, 16)
    pdf.add_page()
    family, uni = _font(pdf)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def say(text: str, size: float = 13, style: str = "", h: float = 6.6) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, h, _clean(text, uni), align="L", new_x="LMARGIN", new_y="NEXT")

    def heading(text: str) -> None:
        pdf.ln(2.5)
        say(text, 16, "B", 8.5)

    def source(sumber: str | None, dasar: str | None) -> None:
        if not sumber:
            return
        pdf.set_text_color(70, 70, 70)
        say(t("layanan.sumber_baris", tanda=t(f"layanan.sumber_{sumber}"),
              dasar=f" - {dasar}" if dasar else ""), 9.5, "", 5)
        pdf.set_text_color(0, 0, 0)

    say(config.region().nama + " - " + t("layanan.lembar_judul"), 10, "", 5)
    say(r[f"nama_{lang}"], 26, "B", 12)
    say(t("layanan.kantor", kantor=r["nama_kantor"] or r["kantor"]), 13)

    heading(t("layanan.persyaratan"))
    for item in str(r[f"persyaratan_{lang}"] or "").split("|"):
        y = pdf.get_y()
        pdf.rect(pdf.l_margin, y + 1.4, 4.2, 4.2)
        pdf.set_x(pdf.l_margin + 7)
        pdf.set_font(family, "", 13)
        pdf.multi_cell(width - 7, 6.6, _clean(item, uni), align="L", new_x="LMARGIN",
                       new_y="NEXT")
    source(r["persyaratan_sumber"], r["persyaratan_dasar"])

    heading(t("layanan.biaya"))
    say(r[f"biaya_{lang}"])
    source(r["biaya_sumber"], r["biaya_dasar"])

    heading(t("layanan.tempat"))
    say(r[f"jam_{lang}"])
    source(r["jam_sumber"], None)
    if r["daring_url"]:
        say(f"{r[f'daring_{lang}']}: {r['daring_url']}")
        source(r["daring_sumber"], None)

    heading(t("layanan.waktu"))
    say(t("layanan.waktu_standar", target=target_kata(r["target_hari_kerja"]))
        if r.get("jenis_layanan") else t("layanan.waktu_standar_tidak_ada"))
    source(r["waktu_sumber"], r[f"waktu_dasar_{lang}"])
    say(waktu_teks(r))

    # the QR code and its address at the foot of the page
    size = 38
    top = pdf.h - 14 - size
    pdf.image(io.BytesIO(qr_png(url)), x=pdf.w - pdf.r_margin - size, y=top, w=size, h=size)
    pdf.set_xy(pdf.l_margin, top + 4)
    pdf.set_font(family, "B", 11)
    pdf.multi_cell(width - size - 6, 5.6, _clean(t("layanan.lembar_qr"), uni),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 8.5)
    pdf.multi_cell(width - size - 6, 4.4, _clean(url, uni), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(width - size - 6, 4.4, _clean(t("layanan.lembar_kaki",
                                                   date=fmt.date(as_of)), uni),
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
