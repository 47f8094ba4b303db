"""Anggaran measures recomputed with independent SQL on the fixture warehouse, plus AppTest."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lentera.core import fmt
from lentera.warehouse import anggaran, db, musrenbang

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def wh(warehouse_env):
    """A separate read-only connection to the fixture warehouse for the test's own SQL."""
    con = duckdb.connect(str(warehouse_env.db), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _latest(wh) -> tuple[int, str, int]:
    tahun = wh.sql("SELECT max(tahun) FROM anggaran").fetchall()[0][0]
    tahap = wh.sql("SELECT CASE WHEN count(*) FILTER (WHERE tahap = 'perubahan') > 0 "
                   "THEN 'perubahan' ELSE 'murni' END FROM anggaran WHERE tahun = $t",
                   params={"t": tahun}).fetchall()[0][0]
    bulan = wh.sql("SELECT max(bulan) FROM realisasi WHERE tahun = $t",
                   params={"t": tahun}).fetchall()[0][0]
    return tahun, tahap, bulan


def _sum(wh, sql: str, **params) -> Decimal:
    value = wh.sql(sql, params=params).fetchall()[0][0]
    return Decimal(value or 0)


def test_years_and_effective_stage(wh):
    years = anggaran.tahun_anggaran()
    assert years["tahun"].to_list() == [
        r[0] for r in wh.sql("SELECT DISTINCT tahun FROM anggaran ORDER BY 1").fetchall()]
    tahun, tahap, bulan = _latest(wh)
    last = years.row(-1, named=True)
    assert (last["tahun"], last["tahap_efektif"], last["bulan_terakhir"]) == (tahun, tahap, bulan)


def test_headline_agrees_to_the_rupiah(wh):
    tahun, tahap, bulan = _latest(wh)
    head = {r["pos"]: r for r in anggaran.ringkasan(tahun, tahap, bulan).iter_rows(named=True)}
    for pos, like in (("pendapatan", "4.%"), ("belanja", "5.%"), ("penerimaan_pembiayaan", "6.1.%"),
                      ("pengeluaran_pembiayaan", "6.2.%")):
        pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                        "AND kode_rekening LIKE $k", t=tahun, s=tahap, k=like)
        real = _sum(wh, "SELECT sum(realisasi) FROM realisasi WHERE tahun = $t AND bulan <= $b "
                        "AND kode_rekening LIKE $k", t=tahun, b=bulan, k=like)
        assert Decimal(head[pos]["pagu"]) == pagu, pos
        assert Decimal(head[pos]["realisasi"]) == real, pos
    assert head["belanja"]["pagu"] > 0 and head["belanja"]["realisasi"] > 0
    # the same month of last year, against last year's effective pagu
    lalu = _sum(wh, "SELECT sum(realisasi) FROM realisasi WHERE tahun = $t AND bulan <= $b "
                    "AND kode_rekening LIKE '5.%'", t=tahun - 1, b=bulan)
    assert Decimal(head["belanja"]["realisasi_lalu"] or 0) == lalu
    s = anggaran.saldo(anggaran.ringkasan(tahun, tahap, bulan))
    assert s["pagu"]["surplus_defisit"] == pytest.approx(
        float(head["pendapatan"]["pagu"]) - float(head["belanja"]["pagu"]))


def test_absorption_of_a_finished_year(wh):
    serapan = anggaran.serapan_bulanan()
    finished = [r[0] for r in wh.sql("SELECT tahun FROM realisasi GROUP BY tahun "
                                      "HAVING max(bulan) = 12 ORDER BY 1").fetchall()]
    assert finished, "the fixture has at least one finished year"
    y = finished[-1]
    tahap = "perubahan" if wh.sql("SELECT count(*) FROM anggaran WHERE tahun = $t AND "
                                  "tahap = 'perubahan'", params={"t": y}).fetchall()[0][0] else "murni"
    pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                    "AND kode_rekening LIKE '5.%'", t=y, s=tahap)
    for m in (6, 12):
        real = _sum(wh, "SELECT sum(realisasi) FROM realisasi WHERE tahun = $t AND bulan <= $m "
                        "AND kode_rekening LIKE '5.%'", t=y, m=m)
        row = serapan.filter((serapan["tahun"] == y) & (serapan["bulan"] == m)).row(0, named=True)
        assert Decimal(row["realisasi_kumulatif"]) == real
        assert row["serapan"] == pytest.approx(float(real) / float(pagu), rel=1e-12)


