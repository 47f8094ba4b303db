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
import logging
import os
import time
from contextlib import asynccontextmanager

from starlette.requests import Request
from starlette.responses import JSONResponse
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
    yield {}


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


ROUTES = [Route("/healthz", healthz), Route("/readyz", readyz)]
