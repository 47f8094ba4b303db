"""Expected errors reach people as translated messages that say what was wrong (never `str(exc)`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lentera.core import errors
from lentera.core.i18n import has, t
from lentera.services import petugas
from lentera.store import auth, submissions
from tests import test_petugas
from tests.test_petugas import complaint

# The officials of test_petugas (on conftest's fresh store), used here under the same name.
people = test_petugas.people

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"""key\s*=\s*["'](errors\.[a-z_]+)["']""")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_key_named_in_the_code_has_id_and_en_text():
    named = {m for path in (ROOT / "lentera").rglob("*.py")
             for m in KEY.findall(path.read_text(encoding="utf-8"))}
    named |= {cls.key for cls in _subclasses(errors.LenteraError)}
    assert "errors.petugas_status" in named  # the scan sees the officials' refusals
    for key in sorted(named):
        assert has(key), key
        assert t(key, lang="id") != t(key, lang="en"), key


def test_officials_and_accounts_errors_are_lentera_errors():
    assert issubclass(petugas.PetugasError, errors.LenteraError)
    for cls in (auth.AuthError, auth.InvalidCredentialsError, auth.LockedOutError,
                auth.SessionExpiredError, auth.PermissionDeniedError):
        assert issubclass(cls, errors.LenteraError), cls


def _refusal(call) -> petugas.PetugasError | auth.AuthError:
    with pytest.raises((petugas.PetugasError, auth.AuthError)) as caught:
        call()
    return caught.value


def test_each_refusal_says_why_in_both_languages(people):
    ticket = submissions.create_pengaduan(complaint(), [])
    verif = people["verif"]
    cases = {
        "errors.petugas_reason": lambda: petugas.act(verif, ticket, "reject", "lengkap", "x"),
        "errors.petugas_office": lambda: petugas.act(verif, ticket, "dispose", "kewenangan_opd",
                                                     "x", kode_skpd="9.9"),
        "errors.petugas_ticket": lambda: petugas.act(verif, "bukan tiket", "reject", "spam", "x"),
        "errors.petugas_action": lambda: petugas.act(verif, ticket, "hapus", "spam", "x"),
        "errors.petugas_role": lambda: petugas.act(people["loket"], ticket, "verify", "lengkap"),
        "errors.not_found": lambda: petugas.detail(people["dinkes"], ticket),
    }
    for key, call in cases.items():
        exc = _refusal(call)
        assert exc.key == key, (key, exc.key)
        for lang in ("id", "en"):
            assert exc.message(lang) == t(key, lang=lang)
    petugas.act(verif, ticket, "reject", "spam", "iklan")
    late = _refusal(lambda: petugas.act(verif, ticket, "verify", "lengkap"))
    assert late.key == "errors.petugas_status"
    assert "status" in late.message("id") and "status" in late.message("en")


def test_a_lockout_message_names_the_time(store):
    auth.add_user("kunci1", "kata-sandi-uji-123", "verifikator")
    exc = None
    for _ in range(auth.MAX_FAILED + 1):
        try:
            auth.authenticate("kunci1", "salah-sekali-ini")
        except auth.LockedOutError as locked:
            exc = locked
            break
        except auth.InvalidCredentialsError as wrong:
            assert wrong.message("en") == t("errors.auth_invalid", lang="en")
    assert exc is not None
    assert f"{exc.until:%H:%M}" in exc.message("id")
