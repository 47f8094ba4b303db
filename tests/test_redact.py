"""Tests for lentera.core.privacy: personal data goes (in any spelling), amounts, dates, codes and
place names stay; the frame version and the one-string version agree."""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lentera.core.privacy import redact_columns, redact_series, redact_text


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("NIK saya 6112051708900001 tolong", "NIK saya [NIK] tolong"),
        ("NIK: 6112 0517 0890 0001.", "NIK: [NIK]."),
        ("KK 61.12.05.170890.0001", "KK [NIK]"),
        ("NIK6112051708900001", "NIK[NIK]"),
        ("6112051708900001,6112051708900002", "[NIK],[NIK]"),
        ("hp 0812-3456-7890", "hp [TELEPON]"),
        ("wa +62 812 3456 7890!", "wa [TELEPON]!"),
        ("6281234567890", "[TELEPON]"),
        ("Telp.081234567890", "Telp.[TELEPON]"),
        ("telp (0561) 736541 kantor", "telp [TELEPON] kantor"),
        ("0812.3456.7890 dan 0813 1111 2222", "[TELEPON] dan [TELEPON]"),
        ("email budi.s@mail.co.id ya", "email [EMAIL] ya"),
        ("Hubungi A_B+x@desa.kuburaya.go.id.", "Hubungi [EMAIL]."),
        # separators and scripts that got past the old rules (issue 13)
        ("NIK 6112  0517  0890  0001 ya", "NIK [NIK] ya"),
        ("NIK 6112/0517/0890/0001", "NIK [NIK]"),
        ("NIK 6112 - 0517 - 0890 - 0001", "NIK [NIK]"),
        ("NIK ６１１２０５１７０８９００００１", "NIK [NIK]"),
        ("NIK 6112\u200b0517\u200b0890\u200b0001", "NIK [NIK]"),
        ("KK 61.12.05.17.08.90.0001", "KK [NIK]"),
        ("hp (0813) 7771-2345", "hp [TELEPON]"),
        # a dash inside the bracket: four characters between two digits (found by Hypothesis)
        ("hp (08 -) 100000000", "hp [TELEPON]"),
        ("hp (0813 -) 77712345", "hp [TELEPON]"),
        ("hp 62.813.7771.2345", "hp [TELEPON]"),
        ("hp +62 (0) 813-7771-2345", "hp [TELEPON]"),
        ("hp (+62) 813 7771 2345", "hp [TELEPON]"),
        ("hp ٠٨١٣٧٧٧١٢٣٤٥", "hp [TELEPON]"),
        ("hp 0813\u20137771\u20132345", "hp [TELEPON]"),
        ("mail budi @ contoh.id", "mail [EMAIL]"),
        ("mail budi＠contoh.id", "mail [EMAIL]"),
        ("mail budi[at]contoh[dot]id", "mail [EMAIL]"),
        # names after honorifics and role words
        ("Bapak Sutrisno Wibowo melapor", "Bapak [NAMA] melapor"),
        ("pak budi minta tolong", "pak [NAMA] minta tolong"),
        ("Bu Siti, Pak Joko.", "Bu [NAMA], Pak [NAMA]."),
        ("Ibu Hj. Rahmawati dan anaknya", "Ibu [NAMA] dan anaknya"),
        ("Sdr. Andi Saputra datang", "Sdr. [NAMA] datang"),
        ("Saudari Rina", "Saudari [NAMA]"),
        ("a.n. Siti Aminah", "a.n. [NAMA]"),
        ("transfer atas nama Budi Santoso, BRI", "transfer atas nama [NAMA], BRI"),
        ("pelapor Andi Wijaya sudah dihubungi", "pelapor [NAMA] sudah dihubungi"),
        ("Nama: Budi Santoso", "Nama: [NAMA]"),
        # home addresses and birth dates
        ("rumah di Jl. Merdeka No. 12 RT 03/RW 05, Desa Kuala Dua",
         "rumah di [ALAMAT], Desa Kuala Dua"),
        ("Gg. Damai II nomor 7A", "[ALAMAT]"),
        ("Jalan Adisucipto no 45, Sungai Raya", "[ALAMAT], Sungai Raya"),
        ("alamat: dekat masjid Al-Ikhlas. Terima kasih", "alamat: [ALAMAT]. Terima kasih"),
        ("tanggal lahir: 17-08-1990", "tanggal lahir: [TANGGAL_LAHIR]"),
        ("TTL: Pontianak, 17 Agustus 1990", "TTL: [TANGGAL_LAHIR]"),
        ("lahir 1990-08-17 di Pontianak", "lahir [TANGGAL_LAHIR] di Pontianak"),
    ],
)
def test_redacts_personal_data(raw, want):
    assert redact_text(raw) == want


