"""The submissions store on a real SQLite file and a real PostgreSQL server: privacy, append-only
events, frames, concurrency, atomicity with photos (failures and SIGKILL), migrations and the
rate limit."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image

from lentera.core import config, forms
from lentera.core.kalender import Calendar
from lentera.core.schema import PENGADUAN, USULAN
from lentera.core.tickets import is_canonical_ticket
from lentera.services import sla as services_sla
from lentera.store import (
    engine,
    intake,
    migrate,
    photos,
    ratelimit,
    redaction,
    submissions,
    tables,
)
from lentera.store.submissions import (
    SubmissionError,
    SubmissionNotFoundError,
    SubmissionValidationError,
)

ROOT = Path(__file__).resolve().parent.parent
PHONE = "081298765432"
EMAIL = "warga.pelapor@example.id"


@pytest.fixture
def store(store, monkeypatch):
    """conftest's fresh store (SQLite, then PostgreSQL), created, with a salt of its own."""
    monkeypatch.delenv("LENTERA_RATELIMIT_SALT", raising=False)
    submissions.init()
    return store


def child_env(store: Path) -> dict[str, str]:
    """This test's environment (its store's URL and uploads) for a child process."""
    env = dict(os.environ)
    assert env["LENTERA_UPLOADS"] == str(store / "uploads")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def dialect() -> str:
    return engine.current().dialect.name


def complaint(**over) -> dict:
    d = forms.desa_options()[5]
    data = {"kategori": "Infrastruktur", "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": d["kode_desa"], "lat": -0.2, "lng": 109.4}
    data.update(over)
    return data


def proposal(**over) -> dict:
    data = {"usulan": "Pembangunan jembatan kayu penghubung dusun",
            "permasalahan": "Warga memutar 5 km saat air pasang.",
            "kode_desa": forms.desa_options()[7]["kode_desa"], "lat": -0.3, "lng": 109.3,
            "volume": 25, "satuan": "meter", "perkiraan_biaya": 350_000_000,
            "bidang_urusan": "Pekerjaan Umum dan Penataan Ruang"}
    data.update(over)
    return data


def gps_jpeg(size=(120, 90)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "S",
                                  ExifTags.GPS.GPSLatitude: (0.0, 21.0, 3.5)}
    buf = io.BytesIO()
    Image.new("RGB", size, "orange").save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def raw_rows(sql: str) -> list:
    with submissions.read_connection() as conn:
        return conn.exec_driver_sql(sql).all()


def upload_files(store: Path) -> list[str]:
    root = store / "uploads"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


# ---------------------------------------------------------------- store and schema

@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_with_busy_timeout(store):
    with submissions.read_connection() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == engine.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert submissions.schema_revision_of() == migrate.head()


@pytest.mark.sqlite_only  # the pre-Alembic code's step-1 store, from a dump saved from that code
def test_schema_upgrades_in_order_and_keeps_data(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    dump = ROOT / "tests" / "fixtures" / "legacy_store" / "store_v1.sql"
    con = sqlite3.connect(path)
    con.executescript(dump.read_text(encoding="utf-8"))
    [(ticket,)] = con.execute("SELECT ticket FROM submission").fetchall()
    assert "rate_event" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    monkeypatch.setenv("LENTERA_SUBMISSIONS_URL", f"sqlite:///{path}")
    monkeypatch.setenv("LENTERA_UPLOADS", str(tmp_path / "uploads"))
    try:
        submissions.init()
        assert submissions.schema_revision_of() == migrate.head()
        assert "rate_event" in sa.inspect(engine.current()).get_table_names()
        assert submissions.public_view(ticket)["status"] == "diterima"
        submissions.dispose_all()
        submissions.init()  # idempotent
        assert [r[0] for r in raw_rows("SELECT version_num FROM alembic_version")] == [
            migrate.head()]
        # the old version table is left as it was: the history of the hand-rolled steps
        assert [r[0] for r in raw_rows("SELECT version FROM schema_version ORDER BY 1")] == [1]
    finally:
        submissions.dispose_all()


# ---------------------------------------------------------------- create and read

def test_complaint_round_trip_with_photo(store, monkeypatch, fixture_warehouse):
    # the clock is the semantic layer's: it needs a warehouse (the fixture's, not ./data's)
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(fixture_warehouse.db))
    ticket = submissions.create_pengaduan(complaint(), [gps_jpeg()])
    assert is_canonical_ticket(ticket) and ticket.startswith("LTR-")
    view = services_sla.public_view(ticket.lower().replace("-", " "))  # as typed on Lacak
    assert view["ticket"] == ticket and view["status"] == "diterima"
    assert view["kategori"] == "Infrastruktur" and view["nama_desa"]
    assert view["created_at"].tzinfo is not None
    assert view["target_hari_kerja"] == forms.kategori_target_hari_kerja("Infrastruktur")
    assert view["target_date"] > view["created_at"].date() and view["terbuka"]
    assert view["sisa_hari_kerja"] == view["target_hari_kerja"] - view["hari_kerja"]
    [p] = view["photos"]
    path = submissions.photo_path(p["file_name"])
    assert path is not None and path.parent == store / "uploads"
    with Image.open(path) as img:
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert upload_files(store) == [p["file_name"]]  # no temp file left behind
    assert [e["to_status"] for e in submissions.timeline(ticket)] == ["diterima"]


