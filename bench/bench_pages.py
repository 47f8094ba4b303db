"""Benchmark: server CPU per page view and bytes per first view, every public page beside the floor.

Each page is loaded at the protocol level (bench/crowd.py's websocket client, no browser) by one
visitor at a time on a warm single process — `streamlit run serve.py` for Lentera, `streamlit run
bench/bare_app.py` for Streamlit's floor page — after a warm-up. CPU is the server's user+system
time from /proc/<pid>/stat over all measured views (session start and end included) divided by
the views; per view it is split into a session's first view and its later views. Bytes are what
the server sends for a session's first view (the browser's own cache is not used: the worst case,
a new visitor). Targets (issue 19): CPU ≤ 1.5× the floor's; ≤ 1 MB per first view. Nothing asserted.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import websockets

from bench import crowd
from bench.common import FLOOR, PUBLIC_PAGES, Context, single, verdict

CPU_TARGET = 1.5  # × the floor page
BYTES_TARGET = 1_000_000


async def _measure(port: int, pid: int, page: str, sessions: int, views: int, warmup: int) -> dict:
    """`sessions` new sessions one after another, each viewing `page` `views` times."""
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    async with websockets.connect(url, max_size=None, open_timeout=120, ping_timeout=None) as ws:
        for _ in range(warmup):
            await crowd.view(ws, page)
    await asyncio.sleep(0.3)  # the warm-up session's clean-up stays out of the figure
    first_cpu, later_cpu, walls, first_bytes, exceptions = [], [], [], [], 0
    cpu0 = crowd.cpu_seconds(pid)
    for _ in range(sessions):
        async with websockets.connect(url, max_size=None, open_timeout=120,
                                      ping_timeout=None) as ws:
            for k in range(views):
                c0, t0 = crowd.cpu_seconds(pid), time.perf_counter()
                nbytes, exc = await crowd.view(ws, page)
                walls.append(time.perf_counter() - t0)
                (first_cpu if k == 0 else later_cpu).append(crowd.cpu_seconds(pid) - c0)
                exceptions += exc
                if k == 0:
                    first_bytes.append(nbytes)
    await asyncio.sleep(0.3)  # the last session's clean-up belongs to the figure
    total = crowd.cpu_seconds(pid) - cpu0
    n = sessions * views
    return {"views": n, "cpu_ms": total * 1000 / n,
            "first_cpu_ms": statistics.fmean(first_cpu) * 1000 if first_cpu else float("nan"),
            "later_cpu_ms": statistics.fmean(later_cpu) * 1000 if later_cpu else float("nan"),
            "wall_p50_s": crowd.pct(walls, 0.5), "bytes_first": max(first_bytes),
            "exceptions": exceptions}


def run(ctx: Context, sessions: int | None = None, views: int | None = None,
        warmup: int = 3) -> dict:
    """The figures per page and for the floor (see the module docstring)."""
    sessions = sessions or (2 if ctx.quick else 4)
    views = views or (2 if ctx.quick else 5)
    out: dict = {"sessions": sessions, "views_per_session": views, "pages": {}}
    with single(ctx, floor=True, name="floor") as (port, pid):
        out["floor"] = asyncio.run(_measure(port, pid, "", sessions, views, warmup))
    print(f"  floor: {out['floor']['cpu_ms']:.0f} ms CPU per view")
    with single(ctx, name="pages") as (port, pid):
        for name, path in PUBLIC_PAGES:
            out["pages"][name] = r = asyncio.run(_measure(port, pid, path, sessions, views, warmup))
            print(f"  {name}: {r['cpu_ms']:.0f} ms CPU per view, {r['bytes_first'] / 1e6:.2f} MB")
    return out


def markdown(ctx: Context) -> str:
    """The figures as a table for BENCHMARKS.md."""
    r = run(ctx)
    ctx.results["pages"] = r
    floor = r["floor"]["cpu_ms"]
    lines = [
        f"Scale {ctx.scale:g}. Each page on one warm `streamlit run serve.py` process, the floor "
        f"(`{FLOOR.relative_to(FLOOR.parents[1])}`: title, three metrics, a bar chart, a 12-row "
        f"table) on its own warm process; per page {r['sessions']} new sessions one after another, "
        f"{r['views_per_session']} views each, after a warm-up. *CPU/view* = server user+system CPU "
        "(/proc) over all those views ÷ views; *first* / *later* = a session's first view and its "
        "later ones. *Bytes* = what the server sends for a session's first view (websocket, no "
        "browser cache; static files the page loads by URL are not counted). Targets: CPU ≤ 1.5× "
        "the floor, bytes ≤ 1 MB.",
        "",
        "| page | CPU ms/view | first | later | × floor | CPU verdict | wall p50 ms | "
        "MB first view | bytes verdict | exceptions |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| *floor* | {floor:.0f} | {r['floor']['first_cpu_ms']:.0f} | "
        f"{r['floor']['later_cpu_ms']:.0f} | 1.0× | – | {r['floor']['wall_p50_s'] * 1000:.0f} | "
        f"{r['floor']['bytes_first'] / 1e6:.3f} | – | {r['floor']['exceptions']} |",
    ]
    for name, p in r["pages"].items():
        ratio = p["cpu_ms"] / floor if floor else float("nan")
        lines.append(
            f"| {name} | {p['cpu_ms']:.0f} | {p['first_cpu_ms']:.0f} | {p['later_cpu_ms']:.0f} | "
            f"{ratio:.1f}× | {verdict(ratio, CPU_TARGET, '×')} | {p['wall_p50_s'] * 1000:.0f} | "
            f"{p['bytes_first'] / 1e6:.3f} | {verdict(p['bytes_first'] / 1e6, BYTES_TARGET / 1e6, ' MB')} | "
            f"{p['exceptions']} |")
    return "\n".join(lines)
