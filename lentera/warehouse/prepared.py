"""The prepared downloads' state: the export step's status file, the previous files, leftovers.

`etl.export.write_exports` writes `exports/status.json` when it starts (`preparing`) and when it
ends (`ready` or `failed`), with the time and its process; a writer killed mid-way leaves
`preparing` behind a dead process, which `export_status` reads as `failed`. While a version's
files are missing the Data page offers the newest earlier version that has them
(`previous_exports`). `sweep` removes what a killed writer leaves: `*.part-<pid>` folders and
`.part` files under `exports/` and `versions/`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import time
from pathlib import Path

from lentera.warehouse import catalog, db

STATUS_FILE = "status.json"
STATES = ("preparing", "ready", "failed")
# A leftover whose writer's process id may have been reused is swept once it is this old.
STALE_SECONDS = 6 * 3600
_PART = re.compile(r".*\.part(?:-(\d+))?$")


def write_status(root: Path, state: str, version: str) -> dict:
    """Write `<root>/status.json` atomically: state, data version, time, writer's process."""
    if state not in STATES:
        raise ValueError(state)
    doc = {"state": state, "data_version": version,
           "at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z",
           "pid": os.getpid(), "host": socket.gethostname()}
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{STATUS_FILE}.part-{os.getpid()}"
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, root / STATUS_FILE)
    return doc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _writer_gone(doc: dict) -> bool:
    # only a writer on this machine can be checked; elsewhere trust the file
    return doc.get("host") == socket.gethostname() and not _alive(int(doc.get("pid") or 0))


def export_status(root: Path | None = None) -> dict:
    """The last export's `{state, data_version, at}` (`{}` if none); a dead writer is `failed`."""
    root = root or catalog.exports_root()
    try:
        doc = json.loads((root / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("state") not in STATES:
        return {}
    if doc["state"] == "preparing" and _writer_gone(doc):
        doc = {**doc, "state": "failed", "interrupted": True}
    return doc


def previous_exports(version: str, root: Path | None = None) -> str | None:
    """The newest other version with complete prepared files (versions sort by load time)."""
    root = root or catalog.exports_root()
    if not root.is_dir():
        return None
    found = sorted((p.name for p in root.iterdir()
                    if p.is_dir() and p.name != version and (p / catalog.MANIFEST).is_file()),
                   reverse=True)
    return found[0] if found else None


def latest_version(root: Path | None = None) -> str | None:
    """The version `/unduh/latest/` serves: the current one once its files are complete, else
    the newest earlier version with complete files (what the Data page offers meanwhile)."""
    try:
        version = db.data_version()
    except Exception:  # no warehouse: the newest files kept are still the latest there are
        version = ""
    if version and catalog.prepared_folder(version):
        return version
    return previous_exports(version, root)


def _leftover(path: Path, now: float) -> bool:
    match = _PART.fullmatch(path.name)
    if match is None:
        return False
    try:
        age = now - path.stat().st_mtime
    except FileNotFoundError:
        return False
    pid = match.group(1)
    # a writer still running on this machine keeps its folder, unless the pid was reused long ago
    if pid is not None and int(pid) != os.getpid() and _alive(int(pid)):
        return age > STALE_SECONDS
    if pid is not None and int(pid) == os.getpid():
        return False
    return pid is not None or age > 3600  # a bare `.part` file: an hour, like the photos


def sweep(roots: list[Path] | None = None) -> list[str]:
    """Delete leftovers of killed export/retention writers; returns the names removed."""
    if roots is None:
        roots = [catalog.exports_root(), catalog.versions_root()]
    now, removed = time.time(), []
    for root in roots:
        if not root.is_dir():
            continue
        for path in root.iterdir():
            if not _leftover(path, now):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