@pytest.mark.parametrize(
    "raw",
    [
        "Anggaran Rp 1.500.000 dan Rp62.812.345.678 serta 628.123.456.789 rupiah",
        "RT 03/RW 05, tanggal 17/08/2025, 2025-08-17, kode 61.12.05.2001",
        "Rp 62812345678", "Tahun 2025 realisasi 95,20% dari Rp1,74 T",
        "rekening 5.1.01.01.01.0001 jam 07.30-08.00", "kode SKPD 1.02.0.00.0.00.01.0000",
        "sub kegiatan 1.01.02.2.01.0021, desa 6112052001", "", "Jalan rusak 300 meter",
        "kode SKPD 1.06.2.08.0.00.01.0000", "anggaran Rp 150.000.000 untuk 1.03.01.2.01.0001",
        "periode 2025-01-01 - 2025-12-31", "rapat 17/08/2025 pukul 09.00 WIB",
        "jalan berlubang di Jl. Ahmad Yani km 5 dekat Jalan Desa Kuala Dua",
        "Pelayanan Kesehatan Ibu Hamil dan Ibu Bersalin", "Pemberdayaan Ibu-Ibu PKK",
        "Pak Camat Sungai Raya sudah datang", "Bapak/Ibu Kepala Dinas", "nama desa Sungai Raya",
        "Pengurusan Akta Kelahiran 2025", "Kecamatan Sungai Ambawang, Desa Mega Timur",
        "Bu Kades mohon ditindaklanjuti", "LPR-2024-000001", "DPM-2025-012345",
    ],
)
def test_leaves_public_text_alone(raw):
    assert redact_text(raw) == raw


def test_reference_names_and_codes_pass_unchanged():
    """Every desa, kecamatan, SKPD, account, service and category name of the region stays."""
    from etl.reference import reference_tables
    from lentera.core import config

    seen = 0
    for name, frame in reference_tables(config.region()).items():
        for col, dtype in frame.schema.items():
            if dtype == pl.String and col != "geojson":
                for v in frame[col].drop_nulls().unique():
                    seen += 1
                    assert redact_text(v) == v, (name, col, v)
    assert seen > 500


def test_none_and_frame():
    assert redact_text(None) is None
    df = redact_columns(pl.DataFrame({"isi": ["hp 081234567890", None], "n": [1, 2]}), ["isi"])
    assert df["isi"].to_list() == ["hp [TELEPON]", None]


nik = st.from_regex(r"\A[1-9][0-9]{15}\Z")
sep = st.sampled_from(["", " ", ".", "-"])


@st.composite
def formatted_nik(draw):
    digits = draw(nik)
    s = draw(sep)
    shape = draw(st.sampled_from([(16,), (4, 4, 4, 4), (2, 2, 2, 6, 4), (6, 6, 4)]))
    out, i = [], 0
    for w in shape:
        out.append(digits[i : i + w])
        i += w
    return s.join(out)


@st.composite
def phone(draw):
    rest = draw(st.from_regex(r"\A[1-9][0-9]{8,10}\Z"))  # 8 + 9-11 digits: 10-12 after 0/62
    prefix = draw(st.sampled_from(["0", "+62 ", "62", "+62"]))
    s = draw(sep)
    body = "8" + rest
    grouped = s.join([body[:3], body[3:7], body[7:]])
    return prefix + grouped


@st.composite
def email(draw):
    user = draw(st.from_regex(r"\A[a-z][a-z0-9._]{0,10}[a-z0-9]\Z"))
    host = draw(st.from_regex(r"\A[a-z][a-z0-9]{1,10}\Z"))
    tld = draw(st.sampled_from(["com", "co.id", "go.id", "id", "org"]))
    return f"{user}@{host}.{tld}"


@st.composite
def public_fragment(draw):
    n = draw(st.integers(0, 10**13))
    y, m, d = draw(st.integers(2000, 2099)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    return draw(st.sampled_from([
        f"Rp {n:,}".replace(",", "."), f"Rp{n:,},00".replace(",", "X").replace("X", "."),
        f"{n:,}".replace(",", ".") + " rupiah", f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}",
        f"RT {d:02d}/RW {m:02d}", f"61.12.{m:02d}.2{d:03d}", f"5.1.{m:02d}.01.01.{n % 10000:04d}",
        f"tahun {y}",
    ]))


words = st.sampled_from(["jalan", "rusak", "di", "desa", "mohon", "segera", "dibantu", ",", "."])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(formatted_nik(), phone(), email()), min_size=1, max_size=3),
       st.lists(public_fragment(), min_size=1, max_size=3), st.lists(words, max_size=4),
       st.randoms(use_true_random=False))
def test_removes_every_secret_and_keeps_every_public_fragment(secrets, public, filler, rnd):
    parts = [*secrets, *public, *filler]
    rnd.shuffle(parts)
    # Parts are kept apart by a word: "2000 1000 0000 0000 0000" is ambiguous by nature.
    text = " dan ".join(parts)
    out = redact_text(text)
    for s in secrets:
        assert s not in out, (s, text, out)
    for p in public:
        assert p in out, (p, text, out)
    assert out.count("[NIK]") + out.count("[TELEPON]") + out.count("[EMAIL]") == len(secrets)


