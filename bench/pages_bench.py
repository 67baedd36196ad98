"""Pages at the reference scale against a minimal route of the same app (quality.md "pages" row).

A fresh SQLite database is migrated and loaded as for the reports bench (``reports_bench.load``:
sessions, registrations, persons, evaluations, declarations), plus two slots a session with a
mark per registration and slot, and the staff accounts. gunicorn (2 sync workers) serves the app
on loopback; a coordinator logs in through the login form and ``wrk`` (16 connections) sends its
session cookie to each page: the dashboard (``/rapports/``, unfiltered), the session list, a
session page and the kit catalogue. Each page's median latency is compared with the median of
``/sante`` (no database, no template) measured in the same run — target ≤ 10×.

Each page is first requested by 16 clients at once, so that both workers have computed what
they keep under the data version (report results, the page); the measure starts after that. With
no write meanwhile, that is what a visitor gets; a write makes the next visit compute afresh.
The floor is measured again in each round, between the pages (the machine is shared and noisy).
The number of SQL queries each page issues when computed afresh is printed too (the tests check
it does not grow with the data). ``PAGES_BENCH_REGISTRATIONS`` overrides the scale (default
1,000,000).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bench import server
from bench.__main__ import Result
from bench.reports_bench import load

TARGET = 10.0
FLOOR = "/sante"
PASSWORD = "banc-de-mesure-des-pages"  # noqa: S105  # nosec B105 - a throwaway database
EMAIL = "coordination@bench.example"
USERS = 10_000


def _scale(smoke: bool) -> tuple[int, int]:
    registrations = 5_000 if smoke else int(os.environ.get("PAGES_BENCH_REGISTRATIONS", 1_000_000))
    return max(50, registrations // 10), registrations


def _add_attendance_and_accounts(url: str, users: int) -> dict[str, int]:
    """Two half-day slots a session, a mark per registration and slot, ``users`` staff accounts."""
    from trainer import models  # noqa: F401  (every table)
    from trainer.extensions import db

    tables = db.metadata.tables
    sessions, slots, marks = tables["training_sessions"], tables["session_slots"], tables["attendance_marks"]
    registrations, accounts = tables["registrations"], tables["users"]
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for starts, ends in ((clock(9), clock(12, 30)), (clock(14), clock(17, 30))):
            connection.execute(
                slots.insert().from_select(
                    ["session_id", "on", "starts_at", "ends_at"],
                    sa.select(
                        sessions.c.id,
                        sessions.c.starts_on,
                        sa.literal(starts, sa.Time),
                        sa.literal(ends, sa.Time),
                    ),
                )
            )
        recorded = marks.c.recorded_at.type
        connection.execute(
            marks.insert().from_select(
                ["registration_id", "slot_id", "status", "method", "recorded_at"],
                sa.select(
                    registrations.c.id,
                    slots.c.id,
                    sa.case((registrations.c.present.is_(True), "present"), else_="absent"),
                    sa.literal("grid"),
                    sa.literal(datetime(2026, 1, 5, 12, tzinfo=UTC), recorded),
                ).join(slots, slots.c.session_id == registrations.c.session_id),
            )
        )
        roles = ("trainer", "trainer", "trainer", "manager", "coordinator")
        rows = [
            {"email": f"compte{n}@bench.example", "full_name": f"Compte {n}", "role": roles[n % len(roles)]}
            for n in range(users)
        ]
        connection.execute(accounts.insert(), rows)
        counts = {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for name, table in (("slots", slots), ("marks", marks), ("users", accounts))
        }
    with engine.begin() as connection:  # committed (see reports_bench.load)
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return counts


def _app(env: dict):
    for key in ("DATABASE_URL", "TRAINER_INSTANCE_PATH", "SECRET_KEY"):
        os.environ[key] = env[key]
    from trainer.app import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "TESTING": False, "WTF_CSRF_ENABLED": False}
    )


def _coordinator(app) -> None:
    """The account the bench logs in with, created as an admin would (the app's own service)."""
    from trainer.auth.models import Role
    from trainer.auth.services import create_user
    from trainer.extensions import db

    with app.app_context():
        create_user(email=EMAIL, role=Role.coordinator, password=PASSWORD, full_name="Banc de mesure")
        db.session.commit()


def _middle_session(app) -> int:
    from trainer.extensions import db
    from trainer.sessions.models import Registration

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.max(Registration.session_id)))
        return max(1, (count or 1) // 2)


def _count_queries(app, paths: list[str]) -> dict[str, int]:
    """SQL statements per page, through the app in this process (the dashboard computed afresh)."""
    from trainer.extensions import db

    client = app.test_client()
    client.post("/connexion", data={"email": EMAIL, "password": PASSWORD})
    counts = {}
    with app.app_context():
        engine = db.engine
    for path in paths:
        statements: list[str] = []

        def listen(conn, cursor, statement, *args, found=statements):
            found.append(statement)

        app.extensions.pop("trainer_versioned_cache", None)  # computed afresh
        sa.event.listen(engine, "before_cursor_execute", listen)
        try:
            status = client.get(path).status_code
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
        if status != 200:
            raise RuntimeError(f"{path} answered {status} in process")
        counts[path] = len(statements)
    return counts


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=600)


