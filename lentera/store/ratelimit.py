"""Rate limit for citizen submissions, per session AND per address, shared by every process.

Attempts are rows in the submissions store (`rate_event`), so the limit holds across Streamlit
processes and replicas. Neither the session id nor the address is stored: only an HMAC-SHA256
under a secret salt (`LENTERA_RATELIMIT_SALT`, else a random one kept in the store), and rows
older than the window are deleted on every check, so nothing lingers beyond minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from lentera.core import config
from lentera.store import engine
from lentera.store.tables import app_secret, rate_event

_SALT_NAME = "ratelimit_salt"

# Read once, from the settings table (LENTERA_RATE_LIMIT, LENTERA_RATE_WINDOW).
LIMIT, WINDOW_SECONDS = config.rate_limit()


@dataclass(frozen=True)
class RateDecision:
    """Whether a submission may go ahead, and if not, how many seconds until it may."""

    allowed: bool
    retry_after_seconds: int

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60)) if not self.allowed else 0


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


def _address_key(address: str) -> str:
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


def key_hash(kind: str, value: str, salt: bytes | None = None) -> str:
    """The stored form of a session id or address: HMAC-SHA256 under the salt, hex."""
    return hmac.new(salt or _salt(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def check_and_record(session_id: str | None, address: str | None, *, limit: int | None = None,
                     window_seconds: int | None = None,
                     now: dt.datetime | None = None) -> RateDecision:
    """Allow and record one submission unless the session or the address used up its limit."""
    limit = LIMIT if limit is None else limit
    window = dt.timedelta(seconds=WINDOW_SECONDS if window_seconds is None else window_seconds)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    salt = _salt()
    keys = []
    if session_id:
        keys.append(key_hash("session", str(session_id), salt))
    if address:
        keys.append(key_hash("address", _address_key(str(address)), salt))
    if not keys:
        return RateDecision(True, 0)
    t = rate_event
    cutoff = now - window
    with engine.write_transaction() as conn:
        conn.execute(delete(t).where(t.c.at <= cutoff))
        rows = conn.execute(select(t.c.key_hash, t.c.at)
                            .where(t.c.key_hash.in_(keys), t.c.at > cutoff)
                            .order_by(t.c.at)).all()
        retry = 0.0
        for key in keys:
            times = [r.at for r in rows if r.key_hash == key]
            if len(times) >= limit:
                # Allowed again once enough of the oldest attempts have left the window.
                free_at = times[len(times) - limit] + window
                retry = max(retry, (free_at - now).total_seconds())
        if retry > 0:
            return RateDecision(False, max(1, math.ceil(retry)))
        conn.execute(insert(t), [{"key_hash": k, "at": now} for k in keys])
    return RateDecision(True, 0)
