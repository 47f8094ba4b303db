"""The HTTP side of a Lentera process: health and readiness routes, and the warm-up before traffic.

`/healthz` answers 200 with the data version when the warehouse and the store answer (503
otherwise); `/readyz` answers 200 once the process has warmed up.

`serve.py` builds the ASGI app from these (`st.App("app.py", routes=ROUTES, lifespan=lifespan)`).
A process imports its heavy libraries, builds one figure of each kind and opens the warehouse
and the store before it accepts a visitor: a crowd arriving at a cold process otherwise races
Plotly's lazy imports across script threads (`partially initialized module 'pandas'`).
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import time
from contextlib import asynccontextmanager

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

log = logging.getLogger("lentera.server")

_state: dict[str, object] = {"ready": False, "warm_seconds": None, "problems": []}


def warm_up() -> list[str]:
    """Import and exercise what a first page view needs; the problems found (empty when none)."""
    problems: list[str] = []
    import pandas  # noqa: F401  (Plotly's lazy import of pandas happens here, once)
    import plotly.express as px
    import plotly.graph_objects as go
    import pydeck as pdk

    from lentera.core import fmt
    from lentera.figures import anggaran as _anggaran  # noqa: F401  (figure modules imported once)
    from lentera.figures import maps as _maps  # noqa: F401

    go.Figure(go.Bar(x=[1, 2], y=[3, 4])).to_json()
    go.Figure(go.Funnel(y=["a", "b"], x=[2, 1])).to_json()
    px.bar(x=[1, 2], y=["a", "b"], orientation="h").to_json()
    px.treemap(names=["a", "b"], parents=["", "a"], values=[2, 1]).to_json()
    pdk.Deck(layers=[pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": []})],
             map_style=None).to_json()
    fmt.rupiah(1_960_000_000_000)
    try:
        from lentera.warehouse import db

        db.data_version()  # opens the read-only connection and installs the semantic layer
        db.meta()
    except Exception as exc:  # a missing warehouse is a state the pages explain, not a crash
        problems.append(f"warehouse: {type(exc).__name__}")
    try:
        from lentera.store import engine

        engine.init()  # migrations and the one photo sweep happen before traffic
    except Exception as exc:
        problems.append(f"store: {type(exc).__name__}")
    return problems


@asynccontextmanager
async def lifespan(_app):
    """Warm up, then accept visitors (uvicorn serves only after the lifespan's start returns)."""
    started = time.perf_counter()
    problems = await asyncio.to_thread(warm_up)
    _state.update(ready=True, warm_seconds=round(time.perf_counter() - started, 2),
                  problems=problems)
    log.info("lentera process %s ready in %.2f s %s", os.getpid(), _state["warm_seconds"],
             problems or "")
    # citizens' status e-mails go out from every process; the store's claims keep them single
    from lentera.services import notify

    _thread, stop = notify.start_background()
    try:
        yield {}
    finally:
        stop.set()


def health() -> tuple[bool, dict]:
    """Whether the warehouse and the store both answer a query, with the data version."""
    body: dict[str, object] = {"pid": os.getpid()}
    ok = True
    try:
        from lentera.warehouse import db

        db.scalar("SELECT 1")
        body["data_version"] = db.data_version()
    except Exception as exc:  # any failure is "not healthy", said in one word, never a traceback
        ok, body["warehouse"] = False, type(exc).__name__
    try:
        from sqlalchemy import text

        from lentera.store import engine

        with engine.read_connection() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        ok, body["store"] = False, type(exc).__name__
    body["status"] = "ok" if ok else "unavailable"
    return ok, body


async def healthz(_request: Request) -> JSONResponse:
    """For load balancers: 200 with the data version when the warehouse and the store answer,
    503 otherwise (liveness alone is /readyz's pid; a process without data takes no traffic)."""
    ok, body = await asyncio.to_thread(health)
    return JSONResponse(body, status_code=200 if ok else 503,
                        headers={"Cache-Control": "no-store"})


async def readyz(_request: Request) -> JSONResponse:
    """Readiness: warmed up; 503 until then. Missing data is reported, not fatal."""
    body = {"ready": bool(_state["ready"]), "pid": os.getpid(),
            "warm_seconds": _state["warm_seconds"], "problems": _state["problems"]}
    return JSONResponse(body, status_code=200 if body["ready"] else 503,
                        headers={"Cache-Control": "no-store"})


_PAGE = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width,initial-scale=1">'
         '<title>{title}</title><style>body{{font-family:sans-serif;max-width:32rem;'
         'margin:2rem auto;padding:0 1rem;line-height:1.5}}button{{font:inherit;'
         'padding:.5rem 1rem;border-radius:.5rem;border:1px solid #0b6e99;background:#0b6e99;'
         'color:#fff}}</style></head><body><h1>{title}</h1>{body}</body></html>')


async def berhenti(request: Request) -> HTMLResponse:
    """Unsubscribe from a ticket's e-mails: GET asks (link scanners change nothing), POST stops
    them (the form's button, or a mail client's one-click `List-Unsubscribe-Post`)."""
    from lentera.core.i18n import LANGS, t
    from lentera.store import outbox

    lang = request.query_params.get("lang")
    lang = lang if lang in LANGS else "id"
    token = request.query_params.get("t", "")
    if request.method == "POST":
        form = await request.form()
        token = str(form.get("t") or token)
    esc = html.escape
    title = t("notifikasi.halaman_judul", lang=lang)
    if request.method == "POST":
        ok = await asyncio.to_thread(outbox.unsubscribe, token)
        body = f"<p>{esc(t('notifikasi.halaman_selesai' if ok else 'notifikasi.halaman_tidak_dikenal', lang=lang))}</p>"
        status = 200 if ok else 404
    else:
        body = (f"<p>{esc(t('notifikasi.halaman_tanya', lang=lang))}</p>"
                f'<form method="post"><input type="hidden" name="t" value="{esc(token)}">'
                f"<button type=\"submit\">{esc(t('notifikasi.halaman_tombol', lang=lang))}</button>"
                "</form>")
        status = 200
    return HTMLResponse(_PAGE.format(lang=lang, title=esc(title), body=body), status_code=status,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


ROUTES = [Route("/healthz", healthz), Route("/readyz", readyz),
          Route("/berhenti", berhenti, methods=["GET", "POST"])]
