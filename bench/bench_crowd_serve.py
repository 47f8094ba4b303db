"""Benchmark: crowds of visitors on one process and on `make serve`'s set-up, beside the floor page.

Each crowd is bench/crowd.py's protocol-level visitors (a websocket each, reconnecting like a
browser), arriving spread over the think time, each viewing Beranda, Anggaran, Pengaduan and
Perizinan once with the think time (15 s in a full run, ±50 %) between views. The set-up is `lentera.serving.Stack` — the code
`python -m lentera.serving` (make serve) runs: N app processes behind nginx with sticky sessions on
loopback, free ports; one process is the same Stack with N = 1. The floor page
(bench/bare_app.py) is served by the same Stack, same N, same crowd. Before each crowd every
process gets one warm-up view per page directly (a restarted process in production is warmed by
/readyz the same way). Targets (issue 19): N = cores × 100 visitors p95 ≤ 1.5 s, zero errors and
≤ 1.5× the floor's p95; 1 process × 30 visitors p95 ≤ 1.5 s; peak RSS per process < 1.5 GiB.
"""

from __future__ import annotations

import asyncio
import tempfile

import websockets

from bench import crowd
from bench.common import (
    CROWD_PAGES,
    FLOOR,
    FLOOR_READY,
    SERVE,
    Context,
    cores,
    free_port,
    ms,
    verdict,
)
from lentera import serving

P95_TARGET = 1.5
FLOOR_RATIO_TARGET = 1.5
RSS_TARGET_MIB = 1.5 * 1024


async def _warm(port: int, pages: list[str]) -> None:
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", max_size=None,
                                  open_timeout=120, ping_timeout=None) as ws:
        for page in pages:
            await crowd.view(ws, page)


def one_crowd(ctx: Context, *, floor: bool, processes: int, visitors: int, think: float) -> dict:
    """Start the Stack, warm it, run the crowd through nginx, stop it; the crowd's figures."""
    name = f"{'floor' if floor else 'app'}-{processes}x{visitors}"
    app_ports = [free_port() for _ in range(processes)]
    stack = serving.Stack(processes, free_port(), app_ports=app_ports,
                          run_dir=tempfile.mkdtemp(prefix=f"{name}-", dir=ctx.work),
                          env=ctx.env(name), script=FLOOR if floor else SERVE,
                          ready_path=FLOOR_READY if floor else "/readyz")
    pages = [""] if floor else CROWD_PAGES
    try:
        stack.start()
        for port in stack.ports:
            asyncio.run(_warm(port, pages))
        pids = [stack.apps[p].pid for p in stack.ports]
        cpu0 = sum(crowd.cpu_seconds(pid) for pid in pids)
        # the floor has one page: each visitor views it as often as the app's visitors view pages
        res = crowd.run(stack.port, pages * (len(CROWD_PAGES) if floor else 1),
                        visitors=visitors, think=think)
        cpu = sum(crowd.cpu_seconds(pid) for pid in pids) - cpu0
        rss = [crowd.peak_rss_mib(pid) for pid in pids]
        died = [p for p in stack.ports if stack.apps[p].poll() is not None]
    finally:
        stack.stop()
    every = [s for v in res.seconds.values() for s in v]
    return {"processes": processes, "visitors": visitors, "think": think, "views": res.views,
            "p50": crowd.pct(every, 0.5), "p95": crowd.pct(every, 0.95),
            "first_p50": crowd.pct(res.first, 0.5), "first_p95": crowd.pct(res.first, 0.95),
            "later_p50": crowd.pct(res.later, 0.5), "later_p95": crowd.pct(res.later, 0.95),
            "errors": len(res.errors), "first_error": res.errors[0] if res.errors else "",
            "exceptions": sum(res.exceptions.values()), "reconnects": res.reconnects,
            "rss_mib": rss, "died": len(died), "wall_s": res.wall,
            "cpu_ms_per_view": cpu * 1000 / res.views if res.views else float("nan")}


def run(ctx: Context) -> dict:
    """The four crowds: app and floor, on one process and on N = cores processes."""
    n = cores()
    think = 1.0 if ctx.quick else 15.0
    small, big = (3, 6) if ctx.quick else (30, 100)
    out: dict = {"cores": n, "think": think, "crowds": []}
    for processes, visitors in ((1, small), (n, big)):
        for floor in (False, True):
            r = one_crowd(ctx, floor=floor, processes=processes, visitors=visitors, think=think)
            r["setup"] = "floor" if floor else "Lentera"
            out["crowds"].append(r)
            print(f"  {r['setup']} {processes}×{visitors}: p95 {r['p95']:.2f} s, "
                  f"errors {r['errors']}, exceptions {r['exceptions']}")
    return out


def markdown(ctx: Context) -> str:
    """The figures as a table and the verdicts for BENCHMARKS.md."""
    r = run(ctx)
    ctx.results["crowds"] = r
    lines = [
        f"Scale {ctx.scale:g}, {r['cores']} cores, think {r['think']:g} s. "
        + " ".join(__doc__.split("\n\n")[1].split())
        + " Submissions store: SQLite (WAL) shared by the processes; the crowd files nothing.",
        "",
        "| served | processes × visitors | views | first view p50 / p95 ms | later p50 / p95 ms | "
        "all p50 / p95 ms | errors | exceptions | reconnects | peak RSS MiB per process | "
        "CPU ms/view | wall s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in r["crowds"]:
        lines.append(
            f"| {c['setup']} | {c['processes']} × {c['visitors']} | {c['views']} | "
            f"{ms(c['first_p50'])} / {ms(c['first_p95'])} | {ms(c['later_p50'])} / "
            f"{ms(c['later_p95'])} | {ms(c['p50'])} / {ms(c['p95'])} | {c['errors']} | "
            f"{c['exceptions']} | {c['reconnects']} | {', '.join(f'{x:.0f}' for x in c['rss_mib'])} | "
            f"{c['cpu_ms_per_view']:.0f} | {c['wall_s']:.0f} |")
    app = {c["processes"]: c for c in r["crowds"] if c["setup"] == "Lentera"}
    flo = {c["processes"]: c for c in r["crowds"] if c["setup"] == "floor"}
    big, one = app[r["cores"]], app[1]
    ratio = big["p95"] / flo[r["cores"]]["p95"] if flo[r["cores"]]["p95"] else float("nan")
    rss = max(x for c in app.values() for x in c["rss_mib"])
    lines += [
        "",
        f"- {r['cores']} processes × {big['visitors']} visitors: p95 {big['p95']:.2f} s — "
        f"{verdict(big['p95'], P95_TARGET, ' s')}; errors {big['errors']} — "
        f"{'met' if big['errors'] == 0 else 'missed'}; {ratio:.1f}× the floor's p95 — "
        f"{verdict(ratio, FLOOR_RATIO_TARGET, '×')}.",
        f"- 1 process × {one['visitors']} visitors: p95 {one['p95']:.2f} s — "
        f"{verdict(one['p95'], P95_TARGET, ' s')}; errors {one['errors']}.",
        f"- Peak RSS of an app process: {rss:.0f} MiB — {verdict(rss, RSS_TARGET_MIB, ' MiB')} "
        "(target < 1.5 GiB).",
    ]
    if any(c["first_error"] for c in r["crowds"]):
        lines.append("- First error per crowd: " + "; ".join(
            f"{c['setup']} {c['processes']}×{c['visitors']}: `{c['first_error'][:160]}`"
            for c in r["crowds"] if c["first_error"]))
    return "\n".join(lines)
