"""Limits that hold across reloads, processes and replicas: citizen submissions, supports, Lacak
lookups and officials' sign-in attempts, counted per device AND per client address in the store.

Attempts are rows in the submissions store (`rate_event`), so a limit holds across a page reload
(a new Streamlit session), across Streamlit processes and across replicas. Neither a device id nor
an address is stored: only an HMAC-SHA256 under a secret salt (`LENTERA_RATELIMIT_SALT`, else a
random one kept in the store); each row carries its expiry and is deleted once expired, so nothing
lingers beyond its window. One support per proposal per device and per address is kept for good
(`dukungan`, hashes only).

Who a visitor is (decided in issue 13, item 5):
- the address is the socket's peer, loopback included; behind a reverse proxy that the operator
  trusts (`LENTERA_TRUST_PROXY=1`) the LAST hop of `X-Forwarded-For` (the one the proxy appended;
  earlier hops are whatever the client sent), else `X-Real-IP`. IPv6 counts by its /64.
- the device is the token inside Streamlit's `_streamlit_xsrf` cookie: Streamlit sets it on the
  browser's first request and keeps its token (re-masked) for as long as the browser keeps the
  cookie, so a reload or a second tab is the same device. A script that drops cookies is a new
  device each time: the per-address limit is what holds against it.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.exc import IntegrityError

from lentera.core import config
from lentera.store import engine
from lentera.store.tables import app_secret, dukungan, rate_event

_SALT_NAME = "ratelimit_salt"

# Read once, from the settings table (LENTERA_RATE_LIMIT, LENTERA_RATE_WINDOW, LENTERA_LACAK_LIMIT).
LIMIT, WINDOW_SECONDS = config.rate_limit()
LACAK_LIMIT = config.lacak_limit()  # unknown or malformed tickets per window, per address/device


@dataclass(frozen=True)
class RateDecision:
    """Whether an attempt may go ahead, and if not, how many seconds until it may."""

    allowed: bool
    retry_after_seconds: int

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60)) if not self.allowed else 0


# ---------------------------------------------------------------- who is asking

def client_address(socket_ip: str | None, headers: Mapping[str, str] | None,
                   trust_proxy: bool) -> str | None:
    """The client address: the socket's, or behind a trusted proxy the last X-Forwarded-For hop."""
    if trust_proxy and headers:
        forwarded = headers.get("X-Forwarded-For") or headers.get("x-forwarded-for") or ""
        # The proxy appends the address it saw; earlier entries are whatever the client sent.
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
        real = headers.get("X-Real-Ip") or headers.get("X-Real-IP") or headers.get("x-real-ip")
        if real:
            return real.strip()
    return socket_ip or None


def device_from_xsrf(cookie: str | None) -> str | None:
    """The stable token inside a `_streamlit_xsrf` cookie value (hex), or None if it has none.

    Version 2 values are `2|mask|masked_token|time`; the mask changes on every response, the
    token (mask XOR masked) does not, so the same browser gives the same device.
    """
    value = (cookie or "").strip("\"' ")
    if not value:
        return None
    if value.startswith("2|"):
        parts = value.split("|")
        if len(parts) != 4:
            return None
        try:
            mask, masked = binascii.unhexlify(parts[1]), binascii.unhexlify(parts[2])
        except (binascii.Error, ValueError):
            return None
        if not mask or not masked:
            return None
        token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
        return token.hex()
    return value[:128] if len(value) >= 16 else None  # version 1: the token itself


