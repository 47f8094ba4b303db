"""Extract: read one raw CSV/XLSX file into canonical string columns with line numbers."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from etl import parse
from lentera.core.privacy import redact_text
from lentera.core.schema import PERSONAL_COLUMNS, Source

# The header is looked for within this many rows at the top of a file.
HEADER_SEARCH_ROWS = 30
SUFFIXES = (".csv", ".xlsx")
_CHUNK = 8 << 20
_TOTAL_ROW = r"(?i)^\s*(grand\s*total|sub\s*total|jumlah|total)\b"

# What a file may declare before it is read (INPUT_FORMATS.md, "Berkas yang ditolak"): a crafted
# workbook can claim a sheet of 17 billion cells or inflate a few KB into gigabytes.
MAX_COLUMNS = 1_000
MAX_CELLS = 30_000_000  # rows × columns of the first sheet (a full Excel sheet of 28 columns)
MAX_XLSX_MEMBER = 1 << 30  # uncompressed bytes of one part of the workbook
MAX_XLSX_TOTAL = 2 << 30  # uncompressed bytes of all parts together
MAX_XLSX_MEMBERS = 10_000
MAX_RATIO = 200  # uncompressed ÷ compressed; spreadsheet XML stays well under 100
_RATIO_FROM = 1 << 20  # tiny parts may compress better than that: only judged from 1 MiB
_XML_TAG_MAX = 64 << 20
_STEP = 4 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"), (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
         (b"\xfe\xff", "utf-16-be", "UTF-16"), (b"\xff\xfe", "utf-16-le", "UTF-16"))


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
    duplicate_columns: list[str] = field(default_factory=list)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    # Mixed files (UTF-8 lines pasted into a Windows-1252 export): each bad byte read as cp1252.
    return err.object[err.start:err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("lentera-cp1252", _cp1252_fallback)


def files_in(folder: Path) -> list[Path]:
    """The CSV and XLSX files directly in `folder`, sorted by name."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
             and not p.name.startswith(("~$", "."))]
    return sorted(found, key=lambda p: p.name)


def file_digest(path: Path) -> tuple[str, bool]:
    """The file's sha256 and whether its bytes are valid UTF-8, in one streaming pass."""
    sha, utf8, _nul = file_facts(path)
    return sha, utf8


def file_facts(path: Path) -> tuple[str, bool, bool]:
    """(sha256, valid UTF-8, holds a NUL byte) of the file, in one streaming pass."""
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    nul = False
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
            nul = nul or b"\x00" in chunk
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
    return sha.hexdigest(), utf8, nul


def _has_nul(path: Path) -> bool:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            if b"\x00" in chunk:
                return True
    return False


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


