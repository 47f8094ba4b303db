"""Several processes on one store, as replicas behind nginx run it: PostgreSQL URLs, the rate
limit, supports and officials' sessions stay correct when processes race (both engines), and
the PostgreSQL half of the suite says clearly why it is skipped, or fails when it is required."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import _postgres_missing

from lentera.core import config, forms
from lentera.store import auth, engine, ratelimit, submissions

ROOT = Path(__file__).resolve().parent.parent
PW = "kata-sandi-uji-123"


def race(script: str, args: list[list[str]]) -> list:
    """Run `script` in one process per argument list; each calls `go()` once ready, then all run."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    body = "import sys\ndef go():\n    sys.stdin.readline()\n" + textwrap.dedent(script)
    procs = [subprocess.Popen([sys.executable, "-c", body, *a], env=env, cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for a in args]
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    out = []
    for p in procs:
        stdout, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        out.append(json.loads(stdout))
    return out


@pytest.mark.parametrize("url", ["postgresql://u@db/lentera", "postgres://u@db/lentera",
                                 "postgresql+psycopg://u@db/lentera"])
def test_postgresql_urls_use_psycopg_3(url):
    u = engine.normalise_url(url)
    assert u.drivername == "postgresql+psycopg" and u.database == "lentera"
    assert engine.normalise_url("sqlite:///x.sqlite").drivername == "sqlite"


def test_the_rate_limit_holds_when_processes_race(store, monkeypatch):
    monkeypatch.setenv("LENTERA_RATELIMIT_SALT", "garam-uji")  # every process hashes alike
    submissions.init()
    limit = config.rate_limit()[0]
    allowed = race("""
        import json
        from lentera.store import ratelimit
        ratelimit.check_and_record(None, None)  # imported, store open
        go()
        print(json.dumps([ratelimit.check_and_record(sys.argv[1], "203.0.113.50").allowed
                          for _ in range(5)]))
    """, [[f"sesi-{k}"] for k in range(2 * limit)])
    assert sum(sum(a) for a in allowed) == limit
    assert not ratelimit.check_and_record("sesi-baru", "203.0.113.50").allowed


def test_supports_from_many_processes_all_count(store):
    d = forms.desa_options()[7]
    target = submissions.create_usulan({
        "usulan": "Pembangunan jembatan kayu penghubung dusun",
        "permasalahan": "Warga memutar 5 km saat air pasang.", "kode_desa": d["kode_desa"],
        "lat": -0.3, "lng": 109.3, "volume": 25, "satuan": "meter",
        "perkiraan_biaya": 350_000_000, "bidang_urusan": "Pekerjaan Umum dan Penataan Ruang"}, [])
    writers, each = 5, 4
    race("""
        import json
        from lentera.store import submissions
        submissions.init()
        go()
        for _ in range(int(sys.argv[2])):
            submissions.support(sys.argv[1])
        print("[]")
    """, [[target, str(each)]] * writers)
    assert submissions.public_view(target)["support_count"] == writers * each


def test_a_session_opened_in_one_process_is_resumed_and_revoked_in_others(store):
    user = auth.add_user("verif-replika", PW, "verifikator")
    token = auth.open_session(user)
    [seen] = race("""
        import json
        from lentera.store import auth
        go()
        user = auth.session_from_token(sys.argv[1])
        print(json.dumps(user.username if user else None))
    """, [[token]])
    assert seen == "verif-replika"
    race("""
        from lentera.store import auth
        go()
        auth.sign_out({auth.SESSION_KEY: sys.argv[1]})
        print("[]")
    """, [[token]])
    assert auth.session_from_token(token) is None


def test_a_missing_server_is_a_clear_skip_or_a_failure_when_required(monkeypatch):
    monkeypatch.delenv("LENTERA_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL half skipped: no server"):
        _postgres_missing("no server")
    monkeypatch.setenv("LENTERA_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="LENTERA_REQUIRE_POSTGRES=1"):
        _postgres_missing("no server")


def test_two_checks_at_once_cannot_both_take_the_last_slot(store):
    """The first check pauses between reading the attempts and recording its own; the second
    must wait for it (writers' turn) instead of reading the same count."""
    import threading
    import time

    import sqlalchemy as sa

    submissions.init()
    limit = config.rate_limit()[0]
    for k in range(limit - 1):
        assert ratelimit.check_and_record(f"isi-{k}", "203.0.113.60").allowed
    paused = threading.Event()

    def pause_once(conn, cursor, statement, *args) -> None:
        if "FROM rate_event" in statement and statement.lstrip().upper().startswith("SELECT") \
                and not paused.is_set():
            paused.set()
            time.sleep(1.0)

    sa.event.listen(engine.current(), "after_cursor_execute", pause_once)
    results: dict[str, bool] = {}

    def check(name: str) -> None:
        results[name] = ratelimit.check_and_record(name, "203.0.113.60").allowed

    try:
        first = threading.Thread(target=check, args=("pertama",))
        first.start()
        assert paused.wait(30)
        second = threading.Thread(target=check, args=("kedua",))
        second.start()
        first.join(60)
        second.join(60)
    finally:
        sa.event.remove(engine.current(), "after_cursor_execute", pause_once)
    assert results == {"pertama": True, "kedua": False}
