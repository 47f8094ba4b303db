"""What the machine-readable API answers: datasets with Satu Data metadata, the pages' figures,
a ticket's public view, and the DCAT-AP catalogue. Plain dicts; the HTTP side is lentera.web.api.

A figure (`FIGURES`) is a page's headline computed by the very function the page calls with the
same filters, so a number on a page has an address; its text (definition, base, caveats in id and
en) is the semantic layer's measure documentation (lentera.warehouse.measures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from lentera.core import config
from lentera.core.i18n import LANGS
from lentera.services import warga
from lentera.warehouse import (
    anggaran,
    catalog,
    db,
    layanan,
    measures,
    musrenbang,
    pengaduan,
    perizinan,
)
from lentera.warehouse.rows import jsonable

API = "/api/v1"
LICENCE_URL_DEFAULT = "https://creativecommons.org/licenses/by/4.0/"
DCAT_AP = "http://data.europa.eu/r5r/"  # DCAT-AP 3 namespace, the profile a catalogue conforms to
FRICTIONLESS_TABLE_SCHEMA = "https://specs.frictionlessdata.io/table-schema/"


# The API's rules, shown on the Tentang page (text in lentera/locales/api.toml).
METHODS: list[tuple[str, str]] = [
    ("api.method_rows_title", "api.method_rows_body"),
    ("api.method_figures_title", "api.method_figures_body"),
    ("api.method_open311_title", "api.method_open311_body"),
    ("api.method_tiket_title", "api.method_tiket_body"),
]


class ApiError(ValueError):
    """A request the API cannot answer as asked (a 400 or 404, with a message and the parameter)."""

    def __init__(self, message: str, param: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.param, self.status = message, param, status


# ---------------------------------------------------------------- datasets (Satu Data metadata)


def _publisher() -> dict:
    pub = config.region().publisher
    return {"name": pub.get("nama", config.region().nama), "contact": pub.get("kontak", ""),
            "licence": pub.get("lisensi", "CC BY 4.0"),
            "licence_url": pub.get("lisensi_url", LICENCE_URL_DEFAULT)}


def dataset_meta(name: str, base: str = "") -> dict:
    """One dataset's Satu Data metadata: producer, period, frequency, licence, version, rows,
    region code, and the links to its dictionary, rows and download."""
    if name not in catalog.DATASETS:
        raise ApiError(f"unknown dataset {name!r}", "name", 404)
    ds = catalog.dataset(name)
    summary = catalog.summary(name)
    facts = db.meta()
    pub = _publisher()
    return {
        "name": name,
        "title": {"id": ds.title_id, "en": ds.title_en},
        "description": {"id": ds.description_id, "en": ds.description_en},
        "producer": ds.producer,
        "publisher": pub["name"],
        "contact": pub["contact"],
        "period": {"start": summary["start"], "end": summary["end"]},
        "frequency": {"id": ds.frequency_id, "en": ds.frequency_en},
        "licence": {"name": pub["licence"], "url": pub["licence_url"]},
        "version": db.data_version(),
        "as_of": facts.get("as_of"),
        "rows": summary["rows"],
        "region": {"kode": config.region().kode, "nama": config.region().nama},
        "is_sample": facts.get("is_sample") == "true",
        "links": {
            "self": f"{base}{API}/datasets/{name}",
            "dictionary": f"{base}{API}/datasets/{name}#dictionary",
            "rows": f"{base}{API}/datasets/{name}/rows",
            "csv": f"{base}{API}/datasets/{name}/rows.csv",
        },
    }


def datasets(base: str = "") -> list[dict]:
    """Every published dataset's metadata."""
    return [dataset_meta(name, base) for name in catalog.DATASETS]