def test_drill_path_by_account_agrees(wh):
    tahun, tahap, _ = _latest(wh)
    path = ""
    for expected_level in ("akun", "kelompok", "jenis", "objek"):
        nodes = anggaran.rincian(tahun, tahap, "akun", path)
        assert nodes["tingkat"][0] == expected_level
        # children of a node add up to the node (pagu and realisasi)
        if path:
            node_pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                                 "AND kode_rekening LIKE $k", t=tahun, s=tahap, k=path + ".%")
            assert Decimal(nodes["pagu"].sum()) == node_pagu
        top = nodes.filter(nodes["kode"].str.starts_with("5") | (path != "")).row(0, named=True)
        pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                        "AND (kode_rekening = $k OR kode_rekening LIKE $k || '.%')",
                    t=tahun, s=tahap, k=top["kode"])
        real = _sum(wh, "SELECT sum(realisasi) FROM realisasi WHERE tahun = $t "
                        "AND (kode_rekening = $k OR kode_rekening LIKE $k || '.%')",
                    t=tahun, k=top["kode"])
        assert Decimal(top["pagu"]) == pagu and Decimal(top["realisasi"]) == real
        assert abs(nodes["porsi"].sum() - 1) < 1e-9
        path = top["path"]


def test_drill_path_by_organisation_agrees(wh):
    tahun, tahap, _ = _latest(wh)
    skpd = anggaran.rincian(tahun, tahap, "org", "").row(0, named=True)
    programs = anggaran.rincian(tahun, tahap, "org", skpd["path"])
    assert set(programs["tingkat"]) == {"program"}
    assert Decimal(programs["pagu"].sum()) == Decimal(skpd["pagu"])
    prog = programs.row(0, named=True)
    pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                    "AND kode_skpd = $o AND kode_rekening LIKE '5.%' "
                    "AND kode_sub_kegiatan LIKE $p || '.%'",
                t=tahun, s=tahap, o=skpd["kode"], p=prog["kode"])
    real = _sum(wh, "SELECT sum(realisasi) FROM realisasi WHERE tahun = $t AND kode_skpd = $o "
                    "AND kode_rekening LIKE '5.%' AND kode_sub_kegiatan LIKE $p || '.%'",
                t=tahun, o=skpd["kode"], p=prog["kode"])
    assert Decimal(prog["pagu"]) == pagu and Decimal(prog["realisasi"]) == real
    kegiatan = anggaran.rincian(tahun, tahap, "org", prog["path"])
    assert set(kegiatan["tingkat"]) == {"kegiatan"}
    subs = anggaran.rincian(tahun, tahap, "org", kegiatan["path"][0])
    assert set(subs["tingkat"]) == {"sub_kegiatan"}
    crumbs = anggaran.jejak(tahun, "org", subs["path"][0])
    assert crumbs["tingkat"].to_list() == ["skpd", "program", "kegiatan", "sub_kegiatan"]


def test_a_laggard_agrees_to_the_rupiah(wh):
    tahun, _, bulan = _latest(wh)
    lag = anggaran.tertinggal(tahun, bulan)
    assert not lag.is_empty(), "the sample plants offices that fall behind"
    assert lag["tertinggal"].to_list() == sorted(lag["tertinggal"].to_list(), reverse=True)
    row = lag.row(0, named=True)
    o = row["kode_skpd"]

    def eff(y):
        n = wh.sql("SELECT count(*) FROM anggaran WHERE tahun = $t AND tahap = 'perubahan'",
                   params={"t": y}).fetchall()[0][0]
        return "perubahan" if n else "murni"

    def absorption(y):
        pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                        "AND kode_skpd = $o AND kode_rekening LIKE '5.%'", t=y, s=eff(y), o=o)
        real = _sum(wh, "SELECT sum(realisasi) FROM realisasi WHERE tahun = $t AND bulan <= $b "
                        "AND kode_skpd = $o AND kode_rekening LIKE '5.%'", t=y, b=bulan, o=o)
        return pagu, (float(real) / float(pagu) if pagu else None)

    pagu, actual = absorption(tahun)
    earlier = [r[0] for r in wh.sql("SELECT tahun FROM realisasi WHERE tahun < $t GROUP BY tahun "
                                    "HAVING max(bulan) >= $b", params={"t": tahun, "b": bulan}
                                    ).fetchall()]
    past = [a for a in (absorption(y)[1] for y in earlier) if a is not None]
    assert past and not row["pakai_rata_kabupaten"]
    expected = sum(past) / len(past)
    behind = (expected - actual) * float(pagu)
    assert Decimal(row["pagu"]) == pagu
    assert abs(row["tertinggal"] - behind) < 1.0
    assert row["serapan"] == pytest.approx(actual) and row["harapan"] == pytest.approx(expected)


