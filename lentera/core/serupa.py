"""Similarity of short Indonesian texts (proposals, complaints): content words, stemmed, Jaccard.

A text becomes its set of content words: lower case, accents and punctuation dropped, everyday
abbreviations written out (`jln` → `jalan`, `yg` → `yang`), stemmed with Sastrawi
(`pembangunan` → `bangun`), then place words, fillers, units and numbers dropped. Two texts are
as similar as the share of their words they have in common (Jaccard: shared ÷ all). The same rule
runs per text (`tokens`) and over a whole column (`token_lists`, vectorised in Polars).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import polars as pl

DEFAULT_MIN_SIMILARITY = 0.5

# Abbreviations as people type them in reports and proposals, written out before stemming.
ABBREVIATIONS = {
    "jl": "jalan", "jln": "jalan", "jaln": "jalan", "yg": "yang", "dgn": "dengan", "dg": "dengan",
    "tdk": "tidak", "tak": "tidak", "gk": "tidak", "ga": "tidak", "gak": "tidak", "sdh": "sudah",
    "udh": "sudah", "blm": "belum", "krn": "karena", "utk": "untuk", "tsb": "tersebut",
    "dlm": "dalam", "pd": "pada", "sbg": "sebagai", "bbrp": "beberapa", "sy": "saya",
    "kmi": "kami", "tp": "tapi", "jg": "juga", "sgt": "sangat", "bgt": "banget", "rehab":
    "rehabilitasi", "renov": "renovasi", "pemb": "pembangunan", "pembang": "pembangunan",
    "pju": "penerangan", "puskes": "puskesmas", "kntr": "kantor", "kec": "kecamatan", "kab": "kabupaten",
    "ds": "desa", "dsn": "dusun", "gg": "gang", "jemb": "jembatan", "sal": "saluran",
}

# Words that say nothing about what is proposed or reported (place words, fillers, units),
# compared after abbreviations are written out and words are stemmed.
STOPWORDS = frozenset("""
    dan di ke dari yang untuk pada dengan atau serta oleh dalam sebanyak bagi para
    desa dusun rt rw jl jln gg gang kec kecamatan kab kabupaten kampung lokasi
    unit buah paket titik meter m km ha the of and in at for to
    tidak sudah belum karena tersebut sebagai beberapa saya kami tapi juga sangat banget ini itu
    mohon tolong segera
""".split())

_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer():
    # Built once per process (about 40 ms): its dictionary is loaded on creation.
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=65_536)
def word_root(word: str) -> str | None:
    """The comparable form of one lower-case word: written out, stemmed; None for a non-word."""
    word = ABBREVIATIONS.get(word, word)
    if len(word) <= 1 or word.isdigit() or word in STOPWORDS:
        return None
    # a word with digits (e.g. "rt05", "sdn3") is a code, not something Sastrawi can stem
    root = word if any(c.isdigit() for c in word) else (_stemmer().stem(word) or word)
    if len(root) <= 1 or root in STOPWORDS:
        return None
    return root


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def tokens(text: str | None) -> list[str]:
    """Sorted content-word roots of `text` (see the module's rule); empty for empty text."""
    if not text:
        return []
    roots = {word_root(w) for w in _WORD.split(_plain(text)) if w}
    return sorted(r for r in roots if r)


def similarity(a: str | None, b: str | None) -> float:
    """Jaccard similarity of the two texts' content words (0 = nothing shared, 1 = same words)."""
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def token_lists(texts: pl.Series) -> pl.Series:
    """`tokens` of every text of a column, as a List(String) series (each distinct word once)."""
    words = (pl.DataFrame({"t": texts.cast(pl.String).fill_null("")})
             .select(pl.col("t").str.normalize("NFKD").str.replace_all(r"[^\x00-\x7F]", "")
                     .str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()
                     .str.split(" "))
             .to_series())
    # Stem each distinct word once (the vocabulary is small), then map every text through it.
    vocab = words.explode().drop_nulls().unique().to_list()
    roots = {w: word_root(w) for w in vocab if w}
    mapping = pl.DataFrame({"w": list(roots), "r": list(roots.values())},
                           schema={"w": pl.String, "r": pl.String})
    return (pl.DataFrame({"words": words})
            .with_row_index("i")
            .explode("words")
            .join(mapping, left_on="words", right_on="w", how="left")
            .group_by("i", maintain_order=True)
            .agg(pl.col("r").drop_nulls().unique().sort())
            .sort("i")["r"].rename(texts.name or "tokens"))


def similarities(texts: pl.Series, text: str | None) -> pl.Series:
    """Jaccard similarity of every text of a column to one text (vectorised)."""
    mine = tokens(text)
    if not mine or texts.is_empty():
        return pl.Series("kemiripan", [0.0] * texts.len(), dtype=pl.Float64)
    return (pl.DataFrame({"t": token_lists(texts)})
            .select((pl.col("t").list.set_intersection(mine).list.len()
                     / pl.col("t").list.set_union(mine).list.len()).fill_nan(0.0)
                    .cast(pl.Float64).alias("kemiripan"))
            .to_series())