def dataset_detail(name: str, base: str = "") -> dict:
    """One dataset's metadata, its dictionary (id and en) and, for a source, its provenance."""
    meta = dataset_meta(name, base)
    ds = catalog.dataset(name)
    meta["dictionary"] = [
        {"name": c.name, "type": c.sql_type, "description": {"id": c.description_id,
                                                             "en": c.description_en},
         "unit": c.unit or None, "example": c.example or None, "values": list(c.values) or None}
        for c in ds.columns]
    meta["key"] = list(ds.key or ds.order_by)
    meta["provenance"] = jsonable(catalog.provenance(name)) if ds.source else []
    return meta


# ---------------------------------------------------------------- figures (measures with an address)


@dataclass(frozen=True)
class Param:
    """A figure's query parameter: name, kind (int | text | choice) and the choices."""

    name: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Figure:
    """A page's figure: where it is shown, the measures that define it, its filters, its value."""

    name: str
    page: str
    title_id: str
    title_en: str
    measures: tuple[str, ...]
    params: tuple[Param, ...]
    compute: Callable[[dict], dict]


def _year(value, param: str) -> int | None:
    if value in (None, "", "semua", "all"):
        return None
    if not str(value).isdigit() or not 1900 <= int(value) <= 2999:
        raise ApiError(f"{param} must be a year (e.g. 2026) or 'semua'", param)
    return int(value)


