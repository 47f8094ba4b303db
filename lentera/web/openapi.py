"""The OpenAPI 3.1 description of every route of lentera.web.api (served at /api/v1/openapi.json)."""

from __future__ import annotations

from lentera.services import api
from lentera.services.api import API
from lentera.warehouse import catalog, open311, rows

_ERROR = {"description": "A request the API cannot answer as asked",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_UNAVAILABLE = {"description": "The data warehouse is not available yet",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: dict | None = None, media: str = "application/json") -> dict:
    return {"description": description,
            "content": {media: {"schema": schema or {"type": "object"}}}}


def _get(summary: str, description: str, ok: dict, params: list | None = None,
         errors: tuple[str, ...] = ("400", "503"), tags: tuple[str, ...] = ("api",)) -> dict:
    responses = {"200": ok}
    for code in errors:
        responses[code] = _UNAVAILABLE if code == "503" else _ERROR | {
            "description": {"400": "Unknown parameter or bad value", "404": "Not found",
                            "429": "Too many lookups that found nothing"}[code]}
    return {"get": {"summary": summary, "description": description, "tags": list(tags),
                    "parameters": params or [], "responses": responses}}


def _path(name: str, description: str, enum: list[str] | None = None, example: str = "") -> dict:
    schema: dict = {"type": "string"}
    if enum:
        schema["enum"] = enum
    out = {"name": name, "in": "path", "required": True, "description": description,
           "schema": schema}
    if example:
        out["example"] = example
    return out


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def spec(base: str = "") -> dict:
    """The OpenAPI document; `base` is the server's absolute URL."""
    names = list(catalog.DATASETS)
    figures = list(api.FIGURES)
    filters = {"name": "filters", "in": "query", "required": False, "style": "form",
               "explode": True,
               "description": "Column filters, Datasette-style: `column=value` (exact), "
                              "`column__gte=value`, `column__lte=value`, "
                              "`column__contains=text` (case-insensitive). Columns are the "
                              "dataset's dictionary; values are cast to the column's type "
                              "(a value that is not of that type is a 400).",
               "schema": {"type": "object", "additionalProperties": {"type": "string"}}}
    sort = [_query("_sort", "Sort ascending by this column (then by the dataset's key)"),
            _query("_sort_desc", "Sort descending by this column")]
    paths = {
        API: _get("Index", "Links to everything below.", _ok("Links")),
        f"{API}/openapi.json": _get("This description", "OpenAPI 3.1.", _ok("OpenAPI"),
                                    errors=()),
        f"{API}/datasets": _get(
            "Datasets", "Every dataset with its Satu Data metadata: producer, period, "
            "frequency, licence, version, row count, links.",
            _ok("Datasets", {"type": "object", "properties": {
                "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}}})),
        f"{API}/datasets/{{name}}": _get(
            "One dataset", "Metadata, dictionary (id and en) and provenance of one dataset.",
            _ok("Dataset", {"$ref": "#/components/schemas/Dataset"}),
            [_path("name", "Dataset name", names, "anggaran")], ("404", "503")),
        f"{API}/datasets/{{name}}/rows": _get(
            "Rows (JSON)", f"Rows in a stable order, at most {rows.MAX_LIMIT} per page; `next` "
            "is the next page's URL (keyset paging: pages never skip or repeat a row).",
            _ok("Rows", {"$ref": "#/components/schemas/Rows"}),
            [_path("name", "Dataset name", names, "anggaran"), filters, *sort,
             _query("_limit", f"Rows per page, 1–{rows.MAX_LIMIT} (default "
                              f"{rows.DEFAULT_LIMIT})",
                    {"type": "integer", "minimum": 1, "maximum": rows.MAX_LIMIT}),
             _query("_next", "The token of the next page (from `next_token`)")],
            ("400", "404", "503")),
        f"{API}/datasets/{{name}}/rows.csv": _get(
            "Rows (CSV)", "Every matching row, streamed, with the same filters and sort; text "
            "cells that start like a spreadsheet formula (= + - @ tab CR) get a leading "
            "apostrophe.", _ok("CSV", {"type": "string"}, "text/csv"),
            [_path("name", "Dataset name", names, "anggaran"), filters, *sort],
            ("400", "404", "503")),
        f"{API}/measures": _get(
            "Figures and measures", "Every page figure with an address, and every measure "
            "the semantic layer documents (definition, base, caveats in id and en).",
            _ok("Figures")),
        f"{API}/measures/{{name}}": _get(
            "One figure", "A page's figure computed by the page's own query for the same "
            "filters, with its filters, base period, as-of date and definitions. Parameters "
            "per figure are listed by /measures.",
            _ok("Figure", {"$ref": "#/components/schemas/Figure"}),
            [_path("name", "Figure name", figures, "serapan_anggaran"),
             {"name": "filters", "in": "query", "required": False, "style": "form",
              "explode": True, "description": "The figure's filters (see /measures).",
              "schema": {"type": "object", "additionalProperties": {"type": "string"}}}],
            ("400", "404", "503")),
        f"{API}/tiket/{{ticket}}": _get(
            "A ticket's public status", "What the Lacak page shows for a ticket, nothing more; "
            "lookups that find nothing are limited per device and address like Lacak.",
            _ok("Ticket"), [_path("ticket", "Ticket number", example="LTR-7K3Q-X9PM")],
            ("400", "404", "429")),
        "/catalog.jsonld": _get(
            "DCAT-AP 3 catalogue", "Every dataset and distribution as JSON-LD.",
            _ok("Catalogue", media="application/ld+json"), tags=("catalogue",)),
        "/open311/v2/services.json": _get(
            "Open311 services", "GeoReport v2 services: one per complaint category.",
            _ok("Services", {"type": "array", "items": {"type": "object"}}),
            tags=("open311",)),
        "/open311/v2/requests.json": _get(
            "Open311 requests", "GeoReport v2 requests, newest first, at most "
            f"{open311.MAX_REQUESTS}; without dates the last {open311.DEFAULT_DAYS} days. "
            "Confidential reports never appear; no point is published.",
            _ok("Requests", {"type": "array", "items": {"$ref": "#/components/schemas/Request"}}),
            [_query("service_request_id", "Comma-separated ids"),
             _query("service_code", "Comma-separated service codes"),
             _query("start_date", "W3C date-time", {"type": "string"}),
             _query("end_date", "W3C date-time", {"type": "string"}),
             _query("status", "open or closed", {"type": "string", "enum": ["open", "closed"]}),
             _query("jurisdiction_id", "The region's Kemendagri code")],
            tags=("open311",)),
        "/open311/v2/requests/{id}.json": _get(
            "One Open311 request", "GeoReport v2: a list with the one request.",
            _ok("Request", {"type": "array", "items": {"$ref": "#/components/schemas/Request"}}),
            [_path("id", "service_request_id", example="LPR-2026-000001")],
            ("404", "503"), tags=("open311",)),
        "/healthz": _get(
            "Health", "200 with the data version when the warehouse and the store answer, "
            "503 otherwise (for load balancers).", _ok("Healthy"), errors=("503",),
            tags=("health",)),
    }
    request_fields = ("service_request_id", "status", "status_notes", "service_name",
                      "service_code", "description", "agency_responsible", "service_notice",
                      "requested_datetime", "updated_datetime", "expected_datetime", "address",
                      "address_id", "zipcode", "lat", "long", "media_url")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lentera API", "version": "1",
                 "description": "Open data of the regency: datasets, the dashboards' figures, "
                                "a ticket's public status, DCAT-AP catalogue, Open311.",
                 "license": {"name": "CC BY 4.0 (data)",
                             "url": "https://creativecommons.org/licenses/by/4.0/"}},
        "servers": [{"url": base or "/"}],
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "properties": {
                    "status": {"type": "integer"}, "message": {"type": "string"},
                    "param": {"type": ["string", "null"]}}}}},
            "Dataset": {"type": "object", "required": ["name", "rows", "version", "licence"],
                        "properties": {"name": {"type": "string"}, "rows": {"type": "integer"},
                                       "version": {"type": "string"},
                                       "licence": {"type": "object"},
                                       "period": {"type": "object"}}},
            "Rows": {"type": "object", "required": ["rows", "count", "next"], "properties": {
                "rows": {"type": "array", "items": {"type": "object"}},
                "count": {"type": "integer"}, "next": {"type": ["string", "null"]},
                "next_token": {"type": ["string", "null"]}}},
            "Figure": {"type": "object", "required": ["measure", "as_of", "filters"],
                       "properties": {"measure": {"type": "string"},
                                      "as_of": {"type": ["string", "null"]},
                                      "filters": {"type": "object"},
                                      "period": {"type": "object"}}},
            "Request": {"type": "object", "required": ["service_request_id", "status"],
                        "properties": {f: {"type": ["string", "number", "null"]}
                                       for f in request_fields}},
        }},
    }
