"""/catalog.jsonld: a DCAT-AP 3 catalogue that parses as JSON-LD, with every dataset and its
distributions, licence, temporal and spatial coverage (the region's code)."""

from __future__ import annotations

import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit
from test_api import get, get_json

from lentera.core import config
from lentera.warehouse import catalog

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "@type"


@pytest.fixture(scope="module")
def dcat(fixture_warehouse, tmp_path_factory):
    scratch = tmp_path_factory.mktemp("dcat")
    env = fixture_environ(fixture_warehouse.db, scratch)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        port = free_port()
        proc = start_streamlit(env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            yield base, get_json(base, "/catalog.jsonld")
        finally:
            stop_streamlit(proc)


def _one(node: dict, key: str):
    values = node.get(key) or []
    assert values, key
    return values[0]


def test_catalog_parses_as_json_ld_with_every_dataset_and_distribution(dcat):
    from pyld import jsonld

    base, doc = dcat
    expanded = jsonld.expand(doc)
    nodes = {n["@id"]: n for n in jsonld.flatten(expanded) if "@id" in n}
    datasets = [n for n in nodes.values() if f"{DCAT}Dataset" in n.get(RDF_TYPE, [])]
    want = {f"{base}/api/v1/datasets/{name}" for name in catalog.DATASETS}
    assert {n["@id"] for n in datasets} == want
    region = config.region()
    for ds in datasets:
        assert _one(ds, f"{DCT}license")["@id"].startswith("https://creativecommons.org/")
        assert _one(ds, f"{DCT}conformsTo")["@id"]
        spatial = nodes[_one(ds, f"{DCT}spatial")["@id"]]
        assert _one(spatial, f"{DCT}identifier")["@value"] == region.kode
        titles = {t["@language"] for t in ds[f"{DCT}title"]}
        assert titles == {"id", "en"}
        distributions = [nodes[d["@id"]] for d in ds[f"{DCAT}distribution"]]
        assert len(distributions) == 2
        for dist in distributions:
            assert f"{DCAT}Distribution" in dist[RDF_TYPE]
            assert _one(dist, f"{DCT}conformsTo")["@id"]
            url = _one(dist, f"{DCAT}accessURL")["@id"]
            assert url.startswith(base)
            assert get(base, url[len(base):])[0] == 200  # the distribution answers
    dated = [n for n in datasets if f"{DCT}temporal" in n]
    with_time = [name for name, d in catalog.DATASETS.items() if d.time_sql]
    assert len(dated) == len(with_time)
    for ds in dated:
        period = nodes[_one(ds, f"{DCT}temporal")["@id"]] if "@id" in _one(
            ds, f"{DCT}temporal") else _one(ds, f"{DCT}temporal")
        start = _one(period, f"{DCAT}startDate")
        assert start["@type"] == "http://www.w3.org/2001/XMLSchema#date"
    # and it is RDF: every dataset yields triples
    quads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    assert quads.count(f"<{DCAT}Dataset>") == len(catalog.DATASETS)


def test_catalog_is_served_as_json_ld_with_cors(dcat):
    base, _ = dcat
    code, headers, _ = get(base, "/catalog.jsonld")
    assert code == 200 and headers["Content-Type"].startswith("application/ld+json")
    assert headers["Access-Control-Allow-Origin"] == "*"
