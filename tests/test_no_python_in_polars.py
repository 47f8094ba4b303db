"""No Python function runs inside a Polars expression (see lentera/core/frames.py for why).

Under a crowd, one Streamlit process runs many sessions' scripts in threads; a Python callback on
Polars' thread pool deadlocks against a script that holds the GIL while it waits for that pool,
and the process hangs for good (found by the set-up test's crowd on two cores). The check is by
the source's syntax tree, so a new page or module cannot bring the pattern back unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl

from lentera.core import fmt, frames

ROOT = Path(__file__).resolve().parents[1]
# Polars methods that call back into Python from Polars' own threads
CALLBACKS = {"map_elements", "map_batches", "map_rows", "map_groups", "apply"}


def _sources() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "serve.py"]
    for folder in ("lentera", "pages", "etl", "bench"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def test_no_module_puts_a_python_callback_inside_polars():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in CALLBACKS):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}(…)")
    assert len(_sources()) > 50
    assert not found, "use lentera.core.frames instead:\n" + "\n".join(found)


def test_values_and_formatted_keep_nulls_and_order():
    s = pl.Series("biaya", [1_500_000_000.0, None, 250_000.0])
    out = frames.values(s, fmt.rupiah)
    assert out.name == "biaya" and out.dtype == pl.String
    assert out.to_list() == [fmt.rupiah(1_500_000_000.0), None, fmt.rupiah(250_000.0)]
    df = frames.formatted(pl.DataFrame({"a": [0.5, None], "b": [1, 2]}), {"a": fmt.percent})
    assert df.columns == ["a", "b"] and df["a"].to_list() == [fmt.percent(0.5), None]
    assert frames.values(s, fmt.rupiah, name="teks").name == "teks"


WORKLOAD = r"""
import sys, threading, time
import polars as pl
from lentera.core import fmt, frames
parts = [pl.DataFrame({"x": [float(i) for i in range(5000)], "s": [f"teks {i}" for i in range(5000)],
                       "k": [i % 97 for i in range(5000)]}) for _ in range(20)]
big = pl.concat(parts, rechunk=False)
def work(n):
    for _ in range(20):
        if n % 2:
            frames.formatted(big.head(20_000), {"x": fmt.number, "k": fmt.number})
        else:
            big.to_pandas()
            big.with_columns(pl.col("x") * 2).to_pandas()
threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(8)]
for th in threads:
    th.start()
deadline = time.monotonic() + 240
for th in threads:
    th.join(timeout=max(0.1, deadline - time.monotonic()))
print("hung" if any(th.is_alive() for th in threads) else "finished", flush=True)
"""


def test_many_threads_formatting_and_converting_at_once_all_finish():
    """What a crowd does in one process: scripts formatting values while others convert frames.

    In a child process, because a deadlock holds the GIL: the child would never report, the
    timeout below ends it and the test fails instead of hanging. (The same workload with
    `map_elements` in place of `frames.formatted` hung in 3 of 4 runs on this machine.)
    """
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-c", WORKLOAD], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise AssertionError("the threads deadlocked (no answer in 300 s)") from None
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "finished"