def _anggaran(args: dict) -> dict:
    years = anggaran.tahun_anggaran()
    if years.is_empty():
        raise ApiError("no budget in this warehouse", None, 404)
    tahun = _year(args.get("tahun"), "tahun") or int(years["tahun"].max())
    info = years.filter(pl.col("tahun") == tahun)
    if info.is_empty():
        raise ApiError(f"tahun: no budget for {tahun} (years: "
                       f"{', '.join(str(y) for y in years['tahun'].to_list())})", "tahun")
    info = info.row(0, named=True)
    tahap = args.get("tahap") or info["tahap_efektif"]  # the page opens a year at its own stage
    if tahap not in (*anggaran.TAHAP, "efektif") or (tahap in anggaran.TAHAP
                                                    and not info[f"ada_{tahap}"]):
        raise ApiError(f"tahap: {tahap!r} is not a stage of {tahun}", "tahap")
    bulan = args.get("bulan") or info["bulan_terakhir"] or 12
    if not str(bulan).isdigit() or not 1 <= int(bulan) <= 12:
        raise ApiError("bulan must be a month number 1–12", "bulan")
    bulan = int(bulan)
    frame = anggaran.ringkasan(tahun=tahun, tahap=tahap, bulan=bulan)
    rows = jsonable(frame)
    belanja = next((r for r in rows if r["pos"] == "belanja"), {})
    return {"filters": {"tahun": tahun, "tahap": tahap, "bulan": bulan},
            "period": {"start": f"{tahun}-01-01",
                       "end": (dt.date(tahun + bulan // 12, bulan % 12 + 1, 1)
                               - dt.timedelta(days=1)).isoformat()},
            "as_of": db.meta().get("as_of"),
            "value": belanja.get("persen"), "rows": rows}


def _pengaduan_filters(args: dict, stock: bool = False) -> dict:
    as_of = pengaduan.as_of()
    out = {k: (args.get(k) or None) for k in ("kategori", "kanal", "kecamatan", "opd")}
    if not stock:
        out["tahun"] = _year(args.get("tahun", as_of.year), "tahun")
    return out


def _pengaduan_ringkasan(args: dict) -> dict:
    filters = _pengaduan_filters(args)
    r = pengaduan.ringkasan(**filters)
    return _flow(filters, pengaduan.as_of(), r, r.get("persen_tepat_waktu"))


def _flow(filters: dict, as_of: dt.date, summary: dict | None, value, rows=None) -> dict:
    tahun = filters.get("tahun")
    # a flow of one year counts what happened by the as-of date, not to the year's end
    end = min(dt.date(tahun, 12, 31), as_of).isoformat() if tahun else as_of.isoformat()
    out = {"filters": filters,
           "period": {"start": f"{tahun}-01-01" if tahun else None, "end": end},
           "as_of": as_of.isoformat(), "value": value}
    if summary is not None:
        out["summary"] = jsonable(pl.DataFrame([summary]))[0] if summary else {}
    if rows is not None:
        out["rows"] = jsonable(rows)
    return out


def _pengaduan_alur(args: dict) -> dict:
    filters = _pengaduan_filters(args)
    frame = pengaduan.alur(**filters)
    received = int(frame.sort("urutan")["jumlah"][0]) if frame.height else 0
    return _flow(filters, pengaduan.as_of(), None, received, frame)


def _pengaduan_tunggakan(args: dict) -> dict:
    if args.get("tahun"):
        raise ApiError("tahun: the backlog is a stock on the as-of date, whatever year a "
                       "complaint arrived (no year filter)", "tahun")
    filters = _pengaduan_filters(args, stock=True)
    frame = pengaduan.tunggakan(**filters)
    total = int(frame.filter(pl.col("sumbu") == "umur")["jumlah"].sum()) if frame.height else 0
    out = _flow(filters, pengaduan.as_of(), None, total, frame)
    out["period"] = {"start": None, "end": out["as_of"]}
    return out


def _perizinan_ringkasan(args: dict) -> dict:
    as_of = perizinan.as_of()
    filters = {k: (args.get(k) or None) for k in ("layanan", "kantor", "kecamatan")}
    filters["tahun"] = _year(args.get("tahun", as_of.year), "tahun")
    r = perizinan.ringkasan(**filters)
    return _flow(filters, as_of, r, r.get("persen_tepat_waktu"))


def _musrenbang_filters(args: dict) -> dict:
    out = {k: (args.get(k) or None) for k in ("status", "sumber", "bidang", "opd", "kecamatan")}
    out["tahun"] = _year(args.get("tahun"), "tahun")
    return out


def _musrenbang_alur(args: dict) -> dict:
    filters = _musrenbang_filters(args)
    frame = musrenbang.funnel(musrenbang.usulan_filtered(**filters))
    out = _flow(filters, _data_as_of(), None, int(frame["jumlah"][0]) if frame.height else 0,
                frame)
    return out


def _musrenbang_uang(args: dict) -> dict:
    filters = _musrenbang_filters(args)
    total = musrenbang.money_total(musrenbang.money_per_sub_kegiatan(**filters))
    return _flow(filters, _data_as_of(), total, total["realisasi"])


def _layanan(args: dict) -> dict:
    tahun = _year(args.get("tahun", layanan.tahun_data()), "tahun")
    lang = args.get("lang") or "id"
    filters = {"tahun": tahun, "q": args.get("q") or None,
               "peristiwa": args.get("peristiwa") or None, "lang": lang}
    kode = layanan.cari(filters["q"], filters["peristiwa"])["kode"]
    rows = layanan.unduhan(tahun=tahun, lang=lang).filter(pl.col("kode").is_in(kode.implode()))
    return _flow(filters, layanan.as_of(), None, rows.height, rows)


def _data_as_of() -> dt.date:
    return db.as_of("SELECT CAST(NULL AS DATE)")


_PENGADUAN = (Param("tahun", "int", description="year received (default: the as-of date's; "
                    "'semua' = every year)"),
              Param("kategori"), Param("kanal"), Param("kecamatan", description="kode_kecamatan"),
              Param("opd", description="kode_skpd"))
_MUSRENBANG = (Param("tahun", "int", description="tahun_rkpd (default: every year)"),
               Param("status"), Param("sumber"), Param("bidang"), Param("opd"),
               Param("kecamatan", description="kode_kecamatan"))

FIGURES: dict[str, Figure] = {f.name: f for f in (
    Figure("serapan_anggaran", "anggaran", "Serapan anggaran (ringkasan APBD)",
           "Budget absorption (APBD headline)",
           ("serapan", "tahap_efektif", "pagu_efektif", "realisasi_kumulatif"),
           (Param("tahun", "int", description="budget year (default: the latest)"),
            Param("tahap", "choice", (*anggaran.TAHAP, "efektif"),
                  "stage (default: the stage in force that year)"),
            Param("bulan", "int", description="realisasi up to this month (default: the latest "
                                              "month with realisasi)")),
           _anggaran),
    Figure("tepat_waktu_pengaduan", "pengaduan", "Pengaduan: ringkasan dan tepat waktu",
           "Complaints: headline and on-time rate", ("rasio_tepat_waktu", "sla_pengaduan",
                                                     "terbuka_pada"),
           _PENGADUAN, _pengaduan_ringkasan),
    Figure("alur_pengaduan", "pengaduan", "Alur status pengaduan", "Complaint status funnel",
           ("alur_pengaduan",), _PENGADUAN, _pengaduan_alur),
    Figure("tunggakan_pengaduan", "pengaduan", "Tunggakan pengaduan", "Complaint backlog",
           ("tunggakan_pengaduan", "terbuka_pada"), _PENGADUAN[1:], _pengaduan_tunggakan),
    Figure("tepat_waktu_perizinan", "perizinan", "Perizinan: ringkasan dan dalam standar",
           "Permits: headline and within-standard rate",
           ("rasio_tepat_waktu", "sla_perizinan", "hasil_perizinan"),
           (Param("tahun", "int", description="year applied (default: the as-of date's; "
                                              "'semua' = every year)"),
            Param("layanan"), Param("kantor"), Param("kecamatan", description="kode_kecamatan")),
           _perizinan_ringkasan),
    Figure("layanan", "layanan", "Katalog layanan: persyaratan, biaya, standar dan waktu nyata",
           "Service catalogue: requirements, cost, standard and actual time",
           ("sla_perizinan", "hasil_perizinan"),
           (Param("tahun", "int", description="year applied for the actual times (default: the "
                                              "as-of date's)"),
            Param("q", description="search words (name, keywords, office)"),
            Param("peristiwa", "choice", layanan.PERISTIWA, "life event"),
            Param("lang", "choice", LANGS, "language of the texts (default id)")),
           _layanan),
    Figure("alur_usulan", "musrenbang", "Alur usulan musrenbang", "Proposal funnel",
           ("tahap_usulan",), _MUSRENBANG, _musrenbang_alur),
    Figure("uang_usulan", "musrenbang", "Uang usulan yang didanai", "Money of funded proposals",
           ("uang_usulan", "uang_sub_kegiatan"), _MUSRENBANG, _musrenbang_uang),
)}


def _measure_text(name: str) -> dict:
    m = measures.by_name(name)
    if m is None:
        return {"name": name}
    return {"name": name, "sql_object": m.sql_object, "unit": m.unit,
            **{f: {lang: m.get(f, lang) for lang in LANGS} for f in measures.FIELDS}}


def figure_meta(fig: Figure, base: str = "") -> dict:
    return {"name": fig.name, "title": {"id": fig.title_id, "en": fig.title_en},
            "page": f"{base}/{fig.page}",
            "url": f"{base}{API}/measures/{fig.name}",
            "parameters": [{"name": p.name, "kind": p.kind, "choices": list(p.choices) or None,
                            "description": p.description or None} for p in fig.params],
            "measures": [_measure_text(m) for m in fig.measures]}


def figures(base: str = "") -> dict:
    """Every figure with an address, and every documented measure of the semantic layer."""
    return {"figures": [figure_meta(f, base) for f in FIGURES.values()],
            "definitions": [_measure_text(m.name) for m in measures.all_measures()]}


def figure(name: str, args: dict[str, str], base: str = "") -> dict:
    """One figure computed for `args` (the page's filters), with its base period and as-of date."""
    fig = FIGURES.get(name)
    if fig is None:
        raise ApiError(f"unknown measure {name!r} (see {API}/measures)", "name", 404)
    known = {p.name: p for p in fig.params}
    for key, value in args.items():
        if key not in known:
            raise ApiError(f"unknown parameter {key!r} for {name} (known: "
                           f"{', '.join(known) or 'none'})", key)
        if len(value) > 200:
            raise ApiError(f"{key}: value too long", key)
        p = known[key]
        if p.kind == "choice" and value and value not in p.choices:
            raise ApiError(f"{key} must be one of {', '.join(p.choices)}", key)
    result = fig.compute(dict(args))
    return {"measure": name, "title": {"id": fig.title_id, "en": fig.title_en},
            "page": f"{base}/{fig.page}", "data_version": db.data_version(), **result,
            "definitions": [_measure_text(m) for m in fig.measures]}


# ---------------------------------------------------------------- a ticket, as Lacak shows it

_VIEW_PENGADUAN = ("kategori", "judul", "isi", "rahasia", "target_hari_kerja", "target_date",
                   "hari_kerja", "hari_lewat", "terbuka", "sisa_hari_kerja")
_VIEW_USULAN = ("usulan", "permasalahan", "volume", "satuan", "perkiraan_biaya", "bidang_urusan",
                "tahun_rkpd", "support_count")


def tiket(raw: str, device: str | None, address: str | None) -> tuple[str, dict | None]:
    """`(state, body)` for a ticket: what Lacak shows and nothing more (no kanal, office code,
    classification, point or photo files); throttled like Lacak (warga.lookup)."""
    state, view, events = warga.lookup(raw, device, address)
    if state != "found" or view is None:
        return state, view if state == "throttled" else None
    body = {"ticket": view["ticket"], "kind": view["kind"], "status": view["status"],
            "created_at": view["created_at"], "nama_desa": view.get("nama_desa"),
            "nama_kecamatan": view.get("nama_kecamatan")}
    for k in (_VIEW_PENGADUAN if view["kind"] == "pengaduan" else _VIEW_USULAN):
        body[k] = view.get(k)
    body["photos"] = len(view.get("photos") or [])
    body["timeline"] = [{"at": ev["at"], "status": ev["to_status"],
                         # Lacak names the citizen, or "an official" (never which official role)
                         "by": "warga" if ev.get("role") == "warga" else "petugas",
                         "reason": ev.get("reason_code"), "public_note": ev.get("public_note")}
                        for ev in events]
    return "found", body


# ---------------------------------------------------------------- DCAT-AP 3 catalogue

_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "adms": "http://www.w3.org/ns/adms#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct:issued": {"@type": "xsd:dateTime"},
    "dct:modified": {"@type": "xsd:dateTime"},
    "dcat:startDate": {"@type": "xsd:date"},
    "dcat:endDate": {"@type": "xsd:date"},
    "dcat:byteSize": {"@type": "xsd:nonNegativeInteger"},
}

