"""The independent oracle (issue 12, item 9): each Beranda figure and one or two figures per
dashboard recomputed FROM THE RAW FIXTURE FILES with plain Polars and numpy, following only the
written rules (measure docs in semantic.sql, METHODS texts, docs/INPUT_FORMATS.md), then compared
with what the page shows (AppTest). Nothing here reads the warehouse, the semantic layer, a
lentera query function or an etl parser; tests/oracle/raw.py reads the files by the written rules.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

import holidays
import numpy as np
import polars as pl
import pytest
from oracle import raw as oracle_raw
from test_app import DEFAULT_PAGE, run_app, texts

from lentera.core import fmt
from lentera.core.i18n import set_lang, t
from lentera.figures import layanan as lembar

MIN_CASES = 20  # "Rankings need a minimum number of cases (default 20)" (DESIGN.md)
LANG = "id"


# --- the raw files, read once per fixture ----------------------------------------------------

@cache
def _sources(raw: Path) -> dict[str, tuple[pl.DataFrame, list]]:
    return {s: oracle_raw.read(raw, s) for s in oracle_raw.SOURCES}


def rows(raw: Path, source: str) -> pl.DataFrame:
    """The rows of a source that the written rules accept."""
    return _sources(raw)[source][0]


def as_of(raw: Path) -> dt.date:
    """The data's date: the as_of the sample generator wrote beside its files."""
    return dt.date.fromisoformat(json.loads((raw / "SAMPLE.json").read_text())["as_of"])


# --- working days (semantic.sql, sla_pengaduan: "Hari kerja adalah Senin–Jumat kecuali libur
# nasional Indonesia dan cuti bersama"; idx(end) − idx(start), a weekend start counts from the
# next working day) --------------------------------------------------------------------------------

@cache
def _libur() -> np.ndarray:
    days = set(holidays.country_holidays("ID", years=range(2015, 2031)).keys())
    days |= set(oracle_raw.reference("cuti_bersama.csv")["tanggal"].str.to_date().to_list())
    return np.array(sorted(days), dtype="datetime64[D]")


def working_days(start: pl.Series, end: pl.Series) -> pl.Series:
    """Working days after `start` up to and including `end` (never below 0; null stays null)."""
    ok = (start.is_not_null() & end.is_not_null()).to_numpy()
    a = start.to_numpy()[ok].astype("datetime64[D]")
    b = end.to_numpy()[ok].astype("datetime64[D]")
    out = np.full(len(start), np.nan)
    # idx(b) - idx(a) = working days in (a, b] = busday_count(a + 1, b + 1)
    out[ok] = np.maximum(np.busday_count(a + 1, b + 1, holidays=_libur()), 0)
    return pl.Series(out).fill_nan(None).cast(pl.Int64)


# --- complaints --------------------------------------------------------------------------------

def pengaduan_sla(raw: Path) -> pl.DataFrame:
    """Complaints received on or before as_of with their SLA (semantic.sql sla_pengaduan and
    terbuka_pada): an end date after as_of is not known yet; ended statuses without an end date
    are neither open nor measured; gross = working days from receipt to the end (or as_of), net
    = gross minus the paused days (never below 0); target by category (kategori_pengaduan.csv);
    on time = finished and days ≤ target; open = neither finished by as_of nor ended."""
    d = as_of(raw)
    target = oracle_raw.reference("kategori_pengaduan.csv").select(
        pl.col("kategori").str.strip_chars().str.to_lowercase().alias("kunci"),
        pl.col("target_hari_kerja").cast(pl.Int64).alias("target"))
    p = (rows(raw, "pengaduan")
         .filter(pl.col("tanggal_masuk") <= d)
         .with_columns(
             berakhir=pl.col("status").is_in(oracle_raw.ENDED_PENGADUAN)
             & pl.col("tanggal_selesai").is_null(),
             selesai=pl.when(pl.col("tanggal_selesai") <= d).then(pl.col("tanggal_selesai")),
             kunci=pl.col("kategori").str.strip_chars().str.to_lowercase(),
             ditunda=pl.col("hari_ditunda").fill_null(0).clip(lower_bound=0))
         .join(target, on="kunci", how="left"))
    kotor = working_days(p["tanggal_masuk"], p["selesai"].fill_null(d))
    p = p.with_columns(kotor=pl.when(~pl.col("berakhir")).then(kotor))
    p = p.with_columns(hk=(pl.col("kotor") - pl.col("ditunda")).clip(lower_bound=0))
    judged = pl.col("selesai").is_not_null() & pl.col("target").is_not_null()
    return p.with_columns(
        tepat=pl.when(judged).then(pl.col("hk") <= pl.col("target")),
        tepat_kotor=pl.when(judged).then(pl.col("kotor") <= pl.col("target")),
        lewat=(pl.col("hk") - pl.col("target")).clip(lower_bound=0),
        terbuka=~pl.col("berakhir") & pl.col("selesai").is_null(),
    )