def test_unknown_and_malformed_tickets_show_nothing(store):
    assert submissions.public_view("LTR-0000-0000") is None
    assert submissions.public_view("<script>") is None
    assert submissions.timeline("LTR-0000-0000") == []
    assert submissions.timeline(None) == []


def test_anonymous_by_default_and_no_exact_point_for_complaints(store):
    ticket = submissions.create_pengaduan(complaint(), [])
    assert raw_rows("SELECT anonim, rahasia, kanal FROM submission")[0] == (1, 0, "web")
    view = submissions.public_view(ticket)
    assert "lat" not in view and "lng" not in view and "anonim" not in view


def test_contact_is_stored_apart_and_never_returned(store):
    t1 = submissions.create_pengaduan(complaint(), [], {"value": PHONE, "consent": True})
    t2 = submissions.create_usulan(proposal(), [], {"value": EMAIL, "consent": True})
    stored = raw_rows("SELECT ticket, kind, value, consent_text_version FROM contact ORDER BY kind")
    assert stored == [(t2, "email", EMAIL, forms.CONSENT_TEXT_VERSION),
                      (t1, "phone", "+62" + PHONE[1:], forms.CONSENT_TEXT_VERSION)]
    outputs = [
        repr(submissions.public_view(t1)), repr(submissions.public_view(t2)),
        repr(submissions.timeline(t1)), repr(submissions.timeline(t2)),
        submissions.pengaduan_frame().write_csv(),
        submissions.usulan_frame(with_support=True).write_csv(),
        submissions.events_frame("pengaduan").write_csv(),
        repr(raw_rows("SELECT * FROM submission")),
    ]
    for text in outputs:
        for secret in (PHONE, PHONE[1:], EMAIL, "warga.pelapor"):
            assert secret not in text


def test_contact_without_consent_is_refused_and_nothing_stored(store):
    with pytest.raises(SubmissionValidationError) as e:
        submissions.create_pengaduan(complaint(), [], {"value": PHONE, "consent": False})
    assert e.value.errors == {"contact": "forms.err_consent_required"}
    assert submissions.submission_count() == 0
    assert raw_rows("SELECT count(*) FROM contact")[0][0] == 0


def test_invalid_form_raises_with_field_errors(store):
    with pytest.raises(SubmissionValidationError) as e:
        submissions.create_pengaduan(complaint(judul="pendek", kode_desa="xx"), [gps_jpeg()] * 4)
    assert e.value.errors == {"judul": "forms.err_judul_length", "kode_desa": "forms.err_desa",
                              "photos": "forms.err_photos_too_many"}
    assert submissions.submission_count() == 0 and upload_files(store) == []


def test_refused_photo_stores_nothing(store):
    with pytest.raises(photos.PhotoError):
        submissions.create_pengaduan(complaint(), [gps_jpeg(), b"teks biasa bernama x.jpg"])
    assert submissions.submission_count() == 0 and upload_files(store) == []


