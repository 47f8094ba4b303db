"""Similarity of everyday Indonesian: abbreviations written out, Sastrawi stems, Jaccard."""

from __future__ import annotations

import polars as pl
import pytest

from lentera.core import serupa

THRESHOLD = serupa.DEFAULT_MIN_SIMILARITY

SIMILAR = [
    ("Perbaikan jalan desa yang rusak", "Rehab jln desa yg rusak"),
    ("Pembangunan jembatan", "Bangun jembatan"),
    ("Jalan berlubang di depan SDN 3", "jln berlubang depan sdn 3"),
    ("Lampu penerangan jalan mati", "lampu jalan mati total"),
    ("Pengaspalan jalan Dusun Melati", "Aspal jalan dusun melati"),
    ("Sampah menumpuk di pasar", "sampah numpuk di pasar desa"),
]
UNRELATED = [
    ("Perbaikan jalan desa yang rusak", "Pengadaan bibit karet untuk kelompok tani"),
    ("Pembangunan jembatan", "Posyandu kekurangan obat"),
    ("Lampu jalan mati", "Sampah menumpuk di pasar"),
    ("Air PDAM tidak mengalir", "Pembangunan gedung serbaguna"),
]


@pytest.mark.parametrize(("a", "b"), SIMILAR)
def test_everyday_pairs_are_similar(a, b):
    assert serupa.similarity(a, b) >= THRESHOLD, (serupa.tokens(a), serupa.tokens(b))


@pytest.mark.parametrize(("a", "b"), UNRELATED)
def test_unrelated_pairs_are_not(a, b):
    assert serupa.similarity(a, b) < THRESHOLD, (serupa.tokens(a), serupa.tokens(b))


def test_the_issue_pair_used_to_fail_without_stems_and_abbreviations():
    # the rule before: jln was a stop-word and jalan was not, and nothing was stemmed
    old = {"perbaikan", "jalan", "rusak"}, {"rehab", "rusak"}
    assert len(old[0] & old[1]) / len(old[0] | old[1]) < THRESHOLD
    assert "jalan" in serupa.tokens("Rehab jln desa yg rusak")
    assert serupa.tokens("Pembangunan jembatan") == serupa.tokens("Bangun jembatan")


def test_abbreviations_are_written_out():
    for short, full in (("jl", "jalan"), ("jln", "jalan"), ("yg", "yang"), ("dgn", "dengan"),
                        ("tdk", "tidak")):
        assert serupa.ABBREVIATIONS[short] == full
    assert serupa.tokens("jl rusak") == serupa.tokens("jalan rusak")
    assert serupa.tokens("tdk ada lampu yg menyala dgn baik") == serupa.tokens(
        "tidak ada lampu yang menyala dengan baik")


def test_symmetric_and_bounded():
    for a, b in SIMILAR + UNRELATED:
        s = serupa.similarity(a, b)
        assert s == serupa.similarity(b, a)
        assert 0.0 <= s <= 1.0
        assert serupa.similarity(a, a) == 1.0
    assert serupa.similarity("", "jalan") == 0.0
    assert serupa.similarity(None, None) == 0.0


def test_column_rule_equals_text_rule():
    texts = [a for a, _ in SIMILAR + UNRELATED] + [b for _, b in SIMILAR + UNRELATED] + ["", None]
    lists = serupa.token_lists(pl.Series("t", texts, dtype=pl.String)).to_list()
    assert lists == [serupa.tokens(x) for x in texts]
    probe = "Rehab jln desa yg rusak"
    sims = serupa.similarities(pl.Series("t", texts, dtype=pl.String), probe).to_list()
    assert sims == pytest.approx([serupa.similarity(x, probe) for x in texts])
    assert serupa.token_lists(pl.Series("t", [], dtype=pl.String)).to_list() == []
