"""Benchmark: the biggest prepared download streamed over HTTP while another visitor opens a page.

`markdown(work_dir)` uses the warehouse named by `LENTERA_WAREHOUSE`, prepares its exports under
`work_dir` if needed, starts `streamlit run` (serve.py: /unduh/), downloads the biggest file while
a second (Chromium) visitor loads Beranda, samples the server's RSS from /proc, and returns a
markdown paragraph. Targets (issue 7): RSS growth < 200 MB, the other page ≤ 3 s. Nothing asserted.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _page_load_seconds(url: str) -> tuple[float, str]:
    """Seconds until a fresh browser has Beranda rendered (or an HTTP GET, without Chromium)."""
    if Path(CHROMIUM).exists():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]",
                                       timeout=60_000)
                page.wait_for_selector("h1", timeout=60_000)
                return time.perf_counter() - start, "Chromium, sampai skrip selesai"
            finally:
                browser.close()
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as resp:
        resp.read()
    return time.perf_counter() - start, "HTTP GET saja (Chromium tidak ada)"


def run(work_dir: Path) -> dict:
    """Measure and return the figures (see the module docstring)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import free_port, start_streamlit, stop_streamlit

    from etl import export

    warehouse = Path(os.environ.get("LENTERA_WAREHOUSE", ""))
    if not warehouse.exists():
        raise SystemExit("LENTERA_WAREHOUSE must name a built warehouse")
    data_dir = Path(work_dir) / "download_bench"
    con = duckdb.connect(str(warehouse), read_only=True)
    version = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
    con.close()
    dest = data_dir / "exports" / version
    prepare_s = float("nan")
    if not (dest / "manifest.json").exists():
        t0 = time.perf_counter()
        export.write_exports(warehouse, dest)
        prepare_s = time.perf_counter() - t0
    os.environ["LENTERA_DATA_DIR"] = str(data_dir)
    from lentera.warehouse import catalog
    manifest = catalog.manifest(version)
    biggest = max(((f["file"], f["bytes"], f.get("rows"), name, fmt)
                   for name, d in manifest["datasets"].items()
                   for fmt, f in d["files"].items()), key=lambda x: x[1])
    env = {"LENTERA_DATA_DIR": str(data_dir), "LENTERA_WAREHOUSE": str(warehouse),
           "LENTERA_SUBMISSIONS_URL": f"sqlite:///{data_dir / 'submissions.sqlite'}",
           "LENTERA_UPLOADS": str(data_dir / "uploads")}
    port = free_port()
    proc = start_streamlit(env, port, timeout=120)
    base = f"http://127.0.0.1:{port}"
    try:
        warm_s, _ = _page_load_seconds(f"{base}/beranda")  # warm caches: a realistic steady state
        baseline = _rss_mib(proc.pid)
        samples: list[float] = []
        done = threading.Event()
        got = {"bytes": 0, "seconds": 0.0}

        def sample() -> None:
            while not done.is_set():
                samples.append(_rss_mib(proc.pid))
                time.sleep(0.05)

        def download() -> None:
            t0 = time.perf_counter()
            url = f"{base}/{catalog.download_url(version, biggest[0])}"
            with urllib.request.urlopen(url, timeout=600) as resp:
                while chunk := resp.read(1024 * 1024):
                    got["bytes"] += len(chunk)
                    time.sleep(0.002)  # a real client is slower than loopback
            got["seconds"] = time.perf_counter() - t0

        sampler = threading.Thread(target=sample, daemon=True)
        loader = threading.Thread(target=download, daemon=True)
        sampler.start()
        loader.start()
        time.sleep(0.2)
        other_s, how = _page_load_seconds(f"{base}/beranda")
        loader.join()
        done.set()
        sampler.join()
    finally:
        stop_streamlit(proc)
    peak = max(samples) if samples else float("nan")
    return {"file": biggest[0], "dataset": biggest[3], "format": biggest[4],
            "bytes": biggest[1], "rows": biggest[2], "downloaded": got["bytes"],
            "download_s": got["seconds"], "baseline_mib": baseline, "peak_mib": peak,
            "growth_mib": peak - baseline, "other_page_s": other_s, "other_how": how,
            "warm_s": warm_s, "prepare_s": prepare_s}


def markdown(work_dir: Path) -> str:
    """The figures as a markdown paragraph for BENCHMARKS.md."""
    r = run(work_dir)
    ok_mem = "memenuhi" if r["growth_mib"] < 200 else "TIDAK memenuhi"
    ok_page = "memenuhi" if r["other_page_s"] <= 3 else "TIDAK memenuhi"
    prep = "" if r["prepare_s"] != r["prepare_s"] else \
        f" Menyiapkan semua berkas unduhan: {r['prepare_s']:.1f} s."
    return (
        f"Unduhan terbesar `{r['file']}` ({r['dataset']}, {r['format']}, {r['rows']:,} baris, "
        f"{r['bytes'] / 2**20:.1f} MiB; {r['downloaded'] / 2**20:.1f} MiB diterima) lewat "
        f"/unduh/ dalam {r['download_s']:.2f} s. RSS server: {r['baseline_mib']:.0f} MiB "
        f"sebelum, puncak {r['peak_mib']:.0f} MiB, naik {r['growth_mib']:.0f} MiB (target < 200 "
        f"MiB: {ok_mem}). Pengunjung lain membuka Beranda dalam {r['other_page_s']:.2f} s saat "
        f"unduhan berjalan ({r['other_how']}; tanpa unduhan {r['warm_s']:.2f} s; target ≤ 3 s: "
        f"{ok_page}).{prep}"
    )


if __name__ == "__main__":
    import tempfile

    print(markdown(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())))
