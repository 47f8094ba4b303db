"""Charts on a phone, in the reader's language (issue 16 item 8): every figure builder sets the
language's separators, month axes are named in Indonesian, long labels are wrapped with the full
text kept for the hover, legends sit below; the kecamatan on-time comparison."""

from __future__ import annotations

import datetime as dt
import re

import plotly.graph_objects as go
import polars as pl
import pytest
from conftest import FIXTURE_AS_OF, fixture_environ

from lentera.core import config, fmt, i18n
from lentera.figures import anggaran as fa
from lentera.figures import musrenbang as fm
from lentera.figures import pengaduan as fp
from lentera.figures import perizinan as fz
from lentera.figures import style

ENGLISH_MONTH = re.compile(r"\b(May|Oct|Aug|Dec|January|February|March|June|July|October|"
                           r"August|December)\b")
D = [dt.date(2026, m, 1) for m in range(1, 13)]
LONG = "Barang dan jasa (operasional, perjalanan, pemeliharaan)"


def builders() -> dict[str, go.Figure]:
    """One figure from every builder, on small frames made here."""
    money = pl.DataFrame({"nama": ["A", LONG], "pagu": [2e9, 5e9], "realisasi": [1e9, 4e9],
                          "selisih": [1e8, -2e8], "persen": [0.5, 0.8]})
    serapan = pl.DataFrame({"tahun": [2025] * 3 + [2026] * 3, "bulan": [1, 2, 3] * 2,
                            "serapan": [0.05, 0.1, 0.2, 0.06, 0.12, 0.8779]})
    nodes = pl.DataFrame({"kode": ["5.1", "5.2"], "label": ["Belanja Operasi", "Belanja Modal"],
                          "nama": ["x", "y"], "tingkat": ["kelompok"] * 2,
                          "path": ["5.1", "5.2"], "pagu": [3e9, 1e9], "realisasi": [1e9, 5e8],
                          "persen": [0.33, 0.5]})
    root = nodes.with_columns(tingkat=pl.lit("akun"), label=pl.Series(["BELANJA", "PENDAPATAN"]))
    vol = pl.DataFrame({"bulan": D[3:6] * 2, "kelompok": ["Infrastruktur"] * 3 + [LONG] * 3,
                        "jumlah": [5, 6, 7, 1, 2, 3]})
    groups = pl.DataFrame({"kelompok": ["Infrastruktur", LONG], "median_selesai": [3.5, 4.0],
                           "median_selesai_kotor": [4.0, 5.0], "p90_selesai": [9.0, 10.0],
                           "p90_selesai_kotor": [10.0, 12.5], "target_hari_kerja": [5, 7]})
    tung = pl.DataFrame({"sumbu": ["umur", "lewat", "lewat_kotor"], "kelompok": ["0–5", "0", "0"],
                         "urutan": [1, 1, 1], "jumlah": [4, 5, 6]})
    kec = pl.DataFrame({"kode_kecamatan": ["1", "2"], "nama_kecamatan": ["Kubu", "Sungai Raya"],
                        "dinilai": [30, 40], "persen_tepat_waktu": [0.8779, 0.7],
                        "persen_tepat_waktu_kotor": [0.8, 0.6]})
    izin = pl.DataFrame({"kelompok": ["KTP-el", LONG], "median_hari_kerja": [1.0, 2.5],
                         "median_hari_kotor": [1.0, 3.0], "p90_hari_kerja": [2.0, 5.0],
                         "p90_hari_kotor": [2.0, 6.0], "target_hari_kerja": [1, 5]})
    stages = ["usulan", "didanai"]
    labels = {"usulan": "Diusulkan", "didanai": "Didanai"}
    return {
        "anggaran.perubahan": fa.perubahan(money, "judul"),
        "anggaran.serapan_bulanan": fa.serapan_bulanan(serapan, serapan.filter(
            pl.col("tahun") == 2026), 2026),
        "anggaran.tertinggal": fa.tertinggal(pl.DataFrame({
            "singkatan": ["Dinkes"], "tertinggal": [1e9], "serapan": [0.2], "harapan": [0.5]})),
        "anggaran.rincian": fa.rincian(nodes),
        "anggaran.rincian_root": fa.rincian(root),
        "anggaran.pagu_realisasi": fa.pagu_realisasi(money, money["nama"].to_list()),
        "anggaran.belanja_per_urusan": fa.belanja_per_urusan(money.rename({"nama": "nama_bidang"})),
        "pengaduan.per_bulan": fp.per_bulan(vol),
        "pengaduan.alur": fp.alur(pl.DataFrame({"tahap": ["diterima", "selesai"],
                                                "jumlah": [10, 8]})),
        "pengaduan.waktu_selesai": fp.waktu_selesai(groups, with_target=True),
        "pengaduan.tunggakan": fp.tunggakan(tung),
        "pengaduan.tepat_kecamatan": fp.tepat_kecamatan(kec, pilih="1", rata=0.75),
        "perizinan.waktu_proses": fz.waktu_proses(izin, with_target=True),
        "perizinan.per_1000": fz.per_1000(pl.DataFrame({"nama_kecamatan": ["Kubu"],
                                                        "per_1000": [2.5]})),
        "perizinan.nib": fz.nib(pl.DataFrame({"kbli_kategori": ["G", "?"],
                                              "skala_usaha": ["mikro", "kecil"],
                                              "jumlah": [3, 4]})),
        "musrenbang.alur": fm.alur(pl.DataFrame({"tahap": stages, "jumlah": [5, 2],
                                                 "perkiraan_biaya": [1e9, 4e8]}), labels),
        "musrenbang.tahap_per": fm.tahap_per(pl.DataFrame({"kecamatan": ["Kubu", "Kubu"],
                                                           "tahap": stages, "jumlah": [3, 1]}),
                                             "kecamatan", stages, labels),
    }