def on_time_share(frame: pl.DataFrame, column: str) -> float | None:
    """rasio_tepat_waktu: on-time cases ÷ finished cases that have a target."""
    judged = frame[column].drop_nulls()
    return judged.mean() if judged.len() else None


def pengaduan_beranda(raw: Path) -> dict:
    """Beranda's complaint figures (METHODS beranda.metode, beranda_pengaduan's written rule):
    the flow is the complaints received in the year of as_of and what became of those same
    complaints by as_of; the backlog is the stock open on as_of, whatever year received."""
    d = as_of(raw)
    k = pengaduan_sla(raw)
    year = k.filter(pl.col("tanggal_masuk").dt.year() == d.year)
    stock = k.filter(pl.col("terbuka"))
    return {
        "diterima": year.height,
        "selesai": year.filter(pl.col("selesai").is_not_null()).height,
        "berakhir": year.filter(pl.col("selesai").is_null() & ~pl.col("terbuka")).height,
        "terbuka": year.filter(pl.col("terbuka")).height,
        "dinilai": year["tepat"].drop_nulls().len(),
        "tepat": on_time_share(year, "tepat"),
        "tepat_kotor": on_time_share(year, "tepat_kotor"),
        "tunggakan": stock.height,
        "tunggakan_lewat": stock.filter(pl.col("lewat") > 0).height,
        "tunggakan_lama": stock.filter(pl.col("tanggal_masuk").dt.year() < d.year).height,
    }


def pengaduan_on_time(raw: Path, year: int) -> tuple[float | None, float | None]:
    """The Pengaduan page's on-time rate, net and gross of pauses, for complaints received in
    `year` (rasio_tepat_waktu over sla_pengaduan; base: year received, as of the data's date)."""
    k = pengaduan_sla(raw).filter(pl.col("tanggal_masuk").dt.year() == year)
    return on_time_share(k, "tepat"), on_time_share(k, "tepat_kotor")


# --- permits -----------------------------------------------------------------------------------

def _service_names() -> dict[str, tuple[str, int | None]]:
    """Folded service name or alias → (service, target working days) from standar_layanan.csv."""
    out = {}
    for r in oracle_raw.reference("standar_layanan.csv").iter_rows(named=True):
        target = int(r["target_hari_kerja"]) if r["target_hari_kerja"] else None
        for name in [r["jenis_layanan"], *(r["aliases"] or "").split("|")]:
            if name.strip():
                out[name.strip().lower()] = (r["jenis_layanan"], target)
    return out


def perizinan_sla(raw: Path) -> pl.DataFrame:
    """Applications received on or before as_of with their outcome and SLA (hasil_perizinan,
    sla_perizinan): terbit = an end date and not rejected/returned/withdrawn; tidak_terbit =
    rejected/returned/withdrawn; the net clock starts at the complete file (else the application
    date), the gross clock at the application date; both stop at the end date (or as_of)."""
    d = as_of(raw)
    names = _service_names()
    p = rows(raw, "perizinan").filter(pl.col("tanggal_permohonan") <= d)
    matched = [names.get(s.strip().lower(), (s, None)) for s in p["jenis_layanan"]]
    p = p.with_columns(
        layanan=pl.Series([m[0] for m in matched]),
        target=pl.Series([m[1] for m in matched], dtype=pl.Int64),
        selesai=pl.when(pl.col("tanggal_selesai") <= d).then(pl.col("tanggal_selesai")),
        mulai=pl.coalesce("tanggal_berkas_lengkap", "tanggal_permohonan"),
        tidak_terbit=pl.col("status").is_in(oracle_raw.ENDED_PERIZINAN),
    )
    end = p["selesai"].fill_null(d)
    return p.with_columns(
        hasil=pl.when(pl.col("tidak_terbit")).then(pl.lit("tidak_terbit"))
        .when(pl.col("selesai").is_not_null()).then(pl.lit("terbit")).otherwise(pl.lit("proses")),
        hk=working_days(p["mulai"], end), kotor=working_days(p["tanggal_permohonan"], end),
    )


