"""`make bench`: measure loading and query speed at scale 1 and 10 and write BENCHMARKS.md.

Figures are measured on this machine in this run; nothing here is asserted. Each load runs in its
own process so that its peak memory (ru_maxrss from wait4) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from lentera.core.schema import SOURCES

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-10-31"
SEED = 42


def _run(cmd: list[str], env: dict | None = None) -> tuple[int, float, float]:
    """Run a command; return (exit code, seconds, peak RSS in MiB) of that process alone."""
    start = time.perf_counter()
    # output to a file: a pipe nobody reads while we wait would block the child when full
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            log.seek(0)
            err = log.read().decode(errors="replace")[-2000:]
            print(f"  ! {' '.join(cmd)} exited {code}\n{err}", file=sys.stderr)
    return code, seconds, usage.ru_maxrss / 1024


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import polars
    import streamlit

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "streamlit": streamlit.__version__,
    }


def ensure_sample(out: Path, scale: float) -> float:
    """Generate the sample at this scale unless the same one is already there; return seconds."""
    marker = out / "SAMPLE.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("scale") == scale and info.get("seed") == SEED and info.get("as_of") == AS_OF:
            return float("nan")
    code, seconds, _ = _run([sys.executable, "-m", "etl", "sample", "--out", str(out),
                             "--seed", str(SEED), "--scale", str(scale), "--as-of", AS_OF])
    if code != 0:
        raise SystemExit(f"sample generation failed at scale {scale}")
    return seconds


def source_files(raw: Path, source: str) -> tuple[list[str], list[str]]:
    files = sorted(glob.glob(str(raw / source / "*")))
    return [f for f in files if f.lower().endswith(".csv")], [f for f in files if f.lower().endswith(".xlsx")]


def raw_duckdb_move(csvs: list[str], db: Path) -> tuple[float, int]:
    """DuckDB alone moving the same CSV files into a table: no validation, auto-detected types."""
    if db.exists():
        db.unlink()
    con = duckdb.connect(str(db))
    start = time.perf_counter()
    con.sql("CREATE TABLE t AS SELECT * FROM read_csv($f, union_by_name = true, ignore_errors = true, "
            "null_padding = true)", params={"f": csvs})
    rows = con.sql("SELECT count(*) FROM t").fetchall()[0][0]
    seconds = time.perf_counter() - start
    con.close()
    db.unlink()
    return seconds, rows


def bench_load(scale: float, work: Path) -> dict:
    raw = work / f"raw_s{scale:g}"
    gen_seconds = ensure_sample(raw, scale)
    result: dict = {"scale": scale, "generate_seconds": gen_seconds, "sources": {}}
    db = work / f"wh_s{scale:g}.duckdb"
    for source in SOURCES:
        csvs, xlsxs = source_files(raw, source)
        size = sum(os.path.getsize(f) for f in csvs + xlsxs)
        tmp_db = work / f"only_{source}.duckdb"
        if tmp_db.exists():
            tmp_db.unlink()
        code, seconds, peak = _run([sys.executable, "-m", "etl", "load", "--raw", str(raw),
                                    "--db", str(tmp_db), "--only", source, "--no-exports"])
        loaded = None
        if tmp_db.exists():
            con = duckdb.connect(str(tmp_db), read_only=True)
            loaded = con.sql(f"SELECT count(*) FROM {SOURCES[source].table}").fetchall()[0][0]
            con.close()
            tmp_db.unlink()
        raw_seconds, raw_rows = raw_duckdb_move(csvs, work / "raw_move.duckdb") if csvs else (None, 0)
        result["sources"][source] = {
            "files": len(csvs) + len(xlsxs), "xlsx_files": len(xlsxs), "mib": size / 2**20,
            "exit": code, "seconds": seconds, "rows_loaded": loaded, "peak_mib": peak,
            "rows_per_second": (loaded / seconds) if loaded else None,
            "raw_duckdb_seconds": raw_seconds, "raw_duckdb_rows": raw_rows,
        }
        print(f"  scale {scale:g} {source}: {loaded} rows in {seconds:.1f}s (raw DuckDB "
              f"{raw_seconds if raw_seconds is None else round(raw_seconds, 1)}s), peak {peak:.0f} MiB")
    if db.exists():
        db.unlink()
    code, seconds, peak = _run([sys.executable, "-m", "etl", "load", "--raw", str(raw), "--db", str(db)])
    result["full"] = {"exit": code, "seconds": seconds, "peak_mib": peak, "db": str(db)}
    print(f"  scale {scale:g} full load: {seconds:.1f}s, peak {peak:.0f} MiB, exit {code}")
    return result


def bench_queries(db: Path, repeat: int = 30) -> list[dict]:
    """Time every query registered by the dashboards (`bench_queries()` in lentera modules)."""
    os.environ["LENTERA_WAREHOUSE"] = str(db)
    from bench.registry import registered_queries

    rows = []
    for name, fn in registered_queries():
        fn()  # warm-up: first open, OS cache
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        rows.append({"query": name, "median_ms": statistics.median(times), "p95_ms": p95})
    return rows


def write_markdown(path: Path, info: dict) -> None:
    m = info["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {info['date']}. Figures from one run on this machine; they are",
        "not asserted by the tests. Targets come from the issues.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']} ({m['cores']} cores), memory {m['memory']}",
        f"- {m['os']}; Python {m['python']}, DuckDB {m['duckdb']}, Polars {m['polars']}, Streamlit {m['streamlit']}",
        "",
        "## `etl load` per source, against DuckDB alone moving the same CSV files",
        "",
        "Each source loaded alone (`--only … --no-exports`) in its own process. *Raw DuckDB* is `CREATE TABLE AS SELECT *",
        "FROM read_csv(...)` on the same CSV files with no validation (XLSX files are not in that figure).",
        "Target: the load within 2× the raw move at scale 10, peak memory under 2 GiB.",
        "",
        "| scale | source | files | MiB | rows loaded | seconds | rows/s | peak MiB | raw DuckDB s | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for res in info["loads"]:
        for source, s in res["sources"].items():
            ratio = (s["seconds"] / s["raw_duckdb_seconds"]) if s["raw_duckdb_seconds"] else None
            lines.append(
                f"| {res['scale']:g} | {source} | {s['files']} | {s['mib']:.1f} | {s['rows_loaded'] or 0:,} | "
                f"{s['seconds']:.2f} | {s['rows_per_second'] or 0:,.0f} | {s['peak_mib']:.0f} | "
                f"{'–' if s['raw_duckdb_seconds'] is None else format(s['raw_duckdb_seconds'], '.2f')} | "
                f"{'–' if ratio is None else format(ratio, '.1f') + '×'} |")
    lines += ["", "Process start-up (Python, imports, reference tables) is included in *seconds*.", ""]
    lines += ["## Full load", "", "| scale | seconds | peak MiB | exit |", "|---|---|---|---|"]
    for res in info["loads"]:
        f = res["full"]
        lines.append(f"| {res['scale']:g} | {f['seconds']:.1f} | {f['peak_mib']:.0f} | {f['exit']} |")
    lines += ["", "The full load includes preparing every download (CSV, Excel CSV, Parquet, XLSX, GeoJSON,",
              "the data package). Exit 1 = loaded with some rows rejected: the sample is deliberately messy.", ""]
    if info.get("queries"):
        lines += ["## Dashboard queries at scale " + f"{info['query_scale']:g}", "",
                  "Each query run 30 times after one warm-up, uncached (the app caches on top). Target: p95 ≤ 100 ms.",
                  "", "| query | median ms | p95 ms |", "|---|---|---|"]
        for q in info["queries"]:
            lines.append(f"| {q['query']} | {q['median_ms']:.1f} | {q['p95_ms']:.1f} |")
        lines.append("")
    for title, block in info.get("extra", {}).items():
        lines += [f"## {title}", "", block, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scales", default="1,10", help="comma-separated sample scales")
    parser.add_argument("--work", default="data/bench", help="working folder (kept between runs)")
    parser.add_argument("--out", default="BENCHMARKS.md")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    scales = [float(s) for s in args.scales.split(",") if s]
    info: dict = {"date": dt.date.today().isoformat(), "machine": machine(), "loads": [], "extra": {}}
    for scale in scales:
        print(f"scale {scale:g}")
        info["loads"].append(bench_load(scale, work))
    last = info["loads"][-1]["full"]
    if last["exit"] in (0, 1):
        info["query_scale"] = scales[-1]
        info["queries"] = bench_queries(Path(last["db"]))
    from bench.registry import extra_benchmarks

    for title, fn in extra_benchmarks():
        print(f"{title} …")
        info["extra"][title] = fn(work)
    write_markdown(ROOT / args.out, info)
    (work / "last_run.json").write_text(json.dumps(info, indent=2, default=str))
    print(f"wrote {args.out}")
    shutil.rmtree(work / "tmp", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