def address_key(address: str) -> str:
    """IPv4 as is; IPv6 by its /64 (one subscriber's prefix), so rotating suffixes doesn't help."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip().lower()
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# ---------------------------------------------------------------- hashing

def _salt() -> bytes:
    configured = config.ratelimit_salt()
    if configured:
        return configured.encode()
    t = app_secret
    with engine.write_transaction() as conn:
        value = conn.execute(select(t.c.value).where(t.c.name == _SALT_NAME)).scalar()
        if value is None:
            value = secrets.token_hex(32)
            conn.execute(insert(t).values(name=_SALT_NAME, value=value))
    return value.encode()


def key_hash(kind: str, value: str, salt: bytes | None = None) -> str:
    """The stored form of a device id or address: HMAC-SHA256 under the salt, hex."""
    return hmac.new(salt or _salt(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _identity_keys(kind: str, device: str | None, address: str | None, salt: bytes) -> list[str]:
    """One key for the device and one for the address (either may be missing)."""
    prefix = f"{kind}." if kind else ""
    keys = []
    if device:
        keys.append(key_hash(f"{prefix}session", str(device), salt))
    if address:
        keys.append(key_hash(f"{prefix}address", address_key(str(address)), salt))
    return keys


def _naive_utc(now: dt.datetime | None) -> dt.datetime:
    """`now` as the store keeps times (naive UTC); a naive `now` is already UTC."""
    if now is None:
        now = dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now


# ---------------------------------------------------------------- the one counting rule

def _retry_seconds(conn, limits: list[tuple[str, int]], window: dt.timedelta,
                   now: dt.datetime) -> float:
    """Seconds until every key is under its limit again (0 when all are under it now)."""
    t = rate_event
    # Expired rows of every kind go first; rows from before expiries were stored use the window.
    conn.execute(delete(t).where(or_(t.c.expires_at <= now,
                                     t.c.expires_at.is_(None) & (t.c.at <= now - window))))
    keys = [k for k, _ in limits]
    rows = conn.execute(select(t.c.key_hash, t.c.at)
                        .where(t.c.key_hash.in_(keys), t.c.at > now - window)
                        .order_by(t.c.at)).all()
    retry = 0.0
    for key, limit in limits:
        times = [r.at for r in rows if r.key_hash == key]
        if len(times) >= limit:
            # Allowed again once enough of the oldest attempts have left the window.
            free_at = times[len(times) - limit] + window
            retry = max(retry, (free_at - now).total_seconds())
    return retry


def _insert(conn, keys: list[str], now: dt.datetime, window: dt.timedelta,
            subject: str | None = None) -> None:
    conn.execute(insert(rate_event), [{"key_hash": k, "at": now, "expires_at": now + window,
                                       "subject_hash": subject} for k in keys])


def attempt(limits: list[tuple[str, int]], window_seconds: int, *, record: bool = True,
            subject: str | None = None, now: dt.datetime | None = None) -> RateDecision:
    """Allow (and by default record) one attempt unless a key of `limits` used up its limit."""
    if not limits:
        return RateDecision(True, 0)
    window = dt.timedelta(seconds=window_seconds)
    now = _naive_utc(now)
    with engine.write_transaction() as conn:
        retry = _retry_seconds(conn, limits, window, now)
        if retry > 0:
            return RateDecision(False, max(1, math.ceil(retry)))
        if record:
            _insert(conn, [k for k, _ in limits], now, window, subject)
    return RateDecision(True, 0)


def note(keys: list[str], window_seconds: int, *, subject: str | None = None,
         now: dt.datetime | None = None) -> None:
    """Record one attempt (a failure counted after the fact) for each key."""
    if keys:
        with engine.write_transaction() as conn:
            _insert(conn, keys, _naive_utc(now), dt.timedelta(seconds=window_seconds), subject)


def forget(*, keys: list[str] | None = None, subject: str | None = None) -> None:
    """Drop the recorded attempts of these keys, or of everything naming `subject`."""
    t = rate_event
    with engine.write_transaction() as conn:
        if keys:
            conn.execute(delete(t).where(t.c.key_hash.in_(keys)))
        if subject:
            conn.execute(delete(t).where(t.c.subject_hash == subject))


# ---------------------------------------------------------------- citizen submissions

def check_and_record(session_id: str | None, address: str | None, *, limit: int | None = None,
                     window_seconds: int | None = None,
                     now: dt.datetime | None = None) -> RateDecision:
    """Allow and record one submission unless the device (or session) or the address used up its
    limit; `session_id` is the device id when the browser has one (lentera.web.session)."""
    limit = LIMIT if limit is None else limit
    keys = _identity_keys("", session_id, address, _salt())
    return attempt([(k, limit) for k in keys],
                   WINDOW_SECONDS if window_seconds is None else window_seconds, now=now)


# ---------------------------------------------------------------- Lacak lookups

def lacak_keys(device: str | None, address: str | None) -> list[str]:
    """The keys a Lacak lookup from this device and address counts under."""
    return _identity_keys("lacak", device, address, _salt())


def lacak_allowed(device: str | None, address: str | None, *,
                  now: dt.datetime | None = None) -> RateDecision:
    """Whether this device and address may look up a ticket now (not recorded)."""
    return attempt([(k, LACAK_LIMIT) for k in lacak_keys(device, address)], WINDOW_SECONDS,
                   record=False, now=now)


def lacak_missed(device: str | None, address: str | None, *,
                 now: dt.datetime | None = None) -> None:
    """Count one lookup that found no ticket (what guessing produces)."""
    note(lacak_keys(device, address), WINDOW_SECONDS, now=now)


# ---------------------------------------------------------------- one support per proposal

def claim_support(ticket: str, device: str | None, address: str | None,
                  *, now: dt.datetime | None = None) -> bool:
    """Record that this device and address support `ticket`; False if either already did."""
    keys = _identity_keys("dukungan", device, address, _salt())
    if not keys:
        return True
    t = dukungan
    at = _naive_utc(now)
    try:
        with engine.write_transaction() as conn:
            if conn.execute(select(t.c.key_hash).where(t.c.ticket == ticket,
                                                       t.c.key_hash.in_(keys))).first():
                return False
            conn.execute(insert(t), [{"ticket": ticket, "key_hash": k, "at": at} for k in keys])
    except IntegrityError:  # a second click racing the first: the first one counts
        return False
    return True


def release_support(ticket: str, device: str | None, address: str | None) -> None:
    """Undo `claim_support` (the support itself could not be stored)."""
    keys = _identity_keys("dukungan", device, address, _salt())
    if keys:
        with engine.write_transaction() as conn:
            conn.execute(delete(dukungan).where(dukungan.c.ticket == ticket,
                                                dukungan.c.key_hash.in_(keys)))