def _read_csv(path: Path, utf8: bool, lookup: dict[str, str], nul: bool | None = None):
    """(header cells, data frame with positional columns, source_row series) of a CSV file."""
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"PK\x03\x04"):
        raise ExtractError("isinya arsip zip/XLSX, bukan teks CSV (ganti akhiran menjadi .xlsx)")
    if magic.startswith(_OLE_MAGIC):
        raise ExtractError("isinya berkas Excel lama (.xls), bukan teks CSV; simpan sebagai .csv")
    bom = next(((enc, label) for mark, enc, label in _BOMS if magic.startswith(mark)), None)
    if bom is not None:
        # UTF-16/32 exports (Excel's "Unicode Text"): read by their byte-order mark.
        enc, label = bom
        try:
            text = path.read_bytes().decode(enc).removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise ExtractError(f"berkas {label} (menurut BOM) rusak: ada byte yang bukan "
                               f"{label}") from None
        if "\x00" in text:
            raise ExtractError(f"berkas {label} berisi karakter NUL (bukan teks CSV)")
        head = text[: 256 * 1024]
        body: Path | io.BytesIO = io.BytesIO(text.encode("utf-8"))
        del text
    else:
        if nul is None:
            nul = _has_nul(path)
        if nul:
            raise ExtractError("berisi byte NUL: bukan teks CSV (UTF-16 tanpa BOM, atau berkas "
                               "biner); simpan ulang sebagai CSV UTF-8")
        if utf8:
            with open(path, "rb") as fh:
                head_bytes = fh.read(256 * 1024)
            head = head_bytes.decode("utf-8-sig", errors="ignore")
            body = path
        else:
            # Windows-1252 exports (old Excel on Windows), or UTF-8 mixed with them: every
            # valid UTF-8 sequence is kept, every other byte read as cp1252; once, in memory.
            text = path.read_bytes().decode("utf-8", errors="lentera-cp1252").removeprefix("\ufeff")
            head = text[: 256 * 1024]
            body = io.BytesIO(text.encode("utf-8"))
            del text
    if not head.strip():
        raise ExtractError("berkas kosong")
    if "\r" in head and "\n" not in head:
        # Old Mac "CSV (Macintosh)": lines end in a bare CR, which the CSV reader does not split.
        if isinstance(body, Path):
            body = io.BytesIO(body.read_bytes())
        body = io.BytesIO(body.getvalue().replace(b"\r", b"\n"))
        head = head.replace("\r", "\n")
    # The separator is the one under which some row reads as the best header.
    best = None
    for sep in (";", ",", "\t", "|"):
        records, end_lines = _head_records(head, sep)
        scores = [_header_score(r, lookup) for r in records]
        if scores and (best is None or max(scores) > best[0]):
            best = (max(scores), sep, records, end_lines)
    if best is None:
        raise ExtractError("CSV tidak terbaca: awal berkas tidak bisa dipisah menjadi kolom "
                           "(baris sangat panjang atau bukan teks)")
    _score, sep, records, end_lines = best
    h = _pick_header(records, lookup)
    if len(records[h]) > MAX_COLUMNS:
        raise ExtractError(f"terlalu banyak kolom: {len(records[h]):,} (batas {MAX_COLUMNS:,})")
    header_line = end_lines[h]
    try:
        grid = pl.read_csv(
            body, separator=sep, has_header=False, skip_rows=h, infer_schema=False,
            truncate_ragged_lines=True, raise_if_empty=False, quote_char='"',
        )
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise ExtractError(f"CSV tidak terbaca (tanda kutip tidak tertutup atau baris rusak?): "
                           f"{reader_message(exc)}") from None
    if grid.height == 0:
        raise ExtractError("berkas kosong")
    if grid.width > MAX_COLUMNS:
        raise ExtractError(f"terlalu banyak kolom: {grid.width:,} (batas {MAX_COLUMNS:,})")
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


_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|row|dimension|sst)\b([^>]*)>")
_ATTR_R = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{0,4})([0-9]{0,8})[\"']")
_ATTR_REF = re.compile(rb"\sref\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?([0-9]{1,8})"
                       rb"(?::\$?([A-Za-z]{1,4})\$?([0-9]{1,8}))?[\"']")
_R_COL = re.compile(rb' r="([A-Z]{1,4})[0-9]')
_R_ROW = re.compile(rb' r="[A-Z]{0,4}([0-9]{1,8})"')
_ATTR_COUNT = re.compile(rb"\s(?:count|uniqueCount)\s*=\s*[\"']([0-9]+)[\"']")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _refuse_area(rows: int, cols: int, what: str) -> None:
    if cols > MAX_COLUMNS:
        raise ExtractError(f"lembar kerja {what} sampai kolom {_col_letters(cols)} ({cols:,} "
                           f"kolom; batas {MAX_COLUMNS:,})")
    if rows * cols > MAX_CELLS:
        raise ExtractError(f"lembar kerja {what} sampai baris {rows:,} × {cols:,} kolom = "
                           f"{rows * cols:,} sel (batas {MAX_CELLS:,})")


