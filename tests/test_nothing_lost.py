"""Nothing lost (issue 13, item 6): a locked store queues the write, a longer lock or a full disk
says so with the form kept filled and nothing half-written, phones' HEIC and 12 MB photos are
accepted by shrinking them, and a refused photo is explained before any ticket (both engines)."""

from __future__ import annotations

import errno
import io
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pillow_heif
import pytest
from PIL import ExifTags, Image, ImageDraw
from streamlit.testing.v1 import AppTest

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import warga
from lentera.store import engine, photos, submissions

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
MB = 1024 * 1024


# ---------------------------------------------------------------- helpers

def complaint(**over) -> dict:
    d = forms.desa_options()[5]
    return {"kategori": forms.kategori_options()[0], "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": d["kode_desa"], "lat": -0.2, "lng": 109.4} | over


def scene(width: int, height: int, seed: int = 42) -> Image.Image:
    """A photo-like picture: a gradient with coloured discs (HEVC encodes it like a photo)."""
    rnd = random.Random(seed)
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(200):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(10, width // 8)
        draw.ellipse((x, y, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
    return img


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PonselMurah"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "S",
                                  ExifTags.GPS.GPSLatitude: (0.0, 21.0, 3.5)}
    return exif


def heic(width: int = 1600, height: int = 1200) -> bytes:
    """A phone's HEIC with GPS in its EXIF, made here by pillow-heif's own encoder."""
    buf = io.BytesIO()
    scene(width, height).save(buf, "HEIF", quality=80, exif=gps_exif().tobytes())
    return buf.getvalue()


def big_jpeg(at_least: int = 12 * MB) -> bytes:
    """A JPEG of at least `at_least` bytes, as a 50 MP phone camera writes (noise keeps it big)."""
    rnd = random.Random(7)
    width, height = 4000, 3000
    img = Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=97, exif=gps_exif())
    data = buf.getvalue()
    assert len(data) >= at_least, len(data)  # the test's premise, measured not assumed
    return data


def small_jpeg() -> bytes:
    buf = io.BytesIO()
    scene(320, 240).save(buf, "JPEG", exif=gps_exif())
    return buf.getvalue()


def upload_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def photo_rows(ticket: str) -> list:
    with submissions.read_connection() as conn:
        return conn.exec_driver_sql(
            "SELECT file_name, width, height, bytes FROM photo WHERE ticket = "
            + ("?" if conn.dialect.name == "sqlite" else "%s"), (ticket,)).all()


def child_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


# What another process does to the store for `seconds`: hold our writers' turn (flock or the
# PostgreSQL advisory lock) or a raw SQLite write transaction that skips the turn.
HOLDER = textwrap.dedent("""
    import fcntl, os, sys, time
    import sqlalchemy as sa
    from lentera.store import engine
    kind, url, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    u = engine.normalise_url(url)
    if kind == "turn" and u.get_backend_name() == "sqlite":
        fd = os.open(u.database + ".writelock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
    elif kind == "sqlite":
        import sqlite3
        con = sqlite3.connect(u.database, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
    else:
        eng = sa.create_engine(u, poolclass=sa.pool.NullPool)
        conn = eng.connect()
        conn.begin()
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({engine.WRITE_LOCK})")
    print("held", flush=True)
    time.sleep(seconds)
""")


class Holder:
    """A process holding the store's write lock for `seconds` (started and waited on here)."""

    def __init__(self, kind: str, seconds: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, kind, os.environ["LENTERA_SUBMISSIONS_URL"],
             str(seconds)], env=child_env(), cwd=ROOT, text=True, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        line = self.proc.stdout.readline()
        assert line.strip() == "held", self.proc.stderr.read()
        self.since = time.monotonic()

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *exc) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)


def holder_kinds() -> list[str]:
    return ["turn", "sqlite"] if engine.current().dialect.name == "sqlite" else ["turn"]


@pytest.fixture
def quick_store(store, monkeypatch):
    """conftest's fresh store with a 1 s busy timeout (a write waits 3 × 1 s in all)."""
    submissions.dispose_all()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 1000)  # read when connections are made
    submissions.init()
    return store


# ---------------------------------------------------------------- photos phones send

def test_heic_is_accepted_shrunk_and_loses_its_gps():
    data = heic(3000, 2250)
    with Image.open(io.BytesIO(data)) as src:
        assert src.format == "HEIF" and src.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    out = photos.process_photo(data)
    assert out.ext == ".jpg" and max(out.width, out.height) == photos.MAX_SIDE
    with Image.open(io.BytesIO(out.data)) as img:
        assert img.format == "JPEG" and not img.getexif() and "exif" not in img.info


