"""Full-page screenshots of every page at 390 px (phone) and 1280 px, in Indonesian and English.

    .venv/bin/python scripts/screenshots.py                 # the configured warehouse
    .venv/bin/python scripts/screenshots.py --sample        # a fresh small sample in a temp dir
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8501   # a running server

PNGs go to `screenshots/<url_path>_<lang>_<width>.png` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL_PATHS = ("", "anggaran", "pengaduan", "perizinan", "musrenbang", "lapor", "usulkan",
             "lacak", "data", "tentang", "tinjauan", "verifikasi", "tindak-lanjut", "loket")
WIDTHS = (390, 1280)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
APP_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


class ScreenshotError(RuntimeError):
    """The server did not start or a page did not finish."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_sample(folder: Path) -> Path:
    """A small seeded sample warehouse made by the real generator and ETL; returns its path."""
    from etl import load, sample

    raw, db = folder / "raw", folder / "warehouse.duckdb"
    sample.generate(raw, seed=7, scale=0.05, as_of=dt.date(2026, 10, 31))
    code = load.load(raw, db, progress=False).exit_code
    if code not in (0, 1):
        raise ScreenshotError(f"etl load exited {code}")
    return db


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    """`streamlit run app.py` on `port`, returned once /_stcore/health answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ScreenshotError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.25)
    proc.terminate()
    raise ScreenshotError("streamlit did not answer its health check")


def shoot(base_url: str, out: Path) -> list[Path]:
    """Every page × language × width as a full-page PNG; returns the files written."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900},
                                              device_scale_factor=1)
                page = context.new_page()
                for lang in ("id", "en"):
                    for path in URL_PATHS:
                        page.goto(f"{base_url}/{path}" + ("?lang=en" if lang == "en" else ""))
                        page.wait_for_selector(APP_IDLE, timeout=60_000)
                        page.wait_for_timeout(800)  # let charts and maps paint
                        page.wait_for_selector(APP_IDLE, timeout=60_000)
                        if page.locator("[data-testid=stException]").count():
                            print(f"EXCEPTION on {path} ({lang}, {width}px)", file=sys.stderr)
                        file = out / f"{path or 'beranda'}_{lang}_{width}.png"
                        # The app scrolls inside its own container, so a "full page" shot of
                        # the window is one screen: grow the viewport to the content instead.
                        height = page.evaluate(
                            "() => Math.max(document.querySelector('[data-testid=stMain]')"
                            ".scrollHeight, 900)")
                        page.set_viewport_size({"width": width, "height": int(height) + 40})
                        page.wait_for_timeout(300)
                        page.screenshot(path=str(file), full_page=True)
                        page.set_viewport_size({"width": width, "height": 900})
                        written.append(file)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Lentera server (otherwise one is started)")
    parser.add_argument("--sample", action="store_true",
                        help="build a small sample warehouse in a temp dir and serve that")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args(argv)
    if args.url:
        files = shoot(args.url.rstrip("/"), args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="lentera-shots-") as tmp:
            env = {"LENTERA_SUBMISSIONS_URL": f"sqlite:///{Path(tmp) / 'submissions.sqlite'}",
                   "LENTERA_UPLOADS": str(Path(tmp) / "uploads")}
            if args.sample:
                db = build_sample(Path(tmp))
                env |= {"LENTERA_DATA_DIR": tmp, "LENTERA_WAREHOUSE": str(db)}
            port = free_port()
            proc = start_server(env, port)
            try:
                files = shoot(f"http://127.0.0.1:{port}", args.out)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
    print(f"{len(files)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