class _SheetScan:
    """Streams a worksheet's XML and keeps the furthest row and column any cell reaches."""

    def __init__(self) -> None:
        self.carry = b""
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.cells = 0

    def feed(self, data: bytes) -> None:
        buf = self.carry + data
        cut = buf.rfind(b"<")
        if cut < 0 or buf.find(b">", cut) >= 0:
            cut = len(buf)
        self.carry = buf[cut:]
        if len(self.carry) > _XML_TAG_MAX:
            raise ExtractError("rusak: satu tag XML lebih dari 64 MiB")
        if b"dimension" in buf:
            for m in _TAG.finditer(buf, 0, cut):
                if m.group(1) == b"dimension":
                    self._tag(m.group(1), m.group(2))
        # Fast path (literal-prefix scans) when every cell and row names its place, as writers do.
        part = buf[:cut]
        cols = _R_COL.findall(part)
        rows = _R_ROW.findall(part)
        n_cells = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/>")
        n_rows = part.count(b"<row ") + part.count(b"<row>") + part.count(b"<row/>")
        if n_cells == len(cols) and n_cells + n_rows == len(rows):
            self.cells += n_cells
            if cols:
                self.max_col = max(self.max_col, max(_col_number(c) for c in set(cols)))
                self.col = _col_number(cols[-1])
            if rows:
                self.max_row = max(self.max_row, max(int(r) for r in set(rows)))
                self.row = int(rows[-1])
        else:
            for m in _TAG.finditer(buf, 0, cut):
                self._tag(m.group(1), m.group(2))
        if self.cells > MAX_CELLS:
            raise ExtractError(f"berisi lebih dari {MAX_CELLS:,} sel")
        _refuse_area(self.max_row, self.max_col, "berisi sel")

    def _tag(self, kind: bytes, attrs: bytes) -> None:
        if kind == b"c":
            r = _ATTR_R.search(attrs)
            self.col = _col_number(r.group(1)) if r and r.group(1) else self.col + 1
            if r and r.group(2):
                self.row = int(r.group(2))
            self.cells += 1
            self.max_col = max(self.max_col, self.col)
            self.max_row = max(self.max_row, self.row)
        elif kind == b"row":
            r = _ATTR_R.search(attrs)
            self.row = int(r.group(2)) if r and r.group(2) else self.row + 1
            self.col = 0
            self.max_row = max(self.max_row, self.row)
        elif kind == b"dimension":
            ref = _ATTR_REF.search(attrs)
            if ref:
                last_col, last_row = (ref.group(3), ref.group(4)) if ref.group(3) \
                    else (ref.group(1), ref.group(2))
                _refuse_area(int(last_row), _col_number(last_col), "menyatakan ukuran")


class _SstScan:
    """Refuses a shared-string table that announces more strings than a sheet may hold."""

    def __init__(self) -> None:
        self.done = False

    def feed(self, data: bytes) -> None:
        if self.done:
            return
        m = _TAG.search(data[:4096])
        if m and m.group(1) == b"sst":
            self.done = True
            for count in _ATTR_COUNT.findall(m.group(2)):
                if int(count) > MAX_CELLS:
                    raise ExtractError(f"menyatakan {int(count):,} teks (batas {MAX_CELLS:,})")


def _stream_member(fh, info: zipfile.ZipInfo, sink=None) -> bytes:
    """Inflate one zip part from its raw bytes, trusting none of its declared sizes."""
    if info.flag_bits & 0x1:
        raise ExtractError("terenkripsi (berkas dengan kata sandi)")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ExtractError(f"rusak: metode kompresi {info.compress_type} tidak didukung")
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise ExtractError(f"rusak: bagian {info.filename[:60]!r} tidak ada")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, size, crc = info.compress_size, 0, 0
    keep = sink is None and info.file_size <= (16 << 20)
    kept: list[bytes] = []

    def take(data: bytes) -> None:
        nonlocal size, crc
        size += len(data)
        if size > info.file_size or size > MAX_XLSX_MEMBER:
            raise ExtractError(f"rusak atau bom zip: bagian {info.filename[:60]!r} lebih "
                               f"besar dari yang dinyatakan ({_size(info.file_size)})")
        crc = zlib.crc32(data, crc)
        if sink is not None:
            sink(data)
        elif keep:
            kept.append(data)

    try:
        while left > 0:
            chunk = fh.read(min(left, 1 << 20))
            if not chunk:
                raise ExtractError("terpotong (berkas tidak lengkap)")
            left -= len(chunk)
            if inflate is None:
                take(chunk)
                continue
            take(inflate.decompress(chunk, _STEP))
            while inflate.unconsumed_tail:
                take(inflate.decompress(inflate.unconsumed_tail, _STEP))
        if inflate is not None:
            take(inflate.flush())
            if not inflate.eof:
                raise ExtractError("terpotong (berkas tidak lengkap)")
    except zlib.error:
        raise ExtractError(f"rusak: bagian {info.filename[:60]!r} tidak bisa dibuka") from None
    if size != info.file_size or crc != info.CRC:
        raise ExtractError(f"rusak: bagian {info.filename[:60]!r} tidak utuh (CRC)")
    return b"".join(kept)