def _texts(fig: go.Figure) -> str:
    """Every text a reader can see or hover in the figure's JSON (ticks, hovers, legend)."""
    return fig.to_json()


@pytest.fixture(params=["id", "en"])
def lang(request):
    i18n.set_lang(request.param)
    yield request.param
    i18n.set_lang("id")


def test_every_builder_sets_the_languages_separators(lang):
    for name, fig in builders().items():
        assert fig.layout.separators == (",." if lang == "id" else ".,"), name


def test_no_english_month_or_dot_decimal_percent_in_indonesian():
    i18n.set_lang("id")
    for name, fig in builders().items():
        text = _texts(fig)
        assert not ENGLISH_MONTH.search(text), name
        assert not re.search(r"\d\.\d+%", text), name


def test_monthly_axis_is_labelled_in_the_readers_language(lang):
    fig = fp.per_bulan(pl.DataFrame({"bulan": D, "kelompok": ["a"] * 12, "jumlah": [1] * 12}))
    ticks = list(fig.layout.xaxis.ticktext)
    assert len(ticks) <= 6
    expected = [fmt.month_label(d, lang=lang) for d in fig.layout.xaxis.tickvals]
    assert ticks == expected
    may = fmt.month_label(dt.date(2026, 5, 1), lang=lang)
    assert may == ("Mei 2026" if lang == "id" else "May 2026")
    # the hover of each bar names its month the same way
    assert fig.data[0].customdata[4] == may


def test_long_labels_are_wrapped_but_kept_whole_for_the_hover():
    i18n.set_lang("id")
    fig = fa.pagu_realisasi(pl.DataFrame({"pagu": [1e9], "realisasi": [5e8]}), [LONG])
    assert list(fig.data[0].y) == [LONG]  # the hover shows the category: the full text
    (text,) = fig.layout.yaxis.ticktext
    lines = text.split("<br>")
    assert len(lines) <= 2 and all(len(x) <= style.LABEL_WIDTH for x in lines)
    assert text.endswith("…") and text.startswith("Barang")  # never "arang dan jasa…"
    assert fmt.short_label("Dana Desa") == "Dana Desa"