def perizinan_beranda(raw: Path) -> dict:
    """Beranda's permit figures: applications received in the year of as_of and, of those same
    applications, issued / rejected, returned or withdrawn / still in process on as_of."""
    d = as_of(raw)
    z = perizinan_sla(raw).filter(pl.col("tanggal_permohonan").dt.year() == d.year)
    return {
        "masuk": z.height,
        "terbit": z.filter(pl.col("hasil") == "terbit").height,
        "ditolak": z.filter(pl.col("hasil") == "tidak_terbit").height,
        "diproses": z.filter(pl.col("hasil") == "proses").height,
    }


def perizinan_median(raw: Path, service: str) -> dict:
    """"How long will mine take" for one service (hasil_perizinan; sla_perizinan): median and
    90th percentile of net working days and median gross days of the ISSUED applications
    received in the year of as_of, the service's standard, and whether there are enough."""
    z = perizinan_sla(raw).filter(
        (pl.col("tanggal_permohonan").dt.year() == as_of(raw).year)
        & (pl.col("layanan") == service) & (pl.col("hasil") == "terbit"))
    return {"n": z.height, "median": z["hk"].median(),
            "p90": z["hk"].quantile(0.9, interpolation="linear"),
            "median_kotor": z["kotor"].median(), "target": z["target"][0] if z.height else None}


# --- budget ------------------------------------------------------------------------------------

def stage_in_force(anggaran: pl.DataFrame, year: int) -> str:
    """tahap_efektif: perubahan when the year has any perubahan line, else murni."""
    stages = anggaran.filter(pl.col("tahun") == year)["tahap"]
    return "perubahan" if (stages == "perubahan").any() else "murni"


def _sum(frame: pl.DataFrame, column: str, prefix: str) -> float:
    return float(frame.filter(pl.col("kode_rekening").str.starts_with(prefix))[column].sum())


def absorption(raw: Path, year: int, stage: str, month: int, prefix: str) -> dict:
    """serapan: realisation January to `month` ÷ the pagu of `stage` (pagu_baris); last year is
    read at the same stage to the same month (pagu_tahun_lalu), none when it lacks that stage."""
    ang, real = rows(raw, "anggaran"), rows(raw, "realisasi")

    def side(y: int) -> tuple[float | None, float]:
        lines = ang.filter((pl.col("tahun") == y) & (pl.col("tahap") == stage))
        r = real.filter((pl.col("tahun") == y) & (pl.col("bulan") <= month))
        return (_sum(lines, "pagu", prefix) if lines.height else None), _sum(r, "realisasi", prefix)

    pagu, realisasi = side(year)
    pagu_l, realisasi_l = side(year - 1)
    return {"pagu": pagu, "realisasi": realisasi,
            "persen": realisasi / pagu if pagu else None,
            "persen_lalu": realisasi_l / pagu_l if pagu_l else None}


def last_month(raw: Path, year: int) -> int:
    """"Per akhir <bulan>": the latest month of the year with recorded realisation."""
    return rows(raw, "realisasi").filter(pl.col("tahun") == year)["bulan"].max()


def anggaran_beranda(raw: Path) -> dict:
    """Beranda's budget: the latest budget year at its stage in force, belanja (account 5) and
    pendapatan (account 4), and last year's belanja absorption at its stage in force."""
    ang = rows(raw, "anggaran")
    year = ang["tahun"].max()
    month = last_month(raw, year)
    belanja = absorption(raw, year, stage_in_force(ang, year), month, "5")
    pendapatan = absorption(raw, year, stage_in_force(ang, year), month, "4")
    last = absorption(raw, year - 1, stage_in_force(ang, year - 1), month, "5")
    return {"tahun": year, "belanja": belanja, "pendapatan": pendapatan,
            "tahap_lalu": stage_in_force(ang, year - 1), "serapan_lalu": last["persen"]}


# --- musrenbang ----------------------------------------------------------------------------------

