"""Citizen photos: checked by content, re-encoded without EXIF/GPS, stored under random names.

`process_photo` decodes an upload (JPEG, PNG, WebP or a phone's HEIC/HEIF, by content; up to
`MAX_BYTES`, so a 12 MB phone photo is shrunk, not refused), applies the EXIF orientation,
scales the long side to at most 2048 px and re-encodes it (JPEG q85, or WebP when the picture
has transparency) from the pixels alone, so no metadata survives. A refusal is a `PhotoError`
whose reason the form shows beside the photo field before any ticket exists.

Storage is two-phase so that a photo file and its database row exist together or not at all:
`stage_photo` writes `<name>.part`, the caller commits its transaction, then `commit_staged`
renames the file into place (or `discard_staged` deletes it on failure). A process killed in
between leaves only `.part` files: `sweep_orphans` finishes the rename for rows that did commit
and deletes everything no committed row references. This module knows files, not rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from lentera.core import config, forms

# HEIC/HEIF (iPhones, many Android phones) open like any other format; verified by content.
pillow_heif.register_heif_opener()

MAX_BYTES = forms.PHOTO_MAX_MB * 1024 * 1024
MAX_PIXELS = 60_000_000  # a 50 MP phone photo fits; a decompression bomb does not
MAX_SIDE = 2048
JPEG_QUALITY = 85
WEBP_QUALITY = 85
# MPO is the JPEG many phones write (a main picture plus a preview); its first frame is used.
ALLOWED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "HEIF")
PART_SUFFIX = ".part"
_EXTENSIONS = (".jpg", ".webp")


class PhotoError(ValueError):
    """An upload was refused; `reason` is an i18n key (`forms.photo_*`)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class ProcessedPhoto:
    """A re-encoded photo ready to store: `data` are the new file's bytes."""

    data: bytes
    ext: str
    width: int
    height: int
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class StagedPhoto:
    """A processed photo written under its temporary name, waiting for the row to commit."""

    photo: ProcessedPhoto
    file_name: str
    temp_path: Path
    final_path: Path


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check an upload by content and re-encode it without metadata; raises `PhotoError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PhotoError("forms.photo_not_image")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise PhotoError("forms.photo_too_big", f"{len(data)} bytes")
    if not data:
        raise PhotoError("forms.photo_not_image", "empty")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ALLOWED_FORMATS:
                raise PhotoError("forms.photo_unsupported", str(fmt))
            # Header-only check, before any pixel is decoded.
            if width * height > MAX_PIXELS:
                raise PhotoError("forms.photo_too_many_pixels", f"{width}x{height}")
            probe.verify()
    except PhotoError:
        raise
    except Image.DecompressionBombError as e:
        raise PhotoError("forms.photo_too_many_pixels", str(e)) from e
    except UnidentifiedImageError as e:
        raise PhotoError("forms.photo_not_image") from e
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise PhotoError("forms.photo_broken", str(e)) from e

    try:
        # verify() leaves the image unusable; decode afresh. Truncated data raises here.
        with Image.open(io.BytesIO(data)) as img:
            # A big JPEG decodes at 1/2, 1/4 or 1/8 scale when only MAX_SIDE px are kept anyway.
            scale = min(1.0, MAX_SIDE / max(width, height, 1))
            img.draft(None, (max(1, round(width * scale)), max(1, round(height * scale))))
            img.load()
            img = ImageOps.exif_transpose(img)
            alpha = _has_alpha(img)
            img = img.convert("RGBA" if alpha else "RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            # A new image from the pixels alone: no EXIF, GPS, XMP, ICC or comments carried over.
            clean = Image.new(img.mode, img.size)
            clean.paste(img)
    except Image.DecompressionBombError as e:
        raise PhotoError("forms.photo_too_many_pixels", str(e)) from e
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise PhotoError("forms.photo_broken", str(e)) from e

    out = io.BytesIO()
    if alpha:
        clean.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
        ext = ".webp"
    else:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        ext = ".jpg"
    encoded = out.getvalue()
    return ProcessedPhoto(encoded, ext, clean.width, clean.height,
                          hashlib.sha256(encoded).hexdigest())


def _degrees(value, ref) -> float | None:
    """EXIF degrees/minutes/seconds (rationals) and a hemisphere letter as signed degrees."""
    try:
        d, m, s = (float(x) for x in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    ref = ref.decode("ascii", "ignore") if isinstance(ref, bytes) else str(ref or "")
    return -deg if ref.strip().upper() in ("S", "W") else deg


def gps_of(data: bytes) -> tuple[float, float] | None:
    """The (lat, lng) a photo's EXIF records, read before re-encoding drops it; None if none.

    Only offered to the citizen as the report's location: never stored unless they accept it,
    and then as the report's point, not as the photo's metadata.
    """
    try:
        with Image.open(io.BytesIO(bytes(data))) as img:
            if img.format not in ALLOWED_FORMATS:
                return None
            gps = img.getexif().get_ifd(0x8825)  # the GPS IFD
    except Exception:  # any unreadable file simply has no location to offer
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None
    lat, lng = _degrees(gps[2], gps.get(1)), _degrees(gps[4], gps.get(3))
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    if lat == 0 and lng == 0:  # a phone without a fix writes zeros
        return None
    return round(lat, 6), round(lng, 6)


def uploads_root() -> Path:
    """The uploads folder (`LENTERA_UPLOADS`), created on first use."""
    root = config.uploads_dir()
    root.mkdir(parents=True, exist_ok=True)
    return root


def new_file_name(ext: str) -> str:
    """A random file name (never the user's): 32 hex characters plus the extension."""
    if ext not in _EXTENSIONS:
        raise ValueError(f"unexpected extension {ext!r}")
    return secrets.token_hex(16) + ext


def is_safe_file_name(name: str) -> bool:
    """True for names this module generates (so a name can never walk out of the folder)."""
    stem, dot, ext = name.rpartition(".")
    return (len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)
            and dot == "." and f".{ext}" in _EXTENSIONS)


def stage_photo(photo: ProcessedPhoto) -> StagedPhoto:
    """Write the photo under a temporary `.part` name (flushed to disk) and return its handle."""
    root = uploads_root()
    name = new_file_name(photo.ext)
    final = root / name
    temp = root / (name + PART_SUFFIX)
    # O_EXCL: never overwrite, even in the astronomically unlikely case of a name collision.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(photo.data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StagedPhoto(photo, name, temp, final)


def commit_staged(staged: StagedPhoto) -> None:
    """Move a staged file to its final name; call only after its row has committed."""
    os.replace(staged.temp_path, staged.final_path)


def discard_staged(staged: StagedPhoto) -> None:
    """Delete a staged (or already renamed) file whose row did not commit."""
    staged.temp_path.unlink(missing_ok=True)
    staged.final_path.unlink(missing_ok=True)


def sweep_orphans(referenced: Collection[str],
                  older_than: dt.timedelta = dt.timedelta(hours=1)) -> dict[str, int]:
    """Finish interrupted renames and delete files `referenced` does not name; returns counts.

    `referenced` are the file names of committed rows (`lentera.store.engine.sweep_orphan_photos`
    reads them). Only files older than `older_than` are deleted, so a submission in flight is
    never touched.
    """
    root = uploads_root()
    cutoff = time.time() - older_than.total_seconds()
    completed = deleted = 0
    for path in root.iterdir():
        if not path.is_file():
            continue
        name = path.name
        final_name = name.removesuffix(PART_SUFFIX)
        if not is_safe_file_name(final_name):
            continue  # not ours: leave it alone
        if name != final_name:
            final = root / final_name
            if final_name in referenced and not final.exists():
                # The row committed but the process died before the rename: roll forward.
                os.replace(path, final)
                completed += 1
                continue
        elif name in referenced:
            continue
        try:
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
    return {"completed": completed, "deleted": deleted}
