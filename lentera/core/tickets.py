"""Ticket numbers that cannot be guessed: `LTR-7K3Q-X9PM`, 40 random bits in Crockford base32.

Format: a three-letter prefix (`LTR` complaints, `USL` proposals), then 8 symbols of Crockford's
base32 alphabet in two groups of four. The 8 symbols carry 40 bits from `secrets` (about 1.1
trillion values), so with a few thousand live tickets a guess hits one with odds below 1 in 10^8
and the rate limit stops anyone trying millions. There is deliberately NO check symbol: Crockford's
check alphabet adds `* ~ $ = U`, which break in URLs and SMS, and a mistyped ticket simply isn't
found. Typing slips are forgiven on input: case, `O`→`0`, `I`/`L`→`1`, spaces and missing dashes.
Uniqueness is the store's job (primary key plus retry on collision).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
PREFIX_PENGADUAN = "LTR"
PREFIX_USULAN = "USL"
PREFIXES = (PREFIX_PENGADUAN, PREFIX_USULAN)
SYMBOLS = 8
BITS = SYMBOLS * 5

# Confusable symbols a citizen may type, mapped to what Crockford decodes them as.
_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.–—/]+")
_BODY = re.compile(f"[{ALPHABET}]{{{SYMBOLS}}}")
_CANONICAL = re.compile(f"^({'|'.join(PREFIXES)})-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_ticket(prefix: str = PREFIX_PENGADUAN) -> str:
    """A fresh random ticket number such as `LTR-7K3Q-X9PM`."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown ticket prefix {prefix!r}")
    value = secrets.randbits(BITS)
    body = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(SYMBOLS)))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def normalize_ticket(s: str | None) -> str | None:
    """The canonical form of a typed ticket (`ltr 7k3q x9pm` → `LTR-7K3Q-X9PM`), or None if invalid."""
    if not isinstance(s, str):
        return None
    compact = _SEPARATORS.sub("", s).upper()
    # The prefix is letters and contains L, so it is split off before mapping L→1.
    prefix, body = compact[:3], compact[3:]
    if prefix not in PREFIXES:
        return None
    body = body.translate(_CONFUSIONS)
    if not _BODY.fullmatch(body):
        return None
    return f"{prefix}-{body[:4]}-{body[4:]}"


def is_valid_ticket(s: str | None) -> bool:
    """True when `s` is a ticket in canonical form, or one that `normalize_ticket` can repair."""
    return normalize_ticket(s) is not None


def is_canonical_ticket(s: str | None) -> bool:
    """True only for the exact stored form (`LTR-7K3Q-X9PM`)."""
    return isinstance(s, str) and _CANONICAL.fullmatch(s) is not None