def test_confidential_complaint_hides_text_and_photos(store):
    ticket = submissions.create_pengaduan(complaint(rahasia=True, judul="Pungli di kantor desa X"),
                                          [gps_jpeg()])
    view = submissions.public_view(ticket)
    assert view["rahasia"] is True
    assert view["judul"] is None and view["isi"] is None and view["photos"] == []
    assert "Pungli" not in repr(view) and "Pungli" not in repr(submissions.timeline(ticket))
    row = submissions.pengaduan_frame().row(0, named=True)
    assert row["rahasia"] is True and row["judul"] is None and row["isi"] is None
    # officials still have the text: it is stored, only never published
    assert raw_rows("SELECT judul FROM submission")[0][0] == "Pungli di kantor desa X"


def test_free_text_is_redacted_before_storage_and_html_kept_literally(store):
    nik = "6112011708900001"
    ticket = submissions.create_pengaduan(complaint(
        judul=f"Tolong hubungi {PHONE} segera",
        isi=f"<script>alert('x')</script> NIK saya {nik}, e-mail {EMAIL}, jalan rusak parah."),
        [])
    judul, isi = raw_rows("SELECT judul, isi FROM submission")[0]
    for secret in (PHONE, nik, EMAIL):
        assert secret not in judul + isi
    assert isi.startswith("<script>alert('x')</script>")  # plain text, as typed
    assert submissions.public_view(ticket)["isi"] == isi


# ---------------------------------------------------------------- events

def test_events_are_appended_and_status_follows_the_latest(store):
    ticket = submissions.create_pengaduan(complaint(), [])
    skpd = sorted(forms.skpd_codes())[0]
    submissions.append_event(ticket, "diverifikasi", "petugas.budi", "verifikator")
    submissions.append_event(ticket, "didisposisi", "petugas.budi", "verifikator",
                             reason_code="wewenang_opd", public_note="Diteruskan ke OPD",
                             kode_skpd=skpd)
    submissions.append_event(ticket, "ditindaklanjuti", "opd.dinas", "opd")
    ev = submissions.append_event(ticket, "selesai", "opd.dinas", "opd",
                                  public_note=f"Sudah diperbaiki, info {PHONE}")
    assert ev["to_status"] == "selesai" and PHONE not in ev["public_note"]
    history = submissions.timeline(ticket)
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        (None, "diterima"), ("diterima", "diverifikasi"), ("diverifikasi", "didisposisi"),
        ("didisposisi", "ditindaklanjuti"), ("ditindaklanjuti", "selesai")]
    assert history[2]["reason_code"] == "wewenang_opd"
    assert "petugas.budi" not in repr(history)  # roles are public, officials' accounts are not
    view = services_sla.public_view(ticket)
    assert view["status"] == "selesai" and view["kode_skpd"] == skpd and not view["terbuka"]
    assert raw_rows("SELECT count(*) FROM event")[0][0] == 5


def test_events_cannot_be_updated_or_deleted(store):
    ticket = submissions.create_pengaduan(complaint(), [])
    submissions.append_event(ticket, "diverifikasi", "a", "verifikator")
    for sql in ("UPDATE event SET to_status = 'selesai'", "DELETE FROM event"):
        with pytest.raises(sa.exc.DBAPIError), submissions.write_transaction() as conn:
            conn.exec_driver_sql(sql)
    assert [e["to_status"] for e in submissions.timeline(ticket)] == ["diterima", "diverifikasi"]


def test_bad_events_are_refused_and_leave_no_trace(store):
    ticket = submissions.create_pengaduan(complaint(), [])
    with pytest.raises(SubmissionError):
        submissions.append_event(ticket, "diusulkan", "a", "verifikator")  # a usulan status
    with pytest.raises(SubmissionError):
        submissions.append_event(ticket, "selesai", "", "verifikator")
    with pytest.raises(SubmissionError):
        submissions.append_event(ticket, "didisposisi", "a", "v", kode_skpd="9.99")
    with pytest.raises(SubmissionNotFoundError):
        submissions.append_event("LTR-0000-0000", "selesai", "a", "verifikator")
    assert len(submissions.timeline(ticket)) == 1
    assert submissions.public_view(ticket)["status"] == "diterima"


# ---------------------------------------------------------------- frames

def _clock(monkeypatch, *times: dt.datetime) -> None:
    it = iter(times)
    monkeypatch.setattr(tables, "utc_now", lambda: next(it))


