"""The end-of-run report of `load` and `check`, as plain text lines (Indonesian, like the data)."""

from __future__ import annotations

import re

from etl.load import DUPLICATE_FILE, FAILED, LoadResult

# A hostile file name or message must not break the one-line-per-file contract.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_LINE = 300
MAX_NAMES = 12


def one_line(text: str) -> str:
    """`text` with control characters shown as `?` and cut to MAX_LINE characters."""
    text = _CONTROL.sub("?", text)
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def _names(names: list[str]) -> str:
    shown = ", ".join(one_line(n)[:60] for n in names[:MAX_NAMES])
    more = len(names) - MAX_NAMES
    return shown + (f" … dan {more:,} lainnya" if more > 0 else "")


def failure_lines(result: LoadResult) -> list[str]:
    """One line per failed file (and per run error) for stderr: the file and why."""
    lines = [one_line(f"GAGAL: {err}") for err in result.errors]
    for f in result.files:
        if f.status == FAILED:
            name = f"{f.source}/{f.file}" if "/" not in f.file else f.file
            lines.append(one_line(f"GAGAL {name}: {f.message}"))
    return lines


def report_lines(result: LoadResult, top: int = 10) -> list[str]:
    """Per-file counts, top reject reasons, noted rows, ignored and dropped columns, outcome."""
    lines: list[str] = []
    for err in result.errors:
        lines.append(one_line(f"GAGAL: {err}"))
    if result.files:
        lines.append(f"{'berkas':<44} {'dibaca':>9} {'dimuat':>9} {'dilewati':>9} "
                     f"{'ditolak':>9}  status")
    for f in result.files:
        name = one_line(f"{f.source}/{f.file}" if "/" not in f.file else f.file)
        lines.append(f"{name[-44:]:<44} {f.rows_read:>9,} {f.rows_loaded:>9,} "
                     f"{f.rows_skipped:>9,} {f.rows_rejected:>9,}  {f.status}")
        if f.status in (FAILED, DUPLICATE_FILE):
            lines.append(one_line(f"    {f.file}: {f.message}"))
        if f.ignored_columns:
            lines.append("    kolom tidak dikenal (diabaikan): " + _names(f.ignored_columns))
        if f.dropped_columns:
            lines.append("    kolom data pribadi (dibuang): " + _names(f.dropped_columns))
        lines += [one_line(f"    kolom ganda: {d}") for d in f.duplicate_columns]
    reasons = result.reject_reasons(top)
    if reasons:
        lines.append("Alasan penolakan terbanyak:")
        lines += [one_line(f"  {n:>8,}  {s}: {r}") for s, r, n in reasons]
    services = result.warnings_about("jenis layanan tidak ada")
    if services:
        lines.append("Jenis layanan tidak dikenal (dimuat tanpa target):")
        lines += [one_line(f"  {n:>8,}  {v}") for v, n in services.most_common(top)]
    swapped = sum(result.warnings_about("lat dan lng tertukar").values())
    if swapped:
        lines.append(f"Koordinat tertukar yang dibalik: {swapped:,}")
    loaded = sum(f.rows_loaded for f in result.files)
    rejected = sum(f.rows_rejected for f in result.files)
    code = result.exit_code
    if code == 2:
        lines.append("Hasil: tidak ada yang dimuat" + (" (gudang data lama tetap dipakai)"
                                                       if result.db else "") + ".")
    else:
        where = f" ke {result.db} (versi {result.data_version})" if result.written else ""
        lines.append(f"Hasil: {loaded:,} baris dimuat, {rejected:,} ditolak{where}.")
    return lines
