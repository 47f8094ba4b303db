"""What the serving benchmarks share: the run's context, the public pages, one warm process, verdicts."""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lentera import serving
from lentera.core import settings

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "serve.py"
FLOOR = ROOT / "bench" / "bare_app.py"
# Streamlit's own route: the floor page is a plain script without the app's /readyz.
FLOOR_READY = "/_stcore/health"

# (name, url_path) of every public page; "" is what a visitor typing the bare address gets (Beranda).
PUBLIC_PAGES = [("beranda", ""), ("anggaran", "anggaran"), ("pengaduan", "pengaduan"),
                ("perizinan", "perizinan"), ("musrenbang", "musrenbang"), ("layanan", "layanan"),
                ("lapor", "lapor"),
                ("usulkan", "usulkan"), ("lacak", "lacak"), ("data", "data"), ("tentang", "tentang")]
# The pages of the crowd in the figures.
CROWD_PAGES = ["beranda", "anggaran", "pengaduan", "perizinan"]


@dataclass
class Context:
    """One bench run: its working folder, the warehouse served, the scale, and how big a run."""

    work: Path
    warehouse: Path
    scale: float
    quick: bool = False
    results: dict = field(default_factory=dict)  # raw figures, kept in last_run.json

    def env(self, name: str) -> dict[str, str]:
        """LENTERA_* for a served app: this warehouse, a private store and uploads under `name`."""
        home = self.work / "serve" / name
        home.mkdir(parents=True, exist_ok=True)
        return {"LENTERA_WAREHOUSE": str(self.warehouse),
                "LENTERA_DATA_DIR": str(self.warehouse.parent),
                "LENTERA_SUBMISSIONS_URL": f"sqlite:///{home / 'submissions.sqlite'}",
                "LENTERA_UPLOADS": str(home / "uploads")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def single(ctx: Context, floor: bool = False, name: str = "single") -> Iterator[tuple[int, int]]:
    """One warm `streamlit run serve.py` (or of the floor page) on a free port: (port, pid)."""
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=ctx.work))
    env = settings.child_environment(**ctx.env(name))
    proc = serving.start_app(port, env, log_dir, FLOOR if floor else SERVE)
    try:
        serving.wait_ready(port, proc, timeout=600, path=FLOOR_READY if floor else "/readyz")
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except Exception:
            proc.kill()


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def verdict(value: float | None, target: float, unit: str = "") -> str:
    """`met`, or `missed by …` (how far above the target), for a figure where lower is better."""
    if value is None or value != value:
        return "not measured"
    if value <= target:
        return "met"
    if unit == "×":  # a ratio: how many times the allowed ratio
        return f"missed: {value / target:.1f}× the target"
    return f"missed by {value - target:,.2f}{unit} ({value / target:.1f}× the target)"


def ms(seconds: float) -> str:
    return "–" if seconds != seconds else f"{seconds * 1000:,.0f}"