def test_search_finds_a_sub_kegiatan_and_links_into_the_drill(wh):
    tahun, tahap, _ = _latest(wh)
    kode_skpd, sub, nama = wh.sql(
        "SELECT kode_skpd, kode_sub_kegiatan, min(nama_sub_kegiatan) FROM anggaran "
        "WHERE tahun = $t AND tahap = $s AND kode_rekening LIKE '5.%' "
        "AND nama_sub_kegiatan IS NOT NULL GROUP BY ALL ORDER BY sum(pagu) DESC LIMIT 1",
        params={"t": tahun, "s": tahap}).fetchall()[0]
    hits = anggaran.cari(tahun, tahap, nama, batas=500)
    hit = hits.filter((hits["jenis"] == "sub_kegiatan") & (hits["kode"] == sub)
                      & (hits["kode_skpd"] == kode_skpd))
    assert hit.height == 1
    pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                    "AND kode_skpd = $o AND kode_sub_kegiatan = $k AND kode_rekening LIKE '5.%'",
                t=tahun, s=tahap, o=kode_skpd, k=sub)
    assert Decimal(hit["pagu"][0]) == pagu
    leaf = anggaran.rincian(tahun, tahap, hit["dim"][0], hit["path"][0])
    assert Decimal(leaf["pagu"].sum()) == pagu
    assert anggaran.cari(tahun, tahap, "zzqx tidak-ada-kata-ini").is_empty()


@given(st.text(max_size=60))
def test_any_url_path_is_safe(text):
    for dim in anggaran.DIMENSI:
        path = anggaran.valid_path(dim, text)
        assert path == "" or path == text.strip()
        anggaran.tingkat_anak(dim, path)  # never raises for a validated path


@pytest.mark.parametrize("dim,path,level", [
    ("akun", "", "akun"), ("akun", "5", "kelompok"), ("akun", "5.1", "jenis"),
    ("akun", "5.1.02", "objek"), ("akun", "5.1.02.01", "rincian"),
    ("akun", "5.1.02.01.01", "sub_rincian"), ("akun", "5.1.02.01.01.0001", None),
    ("org", "", "skpd"), ("org", "1.02.0.00.0.00.01.0000", "program"),
    ("org", "1.02.0.00.0.00.01.0000:1.02.02", "kegiatan"),
    ("org", "1.02.0.00.0.00.01.0000:1.02.02.2.01", "sub_kegiatan"),
    ("org", "1.02.0.00.0.00.01.0000:1.02.02.2.01.0001", "rekening"),
])
def test_levels(dim, path, level):
    assert anggaran.tingkat_anak(dim, path) == level


def test_bench_queries_run(warehouse_env):
    names = [name for name, fn in anggaran.bench_queries() if fn() is not None]
    assert "tertinggal" in names and "rincian_org_root" in names


# ---------------------------------------------------------------- AppTest


