"""The app served as in production for the load benches: gunicorn on loopback, ``wrk`` as client."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess  # nosec B404
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_environment(folder: Path, settings: str) -> dict:
    """The environment of a bench app in ``folder`` (its own SQLite file and instance folder, with
    ``settings`` as its ``trainer.cfg``), its database migrated."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "TRAINER_INSTANCE_PATH": str(folder),
        "SECRET_KEY": "bench-secret-key",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    (folder / "trainer.cfg").write_text(settings)
    prepare_database(env)
    return env


def prepare_database(env: dict) -> None:
    """``trainer db upgrade`` on the database of ``env`` (a fresh file: the schema and reference data)."""
    subprocess.run([str(BIN / "trainer"), "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603  # nosec B603


@contextmanager
def gunicorn(env: dict, workers: int = 2) -> Iterator[int]:
    """Serve ``trainer:create_app()`` with ``workers`` sync workers; yields the port once it answers."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603  # nosec B603
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "300",  # a cold report page at the reference scale takes seconds
            "trainer:create_app()",
        ],
        env=env,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("gunicorn stopped before answering") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def in_threads(items: list, work: Callable, threads: int = 16) -> None:
    """``work(item)`` for every item, from ``threads`` threads at once."""
    lock = threading.Lock()
    queue = list(items)

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            work(item)

    started = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()


def has_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    script_args: tuple[str, ...] = (),
    timeout: str = "30s",
) -> str:
    """Run ``wrk --latency`` against ``url``; returns its report."""
    command = [
        str(shutil.which("wrk")),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        timeout,
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603  # nosec B603


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def median_latency(report: str) -> float:
    """The 50th percentile of ``wrk --latency``, in seconds."""
    return _seconds(re.search(r"^\s*50%\s+(\S+)", report, re.MULTILINE).group(1))


def request_counts(report: str) -> tuple[int, int]:
    """(requests completed, errors: non-2xx/3xx answers, socket errors and timeouts)."""
    total = int(re.search(r"(\d+) requests in", report).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", report)) else 0
    errors += sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", report))
    return total, errors


def elapsed(report: str) -> float:
    return float(re.search(r"requests in ([\d.]+)s", report).group(1))