def test_a_twelve_megabyte_photo_is_shrunk_not_refused():
    data = big_jpeg()
    out = photos.process_photo(data)
    assert (out.width, out.height) == (photos.MAX_SIDE, photos.MAX_SIDE * 3 // 4)
    assert out.size < len(data) // 4
    with Image.open(io.BytesIO(out.data)) as img:
        assert not img.getexif()


def test_heic_and_a_big_photo_are_stored_with_the_report(store):
    submissions.init()
    ticket = submissions.create_pengaduan(complaint(), [heic(), big_jpeg()])
    rows = photo_rows(ticket)
    assert len(rows) == 2
    assert all(max(w, h) <= photos.MAX_SIDE for _, w, h, _ in rows)
    assert sorted(upload_files(store / "uploads")) == sorted(r[0] for r in rows)


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_a_refused_photo_is_explained_before_any_ticket(store, fmt):
    submissions.init()
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), "blue").save(buf, fmt)
    result = warga.submit_pengaduan(complaint(), [("kucing." + fmt.lower(), buf.getvalue())],
                                    None, None, None)
    assert not result.ok and result.errors == {"photos": "forms.photo_unsupported"}
    assert result.refused_file == "kucing." + fmt.lower()
    assert submissions.submission_count() == 0 and upload_files(store / "uploads") == []


def test_a_file_over_the_limit_is_explained_in_words():
    data = small_jpeg() + b"\0" * (photos.MAX_BYTES + 1)
    with pytest.raises(photos.PhotoError) as e:
        photos.process_photo(data)
    for lang in ("id", "en"):
        assert str(forms.PHOTO_MAX_MB) in forms.message(e.value.reason, lang)


def test_the_uploader_lets_every_file_reach_the_check():
    # A type filter would make Streamlit refuse HEIC/GIF in English and the file never arrive.
    assert forms.UPLOAD_MAX_MB > forms.PHOTO_MAX_MB
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert f"maxUploadSize = {forms.UPLOAD_MAX_MB}" in config
    for lang in ("id", "en"):
        assert f"{forms.UPLOAD_MAX_MB} MB" in forms.message("forms.upload_limit_note", lang)


# ---------------------------------------------------------------- a locked store

def test_a_lock_shorter_than_the_queue_waits_and_stores(quick_store):
    for kind in holder_kinds():
        with Holder(kind, seconds=1.5) as held:
            ticket = submissions.create_pengaduan(complaint(), [small_jpeg()])
            waited = time.monotonic() - held.since
        assert waited >= 1.0, kind  # it really waited for the lock, then wrote
        assert submissions.public_view(ticket) is not None and photo_rows(ticket)


def test_a_lock_longer_than_the_queue_writes_nothing_and_says_busy(quick_store):
    budget = engine.WRITE_ATTEMPTS * engine.BUSY_TIMEOUT_MS / 1000
    for kind in holder_kinds():
        with Holder(kind, seconds=budget + 5):
            with pytest.raises(engine.StoreBusyError):
                submissions.create_pengaduan(complaint(), [small_jpeg()])
            assert submissions.submission_count() == 0
            assert upload_files(quick_store / "uploads") == []
    # the same report, sent again once the lock is gone, is stored whole
    ticket = submissions.create_pengaduan(complaint(), [small_jpeg()])
    assert len(photo_rows(ticket)) == 1 and submissions.submission_count() == 1


@pytest.mark.slow
def test_a_sixty_second_lock_loses_no_report(store):
    """The issue's fault, at full scale: another process holds the writers' turn for 60 s."""
    submissions.init()
    assert engine.WRITE_ATTEMPTS * engine.BUSY_TIMEOUT_MS > 60_000
    with Holder("turn", seconds=60) as held:
        ticket = submissions.create_pengaduan(complaint(), [small_jpeg()])
        assert time.monotonic() - held.since >= 55
    assert submissions.public_view(ticket) is not None and len(photo_rows(ticket)) == 1


# ---------------------------------------------------------------- a full disk

def test_disk_full_while_writing_a_photo_writes_nothing(store, monkeypatch):
    """Without a small filesystem to fill: the photo's write reports ENOSPC (see below for real)."""
    submissions.init()

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(photos.os, "fsync", full)
    with pytest.raises(engine.StoreFullError):
        submissions.create_pengaduan(complaint(), [small_jpeg()])
    assert submissions.submission_count() == 0 and upload_files(store / "uploads") == []


def test_the_engines_disk_full_codes_are_recognised():
    import sqlite3

    import psycopg
    from sqlalchemy.exc import OperationalError

    pg = OperationalError("INSERT", {}, psycopg.errors.DiskFull("could not extend file"))
    lite_err = sqlite3.OperationalError("database or disk is full")
    lite_err.sqlite_errorcode = engine.SQLITE_FULL
    lite = OperationalError("INSERT", {}, lite_err)
    busy = OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked"))
    assert engine.is_disk_full(pg) and engine.is_disk_full(lite)
    assert engine.is_disk_full(OSError(errno.ENOSPC, "full")) and not engine.is_disk_full(busy)


