"""The HTTP API beside the app: /api/v1 (JSON and CSV), /catalog.jsonld (DCAT-AP 3) and a
read-only Open311 GeoReport v2, plus the security headers and CORS of every response.

Routes are thin: they parse the request, run the query in a worker thread (the event loop also
serves every visitor's websocket) and turn a typed error into a JSON answer in one place
(`_answer`): 400/404 with `{"error": {...}}`, 503 when the warehouse is missing, never a
traceback. Query logic lives in lentera.warehouse.rows / open311 and lentera.services.api.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from decimal import Decimal
from urllib.parse import urlencode

import duckdb
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from lentera.core import config
from lentera.core.errors import WarehouseUnavailableError
from lentera.figures.export import csv_safe
from lentera.services import api
from lentera.services.api import API
from lentera.store import ratelimit
from lentera.warehouse import db, open311, rows

log = logging.getLogger("lentera.api")


# ---------------------------------------------------------------- answers


def _default(value):
    if isinstance(value, Decimal):
        return float(value) if len(value.as_tuple().digits) <= 15 else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class Json(JSONResponse):
    """JSON with dates as ISO 8601 and decimals as numbers, UTF-8 as is."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return json.dumps(content, default=_default, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")


class JsonLd(Json):
    media_type = "application/ld+json"


def error(status: int, message: str, param: str | None = None, **headers: str) -> Json:
    """The one error shape of the API: {"error": {"status", "message", "param"}}."""
    return Json({"error": {"status": status, "message": message, "param": param}},
                status_code=status, headers={"Cache-Control": "no-store", **headers})


def _base(request: Request) -> str:
    """The absolute base URL links are made from (the proxy's scheme when trusted)."""
    proto = request.headers.get("x-forwarded-proto") if config.trust_proxy() else None
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{proto or request.url.scheme}://{host}"


async def _answer(work: Callable[[], Response | object], cls: type[Json] = Json) -> Response:
    """Run `work` in a thread; typed errors become JSON answers, anything else a plain 500."""
    try:
        result = await run_in_threadpool(work)
    except (api.ApiError, rows.RowsQueryError, open311.Open311Error) as exc:
        status = getattr(exc, "status", 400)
        return error(status, exc.message, exc.param)
    except WarehouseUnavailableError:
        return error(503, "the data warehouse is not available yet", None, **{"Retry-After": "60"})
    except duckdb.Error:
        log.exception("API query failed")
        return error(500, "the query failed", None)
    if isinstance(result, Response):
        return result
    return cls(result, headers={"Cache-Control": "public, max-age=60"})


def _items(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


def _single(request: Request) -> dict[str, str]:
    """Query parameters as a dict; a parameter given twice is refused (never silently one)."""
    items = _items(request)
    seen: dict[str, str] = {}
    for key, value in items:
        if key in seen:
            raise api.ApiError(f"{key} given twice", key)
        seen[key] = value
    return seen


# ---------------------------------------------------------------- /api/v1


async def index(request: Request) -> Response:
    base = _base(request)

    def work():
        return {"name": "Lentera API", "version": "v1", "data_version": db.data_version(),
                "region": {"kode": config.region().kode, "nama": config.region().nama},
                "links": {
                    "openapi": f"{base}{API}/openapi.json",
                    "datasets": f"{base}{API}/datasets",
                    "measures": f"{base}{API}/measures",
                    "tiket": f"{base}{API}/tiket/{{ticket}}",
                    "catalog": f"{base}/catalog.jsonld",
                    "open311_services": f"{base}/open311/v2/services.json",
                    "open311_requests": f"{base}/open311/v2/requests.json",
                    "health": f"{base}/healthz"}}
    return await _answer(work)


async def openapi_json(request: Request) -> Response:
    from lentera.web.openapi import spec

    base = _base(request)
    return await _answer(lambda: spec(base))


async def datasets(request: Request) -> Response:
    base = _base(request)
    return await _answer(lambda: {"datasets": api.datasets(base)})


async def dataset(request: Request) -> Response:
    base = _base(request)
    name = request.path_params["name"]
    return await _answer(lambda: api.dataset_detail(name, base))


async def dataset_rows(request: Request) -> Response:
    base = _base(request)
    name = request.path_params["name"]
    items = _items(request)

    def work():
        query = rows.parse(name, items)
        frame, token = rows.page(query)
        nxt = None
        if token:
            kept = [(k, v) for k, v in items if k != "_next"] + [("_next", token)]
            nxt = f"{base}{API}/datasets/{name}/rows?{urlencode(kept)}"
        return {"dataset": name, "data_version": db.data_version(),
                "as_of": rows.as_of().isoformat(), "count": rows.count(query),
                "limit": query.limit, "columns": frame.columns, "rows": rows.jsonable(frame),
                "next": nxt, "next_token": token}
    return await _answer(work)


def _csv_chunks(query: rows.RowsQuery) -> Iterator[bytes]:
    first = True
    for batch in rows.batches(query):
        # formulas neutralised exactly as in every other CSV of Lentera
        text = csv_safe(batch).write_csv(include_header=first)
        first = False
        yield text.encode("utf-8")
    if first:  # no row matched: still the header
        yield ",".join(rows.column_types(query.dataset)).encode("utf-8") + b"\n"


async def dataset_rows_csv(request: Request) -> Response:
    name = request.path_params["name"]
    items = _items(request)

    def work():
        query = rows.parse(name, items, paged=False)
        version = db.data_version()
        return StreamingResponse(
            _csv_chunks(query), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}_{version}.csv"',
                     "Cache-Control": "public, max-age=60", "X-Data-Version": version})
    return await _answer(work)