def _folded(text: str | None) -> str:
    """lipat_nama's written rule: lower case, other characters → one space, padded."""
    return " " + re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip() + " "


def _bidang_of(text: str | None) -> str | None:
    """The bidang urusan code ("1.03") at the start of a code or a written bidang."""
    m = re.match(r"^([0-9]\.[0-9]{2})([^0-9]|$)", (text or "").strip())
    return m[1] if m else None


def funded_proposals(raw: Path, year: int | None = None) -> pl.DataFrame:
    """Proposals counted as funded (INPUT_FORMATS "Proposal to budget link", tautan_usulan): not
    refused; the code is in the APBD of the plan year (any stage); same bidang urusan (code at
    the start of bidang_urusan, else its name in skpd.csv, else the target office's bidang);
    and, when the sub kegiatan's name names a kecamatan of the region, the proposal's."""
    usulan = rows(raw, "usulan")
    if year is not None:
        usulan = usulan.filter(pl.col("tahun_rkpd") == year)
    ang = rows(raw, "anggaran").filter(pl.col("kode_sub_kegiatan").is_not_null())
    subs = {(y, k): n for y, k, n in ang.group_by("tahun", "kode_sub_kegiatan")
            .agg(pl.col("nama_sub_kegiatan").first()).iter_rows()}
    skpd = oracle_raw.reference("skpd.csv")
    by_name = {n.strip().lower(): b for n, b in skpd.group_by("nama_bidang")
               .agg(pl.col("kode_bidang").min()).iter_rows() if n}
    office = dict(skpd.select("kode_skpd", "kode_bidang").iter_rows())
    kec = oracle_raw.reference("wilayah_kecamatan.csv").select("kode_kecamatan", "nama_kecamatan")
    keep = []
    for u in usulan.iter_rows(named=True):
        code = u["kode_sub_kegiatan"]
        if not code or u["status"] in oracle_raw.REFUSED_USULAN or (u["tahun_rkpd"], code) not in subs:
            continue
        bidang = (_bidang_of(u["bidang_urusan"])
                  or by_name.get((u["bidang_urusan"] or "").strip().lower())
                  or _bidang_of(office.get(u["kode_skpd_tujuan"])))
        if bidang != _bidang_of(code):
            continue
        name = _folded(subs[(u["tahun_rkpd"], code)])
        named = [k for k, n in kec.iter_rows() if " kecamatan" + _folded(n) in name]
        if named and u["kode_kecamatan"] not in named:
            continue
        keep.append(u)
    return pl.DataFrame(keep, schema=usulan.schema)


def money_once(raw: Path, year: int | None = None) -> dict:
    """uang_usulan: the effective pagu and the year's realisation of each sub kegiatan that funds
    a proposal, counted once per sub kegiatan and year however many proposals it funds."""
    funded = funded_proposals(raw, year)
    ang, real = rows(raw, "anggaran"), rows(raw, "realisasi")
    pagu = realisasi = 0.0
    pairs = sorted(set(funded.select("tahun_rkpd", "kode_sub_kegiatan").iter_rows()))
    for y, code in pairs:
        stage = stage_in_force(ang, y)
        pagu += float(ang.filter((pl.col("tahun") == y) & (pl.col("tahap") == stage)
                                 & (pl.col("kode_sub_kegiatan") == code))["pagu"].sum())
        realisasi += float(real.filter((pl.col("tahun") == y)
                                       & (pl.col("kode_sub_kegiatan") == code))["realisasi"].sum())
    return {"sub": len(pairs), "usulan": funded.height, "pagu": pagu, "realisasi": realisasi}


# --- the pages -----------------------------------------------------------------------------------

def metric(at, label_key: str, **kw):
    """The st.metric whose label is t(label_key)."""
    label = t(label_key, lang=LANG, **kw)
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}"
    return found[0]


def test_reader_rejects_what_the_rules_reject(warehouse_env):
    """Each source has rejected rows by the written rules, and Beranda's count of rejected
    rows equals ours (the door: bad amounts, dates, years, statuses, contradicting dates...)."""
    srcs = _sources(warehouse_env.raw)
    assert all(frame.height for frame, _ in srcs.values())
    rejected = sum(len(bad) for _, bad in srcs.values())
    assert any("status bertentangan" in reason for _, bad in srcs.values() for *_, reason in bad)
    at = run_app(DEFAULT_PAGE, LANG)
    assert t("beranda.muat_rejected", lang=LANG, ditolak=fmt.number(rejected, lang=LANG)) \
        in texts(at.caption)


