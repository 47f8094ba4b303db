"""Redaction of personal data (UU PDP): NIK/No. KK, phones, e-mail, names, home addresses, birth dates.

One implementation, `redact_text`, on one string: the text is normalised first (Unicode NFKC,
digits of any script to ASCII, dashes, spaces and slashes unified, invisible characters
dropped), public shapes are protected (Rupiah amounts, thousands, dates), then the personal
values are replaced by readable tokens. `redact` applies it to a Polars column: a fast Rust
pre-filter picks the values that could hold personal data and only their distinct values go
through Python. `install_log_redaction` redacts every log record of the process.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import polars as pl

NIK, TELEPON, EMAIL = "[NIK]", "[TELEPON]", "[EMAIL]"
NAMA, ALAMAT, TANGGAL_LAHIR = "[NAMA]", "[ALAMAT]", "[TANGGAL_LAHIR]"
TOKENS = (NIK, TELEPON, EMAIL, NAMA, ALAMAT, TANGGAL_LAHIR)

# --- normalisation ---------------------------------------------------------------------------

_SEPARATORS = str.maketrans(
    {**dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d", "-"),
     **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                     "\u2009\u200a\u202f\u205f\u3000", " "),
     **dict.fromkeys("\u00b7\u2027\u2219\u30fb\uff65", "."),
     **dict.fromkeys("\u2044\u2215\uff0f", "/"),
     **dict.fromkeys("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff", None)})
# Python's \d is every Unicode decimal digit; the ASCII ones stay as they are.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def normalise(s: str) -> str:
    """NFKC, digits of any script as ASCII, one kind of dash/space/slash, no invisible characters."""
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKC", s).translate(_SEPARATORS)
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), s)


# --- public shapes that must survive (protected behind private-use markers) -------------------

_MARK = {".": "\ue000", "-": "\ue002", "/": "\ue003"}
_UNMARK = str.maketrans({"\ue000": ".", "\ue001": "", "\ue002": "-", "\ue003": "/"})
_NOT_AFTER_MARK = "0-9\ue000-\ue003"
_RP = re.compile(r"(?i)(?<![a-z])(rp\.?[ \t]*)([0-9][0-9.,]*)")
# 1.500.000 / 62.812.345.678: 1-3 digits, then groups of exactly three (62.813.7771.2345 is not).
_THOUSANDS = re.compile(r"(?<![0-9.,\ue000-\ue003])[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?![0-9]|\.[0-9])")
_DATE_ISO = re.compile(r"(?<![0-9./\-])(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
                       r"(?![0-9]|[./\-][0-9])")
_DATE_DMY = re.compile(r"(?<![0-9./\-])(?:0?[1-9]|[12][0-9]|3[01])([/.\-])(?:0?[1-9]|1[0-2])\1"
                       r"(?:19|20)[0-9]{2}(?![0-9]|[./\-][0-9])")

# Government codes: SKPD 1.06.2.08.0.00.01.0000, rekening 5.1.01.01.01.0001, desa 61.12.05.2001.
_CODE = re.compile(r"(?<![0-9.])[0-9]{1,2}(?:\.[0-9]{1,2}){2,}(?:\.[0-9]+)*"
                   r"(?![0-9]|[ \t./\-]{1,3}[0-9])")


def _mark(m: re.Match) -> str:
    return "".join(_MARK.get(ch, ch) for ch in m.group())


def _protect(s: str) -> str:
    """Rupiah amounts, dates and government codes behind markers (thousands come after NIK)."""
    s = _RP.sub(lambda m: m.group(1) + "\ue001" + m.group(2).replace(".", "\ue000"), s)
    s = _DATE_ISO.sub(_mark, s)
    s = _DATE_DMY.sub(_mark, s)
    # 16 digits in code style (61.12.05.17.08.90.0001) is a NIK: no code is that long.
    return _CODE.sub(lambda m: m.group() if sum(map(str.isdigit, m.group())) == 16 else _mark(m), s)


# --- numbers and e-mail ----------------------------------------------------------------------

# Between two digits: up to three spaces, dots, slashes or dashes ("  ", " - ", "/", ".").
_GAP = r"[ \t./\-]{0,3}"
# Phones may also wrap the area or mobile prefix in brackets: (0813) 7771-2345, (0813 -) 7771…;
# a bracket after a dash and a space makes four characters between two digits.
_PGAP = r"[ \t./\-()]{0,4}"
_NIK = re.compile(rf"(?<![{_NOT_AFTER_MARK}])[0-9](?:{_GAP}[0-9]){{15}}(?![0-9])")
# Mobile: 08…, +62 8…, 62 8…, (+62) 8…, +62 (0) 8…; 7-12 digits after the 8.
_MOBILE = rf"(?:\(?(?:\+[ \t]?)?62(?:{_PGAP}0)?|\(?0){_PGAP}8(?:{_PGAP}[0-9]){{7,12}}"
# Landline: (0561) 736541, 0561-736541, 021 5551234, +62 561 736541.
_LANDLINE = (rf"(?:\(?0|\(?\+[ \t]?62{_PGAP})[2-9][0-9]{{1,2}}\)?{_PGAP}[0-9]"
             rf"(?:[ .\-]?[0-9]){{4,7}}")
_PHONE = re.compile(rf"(?<![{_NOT_AFTER_MARK}])(?:{_MOBILE}|{_LANDLINE})(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[ \t]?(?:@|\[at\]|\(at\))[ \t]?[A-Za-z0-9\-]+"
                    r"(?:(?:\.|\[dot\]|\(dot\))[A-Za-z0-9\-]+)*(?:\.|\[dot\]|\(dot\))[A-Za-z]{2,}",
                    re.IGNORECASE)

# --- birth dates, addresses, names -----------------------------------------------------------

_MONTH = r"(?:jan|feb|mar|apr|mei|may|jun|jul|agu|agt|aug|sep|okt|oct|nov|des|dec)[a-z]*\.?"
_A_DATE = (r"(?:[0-9]{1,2}[ \t]*[-/.][ \t]*[0-9]{1,2}[ \t]*[-/.][ \t]*[0-9]{2,4}"
           rf"|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}[ \t]+{_MONTH}[ \t]+[0-9]{{4}})")
_LAHIR = re.compile(
    r"(?i)(?<![^\W\d_])((?:tempat[ \t,/]*)?(?:tanggal[ \t]+|tgl\.[ \t]*|tgl[ \t]+)lahir|ttl|lahir"
    r"(?:[ \t]+(?:pada|tanggal|tgl\.?))?)(?![^\W\d_])([ \t]*[:,]?[ \t]*)"
    rf"((?:(?:di[ \t]+)?[^\W\d_][^\W\d_ .]*(?:[ \t][^\W\d_]+){{0,2}}[ \t]*,[ \t]*)?{_A_DATE})")
_STREET = (r"(?:jl|jln|jalan|gg|gang|komp|komplek|kompleks|perum|perumahan|blok|lorong|lrg)")
_ADDRESS = re.compile(
    rf"(?i)(?<![^\W\d_]){_STREET}(?:\.[ \t]*|[ \t]+)(?:[\w'’.\-]+[ \t]*){{1,6}}?,?[ \t]*"
    r"(?:no|nomor|nomer)\.?[ \t]*:?[ \t]*[0-9]+[a-z]?(?:[ \t]*[/\-][ \t]*[0-9a-z]+)?"
    r"(?:[ \t]*,?[ \t]*rt\.?[ \t]*[0-9]+[ \t]*[/,]?[ \t]*rw\.?[ \t]*[0-9]+)?(?![0-9])")
_ALAMAT_LABEL = re.compile(
    r"(?i)(?<![^\W\d_])(alamat(?:[ \t]+(?:rumah|saya|lengkap|pelapor|pemohon|tinggal))*"
    r"[ \t]*:[ \t]*)([^\n;]{3,80}?)(?=[ \t]*(?:[\n;]|\.[ \t]|\.?$))")
_HONORIFIC = (r"bapak|bpk\.?|pak|ibu|bu|sdr[ai]?\.?|saudara|saudari|tn\.|ny\.|nn\.|mas|mbak"
              r"|a\.[ \t]?n\.?|an\.|atas[ \t]+nama|pelapor|pemohon|bernama"
              r"|nama(?:[ \t]+(?:saya|lengkap|pelapor|pemohon))?")
_NAME_CUE = re.compile(
    rf"(?i)(?<![^\W\d_])(?P<cue>{_HONORIFIC})(?P<gap>[ \t]*:[ \t]*|[ \t]+|(?<=\.))"
    r"(?P<rest>[^\W\d_][^\s]*(?:[ \t]+[^\s]+){0,4})")
_TITLES = frozenset("h hj dr drs dra ir prof kh st m muh moh mr mrs".split())
# Words that follow an honorific without being a name: office-holders (kept, their office is
# public), budget and health terms ("Ibu Hamil"), and everyday words of complaints.
_ROLES = frozenset("""
    camat lurah kades kadus kepala kadis kabid kasi kasubag sekda sekdes sekcam bupati wakil wabup
    gubernur presiden menteri dprd dewan anggota ketua sekretaris bendahara rt rw dusun babinsa
    bhabinkamtibmas kapolsek danramil kapolres dandim dokter bidan perawat guru ustadz ustad kyai
    pendeta pastor mantri petugas pegawai staf operator admin direktur kapus pj plt pjs pimpinan
    pejabat kabag kasat penyuluh pendamping polisi tentara satpam hakim jaksa camatnya kadesnya
    """.split())
_STOP = frozenset("""
    dan atau yang di ke dari untuk dengan pada karena agar supaya saya kami kita kamu anda dia
    mereka ini itu tersebut sudah belum tidak tak bukan akan sedang telah masih juga pun mohon
    tolong minta meminta harap harapkan segera cepat terima kasih sebagai sebab jadi lalu kemudian
    tapi tetapi namun bahwa apa siapa kapan mana bagaimana mengapa kenapa adalah ialah yaitu
    ada punya bisa dapat harus perlu mau ingin hanya saja sangat lebih kurang semua setiap para
    sering selalu pernah baru lama hari bulan tahun minggu jam pagi siang sore malam kemarin
    besok sekarang nanti tadi warga masyarakat rakyat penduduk anak anaknya istri suami keluarga
    hamil bersalin nifas menyusui balita lansia kota negara pertiwi rumah tangga asuh angkat
    pkk dharma wanita posyandu puskesmas sekolah kantor desa kecamatan kabupaten provinsi
    dinas badan bagian bidang seksi unit tim saja sih dong ya yah lah deh kok nih tuh
    sehat kesehatan pelayanan pemberdayaan perlindungan menyampaikan melaporkan lapor laporan
    bilang kata katanya mengatakan datang pergi tinggal bekerja kerja tidur makan bantu
    membantu dibantu bantuan memperbaiki diperbaiki perbaiki cek periksa tindak lanjut
    tindaklanjuti respon merespon menanggapi tanggapi jawab menjawab yth terhormat
    """.split())


def _word(token: str) -> str:
    return token.strip(",.;:!?()\"'’[]").lower()


def _name(m: re.Match) -> str:
    cue, gap, rest = m.group("cue"), m.group("gap"), m.group("rest")
    if cue.lower() == "nama" and ":" not in gap:
        return cue + gap + _NAME_CUE.sub(_name, rest)  # "nama desa": only "Nama: …" is a person
    tokens = list(re.finditer(r"\S+", rest))
    capitalised = tokens[0].group()[:1].isupper()
    end, count = 0, 0
    for tok in tokens:
        text, word = tok.group(), _word(tok.group())
        if not word or not word[0].isalpha():
            break
        if not count and word in _TITLES and text.endswith("."):
            continue  # H., Hj., Dr. before the name
        if word in _STOP or word in _ROLES or (count and capitalised and not text[0].isupper()):
            break
        count += 1
        end = tok.start() + len(text.rstrip(",;:!?)\"'’."))
        if count == 3 or text[-1] in ",;:!?)\"'’.":
            break
    # The words after the name may hold the next cue ("Bu Siti, Pak Joko").
    return cue + gap + (NAMA if count else "") + _NAME_CUE.sub(_name, rest[end:])


_PHONE_EARLY = re.compile(rf"(?<![0-9.,\ue000-\ue003])(?:{_MOBILE})(?![0-9])")
_AMOUNT_SHAPE = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")


def _phone_unless_amount(m: re.Match) -> str:
    return m.group() if _AMOUNT_SHAPE.fullmatch(m.group().strip()) else TELEPON


_EIGHT_DIGITS = re.compile(r"[0-9](?:[^0-9\n]{0,4}[0-9]){7}")
_NUMBER_MARK = re.compile(r"(?i)(?:no|nomor|nomer)\.?[ \t]*:?[ \t]*[0-9]")


# --- the pass --------------------------------------------------------------------------------

def redact_text(s: str | None) -> str | None:
    """Text with personal data replaced by [NIK], [TELEPON], [EMAIL], [NAMA], [ALAMAT], [TANGGAL_LAHIR].

    Applied until nothing changes (at most three passes): a replacement can uncover another cue
    ("Pak atas nama Pak atas nama Pak"), and redacting twice must give the same text.
    """
    if s is None:
        return None
    text = _redact_once(s)
    for _ in range(3):
        again = _redact_once(text)
        if again == text:
            break
        text = again
    return text


def _redact_once(s: str) -> str:
    text = normalise(s)
    lower = text.lower()
    # Cheap gates first: most texts hold no cue for the slower patterns.
    if "lahir" in lower or "ttl" in lower:
        text = _LAHIR.sub(lambda m: m.group(1) + m.group(2) + TANGGAL_LAHIR, text)
    if "@" in text or "at]" in lower or "at)" in lower:
        text = _EMAIL.sub(EMAIL, text)
    text = _protect(text)
    if _EIGHT_DIGITS.search(text):
        # NIK before thousands: "6112 0517 891.000 1234" is one number, not an amount in one.
        # A mobile number grouped with dots ("081 10.000 000") is not an amount: take it before
        # thousands are shielded, unless the whole match is itself a thousands-grouped amount.
        text = _PHONE_EARLY.sub(_phone_unless_amount, _NIK.sub(NIK, text))
        text = _THOUSANDS.sub(_mark, text)
        text = _PHONE.sub(TELEPON, text)
    if _NUMBER_MARK.search(text):
        text = _ADDRESS.sub(ALAMAT, text)
    if "alamat" in lower:
        text = _ALAMAT_LABEL.sub(lambda m: m.group(1) + ALAMAT, text)
    text = _NAME_CUE.sub(_name, text)
    return text.translate(_UNMARK)


# A value that matches none of these is returned unchanged by redact_text (tests check it):
# non-ASCII (normalisation), an e-mail sign, 16 chained digits, a phone-like start with 7 more
# digits, or a cue word of a name, an address or a birth date.
_CANDIDATE = (
    r"(?i)[^\x00-\x7F]|@|\[at\]|\(at\)"
    r"|[0-9](?:[ \t./\-]{0,3}[0-9]){15}"
    r"|(?:^|[^0-9])[+(]?[ \t]?(?:62|0)(?:[ \t./\-()]{0,4}[0-9]){7}"
    r"|(?:^|[^\p{L}])(?:bapak|bpk|pak|ibu|bu|sdr[ai]?|saudara|saudari|tn|ny|nn|mas|mbak|a\.[ \t]?n"
    r"|an|atas|pelapor|pemohon|bernama|nama|alamat|lahir|ttl|" + _STREET[3:-1] + r")(?:[^\p{L}]|$)"
)


def redact_series(s: pl.Series) -> pl.Series:
    """`redact_text` on every value of a text Series (None stays None), on the calling thread.

    Vectorised: only values that look like a candidate reach Python (see core/frames.py for why
    no Python runs inside a Polars expression)."""
    s = s.cast(pl.String)
    hit = s.str.contains(_CANDIDATE).fill_null(False)
    if not hit.any():
        return s
    changed = {v: r for v in s.filter(hit).unique().to_list() if (r := redact_text(v)) != v}
    return s.replace(changed) if changed else s


def redact_columns(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """The frame with `redact_text` applied to every value of the named text columns."""
    return frame.with_columns(redact_series(frame[n]) for n in names)


# --- logs ------------------------------------------------------------------------------------

_FORMATTER = logging.Formatter()


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the message, its arguments and any traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> None:
    """Replace a record's message (arguments merged in) and traceback by their redacted text."""
    if getattr(record, "_lentera_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string must not hide the message
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact_text(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact_text(_FORMATTER.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    record._lentera_redacted = True


def install_log_redaction() -> None:
    """Redact every log record this process creates, whatever logger or handler it goes to."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "lentera_redacts", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.lentera_redacts = True
    logging.setLogRecordFactory(factory)