def test_pengaduan_frame_matches_the_warehouse_and_derives_stage_dates(store, monkeypatch, fixture_warehouse):
    # the clock is the semantic layer's: it needs a warehouse (the fixture's, not ./data's)
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(fixture_warehouse.db))
    utc = [dt.datetime(2025, 9, d, 1, 0) for d in (8, 9, 10, 15, 16)]
    _clock(monkeypatch, *utc)
    ticket = submissions.create_pengaduan(complaint(), [])
    submissions.append_event(ticket, "diverifikasi", "a", "verifikator")
    submissions.append_event(ticket, "ditunda", "a", "verifikator")
    submissions.append_event(ticket, "ditindaklanjuti", "b", "opd")
    submissions.append_event(ticket, "selesai", "b", "opd")
    frame = submissions.pengaduan_frame()
    assert frame.columns == [c.name for c in PENGADUAN.columns]
    row = frame.row(0, named=True)
    local = [t + dt.timedelta(hours=7) for t in utc]  # WIB
    assert row["nomor_tiket"] == ticket and row["tanggal_masuk"] == local[0]
    assert row["tanggal_verifikasi"] == local[1] and row["tanggal_disposisi"] is None
    assert row["tanggal_tindak_lanjut"] == local[3] and row["tanggal_selesai"] == local[4]
    # the store keeps no clock: paused days come from the semantic layer, over the raw events
    cal = Calendar.from_reference()
    clock = services_sla.clock_live(local[4].date()).filter(pl.col("nomor_tiket") == ticket)
    assert clock["hari_ditunda"].to_list() == [
        cal.working_days_between(local[2].date(), local[3].date())] == [3]
    assert row["kode_kecamatan"] == forms.desa_info(row["kode_desa"])["kode_kecamatan"]
    assert row["source_file"] == submissions.SOURCE_FILE

    # The frame loads into a table built from the warehouse contract and unions with it.
    con = duckdb.connect()
    cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in PENGADUAN.columns)
    con.execute(f"CREATE TABLE pengaduan ({cols})")
    con.execute("INSERT INTO pengaduan SELECT * FROM frame")
    got = con.sql("SELECT nomor_tiket, status, hari_ditunda FROM pengaduan").fetchall()
    assert got == [(ticket, "selesai", None)]


def test_live_count_is_immediate(store):
    before = submissions.pengaduan_frame().height
    submissions.create_pengaduan(complaint(), [])
    assert submissions.pengaduan_frame().height == before + 1
    assert submissions.usulan_frame().height == 0


def test_selesai_date_only_while_selesai(store):
    ticket = submissions.create_pengaduan(complaint(), [])
    submissions.append_event(ticket, "selesai", "a", "opd")
    submissions.append_event(ticket, "ditindaklanjuti", "a", "opd", reason_code="dibuka_kembali")
    row = submissions.pengaduan_frame().row(0, named=True)
    assert row["status"] == "ditindaklanjuti" and row["tanggal_selesai"] is None


def test_usulan_support_and_frame(store):
    target = submissions.create_usulan(proposal(), [gps_jpeg()])
    assert target.startswith("USL-")
    assert submissions.support(target) == 1
    assert submissions.support(target.lower()) == 2
    other = submissions.create_usulan(proposal(usulan="Jembatan yang sama, dari dusun lain",
                                               support_of=target), [])
    view = submissions.public_view(target)
    assert view["support_count"] == 3 and view["lat"] == -0.3 and len(view["photos"]) == 1
    assert submissions.public_view(other)["support_of"] == target
    submissions.append_event(other, "ditolak", "a", "kecamatan", public_note="Duplikat usulan")
    frame = submissions.usulan_frame()
    assert frame.columns == [c.name for c in USULAN.columns]
    rows = {r["id_usulan"]: r for r in frame.iter_rows(named=True)}
    assert rows[other]["alasan"] == "Duplikat usulan" and rows[target]["alasan"] is None
    assert rows[target]["sumber"] == "warga" and rows[target]["tahun_rkpd"] >= 2026
    assert float(rows[target]["perkiraan_biaya"]) == 350_000_000
    with_support = submissions.usulan_frame(with_support=True)
    assert with_support.filter(pl.col("id_usulan") == target)["support_count"].item() == 3
    con = duckdb.connect()
    cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in USULAN.columns)
    con.execute(f"CREATE TABLE usulan ({cols})")
    con.execute("INSERT INTO usulan SELECT * FROM frame")
    assert con.sql("SELECT count(*) FROM usulan").fetchall() == [(2,)]


