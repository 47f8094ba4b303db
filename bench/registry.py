"""What `make bench` measures besides loading: dashboard queries and extra benchmarks.

Query modules anywhere in the `lentera` package (the named queries in lentera/warehouse, the use
cases in lentera/services) expose `bench_queries() -> list[tuple[str, Callable[[], object]]]`;
extra benchmarks are `(key, title, fn(context) -> markdown)` triples listed here, in run order.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import lentera

# Entry points and the Streamlit layer: importing them starts or needs a server, not a query.
SKIP = {"lentera.__main__", "lentera.cli", "lentera.serving"}
SKIP_PACKAGES = ("lentera.web",)


def registered_queries() -> list[tuple[str, Callable[[], object]]]:
    out: list[tuple[str, Callable[[], object]]] = []
    for mod in pkgutil.walk_packages(lentera.__path__, prefix="lentera."):
        if mod.name in SKIP or mod.name.startswith(SKIP_PACKAGES) or mod.ispkg:
            continue
        module = importlib.import_module(mod.name)
        fn = getattr(module, "bench_queries", None)
        if callable(fn):
            short = mod.name.rsplit(".", 1)[1]
            # modules name their queries "<module>.<query>" or just "<query>"
            out.extend((name if name.startswith(f"{short}.") else f"{short}.{name}", q)
                       for name, q in fn())
    return out


def extra_benchmarks() -> list[tuple[str, str, Callable]]:
    from bench import (
        bench_browser,
        bench_crowd_serve,
        bench_download,
        bench_pages,
        bench_submissions,
    )

    return [
        ("pages", "Server CPU and bytes per page view, beside Streamlit's floor page",
         bench_pages.markdown),
        ("browser", "Chromium: first render and one filter change per page", bench_browser.markdown),
        ("crowd", "Crowds: one process and make serve's set-up, beside the floor page",
         bench_crowd_serve.markdown),
        ("submissions", "Citizen submissions: concurrent writers",
         lambda ctx: bench_submissions.markdown(ctx.work)),
        ("download", "Full download while another visitor loads a page",
         lambda ctx: bench_download.markdown(ctx.work)),
    ]
