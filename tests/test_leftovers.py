"""Leftovers of killed writers are swept; the Data page says when downloads are prepared or failed.

Real files throughout (issue 13.9): the export step of the fixture warehouse, killed with SIGKILL
in a child process, leaves its `.part-<pid>` folder and a `preparing` status behind a dead process;
the Data page then says the preparation failed and links the previous version's files, and the
first page run sweeps the folder. Orphan photo `.part` files older than an hour go, fresh ones stay.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import export
from lentera.core.i18n import t
from lentera.store import submissions
from lentera.warehouse import catalog, db, prepared
from lentera.web import ui
from tests.conftest import ROOT, fixture_environ

APP = ROOT / "app.py"
OLD = "20000101T000000Z-sebelumnya"


@pytest.fixture
def data_dir(fixture_warehouse, tmp_path, monkeypatch) -> Path:
    """A copy of the fixture warehouse in its own data dir, the app pointed at it."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(fixture_warehouse.db, folder / "warehouse.duckdb")
    for key, value in fixture_environ(folder / "warehouse.duckdb", tmp_path).items():
        monkeypatch.setenv(key, value)
    submissions.dispose_all()
    yield folder
    submissions.dispose_all()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def killed_export(db_path: Path, dest: Path) -> int:
    """Run the export step in a child, SIGKILL it while it writes; returns the child's pid."""
    code = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from etl import export
        # a slow last step, so the kill lands in the middle of the export
        export._write_package_zip = lambda *a, **k: time.sleep(120)
        export.write_exports(Path({str(db_path)!r}), Path({str(dest)!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 120
    part = dest.with_name(f"{dest.name}.part-{proc.pid}")
    while time.monotonic() < deadline:
        status = prepared.export_status(dest.parent)
        if status.get("state") == "preparing" and part.is_dir() and any(part.iterdir()):
            break
        assert proc.poll() is None, "the export ended before it could be killed"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return proc.pid


def test_export_writes_status_and_sweeps_a_dead_writers_folder(data_dir):
    db_path = data_dir / "warehouse.duckdb"
    version = db.data_version()
    root = data_dir / "exports"
    stale = root / f"{version}.part-{dead_pid()}"
    (stale / "sub").mkdir(parents=True)
    (stale / "sub" / "big.csv").write_bytes(b"x" * 50_000)
    export.write_exports(db_path, root / version)
    assert not stale.exists()
    status = prepared.export_status(root)
    assert status["state"] == "ready" and status["data_version"] == version
    assert (root / version / catalog.MANIFEST).is_file()
    assert not [p for p in root.iterdir() if ".part" in p.name]


def test_a_failed_export_says_failed(data_dir, monkeypatch):
    root = data_dir / "exports"
    monkeypatch.setattr(export, "_write_package_zip", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        export.write_exports(data_dir / "warehouse.duckdb", root / db.data_version())
    assert prepared.export_status(root)["state"] == "failed"
    assert not [p for p in root.iterdir() if ".part" in p.name]


def test_a_writer_still_running_keeps_its_folder(tmp_path):
    mine = tmp_path / f"v1.part-{os.getpid()}"
    mine.mkdir()
    prepared.write_status(tmp_path, "preparing", "v1")
    assert prepared.sweep([tmp_path]) == []
    assert mine.is_dir()
    assert prepared.export_status(tmp_path)["state"] == "preparing"


def test_kill_during_export_leaves_a_notice_and_the_previous_files(data_dir):
    db_path = data_dir / "warehouse.duckdb"
    version = db.data_version()
    root = data_dir / "exports"
    export.write_exports(db_path, root / OLD)  # the previous version's files, still on disk
    pid = killed_export(db_path, root / version)
    part = root / f"{version}.part-{pid}"
    assert part.is_dir()
    status = prepared.export_status(root)
    assert status["state"] == "failed" and status.get("interrupted")

    ui._swept.clear()
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert not part.exists()  # swept on the first run
    warnings = [w.value for w in at.warning]
    assert any(w.startswith(t("data.exports_failed", at="")[:30]) for w in warnings), warnings
    assert t("data.exports_previous", version=OLD) in [c.value for c in at.caption]
    html = " ".join(h.proto.body for h in at.get("html"))
    assert f"unduh/{OLD}/" in html
    assert f"unduh/{version}/" not in html and "unduh/latest/" not in html


def test_the_page_says_preparing_while_the_writer_runs(data_dir):
    version = db.data_version()
    root = data_dir / "exports"
    prepared.write_status(root, "preparing", version)  # this process is the (live) writer
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert any(i.value.startswith(t("data.exports_preparing", since="")[:30]) for i in at.info)
    assert json.loads((root / prepared.STATUS_FILE).read_text())["state"] == "preparing"


def test_orphan_photo_parts_older_than_an_hour_are_swept_on_start(data_dir, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    old = uploads / ("a" * 32 + ".jpg.part")
    fresh = uploads / ("b" * 32 + ".jpg.part")
    for path in (old, fresh):
        path.write_bytes(b"\xff\xd8 half a photo")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    ui._swept.clear()
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    assert not old.exists()
    assert fresh.exists()  # a submission in flight is never touched