def test_support_of_unknown_or_non_proposal_is_refused(store):
    complaint_ticket = submissions.create_pengaduan(complaint(), [])
    with pytest.raises(SubmissionNotFoundError):
        submissions.support(complaint_ticket)
    with pytest.raises(SubmissionNotFoundError):
        submissions.support("USL-0000-0000")
    with pytest.raises(SubmissionNotFoundError):
        submissions.create_usulan(proposal(support_of="USL-0000-0000"), [gps_jpeg()])
    assert submissions.submission_count("usulan") == 0 and len(upload_files(store)) == 0


# ---------------------------------------------------------------- atomicity

def test_failure_after_the_photo_write_leaves_no_row_and_no_photo(store, monkeypatch):
    def broken(*args, **kwargs):
        assert [n for n in upload_files(store) if n.endswith(".part")]  # photo already written
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "_insert_contact", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        submissions.create_pengaduan(complaint(), [gps_jpeg(), gps_jpeg()],
                                     {"value": PHONE, "consent": True})
    assert submissions.submission_count() == 0
    assert raw_rows("SELECT count(*) FROM event")[0][0] == 0
    assert submissions.referenced_photo_names() == set()
    assert upload_files(store) == []


KILL_SCRIPT = textwrap.dedent("""
    import io, sys, time, pathlib
    from PIL import Image
    from lentera.core import forms
    from lentera.store import intake, submissions
    marker, where = pathlib.Path(sys.argv[1]), sys.argv[2]

    def pause(*args):
        marker.write_text("x")
        time.sleep(120)

    if where == "in_transaction":
        real = intake._insert_photo
        def slow(conn, ticket, staged, at):
            real(conn, ticket, staged, at)
            pause()
        intake._insert_photo = slow
    else:  # after the commit, before the rename
        intake.commit_staged = pause
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), "red").save(buf, "JPEG")
    submissions.create_pengaduan({"kategori": "Kesehatan", "judul": "Puskesmas tutup siang hari",
        "isi": "Puskesmas pembantu tutup sejak pukul sebelas, warga tidak terlayani.",
        "kode_desa": forms.desa_options()[0]["kode_desa"]}, [buf.getvalue()])
""")


def _run_and_kill(store: Path, where: str) -> None:
    marker = store / f"marker-{where}"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(marker), where],
                            env=child_env(store), cwd=ROOT, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode())
            assert time.monotonic() < deadline, "child never reached the pause"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def test_killed_mid_transaction_leaves_no_half_row(store):
    _run_and_kill(store, "in_transaction")
    assert submissions.submission_count() == 0
    assert raw_rows("SELECT count(*) FROM event")[0][0] == 0
    assert raw_rows("SELECT count(*) FROM photo")[0][0] == 0
    if dialect() == "sqlite":
        assert raw_rows("PRAGMA integrity_check")[0][0] == "ok"
    [part] = upload_files(store)
    assert part.endswith(photos.PART_SUFFIX)
    assert submissions.photo_path(part.removesuffix(photos.PART_SUFFIX)) is None
    assert engine.sweep_orphan_photos(older_than=dt.timedelta(0)) == {"completed": 0, "deleted": 1}
    assert upload_files(store) == []
    # the dead writer's lock is gone: the store takes new submissions
    assert submissions.create_pengaduan(complaint(), [])


def test_killed_after_commit_is_rolled_forward_by_the_sweep(store):
    _run_and_kill(store, "after_commit")
    [ticket] = submissions.tickets()
    [p] = submissions.public_view(ticket)["photos"]
    assert submissions.photo_path(p["file_name"]) is None  # not shown until the file is in place
    assert engine.sweep_orphan_photos(older_than=dt.timedelta(hours=1)) == {"completed": 1, "deleted": 0}
    assert submissions.photo_path(p["file_name"]) is not None


# ---------------------------------------------------------------- concurrency

WRITERS = 20
PER_WRITER = 50


