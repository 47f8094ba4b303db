"""The whole set-up on loopback: two app processes behind nginx, PostgreSQL as the store.

A complaint filed through one process is in the other's officials' queue; an official's sign-in
works on both; one process killed during a crowd: its visitors reconnect to the other through
nginx and every complaint a citizen was given a ticket for is in the store.
"""

from __future__ import annotations

import os
import re
import signal
import urllib.request

import pytest
from conftest import fixture_environ, free_port, send_report, wait_idle
from test_browser_warga import choose

from bench import crowd
from lentera import serving
from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import warga
from lentera.store import auth, submissions

pytestmark = pytest.mark.browser
PW = "kata-sandi-uji-123"
TICKET = re.compile(r"^LTR-[0-9A-Z]{4}-[0-9A-Z]{4}$")


@pytest.fixture
def stack(fixture_warehouse, store, store_url, tmp_path, monkeypatch):
    """Two app processes and nginx, all on the test's store; yields the Stack."""
    if serving.nginx_binary() is None:
        if os.environ.get("LENTERA_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed (LENTERA_REQUIRE_NGINX=1)")
        pytest.skip("nginx is not installed")
    env = fixture_environ(fixture_warehouse.db, tmp_path) | {"LENTERA_SUBMISSIONS_URL": store_url}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    submissions.init()  # the schema exists before two processes start at once
    running = serving.Stack(2, free_port(), app_ports=[free_port(), free_port()],
                            run_dir=tmp_path / "serve", env=env)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _file_complaint(page, base: str, judul: str) -> str:
    # under the crowd the one process left answers late (this machine has two cores, shared with
    # the crowd, the browser and PostgreSQL), never not at all
    page.goto(f"{base}/lapor", timeout=180_000)
    wait_idle(page, 180_000)
    kec = next(iter(warga.kecamatan_labels()))
    choose(page, t("forms.label_kecamatan"), warga.kecamatan_labels()[kec])
    choose(page, t("forms.label_kategori"), forms.kategori_options()[0])
    page.get_by_label(f"{t('forms.label_judul')} *").fill(judul)
    page.get_by_label(f"{t('forms.label_isi')} *").fill(
        "Lampu jalan di simpang pasar padam sejak seminggu, gelap dan rawan di malam hari.")
    choose(page, t("forms.label_desa"), next(iter(warga.desa_labels(kec).values())))
    send_report(page)
    ticket = page.locator("[data-testid=stCode] code").first.inner_text().strip()
    assert TICKET.match(ticket), ticket
    return ticket


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk")
    wait_idle(page)
    page.get_by_label(t("petugas.username")).fill(username)
    page.get_by_label(t("petugas.password"), exact=True).fill(PW)
    with page.expect_navigation():
        page.get_by_role("button", name=t("petugas.sign_in")).click()
    wait_idle(page)


def _diagnosis(stack, page) -> str:
    """What a failure needs to be understood: nginx's errors, the processes' output, the page."""
    parts = []
    for name in ("error.log", *sorted(p.name for p in stack.run_dir.glob("app-*.log"))):
        path = stack.run_dir / name
        if path.exists():
            lines = path.read_text(errors="replace").splitlines()[-25:]
            parts.append(f"--- {name}\n" + "\n".join(line[:240] for line in lines))
    parts.append(f"--- supervisor: {stack.restarts}")
    try:
        parts.append("--- page: " + page.url + "\n" + page.inner_text("body")[:800])
    except Exception as exc:  # noqa: BLE001 - a diagnosis never hides the failure it explains
        parts.append(f"--- page unreadable: {exc}")
    return "\n".join(parts)


def _pid(port: int) -> int:
    import json

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=60) as answer:
        return json.load(answer)["pid"]


@pytest.mark.parametrize("store_engine", ["postgresql"])
def test_two_processes_behind_nginx_share_store_sign_in_and_survive_a_kill(stack, browser):
    a, b = (f"http://127.0.0.1:{p}" for p in stack.ports)
    front = f"http://127.0.0.1:{stack.port}"
    assert _pid(stack.ports[0]) != _pid(stack.ports[1])
    auth.add_user("verif-n", PW, "verifikator")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        # filed through process A ...
        ticket = _file_complaint(page, a, "Lampu jalan padam di simpang pasar")
        # ... in process B's verification queue, after signing in on B
        _sign_in(page, b, "verif-n")
        page.goto(f"{b}/verifikasi?tiket={ticket}")
        wait_idle(page)
        page.get_by_role("heading", name=ticket).first.wait_for()
        # the sign-in (a cookie naming a session in the shared store) holds on A and through nginx
        for base in (a, front):
            page.goto(f"{base}/verifikasi")
            wait_idle(page)
            assert page.locator("h1").first.inner_text().strip() == t("pages.verifikasi")

        # a crowd through nginx; process A is killed while it runs
        import threading
        import time

        results: dict = {}
        runner = threading.Thread(target=lambda: results.update(out=crowd.run(
            stack.port, ["beranda", "pengaduan", "lacak"], visitors=8, rounds=3, think=0.5,
            max_reconnects=6)))
        runner.start()
        time.sleep(8)
        killed = stack.apps[stack.ports[0]].pid
        os.kill(killed, signal.SIGKILL)
        # while A is down, citizens keep filing through nginx: every ticket shown is stored
        try:
            shown = [_file_complaint(page, front, f"Laporan saat gangguan {i}") for i in range(2)]
        except Exception as exc:
            raise AssertionError(f"{exc}\n{_diagnosis(stack, page)}") from exc
        runner.join(timeout=600)
        # the supervisor took A out of nginx, restarted it and put it back once ready
        events = [(port, what) for _, port, what in stack.restarts]
        assert (stack.ports[0], "exited") in events, _diagnosis(stack, page)
        deadline = time.monotonic() + 180
        while (stack.ports[0], "ready") not in [(p, w) for _, p, w in stack.restarts] \
                and time.monotonic() < deadline:
            time.sleep(0.5)
        assert (stack.ports[0], "ready") in [(p, w) for _, p, w in stack.restarts], \
            _diagnosis(stack, page)
        assert _pid(stack.ports[0]) == stack.apps[stack.ports[0]].pid != killed
        assert f"127.0.0.1:{stack.ports[0]} max_fails=0;" in (stack.run_dir / "nginx.conf").read_text()
        out = results["out"]
        assert not out.errors, out.errors[:3]
        assert out.views == 8 * 3 * 3
        assert sum(out.exceptions.values()) == 0
        stored = set(submissions.tickets("pengaduan"))
        assert {ticket, *shown} <= stored
        assert len(stored) == 3
    finally:
        context.close()
