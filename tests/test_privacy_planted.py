"""Planted personal values (NIK, phone, e-mail, a name after "Bapak", a home address, a birth date)
in every text cell kind and file name of every source, and in citizens' forms: found nowhere after
the real load and export (warehouse, every download format, the ETL's output, logs, the store).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import logging
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa

from lentera.core import forms, privacy
from lentera.core.schema import SOURCES

ROOT = Path(__file__).resolve().parent.parent

NIK = "6112051708710003"
PHONE = "081377712345"
EMAIL_USER = "sutrisno.wirabhumi"
NAME = "Wirabhumi"  # only ever written after "Bapak": a surname no reference table holds
STREET = "Cempaka Wangsit"
BIRTH = "17-08-1971"
# The same values in the spellings the penetration test used to get past the old rules.
NIKS = [NIK, "6112 0517 0871 0003", "6112  0517/0871 - 0003", "61.12.05.170871.0003",
        "６１１２０５１７０８７１０００３", "61 12 05 17 08 71 0003"]
PHONES = [PHONE, "(0813) 7771-2345", "62.813.7771.2345", "+62 813 7771 2345",
          "+62 (0) 813-7771-2345", "０８１３７７７１２３４５", "٠٨١٣٧٧٧١٢٣٤٥"]
EMAILS = [f"{EMAIL_USER}@contoh.id", f"{EMAIL_USER} @ contoh.id", f"{EMAIL_USER}＠contoh.id"]


def planted(i: int) -> str:
    """The i-th planted sentence: every kind of value, spellings rotating with i."""
    return (f"Bapak Sutrisno {NAME}, NIK {NIKS[i % len(NIKS)]}, hp {PHONES[i % len(PHONES)]}, "
            f"email {EMAILS[i % len(EMAILS)]}, rumah di Jl. {STREET} No. 17 RT 004/RW 002, "
            f"tanggal lahir {BIRTH}")


def leaks(text: str) -> list[str]:
    """Which planted values survive in `text`, in any spelling (NFKC, separators dropped)."""
    flat = unicodedata.normalize("NFKC", text)
    flat = re.sub(r"\d", lambda m: str(unicodedata.decimal(m.group())), flat)
    found = []
    lower = flat.lower()
    for word, label in ((NAME.lower(), "name"), (STREET.lower(), "street"),
                        (EMAIL_USER, "email"), ("wangsit", "street"), (BIRTH, "birth date")):
        if word in lower:
            found.append(label)
    for line in flat.splitlines():
        digits = re.sub(r"[\s./\-()+_]", "", line)
        if NIK in digits:
            found.append("nik")
        if PHONE[1:] in digits:  # 81377712345, with or without 0 / 62 in front
            found.append("phone")
    return found


def texts_of(path: Path, data: bytes | None = None):
    """(name, text) of a file and, for zip containers (zip, xlsx), of every member."""
    data = path.read_bytes() if data is None else data
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for member in zf.namelist():
                yield from texts_of(Path(f"{path}!{member}"), zf.read(member))
        yield str(path), path.name
    elif data[:4] == b"PAR1":
        yield str(path), pl.read_parquet(io.BytesIO(data)).write_csv()
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        yield str(path), data.decode("utf-16")
    else:
        yield str(path), html.unescape(data.decode("utf-8", errors="replace")) + "\n" + path.name


# --- the raw files -----------------------------------------------------------------------------

def _text_headers(source: str) -> set[str]:
    cols = [c for c in SOURCES[source].columns if c.kind == "text" and not c.derived]
    return {n for c in cols for n in (c.name, *c.aliases)}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def _plant_csv(path: Path, source: str, start: int) -> int:
    """Every text column of the file gets the planted sentence in one row of its own."""
    wanted = _text_headers(source)
    if not wanted:
        return start  # realisasi: numbers and codes only (its file name carries the values)
    data = path.read_bytes()
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "cp1252", data.decode("cp1252")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    known = {n for c in SOURCES[source].columns for n in (c.name, *c.aliases)}
    at = next(i for i, r in enumerate(rows) if sum(_key(h) in known for h in r) >= 2)
    header = [_key(h) for h in rows[at]]
    body = [i for i in range(at + 1, len(rows)) if len(rows[i]) == len(header)]
    n = start
    for k, name in enumerate(header):
        if name in wanted:
            rows[body[k % len(body)]][k] = planted(n)
            n += 1
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return n


def _plant_xlsx(path: Path, source: str, start: int) -> int:
    """Each text column of the sheet (inline strings) gets the planted sentence in one row."""
    with zipfile.ZipFile(path) as zf:
        members = {m: zf.read(m) for m in zf.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    cells = re.findall(r'<c r="([A-Z]+)(\d+)" t="inlineStr"><is><t>([^<]*)</t>', sheet)
    wanted = _text_headers(source)
    header_row = next(row for _col, row, text in cells if text.strip().lower() in wanted)
    columns = [col for col, row, text in cells
               if row == header_row and text.strip().lower() in wanted]
    n = start
    for k, col in enumerate(columns):
        cell = f'<c r="{col}{int(header_row) + 1 + k}" t="inlineStr"><is><t>'
        before = sheet
        sheet = re.sub(re.escape(cell) + "[^<]*</t>", cell + html.escape(planted(n)) + "</t>",
                       sheet, count=1)
        assert sheet != before, cell
        n += 1
    members["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return n


@pytest.fixture(scope="module")
def planted_load(tmp_path_factory):
    """A small sample with the values planted, loaded (with exports) by `python -m etl load`."""
    from etl import sample

    root = tmp_path_factory.mktemp("planted")
    raw = root / "raw"
    sample.generate(raw, seed=11, scale=0.02, as_of=dt.date(2026, 6, 30))
    n = 0
    for source in SOURCES:
        files = sorted(p for p in (raw / source).iterdir() if p.suffix in (".csv", ".xlsx"))
        assert files, source
        for path in files:
            n = _plant_csv(path, source, n) if path.suffix == ".csv" else _plant_xlsx(path, source, n)
        # a file name with a phone and a NIK in it (realisasi has no text column at all)
        first = files[0]
        first.rename(first.with_name(f"{first.stem}_{PHONE}_{NIK}{first.suffix}"))
    assert n > 20
    # the raw files do carry every kind (so a clean warehouse means redaction, not absence)
    raw_leaks = {k for p in raw.rglob("*.*") for _name, t in texts_of(p) for k in leaks(t)}
    assert raw_leaks == {"name", "street", "email", "birth date", "nik", "phone"}, raw_leaks
    env = {**os.environ, "LENTERA_DATA_DIR": str(root), "PYTHONUNBUFFERED": "1",
           "LENTERA_WAREHOUSE": str(root / "warehouse.duckdb")}
    run = subprocess.run([sys.executable, "-m", "etl", "load", "--raw", str(raw), "--db",
                          str(root / "warehouse.duckdb")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    return root, run.stdout + run.stderr


def test_planted_values_are_spelled_every_way_the_rules_must_catch():
    """The test can fail: the raw sentence leaks every kind, the redacted one none."""
    for i in range(12):
        assert set(leaks(planted(i))) == {"name", "street", "email", "birth date", "nik", "phone"}
        assert leaks(privacy.redact_text(planted(i))) == [], privacy.redact_text(planted(i))


def test_no_planted_value_in_any_table_of_the_warehouse(planted_load):
    root, _ = planted_load
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        columns = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE "
                              "database_name = current_database() AND data_type = 'VARCHAR' "
                              "AND table_name NOT LIKE 'wilayah_%'").fetchall()
        checked, tokens = 0, set()
        for table, column in columns:
            values = [v for (v,) in con.execute(
                f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            ).fetchall()]
            checked += len(values)
            for v in values:
                assert not leaks(v), (table, column, v)
                tokens |= {t for t in privacy.TOKENS if t in v}
    finally:
        con.close()
    assert checked and tokens == set(privacy.TOKENS)  # planted rows are there, redacted


def test_no_planted_value_in_any_download(planted_load):
    root, _ = planted_load
    exports = [p for p in (root / "exports").rglob("*") if p.is_file()]
    kinds = {p.suffix for p in exports}
    assert {".csv", ".parquet", ".xlsx", ".zip", ".json"} <= kinds, kinds
    for path in exports:
        for name, text in texts_of(path):
            assert not leaks(text), (name, leaks(text))


def test_no_planted_value_in_the_etl_output(planted_load):
    _, output = planted_load
    assert output.strip()
    assert not leaks(output), output


def test_log_lines_are_redacted(caplog):
    privacy.install_log_redaction()
    log = logging.getLogger("lentera.test_privacy")
    with caplog.at_level(logging.INFO):
        log.warning("form from %s", planted(3))
        try:
            raise ValueError(planted(4))
        except ValueError:
            log.exception("failed: %s", planted(5))
    text = "\n".join(caplog.messages) + "\n".join(r.exc_text or "" for r in caplog.records)
    assert "[NIK]" in text and "ValueError" in text
    assert not leaks(text), text
    assert not leaks(caplog.text), caplog.text


# --- citizens' forms ---------------------------------------------------------------------------

def test_no_planted_value_in_the_store(store):
    from lentera.store import engine, submissions

    submissions.init()
    desa = forms.desa_options()[3]["kode_desa"]
    ticket = submissions.create_pengaduan(
        {"kategori": "Infrastruktur", "judul": f"Bapak Sutrisno {NAME}, hp {PHONES[1]}", "isi": planted(1),
         "kode_desa": desa}, [])
    submissions.create_usulan(
        {"usulan": planted(2), "permasalahan": planted(3), "kode_desa": desa, "volume": 10,
         "satuan": "meter", "bidang_urusan": "Pekerjaan Umum dan Penataan Ruang"}, [])
    submissions.append_event(ticket, "diverifikasi", "petugas.uji", "verifikator",
                             public_note=planted(4))
    dumps = []
    with engine.current().connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            dumps.append((table, "\n".join(" | ".join(map(str, r)) for r in rows)))
    assert any("[NIK]" in text for _, text in dumps)
    for table, text in dumps:
        assert not leaks(text), (table, leaks(text))
    # what the public sees: Lacak and the citizen-report download
    assert not leaks(repr(submissions.public_view(ticket)))
    assert not leaks(submissions.pengaduan_frame().write_csv())
