"""Shared fixtures: the fixture warehouse (real generator + real ETL), env pointers, store, server, browser.

`fixture_warehouse` is built once per session; `warehouse_env` / `empty_env` point the app at it
(or at nothing) through the same environment variables a deployment uses. `store` is a fresh
submissions store on BOTH engines (SQLite file; PostgreSQL schema on `postgres_url`: the server
in LENTERA_TEST_PG_URL, else a throwaway cluster from Debian's binaries; skipped when there is
none, failed when LENTERA_REQUIRE_POSTGRES=1); tests marked `sqlite_only` (`postgresql_only`) run on that engine alone.
`streamlit_server` runs `streamlit run app.py` on a free port and `browser` is Debian's Chromium
via Playwright; both are session-scoped so every browser test reuses them.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Property tests draw the same examples on every machine and run: a counterexample found once is
# kept as a regular test instead of surfacing at random in CI.
try:
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("lentera", derandomize=True, print_blob=True)
    _hypothesis_settings.load_profile("lentera")
except ImportError:  # hypothesis is a dev dependency; without it no property test runs
    pass
APP = ROOT / "app.py"
SERVE = ROOT / "serve.py"  # app.py plus the health routes and the warm-up: what production runs
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
FIXTURE_SEED = 7
FIXTURE_SCALE = 0.05
FIXTURE_AS_OF = dt.date(2026, 10, 31)

# Every stApp state the browser waits for: the script finished, no rerun pending.
APP_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


@dataclass(frozen=True)
class FixtureWarehouse:
    """Where the session's fixture data lives: raw files, the warehouse, the load's exit code."""

    root: Path
    raw: Path
    db: Path
    load_exit_code: int


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory) -> FixtureWarehouse:
    """A small seeded sample generated and loaded by the real `etl.sample` and `etl.load`."""
    from etl import load, sample

    root = tmp_path_factory.mktemp("fixture_warehouse")
    raw = root / "raw"
    db_path = root / "warehouse.duckdb"
    sample.generate(raw, seed=FIXTURE_SEED, scale=FIXTURE_SCALE, as_of=FIXTURE_AS_OF)
    result = load.load(raw, db_path, progress=False)
    code = result.exit_code
    # 1 = loaded with some rows rejected: the sample is deliberately messy.
    assert code in (0, 1), f"etl.load exited {code}: {result.errors}"
    assert db_path.exists()
    return FixtureWarehouse(root=root, raw=raw, db=db_path, load_exit_code=code)


def fixture_environ(warehouse: Path | None, scratch: Path) -> dict[str, str]:
    """The LENTERA_* variables for a warehouse (or none) with private submissions and uploads."""
    data_dir = warehouse.parent if warehouse is not None else scratch
    return {
        "LENTERA_DATA_DIR": str(data_dir),
        "LENTERA_WAREHOUSE": str(warehouse if warehouse is not None
                                 else scratch / "warehouse.duckdb"),
        "LENTERA_SUBMISSIONS_URL": f"sqlite:///{scratch / 'submissions.sqlite'}",
        "LENTERA_UPLOADS": str(scratch / "uploads"),
    }


@pytest.fixture
def warehouse_env(fixture_warehouse, tmp_path, monkeypatch) -> FixtureWarehouse:
    """Point the app at the fixture warehouse; submissions and uploads in this test's tmp dir."""
    for key, value in fixture_environ(fixture_warehouse.db, tmp_path).items():
        monkeypatch.setenv(key, value)
    return fixture_warehouse


STORE_ENGINES = ("sqlite", "postgresql")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite itself; the store runs on SQLite only")
    config.addinivalue_line("markers", "postgresql_only: about PostgreSQL itself; no SQLite half")


