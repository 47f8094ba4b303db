"""The prepared downloads over HTTP: `/unduh/latest/{dataset}.{csv|parquet|xlsx|geojson}` and
`/unduh/{version}/{file}`, beside the app in the same process.

Files are streamed from `<data dir>/exports/<version>/` in 64 kB chunks (never whole in memory)
with Content-Length, ETag and Last-Modified; a `Range` request gets 206 with exactly those bytes
(Starlette's FileResponse), so a weak connection resumes. A CSV is gzipped on the fly when the
client accepts gzip and asks for the whole file. Only names a version's manifest lists are served.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from lentera.warehouse import catalog, prepared

PREFIX = "/unduh/"
# Streamlit's own gzip middleware (level 9, every type) sits inside ours: the request's
# Accept-Encoding is handed to the route under this name, so only the route decides.
OWN_ENCODING = b"x-lentera-accept-encoding"
GZIP_LEVEL = 6  # about a third of level 9's CPU for a CSV a few percent bigger
CHUNK = 1024 * 1024

MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".geojson": "application/geo+json",
    ".zip": "application/zip",
    ".json": "application/json",
}


class OwnEncoding:
    """ASGI middleware: hide Accept-Encoding of /unduh/ requests from the gzip layers inside."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _route_path(scope).startswith(PREFIX):
            scope = {**scope, "headers": [
                (OWN_ENCODING if k == b"accept-encoding" else k, v)
                for k, v in scope["headers"] if k != OWN_ENCODING]}
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (`gzip` or `*` with a q above 0)."""
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        q = params.strip().lower()
        try:
            return not q.startswith("q=") or float(q[2:]) > 0
        except ValueError:
            return False
    return False


def _gzip_chunks(path: Path) -> Iterator[bytes]:
    # a sync generator: Starlette runs each step in a worker thread, off the event loop
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    with open(path, "rb") as src:
        while chunk := src.read(CHUNK):
            out = packer.compress(chunk)
            if out:
                yield out
    yield packer.flush()


def _not_found(what: str) -> JSONResponse:
    return JSONResponse({"error": {"status": 404, "message": f"no prepared file {what}",
                                   "param": None}},
                        status_code=404, headers={"Cache-Control": "no-store"})


def _serve(request: Request, version: str, file: str, path: Path, cache: str) -> Response:
    stat = path.stat()
    headers = {"Cache-Control": cache, "Vary": "Accept-Encoding",
               "Link": f'<{catalog.download_url(version, file)}>; rel="canonical"'}
    response = FileResponse(path, headers=headers, filename=file, stat_result=stat,
                            media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"))
    etag = response.headers["etag"]
    gz_etag = etag[:-1] + '-gzip"'
    wanted = {tag.strip().removeprefix("W/") for tag in request.headers.get(
        "if-none-match", "").split(",")}
    if wanted & {etag, gz_etag, "*"}:
        return Response(status_code=304, headers={**headers, "ETag": etag})
    encoding = request.headers.get(OWN_ENCODING.decode()) or request.headers.get(
        "accept-encoding", "")
    whole = request.method == "GET" and "range" not in request.headers
    if path.suffix == ".csv" and whole and accepts_gzip(encoding):
        # the gzipped bytes are another representation: their own ETag, no known length
        gz_headers = {**headers, "ETag": gz_etag, "Content-Encoding": "gzip",
                      "Content-Disposition": response.headers["content-disposition"],
                      "Last-Modified": response.headers["last-modified"]}
        return StreamingResponse(_gzip_chunks(path), media_type=response.media_type,
                                 headers=gz_headers)
    return response


async def latest(request: Request) -> Response:
    """`/unduh/latest/<name>`: the latest prepared version's file, at an address that stays."""
    name = request.path_params["name"]
    found = await run_in_threadpool(lambda: catalog.latest_file(name, prepared.latest_version()))
    if found is None:
        return _not_found(name)
    version, file = found
    path = await run_in_threadpool(catalog.export_file, version, file)
    if path is None:
        return _not_found(name)
    # short: the address moves to the next version's bytes when the data is reloaded
    return _serve(request, version, file, path, "public, max-age=60")


async def versioned(request: Request) -> Response:
    """`/unduh/<version>/<file>`: one version's file; its bytes never change."""
    version, file = request.path_params["version"], request.path_params["file"]
    path = await run_in_threadpool(catalog.export_file, version, file)
    if path is None:
        return _not_found(f"{version}/{file}")
    return _serve(request, version, file, path, "public, max-age=31536000, immutable")


ROUTES = [
    Route("/unduh/latest/{name}", latest, methods=["GET", "HEAD"]),
    Route("/unduh/{version}/{file}", versioned, methods=["GET", "HEAD"]),
]