def test_thousand_submissions_from_twenty_threads(store):
    barrier = threading.Barrier(WRITERS)
    desa = [d["kode_desa"] for d in forms.desa_options()]

    def writer(w: int) -> list[str]:
        barrier.wait()
        return [submissions.create_pengaduan(
            complaint(kode_desa=desa[(w * PER_WRITER + i) % len(desa)]), [])
            for i in range(PER_WRITER)]

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))  # re-raises any writer's error
    made = [t for r in results for t in r]
    assert len(made) == WRITERS * PER_WRITER == len(set(made))
    assert submissions.submission_count() == 1000
    assert set(submissions.tickets()) == set(made)
    assert raw_rows("SELECT count(*) FROM event")[0][0] == 1000


WRITER_SCRIPT = textwrap.dedent("""
    import json, pathlib, sys, time
    from lentera.core import forms
    from lentera.store import submissions
    go, n, w = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    submissions.init()
    desa = [d["kode_desa"] for d in forms.desa_options()]
    (go.parent / f"ready-{w}").write_text("ready")
    while not go.exists():
        time.sleep(0.005)
    made = []
    for i in range(n):
        made.append(submissions.create_pengaduan({"kategori": "Pendidikan",
            "judul": f"Sekolah rusak nomor {w}-{i}",
            "isi": "Atap ruang kelas bocor setiap hujan sehingga murid dipulangkan.",
            "kode_desa": desa[(w * n + i) % len(desa)]}, []))
    print(json.dumps(made))
""")


def test_thousand_submissions_from_twenty_processes(store):
    go = store / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, str(go), str(PER_WRITER),
                               str(w)], env=child_env(store), cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for w in range(WRITERS)]
    # All writers start together, once each has imported and opened the store.
    deadline = time.monotonic() + 600
    while len(list(store.glob("ready-*"))) < WRITERS:
        assert all(p.poll() is None for p in procs), "a writer died before starting"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    go.write_text("go")
    made, errors = [], []
    for p in procs:
        out, err = p.communicate(timeout=600)
        if p.returncode != 0:
            errors.append(err.decode()[-2000:])
        else:
            made.extend(json.loads(out))
    assert errors == []
    assert len(made) == 1000 == len(set(made))
    assert submissions.submission_count() == 1000
    assert set(submissions.tickets()) == set(made)


# ---------------------------------------------------------------- rate limit

def test_rate_limit_per_session_and_per_address(store):
    now = dt.datetime(2025, 9, 8, 3, 0, tzinfo=dt.UTC)
    for i in range(config.rate_limit()[0]):
        d = ratelimit.check_and_record("sesi-a", "203.0.113.7", now=now + dt.timedelta(seconds=i))
        assert d.allowed and d.retry_after_seconds == 0
    blocked = ratelimit.check_and_record("sesi-a", "198.51.100.9", now=now + dt.timedelta(seconds=60))
    assert not blocked.allowed
    assert blocked.retry_after_seconds == config.rate_limit()[1] - 60  # the oldest expires
    assert blocked.retry_after_minutes == 9
    # a new session from the same address is still the same address
    assert not ratelimit.check_and_record("sesi-b", "203.0.113.7",
                                          now=now + dt.timedelta(seconds=61)).allowed
    # someone else is unaffected
    assert ratelimit.check_and_record("sesi-c", "192.0.2.1",
                                      now=now + dt.timedelta(seconds=62)).allowed
    # after the window the first session may submit again
    later = now + dt.timedelta(seconds=config.rate_limit()[1] + 5)
    assert ratelimit.check_and_record("sesi-a", "203.0.113.7", now=later).allowed


def test_ipv6_limited_by_its_64_prefix(store):
    now = dt.datetime(2025, 9, 8, 3, 0, tzinfo=dt.UTC)
    for i in range(config.rate_limit()[0]):
        assert ratelimit.check_and_record(f"s{i}", f"2001:db8:1:2::{i + 1:x}", now=now).allowed
    assert not ratelimit.check_and_record("s9", "2001:db8:1:2:ffff::1", now=now).allowed
    assert ratelimit.check_and_record("s10", "2001:db8:1:3::1", now=now).allowed