REDACT_TEXT = st.text(alphabet="0123456789 .-+()@abcRrpPe\n\u00e9", max_size=60)


@settings(max_examples=500, deadline=None)
@given(REDACT_TEXT)
def test_redact_text_agrees_with_the_polars_redact(text):
    """The one-string version (forms) and the frame version (ETL) give the same answer."""
    frame = redact_series(pl.Series([text], dtype=pl.String)).item()
    assert redact_text(text) == frame


# --- every spelling of a NIK, a phone, an e-mail (issue 13): none survives ----------------------

GAPS = ["", " ", "  ", ".", "-", "/", " - ", " / ", "\u2013", "\u00a0", "\u200b", "\u3000"]
SCRIPTS = [0x30, 0xFF10, 0x660, 0x966]  # ASCII, full-width, Arabic-Indic, Devanagari zeros


def _spell(draw, digits: str) -> str:
    """`digits` cut into random groups, random separators between them, in one script."""
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    zero = draw(st.sampled_from(SCRIPTS))
    out = parts[0]
    for part in parts[1:]:
        out += draw(st.sampled_from(GAPS)) + part
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in out)


@st.composite
def nik_spelling(draw):
    digits = draw(st.from_regex(r"\A(?:1[1-9]|[3-9][1-6])[0-9]{2}[0-9]{2}(?:0[1-9]|[1-6][0-9])"
                                r"(?:0[1-9]|1[0-2])[0-9]{2}[0-9]{4}\Z"))
    spelled = _spell(draw, digits)
    flat = unicodedata.normalize("NFKC", spelled)
    # a Gregorian date or an amount inside a NIK is not a way anyone writes one
    assume(not re.search(r"(?:19|20)\d\d[-/.]\d\d?[-/.]\d|\d[-/.]\d\d?[-/.](?:19|20)\d\d", flat))
    assume(not re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", flat))
    return digits, spelled


@st.composite
def phone_spelling(draw):
    rest = draw(st.from_regex(r"\A8[1-9][0-9]{8,10}\Z"))
    prefix = draw(st.sampled_from(["0", "+62", "62", "+62 ", "(+62) ", "+62 (0)", "(0", "+62-"]))
    body = _spell(draw, rest)
    if prefix == "(0":
        body = body[:3] + ")" + body[3:]
    return rest, prefix + body


@st.composite
def email_spelling(draw):
    user = draw(st.from_regex(r"\A[a-z][a-z0-9._]{2,10}[a-z0-9]\Z"))
    host = draw(st.from_regex(r"\A[a-z][a-z0-9]{1,10}\Z"))
    at = draw(st.sampled_from(["@", " @ ", "\uff20", "[at]", "(at)"]))
    return user, f"{user}{at}{host}.{draw(st.sampled_from(['com', 'co.id', 'id']))}"


def _digits_of(text: str) -> str:
    flat = unicodedata.normalize("NFKC", text)
    flat = re.sub(r"\d", lambda m: str(unicodedata.decimal(m.group())), flat)
    return re.sub(r"[\s./\-()+\u200b]", "", flat)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(nik_spelling(), phone_spelling(), email_spelling()), min_size=1,
                max_size=3),
       st.lists(public_fragment(), max_size=2), st.randoms(use_true_random=False))
def test_no_spelling_of_a_nik_phone_or_email_survives(secrets, public, rnd):
    parts = [s for _core, s in secrets] + public
    rnd.shuffle(parts)
    out = redact_text("laporan " + " dan ".join(parts) + " terima kasih")
    digits = _digits_of(out)
    for core, spelled in secrets:
        if core.isdigit():
            assert core not in digits, (spelled, out)
        else:
            assert core not in out, (spelled, out)
    for p in public:
        assert p in out, (p, out)


TOKEN_TEXT = st.lists(st.sampled_from([
    "Pak", "bu", "Ibu", "Bapak", "Sdr.", "a.n.", "atas nama", "Nama:", "pelapor", "Budi", "siti",
    "Hamil", "Camat", "dan", "Jl.", "Gg", "No.", "nomor", "12", "RT", "03/RW", "05", "lahir",
    "TTL:", "17-08-1990", "alamat:", "@", "x@y.id", "[at]", "0812", "3456", "7890", "+62", "62",
    "6112", "0517", "(0561)", "736541", "Rp", "1.500.000", "2025-08-17", "1.03.01.2.01.0001",
    "\uff10\uff18", "\u0668", "\u2013", ",", ".", " ", "  ", "\n", "-", "/"]), max_size=14)


@settings(max_examples=500, deadline=None)
@given(TOKEN_TEXT)
def test_frame_and_string_versions_agree_on_cue_words(tokens):
    """The Polars pre-filter never skips a value that redact_text would change."""
    text = " ".join(tokens)
    assert redact_series(pl.Series([text], dtype=pl.String)).item() == redact_text(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TOKEN_TEXT.map(" ".join), REDACT_TEXT))
def test_redaction_is_idempotent(text):
    once = redact_text(text)
    assert redact_text(once) == once