def _login(port: int) -> str:
    """Log in through the form, as a browser does; returns the ``Cookie`` header to send."""
    connection = _connection(port)
    connection.request("GET", "/connexion")
    response = connection.getresponse()
    body = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    connection.request(
        "POST",
        "/connexion",
        body=urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"login answered {response.status}")
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    # The welcome message waits in the cookie until a page shows it, as in a browser.
    connection.request("GET", response.getheader("Location"), headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    return (response.getheader("Set-Cookie") or cookie).split(";", 1)[0]


def _get(port: int, path: str, cookie: str) -> tuple[int, float]:
    connection = _connection(port)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.perf_counter() - started


def _with_threads(port: int, path: str, cookie: str, seconds: float) -> tuple[float, int, int]:
    """Without wrk: 16 Python clients in a loop (the client then weighs on the figure)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(_n: int) -> None:
        while time.perf_counter() < deadline:
            status, latency = _get(port, path, cookie)
            with lock:
                latencies.append(latency)
                errors[0] += status != 200

    server.in_threads(list(range(16)), client, 16)
    return statistics.median(latencies), len(latencies), errors[0]


def _measure(port: int, path: str, cookie: str, seconds: float) -> tuple[float, int, int]:
    """(median latency in seconds, requests, errors) of ``path`` under 16 connections."""
    statuses: list[int] = []
    server.in_threads(list(range(16)), lambda _n: statuses.append(_get(port, path, cookie)[0]), 16)
    if set(statuses) != {200}:
        raise RuntimeError(f"{path} answered {sorted(set(statuses))}, not 200")
    if not server.has_wrk():
        return _with_threads(port, path, cookie, seconds)
    report = server.wrk(
        f"http://127.0.0.1:{port}{path}",
        seconds=seconds,
        connections=16,
        headers={"Cookie": cookie} if cookie else None,
    )
    total, errors = server.request_counts(report)
    return server.median_latency(report), total, errors


def run(smoke: bool) -> list[Result]:
    session_count, registrations = _scale(smoke)
    seconds, rounds = (1, 1) if smoke else (3, 3)
    workdir = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    try:
        env = server.bench_environment(workdir, 'LOGIN_RATE_LIMIT = "1000 per minute"\n')
        started = time.perf_counter()
        counts = load(env["DATABASE_URL"], session_count, registrations)
        counts.update(_add_attendance_and_accounts(env["DATABASE_URL"], 200 if smoke else USERS))
        print(f"# pages : {counts} chargés en {time.perf_counter() - started:.0f} s", flush=True)
        app = _app(env)
        _coordinator(app)
        pages = [
            ("tableau de bord", "/rapports/"),
            ("liste des sessions", "/sessions/"),
            ("page de session", f"/sessions/{_middle_session(app)}"),
            ("catalogue des outils", "/outils"),
        ]
        queries = _count_queries(app, [path for _, path in pages])
        print("# pages : requêtes SQL par page " + ", ".join(f"{p} {n}" for p, n in queries.items()))
        floors: list[float] = []
        medians: dict[str, list[float]] = {path: [] for _, path in pages}
        failed: set[str] = set()
        with server.gunicorn(env, workers=2) as port:
            cookie = _login(port)
            # The machine is shared: the floor is measured again in each round, between the pages.
            for _ in range(rounds):
                floor, total, errors = _measure(port, FLOOR, "", seconds)
                floors.append(floor)
                print(
                    f"# pages : {FLOOR} médiane {floor * 1000:.2f} ms, {total} requêtes, {errors} erreur(s)"
                )
                for _label, path in pages:
                    median, total, errors = _measure(port, path, cookie, seconds)
                    medians[path].append(median)
                    if errors:
                        failed.add(path)
                    print(
                        f"# pages : {path} médiane {median * 1000:.2f} ms, {total} requêtes, "
                        f"{errors} erreur(s)",
                        flush=True,
                    )
        size = f"{counts['registrations'] // 1000}k"
        floor_ms = statistics.median(floors) * 1000
        return [
            Result(
                f"{label} ({size}) / {FLOOR}",
                float("inf") if path in failed else statistics.median(medians[path]) * 1000,
                floor_ms,
                TARGET,
                "ms",
            )
            for label, path in pages
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