FULL_DISK = textwrap.dedent("""
    import io, json, os, sys
    from PIL import Image
    from lentera.store import engine, submissions
    data, photo = json.loads(sys.argv[1]), bytes.fromhex(sys.stdin.read())
    disk, uploads = sys.argv[2], os.environ["LENTERA_UPLOADS"]
    submissions.init()
    first = submissions.create_pengaduan(data, [photo])  # room enough: stored
    filler = open(os.path.join(disk, "filler"), "wb", buffering=0)
    try:
        while True:
            filler.write(b"\\0" * 4096)
    except OSError:
        pass
    out = {"first": first}
    try:
        submissions.create_pengaduan(data, [photo])
        out["photo"] = "stored"
    except engine.StoreFullError:
        out["photo"] = "full"
    out["after_photo"] = submissions.submission_count()
    out["files_after_photo"] = sorted(os.listdir(uploads))
    tickets = []
    out["row"] = "never full"
    if engine.current().dialect.name == "sqlite":  # the database is on the full disk too
        for _ in range(2000):
            try:
                tickets.append(submissions.create_pengaduan(data, []))
            except engine.StoreFullError:
                out["row"] = "full"
                break
    out["tickets"] = tickets
    out["count_when_full"] = submissions.submission_count()
    out["all_found"] = all(submissions.public_view(t) for t in [first, *tickets])
    filler.close()
    os.remove(os.path.join(disk, "filler"))
    again = submissions.create_pengaduan(data, [photo])
    out["again_files"] = len([f for f in os.listdir(uploads) if f.endswith(".jpg")])
    out["again_found"] = submissions.public_view(again) is not None
    print(json.dumps(out))
""")


def test_a_real_full_disk_loses_no_report_and_half_writes_nothing(store, tmp_path):
    """A 3 MB tmpfs (own mount namespace) holds the uploads, and on SQLite the store itself."""
    if not shutil.which("unshare"):
        pytest.skip("no unshare(1) to mount a small filesystem; the ENOSPC test above stands in")
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {probe.stderr.strip()}")
    disk = tmp_path / "disk"
    disk.mkdir()
    env = child_env() | {"LENTERA_UPLOADS": str(disk / "uploads")}
    if engine.current().dialect.name == "sqlite":
        env["LENTERA_SUBMISSIONS_URL"] = f"sqlite:///{disk / 'sub.sqlite'}"
    submissions.dispose_all()
    run = subprocess.run(
        ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=3m tmpfs "$1" && shift && exec "$@"',
         "sh", str(disk), sys.executable, "-c", FULL_DISK, json.dumps(complaint()), str(disk)],
        input=small_jpeg().hex(), env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["photo"] == "full"
    assert out["after_photo"] == 1 and len(out["files_after_photo"]) == 1  # only the first's
    if env["LENTERA_SUBMISSIONS_URL"].startswith("sqlite"):
        assert out["row"] == "full"  # the database's own growth hit the full disk
    assert out["count_when_full"] == 1 + len(out["tickets"]) and out["all_found"]
    assert out["again_found"] and out["again_files"] == 2


# ---------------------------------------------------------------- what the citizen sees

@pytest.fixture
def lapor_env(warehouse_env, monkeypatch):
    submissions.dispose_all()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 500)
    submissions.init()
    yield
    submissions.dispose_all()


def _fill(at: AppTest) -> None:
    data = complaint()
    desa = forms.desa_info(data["kode_desa"])
    at.selectbox(key="lapor_kode_kecamatan").set_value(desa["kode_kecamatan"]).run()
    at.selectbox(key="lapor_kategori").set_value(data["kategori"])
    at.text_input(key="lapor_judul").set_value(data["judul"])
    at.text_area(key="lapor_isi").set_value(data["isi"])
    at.selectbox(key="lapor_kode_desa").set_value(data["kode_desa"])
    at.file_uploader(key="lapor_foto").set_value(("jalan.heic", heic(), "image/heic"))


def test_lapor_says_busy_keeps_the_form_and_sends_once_free(lapor_env):
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/lapor.py").run()
    _fill(at)
    with Holder("turn", seconds=5):
        at.button(key="lapor_submit").click().run()
    assert not at.exception, at.exception
    shown = [e.value for e in at.error]
    assert forms.message("forms.store_busy") in shown
    assert "lapor_ticket" not in at.session_state
    assert at.text_input(key="lapor_judul").value == complaint()["judul"]
    assert at.text_area(key="lapor_isi").value == complaint()["isi"]
    assert submissions.submission_count() == 0
    at.button(key="lapor_submit").click().run()  # the same form, sent again
    assert not at.exception, at.exception
    ticket = at.session_state["lapor_ticket"]
    assert ticket and len(photo_rows(ticket)) == 1
    assert t("lapor.sent") in [s.value for s in at.success]


def test_lapor_explains_a_refused_photo_beside_the_field_and_issues_no_ticket(lapor_env):
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/lapor.py").run()
    _fill(at)
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buf, "GIF")
    at.file_uploader(key="lapor_foto").set_value(("animasi.gif", buf.getvalue(), "image/gif"))
    at.button(key="lapor_submit").click().run()
    assert not at.exception, at.exception
    assert f"animasi.gif: {forms.message('forms.photo_unsupported')}" in [e.value for e in at.error]
    assert "lapor_ticket" not in at.session_state and submissions.submission_count() == 0


def test_pillow_heif_is_the_pinned_one():
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    assert f"pillow-heif=={pillow_heif.__version__}" in lock