def test_rate_limit_stores_only_salted_hashes_and_forgets(store):
    ratelimit.check_and_record("sesi-rahasia-123", "203.0.113.77")
    hashes = [r[0] for r in raw_rows("SELECT key_hash FROM rate_event")]
    assert len(hashes) == 2 and all(len(h) == 64 for h in hashes)
    if dialect() == "sqlite":
        with submissions.read_connection() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint")
        blob = b"".join(p.read_bytes() for p in store.glob("sub.sqlite*"))
    else:
        blob = repr([raw_rows(f"SELECT * FROM {t}") for t in ("rate_event", "app_secret")]).encode()
    assert b"203.0.113.77" not in blob and b"sesi-rahasia-123" not in blob
    # the hash depends on the secret salt, so a plain SHA-256 of the address doesn't match it
    import hashlib
    assert hashlib.sha256(b"address:203.0.113.77").hexdigest() not in hashes
    # rows older than the window are removed by the next check
    future = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=config.rate_limit()[1] + 1)
    ratelimit.check_and_record("x", None, now=future)
    assert len(raw_rows("SELECT key_hash FROM rate_event")) == 1


def test_rate_limit_is_shared_across_processes(store):
    script = textwrap.dedent("""
        from lentera.core import config
        from lentera.store import ratelimit
        for _ in range(config.rate_limit()[0]):
            assert ratelimit.check_and_record("sesi-lain", "198.51.100.1").allowed
    """)
    subprocess.run([sys.executable, "-c", script], env=child_env(store), cwd=ROOT, check=True)
    decision = ratelimit.check_and_record("sesi-baru", "198.51.100.1")
    assert not decision.allowed and 0 < decision.retry_after_seconds <= config.rate_limit()[1]


def test_no_identity_means_no_limit_to_apply(store):
    assert ratelimit.check_and_record(None, None).allowed


@pytest.mark.sqlite_only
def test_a_stuck_writer_makes_others_give_up_not_hang(store, monkeypatch):
    import fcntl

    fd = os.open(str(store / "sub.sqlite") + ".writelock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process stuck while holding the writers' turn
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    try:
        with pytest.raises(SubmissionError, match="busy"):
            submissions.create_pengaduan(complaint(), [gps_jpeg()])
        assert submissions.submission_count() == 0 and upload_files(store) == []
    finally:
        os.close(fd)
    # once the stuck writer is gone, writing works again (the abandoned waiter let go)
    assert submissions.create_pengaduan(complaint(), [])
    assert submissions.create_pengaduan(complaint(), [])


@pytest.mark.postgresql_only
def test_a_stuck_postgresql_writer_makes_others_give_up_not_hang(store, monkeypatch):
    submissions.dispose_all()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)  # read when the engine is made
    holder = engine._new_engine(os.environ["LENTERA_SUBMISSIONS_URL"])
    try:
        with holder.begin() as conn:  # another replica stuck while holding the writers' turn
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({engine.WRITE_LOCK})")
            with pytest.raises(SubmissionError, match="busy"):
                submissions.create_pengaduan(complaint(), [gps_jpeg()])
            assert submissions.submission_count() == 0 and upload_files(store) == []
    finally:
        holder.dispose()
    assert submissions.create_pengaduan(complaint(), [])


def test_writes_take_the_lock_up_front_reads_do_not(store):
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine.current(), "before_cursor_execute", record)
    try:
        with submissions.write_transaction() as conn:
            conn.exec_driver_sql("SELECT 1")
        with submissions.read_connection() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        sa.event.remove(engine.current(), "before_cursor_execute", record)
    if dialect() == "sqlite":
        assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN"]
    else:
        assert [s for s in seen if "pg_advisory" in s] == [
            f"SELECT pg_advisory_xact_lock({engine.WRITE_LOCK})"]


@pytest.mark.parametrize("text", [
    "Hubungi 0812-3456-7890 atau a.b@c.id, NIK 6112011708900001, biaya Rp 1.500.000",
    "Telp (0561) 736541\n", "+62 812 3456 7890.", "6112011708900001 6112011708900002",
])
def test_store_redacts_like_etl_redact(text):
    from lentera.core.privacy import redact_text

    out = redaction.redact_fields(isi=text)["isi"]
    assert out == redact_text(forms.clean_text(text)) and "[" in out
