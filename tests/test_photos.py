"""Photos: checked by content, re-encoded without EXIF/GPS, staged and swept atomically."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import struct
import zlib

import pytest
from PIL import ExifTags, Image

from lentera.store import engine, photos, submissions
from lentera.store.photos import PhotoError, process_photo

GPS = ExifTags.IFD.GPSInfo


@pytest.fixture
def store(store):
    """conftest's fresh store (SQLite, then PostgreSQL), created; its uploads folder."""
    submissions.init()
    return store / "uploads"


def noisy(size=(640, 480), mode="RGB", seed=42) -> Image.Image:
    """A picture with real detail (noise), so its JPEG has a long scan to truncate."""
    rnd = random.Random(seed)
    bands = len(mode)
    return Image.frombytes(mode, size, bytes(rnd.getrandbits(8) for _ in range(size[0] * size[1] * bands)))


def jpeg_with_gps(size=(640, 480), orientation: int | None = None) -> bytes:
    img = noisy(size)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PonselMurah"
    exif[ExifTags.Base.DateTimeOriginal] = "2025:08:17 10:00:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "S", ExifTags.GPS.GPSLatitude: (0.0, 21.0, 3.5),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (109.0, 30.0, 12.25),
    }
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=90)
    return buf.getvalue()


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def test_gps_exif_goes_in_and_none_comes_out():
    data = jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as src:  # the input really carries GPS
        assert src.getexif().get_ifd(GPS)[ExifTags.GPS.GPSLatitudeRef] == "S"
    out = process_photo(data)
    assert out.ext == ".jpg"
    with Image.open(io.BytesIO(out.data)) as img:
        assert img.format == "JPEG"
        assert len(img.getexif()) == 0
        assert img.getexif().get_ifd(GPS) == {}
        assert "exif" not in img.info and "icc_profile" not in img.info
    assert b"Exif" not in out.data and b"PonselMurah" not in out.data


def test_exif_orientation_is_applied_before_the_exif_is_dropped():
    out = process_photo(jpeg_with_gps((200, 100), orientation=6))  # 6 = rotate 90° to show
    assert (out.width, out.height) == (100, 200)
    with Image.open(io.BytesIO(out.data)) as img:
        assert img.size == (100, 200) and len(img.getexif()) == 0


def test_long_side_capped_at_2048_and_small_images_not_enlarged():
    big = process_photo(encode(Image.new("RGB", (4000, 1000), "green"), "JPEG"))
    assert (big.width, big.height) == (2048, 512)
    small = process_photo(encode(Image.new("RGB", (300, 200), "green"), "PNG"))
    assert (small.width, small.height) == (300, 200)


def test_png_and_webp_accepted_transparency_kept_as_webp():
    opaque = process_photo(encode(noisy((64, 64)), "PNG"))
    assert opaque.ext == ".jpg"
    clear = process_photo(encode(noisy((64, 64), "RGBA"), "PNG"))
    assert clear.ext == ".webp"
    with Image.open(io.BytesIO(clear.data)) as img:
        assert img.format == "WEBP" and img.mode == "RGBA"
    webp = process_photo(encode(noisy((64, 64)), "WEBP"))
    assert webp.ext == ".jpg"


def test_sha256_and_size_describe_the_stored_bytes():
    import hashlib

    out = process_photo(jpeg_with_gps())
    assert out.sha256 == hashlib.sha256(out.data).hexdigest() and out.size == len(out.data)


def test_renamed_text_file_is_refused():
    # What a user uploads as x.jpg: the name lies, the content decides.
    data = b"Ini bukan foto, hanya teks yang diberi nama x.jpg\n" * 20
    with pytest.raises(PhotoError) as e:
        process_photo(data)
    assert e.value.reason == "forms.photo_not_image"


@pytest.mark.parametrize("data", [b"", b"\xff\xd8\xff", b"<html><script>alert(1)</script>"])
def test_junk_is_refused(data):
    with pytest.raises(PhotoError) as e:
        process_photo(data)
    assert e.value.reason in ("forms.photo_not_image", "forms.photo_broken")


