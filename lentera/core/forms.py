"""Pure validation of the Lapor (pengaduan) and Usulkan (usulan) forms: `{field: message_key}`.

Nothing here touches a database or Streamlit. Reference lists (categories, desa, bidang) come from
the region's reference files (`lentera.core.config.region()`). Text is plain text: HTML or script is
kept exactly as typed and must be rendered as text; only NUL/control characters are removed and
line ends unified. Message keys live in `lentera/locales/forms.toml`; `message(key)` fills in the
limits.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lentera.core import config
from lentera.core.i18n import t
from lentera.core.schema import KANAL, KLASIFIKASI

HONEYPOT_FIELD = "situs_web"  # hidden in the page; people leave it empty, form-filling bots don't
MAX_PHOTOS = 3
# Phones send 6–12 MB photos (HEIC too): up to PHOTO_MAX_MB is shrunk, not refused. The uploader
# takes up to UPLOAD_MAX_MB so that a bigger file still reaches us and is refused in our words.
PHOTO_MAX_MB = 25
UPLOAD_MAX_MB = 50
JUDUL = (10, 150)
ISI = (30, 4000)
USULAN = (10, 300)
PERMASALAHAN_MAX = 2000
BIAYA_MAX = Decimal(100_000_000_000)  # Rp100 M (miliar)
VOLUME_MAX = 1_000_000_000
EMAIL_MAX = 254
# Version of the consent text shown beside the contact field (forms.toml `consent_text`);
# stored with every contact so we can prove what the citizen agreed to (UU PDP).
CONSENT_TEXT_VERSION = "2025-01"
SATUAN = ("meter", "kilometer", "meter_persegi", "meter_kubik", "hektare", "unit", "buah",
          "paket", "titik", "lokasi", "orang", "kegiatan", "set")

# Parameters for the messages in forms.toml (one place for the numbers shown to citizens).
PARAMS = {
    "judul_min": JUDUL[0], "judul_max": JUDUL[1], "isi_min": ISI[0], "isi_max": ISI[1],
    "usulan_min": USULAN[0], "usulan_max": USULAN[1], "permasalahan_max": PERMASALAHAN_MAX,
    "max_photos": MAX_PHOTOS, "max_mb": PHOTO_MAX_MB, "upload_mb": UPLOAD_MAX_MB,
    "max_side": 2048,
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_PHONE = re.compile(r"(?:\+62|62|0)([1-9]\d{7,11})")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


# ---------------------------------------------------------------- reference lists

@lru_cache(maxsize=8)
def _rows(path: str) -> tuple[dict[str, str], ...]:
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        return tuple(csv.DictReader(fh))


def kategori_options() -> list[str]:
    """Complaint categories of the region, in file order."""
    return [r["kategori"] for r in _rows(str(config.region().path("kategori_pengaduan")))]


def kategori_target_hari_kerja(kategori: str | None) -> int | None:
    """The category's target in working days (reference file), or None when unknown."""
    for r in _rows(str(config.region().path("kategori_pengaduan"))):
        if r["kategori"] == kategori:
            return int(r["target_hari_kerja"])
    return None


def kecamatan_options() -> list[dict[str, str]]:
    """Kecamatan of the region: `kode_kecamatan`, `nama_kecamatan`."""
    rows = _rows(str(config.region().path("kecamatan")))
    return [{"kode_kecamatan": r["kode_kecamatan"], "nama_kecamatan": r["nama_kecamatan"]}
            for r in rows]


def desa_options(kode_kecamatan: str | None = None) -> list[dict[str, str]]:
    """Desa of the region (optionally of one kecamatan): codes and names."""
    rows = _rows(str(config.region().path("desa")))
    return [{k: r[k] for k in ("kode_desa", "nama_desa", "kode_kecamatan", "nama_kecamatan")}
            for r in rows if kode_kecamatan is None or r["kode_kecamatan"] == kode_kecamatan]


