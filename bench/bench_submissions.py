"""Benchmark of the submissions store: 1,000 complaints from 20 concurrent writers.

`run()` returns the figures (threads in one process, and separate processes; median and p95
write latency per `create_pengaduan` call, wall time, throughput, rows stored, errors);
`markdown(work_dir)` formats them for BENCHMARKS.md. `python -m bench.bench_submissions` prints
them. Nothing here is asserted: the tests check correctness, this measures speed.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 20
TOTAL = 1000

_CHILD = textwrap.dedent("""
    import json, pathlib, sys, time
    from lentera.core import forms
    from lentera.store import submissions
    go, n, w = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    submissions.init()
    desa = [d["kode_desa"] for d in forms.desa_options()]
    (go.parent / f"ready-{w}").write_text("ready")
    while not go.exists():
        time.sleep(0.002)
    lat, errors = [], 0
    for i in range(n):
        t0 = time.perf_counter()
        try:
            submissions.create_pengaduan({"kategori": "Pendidikan",
                "judul": f"Sekolah rusak nomor {w}-{i}",
                "isi": "Atap ruang kelas bocor setiap hujan sehingga murid dipulangkan.",
                "kode_desa": desa[(w * n + i) % len(desa)]}, [])
        except Exception:
            errors += 1
        lat.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"lat": lat, "errors": errors}))
""")


def _data(i: int) -> dict:
    from lentera.core import forms
    desa = forms.desa_options()
    return {"kategori": "Infrastruktur", "judul": f"Jalan rusak di titik {i}",
            "isi": "Lubang besar di jalan desa membahayakan pengendara setiap malam.",
            "kode_desa": desa[i % len(desa)]["kode_desa"]}


def _photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1600, 1200), "orange").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _summary(latencies: list[float], wall: float, stored: int, errors: int) -> dict:
    lat = sorted(latencies)
    return {"writes": len(lat), "stored": stored, "errors": errors, "wall_seconds": wall,
            "throughput_per_second": len(lat) / wall if wall else None,
            "median_ms": statistics.median(lat) if lat else None,
            "p95_ms": lat[max(0, int(round(0.95 * len(lat))) - 1)] if lat else None}


def _threads(total: int, writers: int, photo: bytes | None) -> dict:
    from lentera.store import submissions
    per = total // writers
    barrier = threading.Barrier(writers)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def writer(w: int) -> None:
        nonlocal errors
        barrier.wait()
        for i in range(per):
            t0 = time.perf_counter()
            try:
                submissions.create_pengaduan(_data(w * per + i), [photo] if photo else [])
                ok = True
            except Exception:
                ok = False
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(ms)
                errors += not ok

    start = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(writer, range(writers)))
    return _summary(latencies, time.perf_counter() - start, submissions.submission_count(), errors)


def _processes(total: int, writers: int, folder: Path, env: dict) -> dict:
    from lentera.store import submissions
    per = total // writers
    go = folder / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _CHILD, str(go), str(per), str(w)],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL) for w in range(writers)]
    # Start the clock only when every child has imported and opened the store.
    deadline = time.monotonic() + 600
    while sum(1 for _ in folder.glob("ready-*")) < writers and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.05)
    start = time.perf_counter()
    go.write_text("go")
    latencies: list[float] = []
    errors = 0
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0:
            errors += per
            continue
        result = json.loads(out)
        latencies += result["lat"]
        errors += result["errors"]
    wall = time.perf_counter() - start
    return _summary(latencies, wall, submissions.submission_count(), errors)


def run(total: int = TOTAL, writers: int = WRITERS) -> dict:
    """Measure threads, processes and threads-with-photo on fresh stores; returns the figures."""
    from lentera.store import submissions
    results: dict = {"writers": writers, "total": total, "cpus": os.cpu_count()}
    saved = {k: os.environ.get(k) for k in ("LENTERA_SUBMISSIONS_URL", "LENTERA_UPLOADS")}
    try:
        with tempfile.TemporaryDirectory(prefix="lentera-bench-") as tmp:
            for mode in ("threads", "processes", "threads_with_photo"):
                folder = Path(tmp) / mode
                folder.mkdir()
                os.environ["LENTERA_SUBMISSIONS_URL"] = f"sqlite:///{folder / 'sub.sqlite'}"
                os.environ["LENTERA_UPLOADS"] = str(folder / "uploads")
                submissions.dispose_all()
                submissions.init()
                if mode == "threads":
                    results[mode] = _threads(total, writers, None)
                elif mode == "processes":
                    env = dict(os.environ)
                    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
                    results[mode] = _processes(total, writers, folder, env)
                else:
                    results[mode] = _threads(total // 5, writers, _photo())
                submissions.dispose_all()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return results


def markdown(work_dir: Path | None = None) -> str:
    """The figures of `run()` as a Markdown table (for `make bench`)."""
    r = run()
    lines = [f"{r['total']} complaints from {r['writers']} concurrent writers on SQLite (WAL), "
             f"{r['cpus']} CPUs. Target: all stored, unique tickets, zero errors, median ≤ 50 ms.",
             "", "| writers | writes | stored | errors | median ms | p95 ms | writes/s |",
             "|---|---|---|---|---|---|---|"]
    for mode in ("threads", "processes", "threads_with_photo"):
        m = r[mode]
        lines.append(f"| {mode.replace('_', ' ')} | {m['writes']} | {m['stored']} | {m['errors']} "
                     f"| {m['median_ms']:.1f} | {m['p95_ms']:.1f} | "
                     f"{m['throughput_per_second']:.0f} |")
    lines += ["", "The photo run re-encodes one 1600×1200 JPEG per submission."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
