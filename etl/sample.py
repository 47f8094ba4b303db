"""Deterministic, realistic and deliberately messy sample exports for the default region.

`generate()` writes raw files in the shapes of INPUT_FORMATS.md into `out/<source>/` (every file
named `sample_*`, so a re-run replaces exactly its own files) plus `out/SAMPLE.json`.
Figures are generated; geography, offices, account codes and services are the real reference data.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from etl.sample_anggaran import (
    anggaran_frames,
    laggard_offices,
    realisasi_frame,
    write_anggaran,
    write_realisasi,
)
from etl.sample_common import (
    FILE_PREFIX,
    add_cuti_bersama,
    busday_holidays,
    default_as_of,
    read_reference,
)
from etl.sample_layanan import (
    pengaduan_frame,
    perizinan_frame,
    write_pengaduan,
    write_perizinan,
)
from etl.sample_usulan import usulan_frame, write_usulan
from lentera.core.config import region

SOURCES = ("anggaran", "realisasi", "pengaduan", "perizinan", "usulan")
# Independent random streams per source: changing one generator leaves the others' output alone.
_STREAM = {name: i + 1 for i, name in enumerate(SOURCES)}


class SampleError(ValueError):
    """Arguments the generator cannot honour (bad years, scale or date)."""


def _rng(seed: int, source: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAM[source]])


def remove_previous(out: Path) -> list[Path]:
    """Delete earlier generated files (`sample_*`) in out/<source>/; nothing else is touched."""
    removed = []
    for source in SOURCES:
        folder = out / source
        if folder.is_dir():
            for path in sorted(folder.glob(f"{FILE_PREFIX}*")):
                if path.is_file():
                    path.unlink()
                    removed.append(path)
    return removed


def generate(out: Path, seed: int = 42, scale: float = 1.0, years: tuple[int, int] = (2024, 2026),
             as_of: dt.date | None = None) -> dict:
    """Write the sample raw files and SAMPLE.json; return files and rows per source."""
    out = Path(out)
    years = (int(years[0]), int(years[1]))
    if years[0] > years[1] or years[0] < 2000 or years[1] > 2100:
        raise SampleError(f"years must be increasing within 2000–2100, got {years}")
    if not 0 < scale <= 100:
        raise SampleError(f"scale must be in (0, 100], got {scale}")
    as_of = as_of or default_as_of()
    if as_of < dt.date(years[0], 1, 1):
        raise SampleError(f"as_of {as_of} is before the first year {years[0]}")

    reg = region()
    ref = read_reference(reg)
    hol = add_cuti_bersama(busday_holidays(range(years[0] - 1, years[1] + 3)), reg)
    remove_previous(out)

    files: dict[str, dict[str, int]] = {}
    rng = _rng(seed, "anggaran")
    anggaran = anggaran_frames(ref, rng, scale, years, as_of)
    files["anggaran"] = write_anggaran(anggaran, out, rng)

    rng = _rng(seed, "realisasi")
    laggards = laggard_offices(ref, rng)
    realisasi = realisasi_frame(anggaran, rng, as_of, laggards)
    files["realisasi"] = write_realisasi(realisasi, out)

    rng = _rng(seed, "pengaduan")
    files["pengaduan"] = write_pengaduan(pengaduan_frame(ref, rng, scale, years, as_of, hol),
                                         out, rng)
    rng = _rng(seed, "perizinan")
    files["perizinan"] = write_perizinan(perizinan_frame(ref, rng, scale, years, as_of, hol),
                                         out, rng)
    rng = _rng(seed, "usulan")
    files["usulan"] = write_usulan(usulan_frame(ref, rng, scale, years, as_of, anggaran), out, rng)

    meta = {"generator": "lentera etl sample", "seed": seed, "scale": scale,
            "years": list(years), "as_of": as_of.isoformat()}
    (out / "SAMPLE.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return {
        **meta,
        "files": sorted(f"{src}/{name}" for src, names in files.items() for name in names),
        "rows": {src: sum(names.values()) for src, names in files.items()},
        "laggards": laggards,
    }