def desa_info(kode_desa: str | None) -> dict[str, str] | None:
    """Codes and names of one desa of the region, or None when it is not one."""
    if not isinstance(kode_desa, str):
        return None
    return _desa_index(str(config.region().path("desa"))).get(kode_desa.strip())


@lru_cache(maxsize=8)
def _desa_index(path: str) -> dict[str, dict[str, str]]:
    return {r["kode_desa"]: {k: r[k] for k in ("kode_desa", "nama_desa", "kode_kecamatan",
                                                  "nama_kecamatan")} for r in _rows(path)}


def bidang_options() -> list[str]:
    """Bidang urusan a citizen can propose to: the service sectors (urusan 1–3) of skpd.csv."""
    seen: dict[str, str] = {}
    for r in _rows(str(config.region().path("skpd"))):
        kode, nama = r.get("kode_bidang", ""), r.get("nama_bidang", "")
        # 4.xx–8.xx are support, oversight and kecamatan units, not sectors citizens fund.
        if kode[:1] in ("1", "2", "3") and nama and nama not in seen.values():
            seen[kode] = nama
    return [seen[k] for k in sorted(seen)]


def skpd_rows() -> tuple[dict[str, str], ...]:
    """The region's offices (SKPD) as rows of the reference file."""
    return _rows(str(config.region().path("skpd")))


def skpd_codes() -> set[str]:
    """Codes of the region's offices (SKPD)."""
    return {r["kode_skpd"] for r in skpd_rows()}


# ---------------------------------------------------------------- cleaning

def clean_text(value) -> str | None:
    """Text as typed, minus control characters and outer blanks; None when empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).strip()
    return text or None


def number_or_none(value) -> float | None:
    """A finite number from a widget value or typed text (`1.500.000`, `2,5`); None if not one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        x = float(value)
    elif isinstance(value, str):
        s = value.strip().replace(" ", "")
        if not s:
            return None
        try:
            x = float(s)
        except ValueError:
            # Indonesian notation: dots group thousands, a comma is the decimal mark.
            try:
                x = float(Decimal(s.replace(".", "").replace(",", ".")))
            except InvalidOperation:
                return None
    else:
        return None
    return x if math.isfinite(x) else None


# Words (and their short forms) that multiply a typed amount: "150 juta", "1,5 M", "2,5 miliar".
_MULTIPLIERS = {"ribu": 3, "rb": 3, "k": 3, "juta": 6, "jt": 6, "jta": 6, "miliar": 9,
                "milyar": 9, "m": 9, "b": 9, "triliun": 12, "t": 12}
_AMOUNT = re.compile(r"(?P<sign>-?)(?P<num>[0-9][0-9.,]*)(?P<word>[a-z]*)")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+")


def _amount_number(num: str) -> Decimal | None:
    """A number typed Indonesian-style or English-style: the mark followed by 3-digit groups
    groups thousands, the last other mark is the decimal point (rupiah never has 3 decimals)."""
    if _GROUPED.fullmatch(num) and len(set(c for c in num if c in ".,")) == 1:
        return Decimal(num.replace(".", "").replace(",", ""))
    marks = [i for i, c in enumerate(num) if c in ".,"]
    if not marks:
        return Decimal(num)
    last = marks[-1]
    whole, frac = num[:last], num[last + 1:]
    if not frac or not whole:
        return None
    if any(c == num[last] for c in whole):  # the decimal mark twice: "1,5,0"
        return None
    # what is left of the decimal mark must be plain digits or properly grouped thousands
    if not (whole.isdigit() or (_GROUPED.fullmatch(whole) and num[last] not in whole)):
        return None
    return Decimal(whole.replace(".", "").replace(",", "") + "." + frac)