_MEDIA = {"csv": "text/csv", "json": "application/json"}


def _lit(text_id: str, text_en: str) -> list[dict]:
    return [{"@value": text_id, "@language": "id"}, {"@value": text_en, "@language": "en"}]


def _date(value) -> str | None:
    if not value:
        return None
    return str(value)[:10]


def dcat_catalog(base: str) -> dict:
    """The catalogue as JSON-LD (DCAT-AP 3): every dataset, its JSON and CSV distributions,
    licence, temporal coverage and spatial coverage by the region's Kemendagri code."""
    region = config.region()
    pub = _publisher()
    facts = db.meta()
    version = db.data_version()
    publisher = {"@id": f"{base}/#publisher", "@type": "foaf:Agent",
                 "foaf:name": pub["name"]}
    spatial = {"@id": f"{base}/#wilayah-{region.kode}", "@type": "dct:Location",
               "skos:prefLabel": region.nama, "skos:notation": region.kode,
               "dct:identifier": region.kode}
    licence = {"@id": pub["licence_url"], "@type": "dct:LicenseDocument",
               "dct:title": pub["licence"]}
    out = []
    for name in catalog.DATASETS:
        meta = dataset_meta(name, base)
        ds_id = f"{base}{API}/datasets/{name}"
        distributions = [
            {"@id": f"{ds_id}/rows.csv", "@type": "dcat:Distribution",
             "dct:title": f"{meta['title']['id']} (CSV)",
             "dcat:accessURL": {"@id": f"{ds_id}/rows.csv"},
             "dcat:downloadURL": {"@id": f"{ds_id}/rows.csv"},
             "dcat:mediaType": {"@id": "http://www.iana.org/assignments/media-types/text/csv"},
             "dct:format": {"@id": "http://publications.europa.eu/resource/authority/"
                                   "file-type/CSV"},
             "dct:license": {"@id": pub["licence_url"]},
             "dct:conformsTo": {"@id": FRICTIONLESS_TABLE_SCHEMA}},
            {"@id": f"{ds_id}/rows", "@type": "dcat:Distribution",
             "dct:title": f"{meta['title']['id']} (JSON API)",
             "dcat:accessURL": {"@id": f"{ds_id}/rows"},
             "dcat:accessService": {"@id": f"{base}{API}"},
             "dcat:mediaType": {"@id": "http://www.iana.org/assignments/media-types/"
                                       "application/json"},
             "dct:format": {"@id": "http://publications.europa.eu/resource/authority/"
                                   "file-type/JSON"},
             "dct:license": {"@id": pub["licence_url"]},
             "dct:conformsTo": {"@id": f"{base}{API}/openapi.json"}},
        ]
        temporal = {"@type": "dct:PeriodOfTime"}
        if meta["period"]["start"]:
            temporal["dcat:startDate"] = _year_date(meta["period"]["start"], start=True)
        if meta["period"]["end"]:
            temporal["dcat:endDate"] = _year_date(meta["period"]["end"], start=False)
        entry = {
            "@id": ds_id, "@type": "dcat:Dataset",
            "dct:identifier": f"{region.kode}/{name}",
            "dct:title": _lit(meta["title"]["id"], meta["title"]["en"]),
            "dct:description": _lit(meta["description"]["id"], meta["description"]["en"]),
            "dct:publisher": {"@id": publisher["@id"]},
            "dct:creator": {"@type": "foaf:Agent", "foaf:name": meta["producer"]},
            "dct:accrualPeriodicity": meta["frequency"]["id"],
            "dct:spatial": {"@id": spatial["@id"]},
            "dct:license": {"@id": pub["licence_url"]},
            "dct:conformsTo": {"@id": DCAT_AP},
            "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": pub["contact"]},
            "adms:version": version,
            "dcat:keyword": ["Satu Data", name, region.nama],
            "dcat:landingPage": {"@id": f"{base}/data"},
            "dcat:distribution": distributions,
        }
        if len(temporal) > 1:
            entry["dct:temporal"] = temporal
        out.append(entry)
    return {
        "@context": _CONTEXT,
        "@id": f"{base}/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _lit(f"Lentera — data terbuka {region.nama}",
                          f"Lentera — open data of {region.nama}"),
        "dct:description": _lit(
            "Katalog data terbuka Lentera: anggaran, pengaduan, perizinan, musrenbang, wilayah "
            "dan referensi." + (" DATA CONTOH." if facts.get("is_sample") == "true" else ""),
            "Lentera's open-data catalogue: budget, complaints, permits, musrenbang, areas and "
            "reference tables." + (" SAMPLE DATA." if facts.get("is_sample") == "true" else "")),
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:spatial": spatial,
        "dct:conformsTo": {"@id": DCAT_AP},
        "dct:modified": facts.get("built_at"),
        "adms:version": version,
        "dcat:service": {"@id": f"{base}{API}", "@type": "dcat:DataService",
                         "dct:title": "Lentera API v1",
                         "dcat:endpointURL": {"@id": f"{base}{API}"},
                         "dcat:endpointDescription": {"@id": f"{base}{API}/openapi.json"},
                         "dct:conformsTo": {"@id": "https://spec.openapis.org/oas/v3.1.0"}},
        "dcat:dataset": out,
    }


def _year_date(value: str, start: bool) -> str:
    """A period bound as a date: a bare year becomes its first or last day."""
    text = str(value)
    if len(text) == 4 and text.isdigit():
        return f"{text}-01-01" if start else f"{text}-12-31"
    return text[:10]
