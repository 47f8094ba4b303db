"""`make serve`: several Lentera processes behind Debian's nginx on one port (one machine).

    python -m lentera.serving [--processes N] [--port 8080] [--first-app-port 8601]

Starts N `streamlit run serve.py` processes on loopback (default: one per core), waits until each
says ready (`/readyz`: imports, figures, warehouse and store warmed up), then starts nginx with
the configuration rendered from deploy/nginx.conf.template (sticky sessions, websocket upgrade,
downloads served by nginx, request-size limit, the client-address header the rate limit trusts).
Ctrl-C or SIGTERM stops everything.

A supervisor watches the processes twice a second. A process that exits is marked `down` in
nginx's configuration at once (nginx reloads gracefully: open websockets stay where they are) and
restarted; it is put back only when its `/readyz` answers 200. A restarting Streamlit process
listens on its port before its warm-up ends and would hold the requests sent to it meanwhile, so
readiness — not the open port — decides when it gets traffic again. A process that is busy is
never taken out (nginx's `max_fails=0`): under a crowd a slow answer is not a failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from lentera.core import config, settings

ROOT = config.PROJECT_ROOT
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
MAX_BODY = "64m"  # a little above Streamlit's upload limit (server.maxUploadSize = 50 MB)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)


def _fill(template: str, **values: str) -> str:
    """Replace each `@name@` of the template (nginx's own `$variables` stay as they are)."""
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    if "@" in template.replace("@@", ""):
        missing = sorted({w for w in template.split("@")[1::2] if w.isidentifier()})
        if missing:
            raise KeyError(f"nginx template values missing: {missing}")
    return template


def render_nginx(prefix: Path, listen: str, app_ports: list[int],
                 down: frozenset[int] | set[int] = frozenset()) -> Path:
    """Write `<prefix>/nginx.conf` for these app ports (those in `down` marked so); its path.

    `max_fails=0`: nginx never takes a process out on its own — a dead one refuses the connection
    and the request goes to the next at once; one that is slow under a crowd is still alive. The
    supervisor marks a process `down` while it restarts (consistent hashing keeps every other
    visitor where they are).
    """
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=0{' down' if p in down else ''};"
        for p in app_ports)
    mime = next((p for p in ("/etc/nginx/mime.types", "/usr/local/nginx/conf/mime.types")
                 if Path(p).exists()), None)
    text = _fill(TEMPLATE.read_text(encoding="utf-8"),
        # As root, nginx's workers would drop to `nobody`, who may not read the checkout.
        user_line="user root;" if os.geteuid() == 0 else "",
        prefix=str(prefix), mime_types=mime or str(prefix / "mime.types"), listen=listen,
        upstream_servers=servers, max_body=MAX_BODY, static_root=str(ROOT / "static"))
    if mime is None:
        (prefix / "mime.types").write_text("types { text/html html; text/csv csv; }\n")
    conf = prefix / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def start_app(port: int, env: dict[str, str], log_dir: Path,
              script: Path = ROOT / "serve.py") -> subprocess.Popen:
    """One app process on 127.0.0.1:`port` (its output in `<log_dir>/app-<port>.log`)."""
    log = (log_dir / f"app-{port}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def is_ready(port: int, path: str = "/readyz", timeout: float = 2.0) -> bool:
    """Whether `path` on 127.0.0.1:`port` answers 200 now."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 120.0,
               path: str = "/readyz") -> None:
    """Until `path` on `port` answers 200; raises if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app process on port {port} exited with {proc.returncode}")
        if is_ready(port, path):
            return
        time.sleep(0.25)
    raise RuntimeError(f"app process on port {port} not ready within {timeout:.0f} s")


class Stack:
    """N app processes and nginx in front: `start()` (with a supervisor thread), `stop()`."""

    def __init__(self, processes: int, port: int, first_app_port: int = 8601,
                 run_dir: Path | None = None, env: dict[str, str] | None = None,
                 listen: str = "127.0.0.1", app_ports: list[int] | None = None,
                 script: Path = ROOT / "serve.py", ready_path: str = "/readyz") -> None:
        # `make bench` serves its floor page (a plain script: Streamlit's own health route) too.
        self.script, self.ready_path = script, ready_path
        self.listen = listen
        self.ports = list(app_ports or [first_app_port + i for i in range(processes)])
        self.port = port
        self.run_dir = Path(run_dir or tempfile.mkdtemp(prefix="lentera-serve-"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # Behind nginx the rate limit must use nginx's client address, not nginx's own.
        self.env = settings.child_environment(**(env or {}), LENTERA_TRUST_PROXY="1")
        self.apps: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.down: set[int] = set()  # restarting: out of nginx until ready
        self.restarts: list[tuple[float, int, str]] = []  # (time, port, "exited"|"ready")
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    def start(self, supervise: bool = True) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install -y nginx)")
        for port in self.ports:
            self.apps[port] = start_app(port, self.env, self.run_dir, self.script)
        for port in self.ports:
            wait_ready(port, self.apps[port], path=self.ready_path)
        conf = self._render()
        self.nginx = subprocess.Popen([binary, "-p", str(self.run_dir), "-c", str(conf)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: see {self.run_dir / 'error.log'}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/nginx-health",
                                            timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("nginx did not answer within 30 s")
        if supervise:
            self._supervisor = threading.Thread(target=self._supervise, name="lentera-supervisor",
                                                daemon=True)
            self._supervisor.start()

    def _render(self) -> Path:
        return render_nginx(self.run_dir, f"{self.listen}:{self.port}", self.ports, self.down)

    def _reload_nginx(self) -> None:
        """Rewrite nginx.conf and reload it (SIGHUP: new workers; old ones finish their requests)."""
        self._render()
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGHUP)

    def check(self) -> list[tuple[int, str]]:
        """One supervisor step: take exited processes out and restart them; put ready ones back.

        Returns what changed, as (port, "exited" | "ready").
        """
        changed: list[tuple[int, str]] = []
        exited = [p for p, proc in self.apps.items() if proc.poll() is not None]
        if exited:
            self.down.update(exited)
            self._reload_nginx()
            for port in exited:
                self.apps[port] = start_app(port, self.env, self.run_dir, self.script)
                changed.append((port, "exited"))
        back = [p for p in sorted(self.down)
                if p not in exited and self.apps[p].poll() is None
                and is_ready(p, self.ready_path, timeout=1.0)]
        if back:
            self.down.difference_update(back)
            self._reload_nginx()
            changed.extend((p, "ready") for p in back)
        now = time.time()
        self.restarts.extend((now, p, what) for p, what in changed)
        return changed

    def _supervise(self) -> None:
        while not self._stopping.wait(0.5):
            try:
                for port, what in self.check():
                    print(f"app process on port {port} "
                          f"{'exited; restarting' if what == 'exited' else 'ready again'}",
                          flush=True)
            except Exception as exc:  # noqa: BLE001 - the supervisor must outlive one bad step
                print(f"supervisor: {exc}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=10)
        procs = [p for p in [self.nginx, *self.apps.values()] if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lentera.serving", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--processes", type=int, default=config.serve_processes())
    parser.add_argument("--port", type=int, default=config.serve_port())
    parser.add_argument("--first-app-port", type=int, default=8601)
    parser.add_argument("--listen", default="127.0.0.1",
                        help="nginx's address (0.0.0.0 to serve other machines)")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="where nginx.conf, logs and pid files go (default: a new temp dir)")
    args = parser.parse_args(argv)
    stack = Stack(args.processes, args.port, args.first_app_port, args.run_dir, listen=args.listen)
    stopping = False

    def _stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        stack.start()
        print(f"Lentera: {len(stack.ports)} processes behind nginx at "
              f"http://127.0.0.1:{args.port}/ (logs in {stack.run_dir})", flush=True)
        while not stopping:
            if stack.nginx is not None and stack.nginx.poll() is not None:
                print("nginx exited; stopping", file=sys.stderr)
                return 1
            time.sleep(1)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