def test_legend_sits_below_the_axis_title():
    i18n.set_lang("id")
    fig = fa.pagu_realisasi(pl.DataFrame({"pagu": [1e9, 2e9], "realisasi": [5e8, 1e9]}),
                            ["A", "B"])
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.yanchor == "top"
    plot = fig.layout.height  # the legend is at least ticks + title below the plot area
    assert legend.y * plot <= -(style.TICKS_PX + style.AXIS_TITLE_PX)


def test_budget_root_is_bars_and_levels_below_are_a_treemap():
    nodes = builders()
    assert {t.type for t in nodes["anggaran.rincian_root"].data} == {"bar"}
    assert list(nodes["anggaran.rincian_root"].data[0].customdata) == ["5.1", "5.2"]
    assert nodes["anggaran.rincian"].data[0].type == "treemap"


def test_plotly_locale_names_months_and_toolbar(lang):
    conf = style.plotly_locale(lang)
    spec = conf["locales"][conf["locale"]]
    assert spec["format"]["months"][4] == ("Mei" if lang == "id" else "May")
    assert spec["format"]["decimal"] == ("," if lang == "id" else ".")
    png = spec["dictionary"]["Download plot as a PNG"]
    assert (png != "Download plot as a PNG") == (lang == "id")


def test_on_screen_rows_use_the_readers_notation():
    rows = pl.DataFrame({"persen_tepat_waktu": [0.8779], "median": [4.5],
                         "tanggal": [dt.date(2026, 12, 3)], "jumlah": [4950]})
    shown = style.display_rows(rows, lang="id").row(0)
    assert shown == ("87,8%", "4,50", "3 Desember 2026", 4950)
    assert style.display_rows(rows, lang="en").row(0)[:3] == ("87.8%", "4.50", "3 December 2026")


# ---- the kecamatan comparison, on the fixture warehouse ------------------------------------


@pytest.fixture
def env(fixture_warehouse, tmp_path, monkeypatch):
    from lentera.warehouse import pengaduan

    for key, value in fixture_environ(fixture_warehouse.db, tmp_path).items():
        monkeypatch.setenv(key, value)
    pengaduan._live.clear()
    return fixture_warehouse


def test_kecamatan_comparison_agrees_with_each_kecamatans_headline(env):
    from lentera.warehouse import pengaduan

    year = FIXTURE_AS_OF.year
    kec = pengaduan.tepat_per_kecamatan(tahun=year)
    whole = pengaduan.ringkasan(tahun=year)
    # every complaint with a kecamatan is in exactly one row; the kecamatan filter is ignored
    assert kec["jumlah"].sum() <= whole["jumlah"]
    assert kec.equals(pengaduan.tepat_per_kecamatan(tahun=year,
                                                    kecamatan=kec["kode_kecamatan"][0]))
    assert (kec["cukup"] == (kec["jumlah"] >= config.MIN_CASES_FOR_RANKING)).all()
    checked = 0
    for row in kec.filter(pl.col("jumlah") > 0).iter_rows(named=True):
        own = pengaduan.ringkasan(tahun=year, kecamatan=row["kode_kecamatan"])
        assert own["jumlah"] == row["jumlah"], row["nama_kecamatan"]
        assert own["persen_tepat_waktu"] == pytest.approx(row["persen_tepat_waktu"])
        assert own["persen_tepat_waktu_kotor"] == pytest.approx(row["persen_tepat_waktu_kotor"])
        checked += 1
    assert checked >= 2
    # ranked: the rankable ones first, best rate first
    ranked = kec.filter(pl.col("cukup"))["persen_tepat_waktu"].to_list()
    assert ranked == sorted(ranked, reverse=True)
