"""`make bench`: measure loading, queries, pages, browsers and crowds and write BENCHMARKS.md.

Figures are measured on this machine in this run; nothing here is asserted. Each load runs in its
own process so that its peak memory (ru_maxrss from wait4) is its own. The serving benchmarks
(bench/registry.py) run on the warehouse of the last scale. `--quick` is a small run for
development (tiny scale, few views and visitors) written beside the working folder, not over
BENCHMARKS.md.
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
import threading
import time
from pathlib import Path

import duckdb

from bench.common import verdict
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


def _run_load(cmd: list[str], db: Path) -> dict:
    """`etl load` into `db` (absent before): when the new warehouse was served, downloads ready, exit.

    Served = the moment `db` appears (the load renames it into place); downloads ready = the moment
    `exports/<version>/manifest.json` beside it is written (waited for after the process exits too,
    in case downloads are prepared in the background).
    """
    exports = db.parent / "exports"
    seen: dict[str, float] = {}
    stop = threading.Event()
    start = time.perf_counter()
    wall0 = time.time()

    def manifest_ready() -> bool:
        return any(m.stat().st_mtime >= wall0 for m in exports.glob("*/manifest.json"))

    def watch() -> None:
        while not stop.is_set():
            now = time.perf_counter() - start
            if "serve" not in seen and db.exists():
                seen["serve"] = now
            if "downloads" not in seen and manifest_ready():
                seen["downloads"] = now
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code, seconds, peak = _run(cmd)
    deadline = time.perf_counter() + 600
    while "--no-exports" not in cmd and "downloads" not in seen and code in (0, 1) \
            and time.perf_counter() < deadline and db.exists():
        time.sleep(0.1)
        if manifest_ready() and "downloads" not in seen:
            seen["downloads"] = time.perf_counter() - start
    stop.set()
    watcher.join()
    return {"exit": code, "seconds": seconds, "peak_mib": peak,
            "serve_seconds": seen.get("serve"), "downloads_seconds": seen.get("downloads")}


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
    full = _run_load([sys.executable, "-m", "etl", "load", "--raw", str(raw), "--db", str(db)], db)
    result["full"] = {**full, "db": str(db), "raw_duckdb_seconds": sum(
        s["raw_duckdb_seconds"] or 0 for s in result["sources"].values())}
    print(f"  scale {scale:g} full load: {full['seconds']:.1f}s (served after "
          f"{full['serve_seconds']}s), peak {full['peak_mib']:.0f} MiB, exit {full['exit']}")
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
    lines += ["## Full load: new data served, every download ready, beside the raw DuckDB move", "",
              "One `etl load` of every source (the downloads included) in its own process. *Served* = "
              "from the start of the process until the new warehouse file is renamed into place (what "
              "the app serves from then on); *downloads ready* = until the prepared files' manifest "
              "(CSV, Excel CSV, Parquet, XLSX, GeoJSON, the data package) is written. *Raw move* = the "
              "sum of DuckDB alone moving each source's CSV files (table above; no process start-up in it, "
              "while *served* includes `etl load`'s). Targets (issue 19): "
              "served ≤ 1.5× the raw move, every download ready ≤ 3×. Exit 1 = loaded with some rows "
              "rejected: the sample is deliberately messy.", "",
              "| scale | served s | × raw | verdict | downloads ready s | × raw | verdict | process s | "
              "raw move s | peak MiB | exit |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for res in info["loads"]:
        f = res["full"]
        raw = f.get("raw_duckdb_seconds") or float("nan")
        serve = f.get("serve_seconds") or float("nan")
        ready = f.get("downloads_seconds") or float("nan")
        lines.append(
            f"| {res['scale']:g} | {serve:.1f} | {serve / raw:.1f}× | {verdict(serve / raw, 1.5, '×')} | "
            f"{ready:.1f} | {ready / raw:.1f}× | {verdict(ready / raw, 3.0, '×')} | {f['seconds']:.1f} | "
            f"{raw:.1f} | {f['peak_mib']:.0f} | {f['exit']} |")
    lines.append("")
    if info.get("queries"):
        lines += ["## Dashboard queries at scale " + f"{info['query_scale']:g}", "",
                  f"Each query run {info.get('query_repeat', 30)} times after one warm-up, uncached (the app caches on top). Target: p95 ≤ 100 ms.",
                  "", "| query | median ms | p95 ms |", "|---|---|---|"]
        for q in info["queries"]:
            lines.append(f"| {q['query']} | {q['median_ms']:.1f} | {q['p95_ms']:.1f} |")
        lines.append("")
    for title, block in info.get("extra", {}).items():
        if block is None:
            continue
        lines += [f"## {title}", "", block, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


SECTIONS = ("loads", "queries", "pages", "browser", "crowd", "submissions", "download")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=None,
                        help="comma-separated sample scales (default 1,10; --quick: 0.05)")
    parser.add_argument("--quick", action="store_true",
                        help="a small run for development: tiny scale, few views and visitors")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections to run: " + ",".join(SECTIONS) +
                             " (without loads, the last scale's warehouse of an earlier run is used)")
    parser.add_argument("--work", default="data/bench", help="working folder (kept between runs)")
    parser.add_argument("--out", default=None,
                        help="markdown written (default BENCHMARKS.md; --quick: <work>/BENCHMARKS.quick.md)")
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    scales = [float(s) for s in (args.scales or ("0.05" if args.quick else "1,10")).split(",") if s]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if unknown := only - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    out = Path(args.out) if args.out else (work / "BENCHMARKS.quick.md" if args.quick
                                           else ROOT / "BENCHMARKS.md")
    info: dict = {"date": dt.date.today().isoformat(), "machine": machine(), "loads": [], "extra": {},
                  "quick": args.quick}
    warehouse = work / f"wh_s{scales[-1]:g}.duckdb"
    if "loads" in only:
        for scale in scales:
            print(f"scale {scale:g}")
            info["loads"].append(bench_load(scale, work))
        if info["loads"][-1]["full"]["exit"] not in (0, 1):
            raise SystemExit("the last full load failed: nothing to serve")
    elif not warehouse.exists():
        raise SystemExit(f"no warehouse at {warehouse}: run with the loads section first")
    if "queries" in only:
        info["query_scale"] = scales[-1]
        info["query_repeat"] = 3 if args.quick else 30
        info["queries"] = bench_queries(warehouse, repeat=info["query_repeat"])
    from bench.common import Context
    from bench.registry import extra_benchmarks

    ctx = Context(work=work, warehouse=warehouse, scale=scales[-1], quick=args.quick)
    for key, title, fn in extra_benchmarks():
        if key not in only:
            continue
        print(f"{title} …")
        started = time.perf_counter()
        info["extra"][title] = fn(ctx)
        print(f"  ({time.perf_counter() - started:.0f} s)")
    info["serving"] = ctx.results
    write_markdown(out, info)
    (work / "last_run.json").write_text(json.dumps(info, indent=2, default=str))
    print(f"wrote {out}")
    shutil.rmtree(work / "tmp", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