async def measures(request: Request) -> Response:
    base = _base(request)
    return await _answer(lambda: api.figures(base))


async def measure(request: Request) -> Response:
    base = _base(request)
    name = request.path_params["name"]
    return await _answer(lambda: api.figure(name, _single(request), base))


async def tiket(request: Request) -> Response:
    raw = request.path_params["ticket"]
    address = ratelimit.client_address(request.client.host if request.client else None,
                                       request.headers, config.trust_proxy())
    device = ratelimit.device_from_xsrf(request.cookies.get("_streamlit_xsrf"))

    def work():
        state, body = api.tiket(raw, device, address)
        if state == "throttled":
            minutes = body["retry_minutes"] if body else 1
            return error(429, f"too many lookups that found nothing: try again in {minutes} min",
                         "ticket", **{"Retry-After": str(minutes * 60)})
        if state in ("malformed", "empty"):
            return error(400, "not a ticket number (e.g. LTR-7K3Q-X9PM)", "ticket")
        if state != "found":
            return error(404, "no such ticket", "ticket")
        return Json(body, headers={"Cache-Control": "no-store"})
    return await _answer(work)


# ---------------------------------------------------------------- catalogue and Open311


async def catalog_jsonld(request: Request) -> Response:
    base = _base(request)
    return await _answer(lambda: api.dcat_catalog(base), JsonLd)


async def open311_services(request: Request) -> Response:
    return await _answer(open311.services)


async def open311_requests(request: Request) -> Response:
    return await _answer(lambda: open311.requests(_single(request)))


async def open311_request(request: Request) -> Response:
    rid = request.path_params["id"]

    def work():
        found = open311.requests({"service_request_id": rid})
        if not found:
            return error(404, "no such public service request", "service_request_id")
        return Json(found[:1], headers={"Cache-Control": "public, max-age=60"})
    return await _answer(work)


ROUTES = [
    Route(API, index, methods=["GET", "HEAD"]),
    Route(f"{API}/openapi.json", openapi_json, methods=["GET", "HEAD"]),
    Route(f"{API}/datasets", datasets, methods=["GET", "HEAD"]),
    Route(f"{API}/datasets/{{name}}", dataset, methods=["GET", "HEAD"]),
    Route(f"{API}/datasets/{{name}}/rows", dataset_rows, methods=["GET", "HEAD"]),
    Route(f"{API}/datasets/{{name}}/rows.csv", dataset_rows_csv, methods=["GET", "HEAD"]),
    Route(f"{API}/measures", measures, methods=["GET", "HEAD"]),
    Route(f"{API}/measures/{{name}}", measure, methods=["GET", "HEAD"]),
    Route(f"{API}/tiket/{{ticket}}", tiket, methods=["GET", "HEAD"]),
    Route("/catalog.jsonld", catalog_jsonld, methods=["GET", "HEAD"]),
    Route("/open311/v2/services.json", open311_services, methods=["GET", "HEAD"]),
    Route("/open311/v2/requests.json", open311_requests, methods=["GET", "HEAD"]),
    Route("/open311/v2/requests/{id}.json", open311_request, methods=["GET", "HEAD"]),
]


# ---------------------------------------------------------------- headers on every response

# Streamlit needs inline styles (emotion) and scripts that build code at run time (Plotly, Vega),
# workers and tiles from blob:/https:, and its own websocket; nobody else may frame the app.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; "
       "font-src 'self' data:; connect-src 'self' ws: wss: https:; worker-src 'self' blob:; "
       "frame-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
# Machine-readable addresses anyone's page or tool may read (GET only, no credentials).
CORS_PREFIXES = (API, "/catalog.jsonld", "/open311/", "/unduh/")
CORS_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, HEAD, OPTIONS",
    "access-control-allow-headers": "Range, If-None-Match, If-Modified-Since, Accept-Encoding",
    "access-control-expose-headers": "Content-Length, Content-Range, ETag, Retry-After, "
                                     "X-Data-Version",
    "access-control-max-age": "86400",
}


def _cors(path: str) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/")
               for p in CORS_PREFIXES)


class SecurityHeaders:
    """ASGI middleware: security headers on every HTTP response, CORS GET for the open addresses
    (a preflight OPTIONS there answers 204 itself); websockets pass untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cors = _cors(scope.get("path", ""))
        if cors and scope.get("method") == "OPTIONS":
            headers = [(k.encode(), v.encode()) for k, v in {**SECURITY_HEADERS,
                                                             **CORS_HEADERS}.items()]
            await send({"type": "http.response.start", "status": 204,
                        "headers": headers + [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        extra = {**SECURITY_HEADERS, **(CORS_HEADERS if cors else {})}

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                added = [(k.encode(), v.encode()) for k, v in extra.items()
                         if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def catalog_links() -> dict[str, str]:
    """Relative addresses the Data page links (work under any host)."""
    return {"catalog": "/catalog.jsonld", "api": API, "openapi": f"{API}/openapi.json",
            "datasets": f"{API}/datasets"}

