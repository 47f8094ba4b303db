""""Sudah selesai?" (reopen, confirm, close without an answer) and the rating → IKM, on both engines;
the IKM formula and bands of Permenpan RB 14/2017 checked against a computation of the test's own."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from test_notify import complaint, handle_to_done, session_of

from lentera.services import ikm, petugas, umpan_balik
from lentera.store import submissions
from lentera.store import umpan_balik as store_loop


def own_ikm(rows: list[dict]) -> float:
    """IKM from the regulation's text: Σ (mean of each element × 1/9) × 25."""
    total = 0.0
    for u in ikm.UNSUR:
        answered = [r[u] for r in rows if r[u] is not None]
        total += sum(answered) / len(answered) * (1 / 9)
    return total * 25


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ikm.SCHEMA, orient="row")


def rating(rng: random.Random, office: str, detail: bool = True) -> dict:
    return {"jenis": "pengaduan", "kode_skpd": office, "layanan": "Infrastruktur",
            "nilai": rng.randint(1, 4),
            **{u: (rng.randint(1, 4) if detail else None) for u in ikm.UNSUR}}


def test_ikm_is_the_weighted_element_means_times_25():
    rng = random.Random(42)
    rows = [rating(rng, "A") for _ in range(30)] + [rating(rng, "B") for _ in range(25)]
    out = ikm.ikm(frame(rows), "kode_skpd", min_cases=20)
    for office in ("A", "B"):
        got = out.filter(pl.col("kode_skpd") == office).row(0, named=True)
        expected = own_ikm([r for r in rows if r["kode_skpd"] == office])
        assert got["nilai_ikm"] == pytest.approx(expected)
        assert got["indikatif"] is False and got["cukup"] is True
        assert got["mutu"] == ikm.mutu(expected)


def test_overall_only_is_indicative_and_too_few_is_no_value():
    rng = random.Random(7)
    rows = [rating(rng, "A", detail=False) for _ in range(20)] + [rating(rng, "C") for _ in range(3)]
    out = ikm.ikm(frame(rows), "kode_skpd", min_cases=20)
    a = out.filter(pl.col("kode_skpd") == "A").row(0, named=True)
    mean = sum(r["nilai"] for r in rows if r["kode_skpd"] == "A") / 20
    assert a["nilai_ikm"] == pytest.approx(mean * 25) and a["indikatif"] is True
    c = out.filter(pl.col("kode_skpd") == "C").row(0, named=True)
    assert c["nilai_ikm"] is None and c["cukup"] is False and c["mutu"] is None


@pytest.mark.parametrize(("value", "band"), [(100, "A"), (88.31, "A"), (88.305, "A"),
                                             (88.30, "B"), (76.61, "B"), (76.60, "C"),
                                             (65.00, "C"), (64.99, "D"), (25, "D")])
def test_bands_of_the_regulation(value, band):
    assert ikm.mutu(value) == band


def test_not_fixed_reopens_and_the_office_sees_it(store):
    ticket = submissions.create_pengaduan(complaint(), [])
    office = handle_to_done(ticket)
    loop = umpan_balik.loop_of(ticket, "pengaduan")
    assert loop.ask and loop.answer_until is not None and loop.answer_until > dt.date.today()
    error, wait = umpan_balik.answer(ticket, loop.event_id, False, "", None, None)
    assert error == "lacak.err_alasan"  # a reason is required
    error, _ = umpan_balik.answer(ticket, loop.event_id, False, "Lubang masih ada di sisi kiri",
                                  None, None)
    assert error is None
    assert submissions.public_view(ticket)["status"] == "ditindaklanjuti"
    last = submissions.timeline(ticket)[-1]
    assert (last["role"], last["reason_code"], last["public_note"]) == (
        "warga", store_loop.REOPEN_REASON, "Lubang masih ada di sisi kiri")
    opd = session_of("opd2", "opd", office)
    assert ticket in petugas.queue_opd(opd)["nomor_tiket"].to_list()
    # answering the same completion again is refused
    assert umpan_balik.answer(ticket, loop.event_id, True, None, None, None)[0] is not None
    # done again, confirmed, rated once: the rating counts for the office
    petugas.act(opd, ticket, "close", "selesai_diperbaiki", "Sisi kiri ditambal")
    loop = umpan_balik.loop_of(ticket, "pengaduan")
    assert loop.ask
    assert umpan_balik.rate(ticket, 4, {}, None, None, None)[0] == "lacak.err_belum_ditutup"
    assert umpan_balik.answer(ticket, loop.event_id, True, None, None, None) == (None, 0)
    loop = umpan_balik.loop_of(ticket, "pengaduan")
    assert loop.closed and loop.may_rate
    assert umpan_balik.rate(ticket, 3, {"u3": 2}, "Cepat", None, None) == (None, 0)
    assert umpan_balik.rate(ticket, 4, {}, None, None, None)[0] == "lacak.err_sudah_dinilai"
    table = ikm.ikm(ikm.ratings_frame("pengaduan"), "kode_skpd", min_cases=1)
    row = table.filter(pl.col("kode_skpd") == office).row(0, named=True)
    assert row["responden"] == 1 and row["nilai_ikm"] == pytest.approx(3 * 25)
    assert row["indikatif"] is True


def test_no_answer_closes_after_the_working_days(store, monkeypatch):
    monkeypatch.setenv("LENTERA_CLOSE_AFTER_DAYS", "10")
    ticket = submissions.create_pengaduan(complaint(), [])
    handle_to_done(ticket)
    loop = umpan_balik.loop_of(ticket, "pengaduan")
    cal = umpan_balik._calendar()
    done = umpan_balik.local_date(store_loop.completion(ticket).at)
    assert loop.answer_until == cal.add_working_days(done, 10)
    assert umpan_balik.close_overdue(as_of=loop.answer_until) == 0  # the last day still counts
    assert umpan_balik.close_overdue(as_of=loop.answer_until + dt.timedelta(days=1)) == 1
    assert [a["jawaban"] for a in store_loop.answers(ticket)] == ["otomatis"]
    assert umpan_balik.loop_of(ticket, "pengaduan").may_rate
