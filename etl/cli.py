"""Command line: `python -m etl sample | load | export | check` (contract in DESIGN.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from lentera.core import config, privacy
from lentera.core.schema import SOURCES


def _years(text: str) -> tuple[int, int]:
    start, _, end = text.partition("-")
    try:
        a, b = int(start), int(end or start)
    except ValueError:
        raise argparse.ArgumentTypeError("tahun: contoh 2024-2026") from None
    if a > b:
        raise argparse.ArgumentTypeError("tahun awal lebih besar dari tahun akhir")
    return a, b


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("tanggal: YYYY-MM-DD") from None


def parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m etl`."""
    p = argparse.ArgumentParser(prog="python -m etl", description="Lentera ETL")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="buat data contoh di data/raw")
    s.add_argument("--out", type=Path, default=None)
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--scale", type=float, default=1.0)
    s.add_argument("--years", type=_years, default=(2024, 2026))
    s.add_argument("--as-of", dest="as_of", type=_date, default=None)
    ld = sub.add_parser("load", help="bangun gudang data dari data/raw")
    ld.add_argument("--raw", type=Path, default=None)
    ld.add_argument("--db", type=Path, default=None)
    ld.add_argument("--only", default=None, help="sumber dipisah koma: " + ",".join(SOURCES))
    ld.add_argument("--no-exports", dest="exports", action="store_false",
                    help="jangan siapkan berkas unduhan (lebih cepat)")
    e = sub.add_parser("export", help="tulis paket data terbuka (Frictionless) ke folder, atau "
                                      "Parquet per kode wilayah untuk provinsi")
    target = e.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="folder paket data terbuka (Frictionless)")
    target.add_argument("--partitioned", type=Path, metavar="DIR",
                        help="pohon Parquet DIR/kode_wilayah=<kode>/<dataset>/data.parquet; "
                             "hanya partisi wilayah gudang ini yang diganti")
    e.add_argument("--db", type=Path, default=None, help="gudang data (bawaan: LENTERA_WAREHOUSE)")
    c = sub.add_parser("check", help="periksa berkas tanpa memuat")
    c.add_argument("path", type=Path)
    c.add_argument("--source", required=True)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    privacy.install_log_redaction()
    args = parser().parse_args(argv)
    if args.command == "sample":
        from etl import sample

        out = args.out or config.raw_dir()
        try:
            summary = sample.generate(out, seed=args.seed, scale=args.scale, years=args.years,
                                      as_of=args.as_of)
        except sample.SampleError as exc:
            print(f"data contoh tidak dibuat: {exc}", file=sys.stderr)
            return 2
        rows = ", ".join(f"{k} {v:,}" for k, v in summary.get("rows", {}).items())
        print(f"Data contoh (seed {summary['seed']}, skala {summary['scale']}, per {summary['as_of']}) "
              f"ditulis ke {out}: {len(summary.get('files', []))} berkas; baris: {rows}")
        return 0

    if args.command == "export":
        from etl import export

        db = args.db or config.warehouse_path()
        if not Path(db).exists():
            print(f"gudang data tidak ada: {db}", file=sys.stderr)
            return 2
        if args.partitioned is not None:
            try:
                doc = export.export_partitioned(db, args.partitioned)
            except export.ExportError as exc:
                print(f"partisi tidak dibuat: {exc}", file=sys.stderr)
                return 2
            rows = sum(d["rows"] for d in doc["datasets"].values())
            part = export.partition_dir(args.partitioned, doc[export.PARTITION_KEY])
            print(f"Partisi {doc['nama_wilayah']} ({doc[export.PARTITION_KEY]}) ditulis: {part} "
                  f"— {len(doc['datasets'])} dataset, {rows:,} baris, versi {doc['data_version']}")
            return 0
        try:
            path = export.export_package(db, args.out)
        except export.ExportError as exc:
            print(f"paket data tidak dibuat: {exc}", file=sys.stderr)
            return 2
        print(f"Paket data terbuka ditulis: {path}")
        return 0

    from etl.load import check, load
    from etl.report import failure_lines, report_lines

    if args.command == "load":
        only = args.only.split(",") if args.only else None
        result = load(args.raw or config.raw_dir(), args.db or config.warehouse_path(), only=only,
                      exports=args.exports)
    else:
        result = check(args.path, args.source)
    for line in report_lines(result):
        print(line)
    sys.stdout.flush()
    # exit 2: one line per failed file on stderr (DESIGN.md, command-line contract)
    for line in failure_lines(result):
        print(line, file=sys.stderr)
    return result.exit_code