def test_beranda_every_figure(warehouse_env):
    """Every Beranda figure (budget, complaints flow and stock, permits, proposals) equals the
    oracle's, formatted as the page formats it."""
    raw = warehouse_env.raw
    b, p, z = anggaran_beranda(raw), pengaduan_beranda(raw), perizinan_beranda(raw)
    assert p["diterima"] and p["tunggakan_lama"] and z["terbit"] and z["ditolak"]
    at = run_app(DEFAULT_PAGE, LANG)

    def shown(key: str, **kw) -> str:
        return metric(at, f"beranda.{key}", **kw).value

    assert shown("pagu_belanja") == fmt.rupiah(b["belanja"]["pagu"], lang=LANG)
    assert shown("realisasi_belanja") == fmt.rupiah(b["belanja"]["realisasi"], lang=LANG)
    assert shown("serapan_belanja") == fmt.percent(b["belanja"]["persen"], lang=LANG)
    poin = fmt.number((b["belanja"]["persen"] - b["serapan_lalu"]) * 100, 1, lang=LANG)
    assert metric(at, "beranda.serapan_belanja").delta == t(
        "beranda.poin_vs", lang=LANG, poin=poin, tahun=b["tahun"] - 1,
        tahap=t(f"beranda.tahap_{b['tahap_lalu']}", lang=LANG))
    assert shown("target_pendapatan") == fmt.rupiah(b["pendapatan"]["pagu"], lang=LANG)
    assert shown("realisasi_pendapatan") == fmt.rupiah(b["pendapatan"]["realisasi"], lang=LANG)
    assert shown("capaian_pendapatan") == fmt.percent(b["pendapatan"]["persen"], lang=LANG)

    assert shown("pengaduan_total") == fmt.number(p["diterima"], lang=LANG)
    assert shown("pengaduan_selesai") == fmt.number(p["selesai"], lang=LANG)
    assert shown("pengaduan_berakhir") == fmt.number(p["berakhir"], lang=LANG)
    assert shown("pengaduan_terbuka") == fmt.number(p["terbuka"], lang=LANG)
    assert shown("pengaduan_tepat_waktu") == fmt.percent(p["tepat"], lang=LANG)
    assert shown("pengaduan_tepat_waktu_kotor") == fmt.percent(p["tepat_kotor"], lang=LANG)
    per = fmt.date(as_of(raw), lang=LANG)
    assert shown("tunggakan", per=per) == fmt.number(p["tunggakan"], lang=LANG)
    assert t("beranda.tunggakan_dasar", lang=LANG, per=per, tahun=as_of(raw).year,
             lama=fmt.number(p["tunggakan_lama"], lang=LANG),
             lewat=fmt.number(p["tunggakan_lewat"], lang=LANG)) in texts(at.caption)

    assert shown("perizinan_masuk") == fmt.number(z["masuk"], lang=LANG)
    assert shown("perizinan_terbit") == fmt.number(z["terbit"], lang=LANG)
    assert shown("perizinan_ditolak") == fmt.number(z["ditolak"], lang=LANG)
    assert shown("perizinan_diproses") == fmt.number(z["diproses"], lang=LANG)

    u = rows(raw, "usulan")
    u = u.filter(pl.col("tahun_rkpd") == u["tahun_rkpd"].max())
    assert shown("usulan_jumlah") == fmt.number(u.height, lang=LANG)
    assert shown("usulan_masuk_rkpd") == fmt.number(
        u.filter(pl.col("status") == "masuk_rkpd").height, lang=LANG)
    assert shown("usulan_biaya") == fmt.rupiah(u["perkiraan_biaya"].sum(), lang=LANG)