def rupiah_or_none(value) -> Decimal | None:
    """An amount in rupiah from what people type: "Rp 150.000.000", "150 juta", "1,5 miliar",
    "Rp150.000.000,00", "150,000,000"; None when it is not one (the caller says so)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        x = Decimal(str(value))
        return x if x.is_finite() else None
    if not isinstance(value, str):
        return None
    s = unicodedata.normalize("NFKC", value).lower().strip()
    s = re.sub(r"^(?:rp\.?|idr)\s*", "", s)
    s = re.sub(r"(?:,-|\.-|-)$", "", s)  # "Rp 150.000,-"
    s = re.sub(r"\s+", "", s).removesuffix("rupiah")
    m = _AMOUNT.fullmatch(s)
    if not m or len(s) > 40:
        return None
    word = m["word"]
    if word and word not in _MULTIPLIERS:
        return None
    num = m["num"]
    try:
        # before a word ("1,250 miliar") a lone comma is the Indonesian decimal mark
        x = (Decimal(num.replace(",", ".")) if word and re.fullmatch(r"[0-9]+,[0-9]+", num)
             else _amount_number(num))
    except InvalidOperation:
        return None
    if x is None:
        return None
    # a minus sign is read (and then refused as out of range, which says more than "unreadable")
    x = x.scaleb(_MULTIPLIERS.get(word, 0)) * (-1 if m["sign"] else 1)
    # rupiah are counted to the sen at most
    return x.quantize(Decimal("0.01")) if x == x.quantize(Decimal("0.01")) else None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_contact(contact: dict | None) -> dict[str, str] | None:
    """`{"kind": "phone"|"email", "value": normalised}` for a valid contact; None if none/invalid.

    Phones become `+62…`; e-mail addresses are lower-cased in the domain only.
    """
    if not contact:
        return None
    raw = contact.get("value")
    if not isinstance(raw, str) or not raw.strip():
        return None
    raw = raw.strip()
    kind = contact.get("kind")
    if "@" in raw:
        if kind not in (None, "email") or len(raw) > EMAIL_MAX or not _EMAIL.fullmatch(raw):
            return None
        local, _, domain = raw.rpartition("@")
        if ".." in raw or domain.startswith("-") or local.startswith("."):
            return None
        return {"kind": "email", "value": f"{local}@{domain.lower()}"}
    m = _PHONE.fullmatch(_PHONE_SEPARATORS.sub("", raw))
    if kind not in (None, "phone") or not m:
        return None
    return {"kind": "phone", "value": "+62" + m.group(1)}


def truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "ya", "true", "yes", "y", "on")
    return bool(value)


# ---------------------------------------------------------------- validation

def _text_error(data: dict, field: str, lo: int, hi: int, required: bool) -> str | None:
    text = clean_text(data.get(field))
    if text is None:
        return "forms.err_required" if required else None
    if not lo <= len(text) <= hi:
        return f"forms.err_{field}_length"
    return None


def _common_errors(data: dict, photo_count: int, contact: dict | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _blank(data.get(HONEYPOT_FIELD)):
        errors[HONEYPOT_FIELD] = "forms.err_honeypot"

    desa = desa_info(data.get("kode_desa"))
    if _blank(data.get("kode_desa")):
        errors["kode_desa"] = "forms.err_required"
        # no desa and no kecamatan: the kecamatan (chosen first on the forms) is flagged too
        if "kode_kecamatan" in data and _blank(data.get("kode_kecamatan")):
            errors["kode_kecamatan"] = "forms.err_required"
    elif desa is None:
        errors["kode_desa"] = "forms.err_desa"
    elif not _blank(data.get("kode_kecamatan")) and data["kode_kecamatan"] != desa["kode_kecamatan"]:
        errors["kode_kecamatan"] = "forms.err_kecamatan_mismatch"

    lat_raw, lng_raw = data.get("lat"), data.get("lng")
    if not (_blank(lat_raw) and _blank(lng_raw)):
        lat, lng = number_or_none(lat_raw), number_or_none(lng_raw)
        if _blank(lat_raw) or _blank(lng_raw):
            errors["lat"] = "forms.err_point_incomplete"
        elif lat is None or lng is None:
            errors["lat"] = "forms.err_point_invalid"
        else:
            min_lng, min_lat, max_lng, max_lat = config.region().bbox
            if not (min_lat <= lat <= max_lat and min_lng <= lng <= max_lng):
                errors["lat"] = "forms.err_point_outside"

    if not isinstance(photo_count, int) or photo_count < 0 or photo_count > MAX_PHOTOS:
        errors["photos"] = "forms.err_photos_too_many"

    if contact and not _blank(contact.get("value")):
        if normalize_contact(contact) is None:
            errors["contact"] = "forms.err_contact_invalid"
        elif not truthy(contact.get("consent")):
            errors["contact"] = "forms.err_consent_required"

    kanal = data.get("kanal")
    if not _blank(kanal) and kanal not in KANAL:
        errors["kanal"] = "forms.err_kanal"
    kode_skpd = data.get("kode_skpd")
    if not _blank(kode_skpd) and kode_skpd not in skpd_codes():
        errors["kode_skpd"] = "forms.err_skpd"
    return errors


def validate_pengaduan(data: dict, photo_count: int = 0,
                       contact: dict | None = None) -> dict[str, str]:
    """Errors of a complaint form as `{field: message_key}`; empty when it can be stored."""
    errors = _common_errors(data, photo_count, contact)
    kategori = data.get("kategori")
    if _blank(kategori):
        errors["kategori"] = "forms.err_required"
    elif kategori not in kategori_options():
        errors["kategori"] = "forms.err_kategori"
    for field, (lo, hi) in (("judul", JUDUL), ("isi", ISI)):
        if err := _text_error(data, field, lo, hi, required=True):
            errors[field] = err
    klasifikasi = data.get("klasifikasi")
    if not _blank(klasifikasi) and klasifikasi not in KLASIFIKASI:
        errors["klasifikasi"] = "forms.err_klasifikasi"
    return errors


def validate_usulan(data: dict, photo_count: int = 0,
                    contact: dict | None = None) -> dict[str, str]:
    """Errors of a proposal form as `{field: message_key}`; empty when it can be stored."""
    errors = _common_errors(data, photo_count, contact)
    if err := _text_error(data, "usulan", *USULAN, required=True):
        errors["usulan"] = err
    if err := _text_error(data, "permasalahan", 0, PERMASALAHAN_MAX, required=False):
        errors["permasalahan"] = err

    volume = number_or_none(data.get("volume"))
    if _blank(data.get("volume")):
        errors["volume"] = "forms.err_required"
    elif volume is None or not 0 < volume <= VOLUME_MAX:
        errors["volume"] = "forms.err_volume"
    if _blank(data.get("satuan")):
        errors["satuan"] = "forms.err_required"
    elif data["satuan"] not in SATUAN:
        errors["satuan"] = "forms.err_satuan"

    if not _blank(data.get("perkiraan_biaya")):
        biaya = rupiah_or_none(data.get("perkiraan_biaya"))
        # one message for unreadable and out-of-range amounts: it says both what and how
        if biaya is None or not 0 < biaya <= BIAYA_MAX:
            errors["perkiraan_biaya"] = "forms.err_biaya"

    bidang = data.get("bidang_urusan")
    if _blank(bidang):
        errors["bidang_urusan"] = "forms.err_required"
    elif bidang not in bidang_options():
        errors["bidang_urusan"] = "forms.err_bidang"

    tahun = data.get("tahun_rkpd")
    if tahun is not None and (isinstance(tahun, bool) or not isinstance(tahun, int)
                              or not 2000 <= tahun <= 2100):
        errors["tahun_rkpd"] = "forms.err_tahun_rkpd"
    support_of = data.get("support_of")
    if not _blank(support_of):
        from lentera.core.tickets import normalize_ticket

        if normalize_ticket(support_of) is None:
            errors["support_of"] = "forms.err_support_of"
    return errors


def message(key: str, lang: str | None = None) -> str:
    """The text of a message key, with the form's limits filled in."""
    return t(key, lang=lang, **PARAMS)


def messages(errors: dict[str, str], lang: str | None = None) -> dict[str, str]:
    """`{field: text}` for the errors of a `validate_*` call."""
    return {field: message(key, lang) for field, key in errors.items()}