def _page(warehouse_env, **query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page("pages/anggaran.py")
    return at.run()


def _table(at, *headers):
    """The dataframe whose columns start with `headers` (st.dataframe keys are not in AppTest)."""
    for frame in at.dataframe:
        value = frame.value
        if list(value.columns[: len(headers)]) == list(headers):
            return value
    raise AssertionError(f"no table with columns {headers}")


def _rincian(at):
    return _table(at, "Kode", "Nama", "Pagu")


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_page_year_and_stage_change_the_numbers(warehouse_env, wh):
    at = _page(warehouse_env)
    assert not at.exception
    years = anggaran.tahun_anggaran()
    assert at.selectbox(key="anggaran.tahun").value == years["tahun"].max()
    before = _metric(at, "Belanja")
    at.selectbox(key="anggaran.tahun").set_value(years["tahun"][0]).run()
    assert not at.exception and _metric(at, "Belanja") != before
    with_both = years.filter(years["ada_perubahan"] & years["ada_murni"])
    if with_both.height:
        at.selectbox(key="anggaran.tahun").set_value(with_both["tahun"][0]).run()
        captions = " ".join(c.value for c in at.caption)
        at.segmented_control(key="anggaran.tahap").set_value("murni").run()
        assert not at.exception
        assert " ".join(c.value for c in at.caption) != captions


def test_page_drill_and_url_reopen(warehouse_env):
    at = _page(warehouse_env)
    tahun, tahap = at.selectbox(key="anggaran.tahun").value, at.segmented_control(key="anggaran.tahap").value
    box = at.selectbox(key="anak_akun_")
    at = box.set_value("5").run()
    assert not at.exception
    box = at.selectbox(key="anak_akun_5")
    target = anggaran.rincian(tahun, tahap, "akun", "5")["path"][0]
    at = box.set_value(target).run()
    assert not at.exception
    url_path = at.query_params["path"]
    url_path = url_path[0] if isinstance(url_path, list) else url_path
    assert url_path == target
    shown = _rincian(at)
    expected = anggaran.rincian(tahun, tahap, "akun", target)
    assert shown.iloc[:, 0].tolist() == expected["kode"].to_list()
    # the same URL opened fresh shows the same view
    fresh = _page(warehouse_env, path=target)
    assert not fresh.exception
    assert _rincian(fresh).iloc[:, 0].tolist() == expected["kode"].to_list()
    # a bad path falls back to the top, never a traceback
    bad = _page(warehouse_env, path="'; DROP TABLE anggaran; --")
    assert not bad.exception
    assert _rincian(bad).iloc[:, 0].tolist() == \
        anggaran.rincian(tahun, tahap, "akun", "")["kode"].to_list()


def test_page_org_drill_and_search(warehouse_env, wh):
    at = _page(warehouse_env)
    at = at.segmented_control(key="anggaran.dim").set_value("org").run()
    assert not at.exception
    tahun, tahap = at.selectbox(key="anggaran.tahun").value, at.segmented_control(key="anggaran.tahap").value
    first = anggaran.rincian(tahun, tahap, "org", "")["path"][0]
    at = at.selectbox(key="anak_org_").set_value(first).run()
    shown = _rincian(at).iloc[:, 0].tolist()
    assert shown == anggaran.rincian(tahun, tahap, "org", first)["kode"].to_list()
    nama = wh.sql("SELECT nama_sub_kegiatan FROM anggaran WHERE tahun = $t "
                  "AND nama_sub_kegiatan IS NOT NULL ORDER BY pagu DESC LIMIT 1",
                  params={"t": tahun}).fetchall()[0][0]
    word = max(re.findall(r"\w+", nama), key=len)
    at = at.text_input(key="anggaran.q").set_value(word).run()
    assert not at.exception
    hits = _table(at, "Jenis", "Kode")
    assert len(hits) == anggaran.cari(tahun, tahap, word).height > 0
    at = at.button(key="cari_buka_0").click().run()
    assert not at.exception
    hit = anggaran.cari(tahun, tahap, word).row(0, named=True)
    path = at.query_params["path"]
    assert (path[0] if isinstance(path, list) else path) == hit["path"]


def test_funded_sub_kegiatan_links_to_its_proposals(warehouse_env):
    """At a sub kegiatan that funds proposals, the page links to them on the Musrenbang page."""
    row = db.query("""
        SELECT u.kode_sub_kegiatan AS sub, u.tahun_rkpd AS tahun, min(a.kode_skpd) AS skpd,
               count(DISTINCT u.id_usulan) AS n
        FROM usulan u JOIN anggaran a
          ON a.kode_sub_kegiatan = u.kode_sub_kegiatan AND a.tahun = u.tahun_rkpd
        WHERE u.kode_sub_kegiatan IS NOT NULL
        GROUP BY 1, 2 ORDER BY n DESC, sub LIMIT 1""").row(0, named=True)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(tahun=str(row["tahun"]), path=f"{row['skpd']}:{row['sub']}")
    # AppTest does not fill widgets bound to the URL: set the dimension's widget state directly
    at.session_state["anggaran.dim"] = "org"
    at.switch_page("pages/anggaran.py")
    at.run()
    assert not at.exception
    links = [el for el in at.get("page_link") if "musrenbang" in el.proto.page]
    assert links, "a link to the proposals behind this sub kegiatan"
    shown = musrenbang.proposals_for_sub_kegiatan(row["sub"], row["tahun"]).height
    assert shown >= 1
    assert fmt.number(shown, lang="id") in links[0].proto.label


def _stage_absorption(wh, tahun: int, tahap: str, bulan: int, prefix: str = "5.%") -> float | None:
    pagu = _sum(wh, "SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND tahap = $s "
                    "AND kode_rekening LIKE $k", t=tahun, s=tahap, k=prefix)
    real = _sum(wh, "SELECT sum(realisasi) FROM realisasi WHERE tahun = $t AND bulan <= $b "
                    "AND kode_rekening LIKE $k", t=tahun, b=bulan, k=prefix)
    return float(real) / float(pagu) if pagu else None


def test_page_murni_compares_with_last_years_murni(warehouse_env, wh):
    """"+x points vs last year" in the murni view is murni against last year's murni, and says so."""
    from lentera.core.i18n import t
    from lentera.figures import anggaran as figures

    tahun, _, bulan = _latest(wh)
    now = _stage_absorption(wh, tahun, "murni", bulan)
    before = _stage_absorption(wh, tahun - 1, "murni", bulan)
    assert now is not None and before is not None, "the fixture has murni in both years"
    at = _page(warehouse_env, tahap="murni")
    if at.segmented_control(key="anggaran.tahap").value != "murni":
        at = at.segmented_control(key="anggaran.tahap").set_value("murni").run()
    assert not at.exception
    belanja = next(m for m in at.metric if m.label == "Belanja")
    assert belanja.proto.delta == t("anggaran.poin_vs", lang="id",
                                    poin=fmt.number((now - before) * 100, 1, lang="id"),
                                    tahap=figures.nama_tahap("murni"), tahun=tahun - 1)
    captions = " ".join(c.value for c in at.caption)
    assert t("anggaran.tahun_lalu", lang="id", persen=fmt.percent(before, lang="id"),
             pembanding=t("anggaran.pembanding", lang="id", tahap="APBD murni", tahun=tahun - 1,
                          periode=fmt.month_year(tahun - 1, bulan, lang="id"))) in captions
    # the perubahan view: perubahan against last year's perubahan
    at = at.segmented_control(key="anggaran.tahap").set_value("perubahan").run()
    p_now = _stage_absorption(wh, tahun, "perubahan", bulan)
    p_before = _stage_absorption(wh, tahun - 1, "perubahan", bulan)
    belanja = next(m for m in at.metric if m.label == "Belanja")
    assert belanja.proto.delta == t("anggaran.poin_vs", lang="id",
                                    poin=fmt.number((p_now - p_before) * 100, 1, lang="id"),
                                    tahap="APBD perubahan", tahun=tahun - 1)


def test_page_surplus_is_labelled_realised_beside_budgeted(warehouse_env, wh):
    from lentera.core.i18n import t

    tahun, tahap, bulan = _latest(wh)
    at = _page(warehouse_env)
    assert not at.exception

    def total(table: str, col: str, prefix: str, extra: str = "") -> float:
        return float(_sum(wh, f"SELECT sum({col}) FROM {table} WHERE tahun = $t "  # noqa: S608
                              f"AND kode_rekening LIKE $k {extra}", t=tahun, k=prefix,
                          **({"s": tahap} if "$s" in extra else {"b": bulan})))

    real = (total("realisasi", "realisasi", "4.%", "AND bulan <= $b")
            - total("realisasi", "realisasi", "5.%", "AND bulan <= $b"))
    pagu = (total("anggaran", "pagu", "4.%", "AND tahap = $s")
            - total("anggaran", "pagu", "5.%", "AND tahap = $s"))
    periode = fmt.month_year(tahun, bulan, lang="id")
    key = "anggaran.surplus_realisasi" if real >= 0 else "anggaran.defisit_realisasi"
    metric = next(m for m in at.metric if m.label == t(key, lang="id", periode=periode))
    assert metric.value == fmt.rupiah(abs(real), lang="id")
    budgeted = t("anggaran.saldo_dianggarkan", lang="id", tahap="APBD " + tahap, tahun=tahun,
                 jumlah=t("anggaran.surplus" if pagu >= 0 else "anggaran.defisit", lang="id")
                 + " " + fmt.rupiah(abs(pagu), lang="id"))
    assert budgeted in [c.value for c in at.caption]


def test_page_downloads_and_captions_carry_stage_year_and_month(warehouse_env, wh, monkeypatch):
    from lentera.figures import anggaran as figures
    from lentera.web import chart as chart_mod

    names: list[str] = []
    real_file_name = chart_mod.file_name

    def recording(*args, **kwargs):
        names.append(real_file_name(*args, **kwargs))
        return names[-1]

    monkeypatch.setattr(chart_mod, "file_name", recording)
    tahun, tahap, bulan = _latest(wh)
    at = _page(warehouse_env)
    assert not at.exception
    assert names, "the page offers downloads"
    for name in names:
        assert name.startswith("lentera_anggaran-"), name
        assert str(tahun) in name and any(s in name for s in ("murni", "perubahan", "efektif")), name
    month = f"per-{tahun}-{bulan:02d}"
    assert any(n.startswith(f"lentera_anggaran-ringkasan_{tahun}-{tahap}-{month}_") for n in names)
    assert any(n.startswith("lentera_anggaran-serapan_") and f"efektif-{month}" in n for n in names)
    dasar = figures.dasar(tahun, tahap, bulan)
    assert "APBD " + tahap in dasar and str(tahun) in dasar
    assert fmt.month_year(tahun, bulan, lang="id") in dasar
    assert sum(dasar in c.value for c in at.caption) >= 4
