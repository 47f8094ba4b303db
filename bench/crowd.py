"""A crowd of visitors at the protocol level (no browser), for `make bench` and the set-up test.

Each visitor opens one websocket to `/_stcore/stream` and asks for pages by their st.navigation
url_path, the way the browser does, timing each view until `script_finished`; it counts the bytes
the server sent and any exception element the page showed. A dropped connection (a process that
died behind nginx) is what a browser does too: the visitor reconnects — nginx sends it to a live
process — and asks for the same page again; each reconnect is counted.
The method follows the reference driver the project was measured with (pageload.py).
"""

from __future__ import annotations

import asyncio
import collections
import os
import random
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    """What a crowd run saw: per page view times and bytes, exceptions, reconnects, errors."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    nbytes: dict[str, list[int]] = field(default_factory=lambda: collections.defaultdict(list))
    first: list[float] = field(default_factory=list)
    later: list[float] = field(default_factory=list)
    exceptions: collections.Counter = field(default_factory=collections.Counter)
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def views(self) -> int:
        return sum(len(v) for v in self.seconds.values())


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MiB; NaN once it is gone."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pct(values, p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


async def view(ws, page: str) -> tuple[int, bool]:
    """Ask for one page on an open session; (bytes the server sent, whether it showed an exception)."""
    msg = BackMsg()
    msg.rerun_script.page_name = page
    await ws.send(msg.SerializeToString())
    nbytes, exception = 0, False
    while True:
        raw = await ws.recv()
        nbytes += len(raw)
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        kind = fwd.WhichOneof("type")
        if (kind == "delta" and fwd.delta.WhichOneof("type") == "new_element"
                and fwd.delta.new_element.WhichOneof("type") == "exception"):
            exception = True
        # A run the page itself restarts (st.rerun) is not the end of the view.
        if kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return nbytes, exception


async def _visitor(i: int, url: str, pages: list[str], rounds: int, think: float,
                   out: Result, max_reconnects: int) -> None:
    await asyncio.sleep(random.uniform(0, think))  # visitors arrive spread out
    plan = [pages[(i + k) % len(pages)] for _ in range(rounds) for k in range(len(pages))]
    done, first, reconnects = 0, True, 0
    while done < len(plan):
        try:
            async with websockets.connect(url, max_size=None, open_timeout=120,
                                          ping_timeout=None) as ws:
                while done < len(plan):
                    page = plan[done]
                    start = time.perf_counter()
                    nbytes, exception = await view(ws, page)
                    elapsed = time.perf_counter() - start
                    out.seconds[page].append(elapsed)
                    (out.first if first else out.later).append(elapsed)
                    first = False
                    out.nbytes[page].append(nbytes)
                    out.exceptions[page] += exception
                    done += 1
                    await asyncio.sleep(think * random.uniform(0.5, 1.5))
        except Exception as exc:  # dropped or refused: reconnect like a browser, up to a limit
            reconnects += 1
            out.reconnects += 1
            if reconnects > max_reconnects:
                out.errors.append(f"visitor {i}: {exc!r}")
                return
            await asyncio.sleep(0.5 * reconnects)


async def crowd(port: int, pages: list[str], *, visitors: int, rounds: int = 1,
                think: float = 1.0, max_reconnects: int = 5, host: str = "127.0.0.1") -> Result:
    """Run `visitors` concurrent visitors, each viewing every page `rounds` times."""
    out = Result()
    url = f"ws://{host}:{port}/_stcore/stream"
    start = time.perf_counter()
    await asyncio.gather(*(_visitor(i, url, pages, rounds, think, out, max_reconnects)
                           for i in range(visitors)))
    out.wall = time.perf_counter() - start
    return out


def run(port: int, pages: list[str], **kwargs) -> Result:
    """`crowd` from synchronous code (in a thread of its own, so a caller's running event loop,
    e.g. Playwright's in a test session, is never in the way)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, crowd(port, pages, **kwargs)).result()