def _first_sheet(parts: dict[str, zipfile.ZipInfo], fh) -> str:
    """The zip path of the workbook's first sheet (the one that is read)."""
    book = parts.get("xl/workbook.xml")
    rels = parts.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        raise ExtractError("bukan buku kerja Excel: tidak ada xl/workbook.xml di dalam arsip zip")
    first = re.search(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>", _stream_member(fh, book))
    rid = re.search(rb"\s[\w.-]*:?id\s*=\s*[\"']([^\"']+)[\"']", first.group(1)) if first else None
    if rid is None:
        raise ExtractError("tanpa lembar kerja")
    for rel in re.finditer(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>", _stream_member(fh, rels)):
        attrs = rel.group(1)
        ident = re.search(rb"\sId\s*=\s*[\"']([^\"']+)[\"']", attrs)
        target = re.search(rb"\sTarget\s*=\s*[\"']([^\"']+)[\"']", attrs)
        if ident and target and ident.group(1) == rid.group(1):
            name = target.group(1).decode("utf-8", "replace")
            return name.lstrip("/") if name.startswith("/") else "xl/" + name
    raise ExtractError("rusak: lembar kerja pertama tidak ditemukan")


def inspect_xlsx(path: Path) -> None:
    """Refuse a workbook whose zip or first sheet declares more than the bounds, before reading."""
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(_OLE_MAGIC):
        raise ExtractError("berkas Excel lama (.xls) atau XLSX bersandi; simpan ulang sebagai "
                           ".xlsx tanpa sandi atau .csv")
    if not magic.startswith(b"PK"):
        raise ExtractError("isinya bukan arsip zip" + (
            " (berkas kosong)" if not magic else ""))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ExtractError("rusak atau terpotong: daftar isi zip tidak terbaca") from None
    if len(infos) > MAX_XLSX_MEMBERS:
        raise ExtractError(f"berisi {len(infos):,} bagian (batas {MAX_XLSX_MEMBERS:,})")
    parts: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        if info.filename in parts:
            raise ExtractError(f"rusak: bagian {info.filename[:60]!r} ada dua kali")
        parts[info.filename] = info
        total += info.file_size
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ExtractError(f"bom zip: {info.filename[:60]!r} mengembang "
                               f"{ratio:,}× menjadi {_size(info.file_size)} (batas {MAX_RATIO}×)")
        if info.file_size > MAX_XLSX_MEMBER:
            raise ExtractError(f"bagian {info.filename[:60]!r} menyatakan "
                               f"{_size(info.file_size)} (batas {_size(MAX_XLSX_MEMBER)})")
    if total > MAX_XLSX_TOTAL:
        raise ExtractError(f"menyatakan isi {_size(total)} (batas {_size(MAX_XLSX_TOTAL)})")
    with open(path, "rb") as fh:
        sheet = _first_sheet(parts, fh)
        if sheet not in parts:
            raise ExtractError("rusak: lembar kerja pertama tidak ada di arsip")
        # Every part is inflated once here (the reader inflates them all too), sizes checked.
        for info in infos:
            scan = _SheetScan() if info.filename == sheet else \
                _SstScan() if info.filename.endswith("sharedStrings.xml") else None
            _stream_member(fh, info, scan.feed if scan else (lambda _d: None))
            if isinstance(scan, _SheetScan) and scan.carry:
                scan.feed(b"")


def _read_xlsx(path: Path, lookup: dict[str, str]):
    """(header cells, data frame with positional columns, source_row series) of an XLSX file."""
    try:
        inspect_xlsx(path)
    except ExtractError as exc:
        raise ExtractError(f"XLSX tidak terbaca: {exc}") from None
    try:
        reader = fastexcel.read_excel(str(path))
        # skip_rows=0 keeps blank rows, so a row's index is its Excel row number - 1.
        sheet = reader.load_sheet(0, header_row=None, skip_rows=0, dtypes="string")
        grid = sheet.to_polars()
    except BaseException as exc:  # noqa: BLE001 - fastexcel raises its own family, and Rust panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise ExtractError(f"XLSX tidak terbaca: {reader_message(exc)}") from None
    if grid.height == 0:
        raise ExtractError("lembar kerja kosong")
    if grid.width > MAX_COLUMNS:
        raise ExtractError(f"terlalu banyak kolom: {grid.width:,} (batas {MAX_COLUMNS:,})")
    top = grid.head(HEADER_SEARCH_ROWS).rows()
    h = _pick_header([list(r) for r in top], lookup)
    header = list(top[h])
    data = grid.slice(h + 1)
    rows = pl.int_range(h + 2, h + 2 + data.height, eager=True)
    return header, data, rows, h + 1


def reader_message(exc: BaseException) -> str:
    """The reader's first line, without the quoted cell text some readers add (never data out)."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    text = re.split(r"[`\"']", text, maxsplit=1)[0].strip(" :")
    return redact_text(text[:160]) or type(exc).__name__


def extract(path: Path, source: Source, rel: str, utf8: bool = True,
            nul: bool | None = None) -> Extracted:
    """Read `path` for `source`: find the header, map columns, drop personal ones, skip noise."""
    lookup = column_lookup(source)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ExtractError(f"bukan berkas .csv atau .xlsx (akhiran '{suffix[:12] or '-'}')")
    if suffix == ".xlsx":
        header, data, rows, header_line = _read_xlsx(path, lookup)
    else:
        header, data, rows, header_line = _read_csv(path, utf8, lookup, nul)
    positional = data.columns
    xlsx = path.suffix.lower() == ".xlsx"

    def place(pos: str) -> str:
        i = positional.index(pos) + 1
        return f"kolom {_col_letters(i)}" if xlsx else f"kolom ke-{i}"

    rename: dict[str, str] = {}
    ignored: list[str] = []
    dropped: list[str] = []
    duplicates: list[str] = []
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
            # Two file columns for one canonical column: the canonical spelling wins, else the
            # first; the report names both places so the reader knows which values were read.
            old = next(k for k, v in rename.items() if v == canon)
            old_text = (header[positional.index(old)] or "").strip()
            if norm == canon and parse.norm_header(old_text) != canon:
                duplicates.append(f"{canon}: {place(pos)} '{text}' dipakai, {place(old)} "
                                  f"'{old_text}' diabaikan")
                del rename[old]
            else:
                duplicates.append(f"{canon}: {place(old)} '{old_text}' dipakai, {place(pos)} "
                                  f"'{text}' diabaikan")
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
    if frame.height == 0:
        # Loading it would empty the table: a header-only export is a failed export.
        raise ExtractError("tidak ada baris data di bawah judul kolom" + (
            f" ({rows_skipped:,} baris kosong/judul ulang/JUMLAH dilewati)" if rows_skipped
            else "") + "; tabel lama tidak dikosongkan")
    out = {canon: pl.col(pos) for pos, canon in rename.items()}
    for c in source.columns:
        if not c.derived and c.name not in out:
            out[c.name] = pl.lit(None, dtype=pl.String)
    frame = frame.select(**out, source_row=pl.col("__row"))
    return Extracted(
        source=source.name, file=rel, frame=frame, rows_read=rows_read,
        rows_skipped=rows_skipped, header_row=header_line,
        ignored_columns=ignored, dropped_columns=dropped, duplicate_columns=duplicates,
    )

