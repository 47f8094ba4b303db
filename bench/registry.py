"""What `make bench` measures besides loading: dashboard queries and extra benchmarks.

Dashboard modules in `lentera/` expose `bench_queries() -> list[tuple[str, Callable[[], object]]]`;
extra benchmarks are `(title, fn(work_dir) -> markdown)` pairs listed here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import lentera


def registered_queries() -> list[tuple[str, Callable[[], object]]]:
    out: list[tuple[str, Callable[[], object]]] = []
    for mod in pkgutil.iter_modules(lentera.__path__):
        if mod.name in ("__main__", "cli"):  # command-line entry points, not query modules
            continue
        module = importlib.import_module(f"lentera.{mod.name}")
        fn = getattr(module, "bench_queries", None)
        if callable(fn):
            out.extend((f"{mod.name}.{name}", q) for name, q in fn())
    return out


def extra_benchmarks() -> list[tuple[str, Callable]]:
    out: list[tuple[str, Callable]] = []
    try:
        from bench import bench_submissions
    except ImportError:
        return out
    if hasattr(bench_submissions, "markdown"):
        out.append(("Citizen submissions: concurrent writers", bench_submissions.markdown))
    from bench import bench_download

    out.append(("Full download while another visitor loads a page", bench_download.markdown))
    return out