def pytest_collection_modifyitems(config, items) -> None:
    """A test marked sqlite_only / postgresql_only keeps only that half (the other deselected)."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        other = {"postgresql": "sqlite_only", "sqlite": "postgresql_only"}.get(
            params.get("store_engine"))
        if other and item.get_closest_marker(other):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _postgres_missing(reason: str):
    message = f"PostgreSQL half skipped: {reason}"
    if os.environ.get("LENTERA_REQUIRE_POSTGRES") == "1":
        pytest.fail(message + " (LENTERA_REQUIRE_POSTGRES=1)", pytrace=False)
    pytest.skip(message)


def _as_postgres(argv: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as Debian's postgres user.
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server URL: LENTERA_TEST_PG_URL, else a throwaway cluster on loopback."""
    given = os.environ.get("LENTERA_TEST_PG_URL")
    if given:
        yield given
        return
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        _postgres_missing("no LENTERA_TEST_PG_URL and no /usr/lib/postgresql/*/bin/initdb "
                          "(apt-get install postgresql)")
    bindir = Path(found[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="lentera-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    try:
        subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                     "-A", "trust", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                                     "-l", str(root / "log"), "-w", "-t", "60", "start"]),
                       check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        _postgres_missing(f"throwaway cluster did not start: {exc} {detail.decode()[-500:]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                     "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _pg_admin(url: str):
    import sqlalchemy as sa

    from lentera.store.engine import normalise_url

    return sa.create_engine(normalise_url(url), poolclass=sa.pool.NullPool)


@pytest.fixture(params=STORE_ENGINES)
def store_engine(request) -> str:
    """Which engine the `store` fixture runs on (both, one after the other)."""
    return request.param


@pytest.fixture
def store_url(store_engine, tmp_path, request) -> str:
    """The URL of a fresh, empty store: a SQLite file, or its own schema on the PostgreSQL server."""
    if store_engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'sub.sqlite'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"lentera_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin(base)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is the same story
        admin.dispose()
        _postgres_missing(f"cannot use {base}: {exc}")
    options = urllib.parse.quote(f"-csearch_path={schema}")
    try:
        yield f"{base}{'&' if '?' in base else '?'}options={options}"
    finally:
        from lentera.store import engine

        engine.dispose_all()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def store(store_url, tmp_path, monkeypatch) -> Path:
    """A fresh submissions store (SQLite, then PostgreSQL) and uploads folder in tmp (not created yet)."""
    from lentera.store import submissions

    monkeypatch.setenv("LENTERA_SUBMISSIONS_URL", store_url)
    monkeypatch.setenv("LENTERA_UPLOADS", str(tmp_path / "uploads"))
    yield tmp_path
    submissions.dispose_all()


@pytest.fixture
def store_sql(store):
    """`store_sql(sql_or_statement, **params)`: run it on the test's store, committed; the rows if any."""
    import sqlalchemy as sa

    from lentera.store import engine

    def run(sql, **params) -> list:
        with engine.current().begin() as conn:
            result = conn.execute(sa.text(sql) if isinstance(sql, str) else sql, params)
            return result.all() if result.returns_rows else []

    return run


@pytest.fixture
def empty_env(tmp_path, monkeypatch) -> Path:
    """Point the app at an empty data directory: no warehouse at all."""
    for key, value in fixture_environ(None, tmp_path).items():
        monkeypatch.setenv(key, value)
    return tmp_path


# --- browser: a real server and Debian's Chromium -------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerStartError(RuntimeError):
    """`streamlit run` did not answer its health check."""


def start_streamlit(env: dict[str, str], port: int, timeout: float = 60.0) -> subprocess.Popen:
    """`streamlit run serve.py` on `port` with `env`, returned once /readyz answers ok."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(SERVE),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, **env},
        # a file, not a pipe: nobody reads a pipe while tests run, and a full pipe blocks the server
        stdout=tempfile.TemporaryFile(), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/readyz"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = ""
            if proc.stdout:
                proc.stdout.seek(0)
                out = proc.stdout.read().decode(errors="replace")[-4000:]
            raise ServerStartError(f"streamlit exited with {proc.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.25)
    stop_streamlit(proc)
    raise ServerStartError(f"no answer from {url} within {timeout:.0f}s")


def stop_streamlit(proc: subprocess.Popen) -> None:
    """Terminate the server we started (and only it), killing it if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skip where absent unless LENTERA_REQUIRE_BROWSER=1 (then fail)."""
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} not found: install Debian's chromium to run the browser tests"
    if os.environ.get("LENTERA_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (LENTERA_REQUIRE_BROWSER=1)")
    pytest.skip(message)


@pytest.fixture
def own_server(fixture_warehouse, tmp_path, monkeypatch):
    """A server of this test's own on the fixture warehouse, with its store and uploads in
    tmp_path and this process pointed at the same store (to create accounts, read tickets)."""
    from lentera.store import submissions

    env = fixture_environ(fixture_warehouse.db, tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    port = free_port()
    proc = start_streamlit(env, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_streamlit(proc)
        submissions.dispose_all()


@pytest.fixture(scope="session")
def streamlit_server(fixture_warehouse, chromium_path, tmp_path_factory):
    """Base URL of a real `streamlit run app.py` serving the fixture warehouse."""
    scratch = tmp_path_factory.mktemp("server")
    port = free_port()
    proc = start_streamlit(fixture_environ(fixture_warehouse.db, scratch), port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_streamlit(proc)


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the session (Playwright's sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test (no shared cookies or session)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def wait_idle(pg, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (and any immediate rerun)."""
    pg.wait_for_selector(APP_IDLE, timeout=timeout_ms)
    # A first run can be followed at once by a rerun (URL parameters written back).
    pg.wait_for_timeout(300)
    pg.wait_for_selector(APP_IDLE, timeout=timeout_ms)


def send_report(pg, lang: str | None = None, kind: str = "lapor") -> None:
    """Press the form's send button and wait for the receipt; when the form first offers similar
    open reports (a store shared by several tests has some), send anyway, as a citizen would."""
    from playwright.sync_api import expect

    from lentera.core.i18n import t

    pg.get_by_role("button", name=t(f"{kind}.submit", lang=lang)).click()
    sent = pg.get_by_text(t(f"{kind}.sent", lang=lang))
    anyway = pg.get_by_role("button", name=t(f"{kind}.send_anyway", lang=lang))
    expect(sent.or_(anyway).first).to_be_visible(timeout=60_000)
    if not sent.count() and anyway.count():
        anyway.first.click()
    expect(sent.first).to_be_visible(timeout=60_000)


@pytest.fixture
def open_app(page):
    """`open_app(url)`: go to a URL of the app and return the page once the script is idle."""

    def go(url: str):
        page.goto(url)
        wait_idle(page)
        return page

    return go