@pytest.mark.parametrize(("year", "stage"), [(2026, "murni"), (2024, "perubahan")])
def test_anggaran_headline_serapan(warehouse_env, year, stage):
    """Anggaran's headline for a year and stage: belanja realised, of which pagu and serapan,
    and the comparison with last year at the same stage (or the note that there is none)."""
    raw = warehouse_env.raw
    month = last_month(raw, year)
    b = absorption(raw, year, stage, month, "5")
    at = run_app("pages/anggaran.py", LANG, tahun=str(year), tahap=stage)
    m = metric(at, "anggaran.pos_belanja")
    assert m.value == fmt.rupiah(b["realisasi"], lang=LANG)
    captions = texts(at.caption)
    assert t("anggaran.dari_pagu", lang=LANG, pagu=fmt.rupiah(b["pagu"], lang=LANG),
             persen=fmt.percent(b["persen"], lang=LANG)) in captions
    nama = t(f"anggaran.nama_tahap_{stage}", lang=LANG)
    if b["persen_lalu"] is None:
        assert not m.delta
        assert t("anggaran.tanpa_pembanding", lang=LANG, tahap=nama, tahun=year - 1) in captions
    else:
        poin = fmt.number((b["persen"] - b["persen_lalu"]) * 100, 1, lang=LANG)
        assert m.delta == t("anggaran.poin_vs", lang=LANG, poin=poin, tahap=nama, tahun=year - 1)


@pytest.mark.parametrize("year", [None, 2025])
def test_pengaduan_on_time_net_and_gross(warehouse_env, year):
    """Pengaduan's on-time rate for complaints received in the year, net of pauses (the value)
    and gross (beside it)."""
    raw = warehouse_env.raw
    net, gross = pengaduan_on_time(raw, year or as_of(raw).year)
    assert net is not None and gross is not None and gross <= net
    at = run_app("pages/pengaduan.py", LANG, **({"tahun": str(year)} if year else {}))
    m = metric(at, "pengaduan.m_tepat")
    assert m.value == fmt.percent(net, lang=LANG)
    assert m.delta == t("pengaduan.m_tepat_kotor", lang=LANG, persen=fmt.percent(gross, lang=LANG))


@pytest.mark.parametrize("service", ["Kartu Keluarga", "Persetujuan Bangunan Gedung (PBG)"])
def test_perizinan_median_days_of_issued(warehouse_env, service):
    """Perizinan's "how long will mine take" for one service: median (net and gross) and p90
    working days of the issued applications, or "too few" under the ranking minimum."""
    e = perizinan_median(warehouse_env.raw, service)
    assert e["n"]
    at = run_app("pages/perizinan.py", LANG, tanya=service)

    def angka(v, digits=1):
        return fmt.number(v, digits, lang=LANG) if v is not None else "–"

    # the answer in words is made from the oracle's own figures by the page's wording rules
    # (lentera.figures.layanan); the figures themselves are checked in the caption under it
    set_lang(LANG)
    target = lembar.target_kata(e["target"])
    if e["n"] >= MIN_CASES:
        key = "perizinan.tanya_kata" if e["target"] is not None else \
            "perizinan.tanya_kata_tanpa_target"
        want = t(key, lang=LANG, layanan=service, target=target,
                 kata=lembar.waktu_kata(e["median"], e["p90"]))
        figures = t("perizinan.tanya_angka", lang=LANG, median=angka(e["median"]),
                    p90=angka(e["p90"]), median_kotor=angka(e["median_kotor"]),
                    n=fmt.number(e["n"], lang=LANG))
        assert figures in texts(at.caption)
    else:
        want = t("perizinan.tanya_sedikit", lang=LANG, layanan=service, n=e["n"], target=target)
    assert want in texts(at.markdown)


@pytest.mark.parametrize("year", [None, 2026])
def test_musrenbang_funded_and_money_once(warehouse_env, year):
    """Musrenbang: proposals counted as funded, and the money of their sub kegiatan counted
    once per sub kegiatan (with at least one sub kegiatan funding several proposals)."""
    raw = warehouse_env.raw
    funded = funded_proposals(raw, year)
    money = money_once(raw, year)
    assert money["sub"] and money["usulan"] == funded.height
    at = run_app("pages/musrenbang.py", LANG, **({"tahun": str(year)} if year else {}))
    assert metric(at, "musrenbang.m_funded").value == fmt.number(funded.height, lang=LANG)
    assert t("musrenbang.money_total", lang=LANG, sub=fmt.number(money["sub"], lang=LANG),
             usulan=fmt.number(money["usulan"], lang=LANG),
             pagu=fmt.rupiah(money["pagu"], lang=LANG),
             realisasi=fmt.rupiah(money["realisasi"], lang=LANG)) in texts(at.markdown)
