"""Extract: read one raw CSV/XLSX file into canonical string columns with line numbers."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from etl import parse
from lentera.core.schema import PERSONAL_COLUMNS, Source

# The header is looked for within this many rows at the top of a file.
HEADER_SEARCH_ROWS = 30
SUFFIXES = (".csv", ".xlsx")
_CHUNK = 8 << 20
_TOTAL_ROW = r"(?i)^\s*(grand\s*total|sub\s*total|jumlah|total)\b"


class ExtractError(Exception):
    """A file that cannot be read at all; the message is the one-line reason (Indonesian)."""


@dataclass
class Extracted:
    """One file as canonical string columns (plus `source_row`), and what was found on the way."""

    source: str
    file: str
    frame: pl.DataFrame
    rows_read: int
    rows_skipped: int
    header_row: int
    ignored_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)


def files_in(folder: Path) -> list[Path]:
    """The CSV and XLSX files directly in `folder`, sorted by name."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
             and not p.name.startswith(("~$", "."))]
    return sorted(found, key=lambda p: p.name)


def file_digest(path: Path) -> tuple[str, bool]:
    """The file's sha256 and whether its bytes are valid UTF-8, in one streaming pass."""
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return sha.hexdigest(), utf8


def column_lookup(source: Source) -> dict[str, str]:
    """Normalised header text → canonical column name (canonical names win over aliases)."""
    lookup: dict[str, str] = {}
    readable = [c for c in source.columns if not c.derived]
    for c in readable:
        for alias in c.aliases:
            lookup.setdefault(parse.norm_header(alias), c.name)
    for c in readable:
        lookup[parse.norm_header(c.name)] = c.name
    return lookup


_PERSONAL = frozenset(PERSONAL_COLUMNS)


def _is_personal(norm: str, lookup: dict[str, str]) -> bool:
    # nama_pemohon is personal only for private persons: perizinan reads it and filters rows.
    return norm in _PERSONAL and norm not in lookup


def _head_records(head: str, sep: str) -> tuple[list[list[str]], list[int]]:
    """The first records of `head` split by `sep`, with the line each one ends on."""
    reader = csv.reader(io.StringIO(head), delimiter=sep)
    records: list[list[str]] = []
    end_lines: list[int] = []
    try:
        for rec in reader:
            records.append(rec)
            end_lines.append(reader.line_num)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # a cut-off quote at the end of the sample: the records so far are enough
    return records, end_lines


def _header_score(cells: list[str | None], lookup: dict[str, str]) -> int:
    seen = set()
    for cell in cells:
        if not cell:
            continue
        norm = parse.norm_header(str(cell))
        if norm in lookup:
            seen.add(lookup[norm])
        elif norm in _PERSONAL:
            seen.add("personal:" + norm)
    return len(seen)