def test_truncated_jpeg_is_refused():
    data = encode(noisy((800, 600)), "JPEG", quality=90)
    with pytest.raises(PhotoError) as e:
        process_photo(data[: len(data) // 2])
    assert e.value.reason == "forms.photo_broken"


def test_truncated_png_is_refused():
    data = encode(noisy((200, 200)), "PNG")
    with pytest.raises(PhotoError) as e:
        process_photo(data[: len(data) // 2])
    assert e.value.reason == "forms.photo_broken"


def test_file_over_the_limit_is_refused_before_decoding():
    # The limit was 5 MB; phones' 12 MB photos are now shrunk (tests/test_nothing_lost.py).
    data = jpeg_with_gps((64, 64)) + b"\x00" * (photos.MAX_BYTES + 1024 * 1024)
    with pytest.raises(PhotoError) as e:
        process_photo(data)
    assert e.value.reason == "forms.photo_too_big"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_types_are_refused(fmt):
    with pytest.raises(PhotoError) as e:
        process_photo(encode(Image.new("RGB", (32, 32), "blue"), fmt))
    assert e.value.reason == "forms.photo_unsupported"


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [8000, 20000])
def test_decompression_bomb_is_refused_from_the_header(side):
    with pytest.raises(PhotoError) as e:
        process_photo(_png_header_only(side, side))
    assert e.value.reason == "forms.photo_too_many_pixels"


def test_stage_commit_and_discard(store):
    p = process_photo(jpeg_with_gps((50, 50)))
    staged = photos.stage_photo(p)
    assert staged.temp_path.exists() and not staged.final_path.exists()
    assert photos.is_safe_file_name(staged.file_name) and staged.file_name.endswith(".jpg")
    photos.commit_staged(staged)
    assert staged.final_path.read_bytes() == p.data and not staged.temp_path.exists()
    photos.discard_staged(staged)
    assert not staged.final_path.exists()


def test_file_names_are_random_not_the_users():
    names = {photos.new_file_name(".jpg") for _ in range(1000)}
    assert len(names) == 1000
    assert all(photos.is_safe_file_name(n) for n in names)
    assert not photos.is_safe_file_name("../../etc/passwd")
    assert not photos.is_safe_file_name("foto_saya.jpg")


def _age(path, hours: float) -> None:
    old = (dt.datetime.now() - dt.timedelta(hours=hours)).timestamp()
    os.utime(path, (old, old))


def _complaint() -> dict:
    from lentera.core import forms
    return {"kategori": "Infrastruktur", "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": forms.desa_options()[0]["kode_desa"]}


def test_sweep_orphans_deletes_unreferenced_finishes_committed_and_spares_the_rest(store):
    ticket = submissions.create_pengaduan(_complaint(), [jpeg_with_gps((60, 40)),
                                                         jpeg_with_gps((40, 60))])
    kept, interrupted = [p["file_name"] for p in submissions.public_view(ticket)["photos"]]
    # A committed row whose rename never happened (process died between commit and rename).
    os.replace(store / interrupted, store / (interrupted + photos.PART_SUFFIX))
    orphan = photos.stage_photo(process_photo(jpeg_with_gps((30, 30))))
    photos.commit_staged(orphan)
    orphan_part = photos.stage_photo(process_photo(jpeg_with_gps((30, 30))))
    fresh = photos.stage_photo(process_photo(jpeg_with_gps((30, 30))))
    foreign = store / "LISEZMOI.txt"
    foreign.write_text("not ours")
    for path in (store / kept, store / (interrupted + photos.PART_SUFFIX), orphan.final_path,
                 orphan_part.temp_path, foreign):
        _age(path, 3)
    assert submissions.photo_path(interrupted) is None  # not shown while not in place

    counts = engine.sweep_orphan_photos(older_than=dt.timedelta(hours=1))

    assert counts == {"completed": 1, "deleted": 2}
    assert submissions.photo_path(kept) == store / kept
    assert submissions.photo_path(interrupted) == store / interrupted
    assert not orphan.final_path.exists() and not orphan_part.temp_path.exists()
    assert fresh.temp_path.exists()  # may belong to a submission still in flight
    assert foreign.exists()


def test_photo_path_only_for_committed_rows(store):
    staged = photos.stage_photo(process_photo(jpeg_with_gps((40, 40))))
    photos.commit_staged(staged)  # a file with no row
    assert submissions.photo_path(staged.file_name) is None
    assert submissions.photo_path("../sub.sqlite") is None
