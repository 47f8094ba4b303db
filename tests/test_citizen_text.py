"""Citizens' words and names from input files are shown as text, never as Markdown or HTML."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from lentera.core import forms
from lentera.store import auth, submissions
from lentera.web.text import literal

APP = Path(__file__).resolve().parent.parent / "app.py"
PW = "kata-sandi-uji-123"
HOSTILE = [
    "![x](http://evil.example/pixel.png) Jalan rusak",
    "[Masuk lagi di sini](http://evil.example/login) untuk melanjutkan",
    "<span style='color:red'>AKUN ANDA DIBLOKIR</span>",
    "**AKUN ANDA DIBLOKIR** _segera_ ~~hapus~~ `kode`",
    "# Judul besar\n- daftar\n> kutipan",
    ":red[AKUN DIBLOKIR] :material/warning: $x^2$",
    "1. satu 2) dua | tabel | --- |",
    "<img src=x onerror=alert(1)> <script>alert(1)</script>",
    "http://evil.example/auto-link dan www.evil.example",
]


def _render(text: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_text_renders_as_the_same_plain_words(text):
    html = _render(literal(text))
    for tag in ("<img", "<a ", "<strong", "<em", "<span", "<script", "<h1", "<li", "<blockquote",
                "<code", "<s>", "<del", "<table", "<ol", "<ul"):
        assert tag not in html, (tag, html)
    # what the reader sees is exactly what the citizen typed (newlines read as spaces)
    seen = htmllib.unescape(re.sub(r"<[^>]+>", "", html)).strip()
    assert seen == text.replace("\n", " ").strip()


def test_a_hostile_title_is_shown_literally_to_the_verifier(warehouse_env, tmp_path, monkeypatch):
    monkeypatch.setenv("LENTERA_SUBMISSIONS_URL", f"sqlite:///{tmp_path / 'sub.sqlite'}")
    title = "![x](http://evil.example/p.png) **AKUN ANDA DIBLOKIR** [login](http://evil.example)"
    d = forms.desa_options()[3]
    ticket = submissions.create_pengaduan(
        {"kategori": forms.kategori_options()[0], "judul": title,
         "isi": "Silakan masuk lagi di tautan ini untuk melanjutkan laporan Anda segera.",
         "kode_desa": d["kode_desa"]}, [])
    user = auth.add_user("verif-t", PW, "verifikator")
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.start_session(at.session_state, user)
    at.query_params["tiket"] = ticket
    at.run()
    at.switch_page("pages/verifikasi.py").run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "AKUN ANDA DIBLOKIR" in m.value]
    assert shown, [m.value for m in at.markdown]
    for value in shown:
        assert value == f"**{literal(title)}**"
        html = _render(value)
        assert "<img" not in html and "<a " not in html
    submissions.dispose_all()