def _pick_header(rows: list[list[str | None]], lookup: dict[str, str]) -> int:
    scores = [_header_score(r, lookup) for r in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0:
        raise ExtractError("baris judul kolom tidak ditemukan di 30 baris pertama")
    return scores.index(max(scores))


def _read_csv(path: Path, utf8: bool, lookup: dict[str, str]):
    """(header cells, data frame with positional columns, source_row series) of a CSV file."""
    if utf8:
        with open(path, "rb") as fh:
            head_bytes = fh.read(256 * 1024)
        head = head_bytes.decode("utf-8-sig", errors="ignore")
        body: Path | io.BytesIO = path
    else:
        # Windows-1252 exports (old Excel on Windows): transcode once, in memory.
        text = path.read_bytes().decode("cp1252", errors="replace")
        head = text[: 256 * 1024]
        body = io.BytesIO(text.encode("utf-8"))
        del text
    if not head.strip():
        raise ExtractError("berkas kosong")
    # The separator is the one under which some row reads as the best header.
    best = None
    for sep in (";", ",", "\t", "|"):
        records, end_lines = _head_records(head, sep)
        scores = [_header_score(r, lookup) for r in records]
        if scores and (best is None or max(scores) > best[0]):
            best = (max(scores), sep, records, end_lines)
    if best is None:
        raise ExtractError("CSV tidak terbaca")
    _score, sep, records, end_lines = best
    h = _pick_header(records, lookup)
    header_line = end_lines[h]
    try:
        grid = pl.read_csv(
            body, separator=sep, has_header=False, skip_rows=h, infer_schema=False,
            truncate_ragged_lines=True, raise_if_empty=False, quote_char='"',
        )
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise ExtractError(f"CSV tidak terbaca: {str(exc).splitlines()[0]}") from None
    if grid.height == 0:
        raise ExtractError("berkas kosong")
    header = [grid[0, i] for i in range(grid.width)]
    data = grid.slice(1)
    del grid
    # 1-based line of each record; quoted values may span lines, so count their newlines
    # (only when the file has more lines than records: the common case costs one memchr pass).
    total_lines = _count_newlines(body)
    if data.width and data.height and total_lines > header_line + data.height:
        newlines = data.select(
            pl.sum_horizontal(
                [pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in data.columns]
            ).alias("n")
        )["n"]
        before = newlines.cum_sum().shift(1, fill_value=0)
        rows = pl.int_range(0, data.height, eager=True) + (header_line + 1) + before
    else:
        rows = pl.int_range(header_line + 1, header_line + 1 + data.height, eager=True)
    return header, data, rows, header_line


def _count_newlines(body: Path | io.BytesIO) -> int:
    if isinstance(body, io.BytesIO):
        return body.getbuffer().tobytes().count(b"\n")
    count = 0
    with open(body, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            count += chunk.count(b"\n")
    return count


def _read_xlsx(path: Path, lookup: dict[str, str]):
    """(header cells, data frame with positional columns, source_row series) of an XLSX file."""
    try:
        reader = fastexcel.read_excel(str(path))
        # skip_rows=0 keeps blank rows, so a row's index is its Excel row number - 1.
        sheet = reader.load_sheet(0, header_row=None, skip_rows=0, dtypes="string")
        grid = sheet.to_polars()
    except Exception as exc:  # fastexcel raises its own error family for broken workbooks
        raise ExtractError(f"XLSX tidak terbaca: {str(exc).splitlines()[0]}") from None
    if grid.height == 0:
        raise ExtractError("lembar kerja kosong")
    top = grid.head(HEADER_SEARCH_ROWS).rows()
    h = _pick_header([list(r) for r in top], lookup)
    header = list(top[h])
    data = grid.slice(h + 1)
    rows = pl.int_range(h + 2, h + 2 + data.height, eager=True)
    return header, data, rows, h + 1


def extract(path: Path, source: Source, rel: str, utf8: bool = True) -> Extracted:
    """Read `path` for `source`: find the header, map columns, drop personal ones, skip noise."""
    lookup = column_lookup(source)
    if path.suffix.lower() == ".xlsx":
        header, data, rows, header_line = _read_xlsx(path, lookup)
    else:
        header, data, rows, header_line = _read_csv(path, utf8, lookup)
    positional = data.columns
    rename: dict[str, str] = {}
    ignored: list[str] = []
    dropped: list[str] = []
    keep_for_skip: list[str] = []
    for pos, cell in zip(positional, header, strict=True):
        text = (cell or "").strip()
        norm = parse.norm_header(text) if text else ""
        if norm and _is_personal(norm, lookup):
            dropped.append(text)
            continue
        keep_for_skip.append(pos)
        canon = lookup.get(norm) if norm else None
        if canon is None:
            if text:
                ignored.append(text)
            continue
        if canon in rename.values():
            # Two file columns for one canonical column: the canonical spelling wins.
            if norm == canon:
                old = next(k for k, v in rename.items() if v == canon)
                ignored.append(header[positional.index(old)] or "")
                del rename[old]
            else:
                ignored.append(text)
                continue
        rename[pos] = canon
    present = set(rename.values())
    missing = [c for c in source.required if c not in present]
    if missing:
        raise ExtractError("kolom wajib tidak ada: " + ", ".join(missing))
    if source.name == "usulan" and not present & {"kode_desa", "nama_desa", "nama_kecamatan"}:
        raise ExtractError("kolom wajib tidak ada: kode_desa, nama_desa atau nama_kecamatan")

    # Personal columns are never selected: they leave memory with `data` below.
    # Empty and whitespace-only cells become NULL; surrounding spaces are left to the parsers
    # (they strip), which saves a full copy of every column of a big file.
    clean = {pos: pl.when(pl.col(pos).str.contains(r"\S")).then(pl.col(pos))
             for pos in keep_for_skip}
    frame = data.select(**clean).with_columns(rows.alias("__row").cast(pl.Int32))
    del data
    header_text = {pos: (cell or "").strip() for pos, cell in zip(positional, header, strict=True)}
    cols = keep_for_skip
    if cols:
        blank = pl.all_horizontal([pl.col(c).is_null() for c in cols])
        # A repeated header repeats the header text; its first two named cells are proof enough
        # (anchored regexes stop at the first differing character: cheap on big files).
        named = [c for c in cols if header_text[c]][:2]
        repeated = pl.sum_horizontal(
            [pl.col(c).str.contains(rf"^\s*{re.escape(header_text[c])}\s*$").fill_null(False)
             .cast(pl.Int32) for c in named]
        ) * 2 >= max(1, len(named))
        total = pl.coalesce([pl.col(c) for c in cols]).str.contains(_TOTAL_ROW).fill_null(False)
        skip = blank | repeated | total
    else:
        skip = pl.lit(True)
    rows_read = frame.height
    frame = frame.filter(~skip)
    rows_skipped = rows_read - frame.height
    out = {canon: pl.col(pos) for pos, canon in rename.items()}
    for c in source.columns:
        if not c.derived and c.name not in out:
            out[c.name] = pl.lit(None, dtype=pl.String)
    frame = frame.select(**out, source_row=pl.col("__row"))
    return Extracted(
        source=source.name, file=rel, frame=frame, rows_read=rows_read,
        rows_skipped=rows_skipped, header_row=header_line,
        ignored_columns=ignored, dropped_columns=dropped,
    )

