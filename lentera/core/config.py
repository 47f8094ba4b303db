"""Configuration from the environment, with the defaults of DESIGN.md, and the region file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from lentera.core import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """`LENTERA_DATA_DIR`, default `./data` (relative to the working directory)."""
    return Path(settings.value("LENTERA_DATA_DIR", "data"))


def warehouse_path() -> Path:
    return Path(settings.value("LENTERA_WAREHOUSE", str(data_dir() / "warehouse.duckdb")))


def submissions_url() -> str:
    default = f"sqlite:///{data_dir() / 'submissions.sqlite'}"
    return settings.value("LENTERA_SUBMISSIONS_URL", default)


def uploads_dir() -> Path:
    return Path(settings.value("LENTERA_UPLOADS", str(data_dir() / "uploads")))


def reference_dir() -> Path:
    """Reference data: `LENTERA_REFERENCE` or `<data dir>/reference`, falling back to the repo's."""
    explicit = settings.value("LENTERA_REFERENCE")
    if explicit:
        return Path(explicit)
    local = data_dir() / "reference"
    if (local / "region.toml").exists():
        return local
    return PROJECT_ROOT / "data" / "reference"


def raw_dir() -> Path:
    return data_dir() / "raw"


@dataclass(frozen=True)
class Region:
    """The region file: name, code, map view, bounding box, files, publisher."""

    nama: str
    kode: str
    provinsi: str
    map_lat: float
    map_lng: float
    map_zoom: float
    bbox: tuple[float, float, float, float]
    population_total: int
    population_source: str
    files: dict[str, str]
    publisher: dict[str, str]
    root: Path

    def path(self, key: str) -> Path:
        return self.root / self.files[key]


@lru_cache(maxsize=4)
def _load_region(root: str) -> Region:
    path = Path(root) / "region.toml"
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    r = doc["region"]
    return Region(
        nama=r["nama"],
        kode=r["kode"],
        provinsi=r.get("provinsi", ""),
        map_lat=float(r["map_lat"]),
        map_lng=float(r["map_lng"]),
        map_zoom=float(r.get("map_zoom", 8)),
        bbox=tuple(float(x) for x in r["bbox"]),  # type: ignore[arg-type]
        population_total=int(doc.get("population", {}).get("total", 0)),
        population_source=doc.get("population", {}).get("source", ""),
        files=dict(doc["files"]),
        publisher=dict(doc.get("publisher", {})),
        root=Path(root),
    )


def region() -> Region:
    return _load_region(str(reference_dir().resolve()))


# Rankings need this many cases per group (DESIGN.md: default 20).
MIN_CASES_FOR_RANKING = int(settings.value("LENTERA_MIN_CASES", "20"))
# A pause longer than this many working days is flagged on the pages and in the queue.
PAUSE_FLAG_DAYS = int(settings.value("LENTERA_PAUSE_FLAG_DAYS", "20"))


LOCAL_TZ = "Asia/Pontianak"  # WIB: Kalimantan Barat; dates users read are local dates


def local_zone() -> ZoneInfo:
    """The region's time zone (every date a visitor reads is a date in this zone)."""
    return ZoneInfo(LOCAL_TZ)


def serve_processes() -> int:
    """`LENTERA_PROCESSES`: app processes `make serve` starts (default: one per core)."""
    return max(1, int(settings.value("LENTERA_PROCESSES") or os.cpu_count() or 1))


def serve_port() -> int:
    """`LENTERA_PORT`: the port nginx listens on under `make serve`."""
    return int(settings.value("LENTERA_PORT") or 8080)


def public_url() -> str:
    """`LENTERA_PUBLIC_URL` without its trailing slash, or "" (then the browser's address)."""
    return (settings.value("LENTERA_PUBLIC_URL") or "").rstrip("/")


def trust_proxy() -> bool:
    """`LENTERA_TRUST_PROXY`: behind a reverse proxy, trust its client-address header."""
    return settings.flag("LENTERA_TRUST_PROXY")


def rate_limit() -> tuple[int, int]:
    """Citizen submissions allowed per window, and the window in seconds."""
    return (int(settings.value("LENTERA_RATE_LIMIT", "5")),
            int(settings.value("LENTERA_RATE_WINDOW", "600")))


def lacak_limit() -> int:
    """`LENTERA_LACAK_LIMIT`: Lacak lookups finding no ticket allowed per window."""
    return int(settings.value("LENTERA_LACAK_LIMIT", "30"))


def ratelimit_salt() -> str | None:
    """`LENTERA_RATELIMIT_SALT`, or None (a random salt kept in the store)."""
    return settings.value("LENTERA_RATELIMIT_SALT")


@dataclass(frozen=True)
class Smtp:
    """The mail server for citizens' e-mails (`LENTERA_SMTP_*`); no host: mails wait queued."""

    host: str | None
    port: int
    user: str | None
    password: str | None
    sender: str
    starttls: bool


def smtp() -> Smtp:
    """The `LENTERA_SMTP_*` settings."""
    return Smtp(host=settings.value("LENTERA_SMTP_HOST"),
                port=int(settings.value("LENTERA_SMTP_PORT", "587")),
                user=settings.value("LENTERA_SMTP_USER"),
                password=settings.value("LENTERA_SMTP_PASSWORD"),
                sender=settings.value("LENTERA_SMTP_FROM", "lentera@localhost"),
                starttls=(settings.value("LENTERA_SMTP_STARTTLS", "1") or "1").lower()
                in ("1", "true", "yes", "ya"))


def close_after_days() -> int:
    """`LENTERA_CLOSE_AFTER_DAYS`: working days a done complaint waits for "Sudah selesai?"."""
    return int(settings.value("LENTERA_CLOSE_AFTER_DAYS", "10"))


def kiosk() -> bool:
    """Kiosk mode for every visitor (an information point's own server)."""
    return settings.flag("LENTERA_KIOSK")


def kiosk_idle_seconds() -> int:
    """Seconds without a touch before a kiosk returns to its start page (at least 3)."""
    return max(3, int(settings.value("LENTERA_KIOSK_IDLE") or 90))


def kiosk_desa() -> str | None:
    """The kiosk's desa code, recorded on complaints filed at it."""
    return settings.value("LENTERA_KIOSK_DESA") or None
