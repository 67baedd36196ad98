"""Engine set-up: SQLite pragmas and lock-up-front write transactions.

Measured (quality.md): only WAL + busy timeout + write transactions that take the lock at BEGIN
(``BEGIN IMMEDIATE``, with the driver's own transaction handling off) + unique constraints give
exactly one stored row and clean refusals under concurrent writers. Reads stay deferred.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask, request

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)
_bulk_load: contextvars.ContextVar[bool] = contextvars.ContextVar("bulk_load", default=False)
# SQLite's default page cache is 2 MiB; a bulk load touching indexes of hundreds of MiB gains from more.
BULK_CACHE_KIB = 64 * 1024
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@sa.event.listens_for(sa.engine.Engine, "connect")
def _on_connect(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _on_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    bulk = _bulk_load.get()
    if connection.info.get("bulk_load", False) != bulk:
        # Both pragmas apply to the connection, and only outside a transaction: set before BEGIN.
        connection.exec_driver_sql(f"PRAGMA foreign_keys={'OFF' if bulk else 'ON'}")
        connection.exec_driver_sql(f"PRAGMA cache_size={-BULK_CACHE_KIB if bulk else -2000}")
        connection.info["bulk_load"] = bulk
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions started inside take the SQLite write lock up front (CLI writers, jobs)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def bulk_load() -> Iterator[None]:
    """Transactions started inside load files (``trainer import``): on SQLite, foreign keys are not
    checked row by row and the page cache is larger.

    The importers resolve every reference themselves (each unknown code or session is a line
    error) while holding the write lock, so the per-row checks only repeat that work: on 300,000
    participants they took a sixth of the inserts' time (measured). PostgreSQL, which runs the same
    test suite, keeps checking every row.
    """
    token = _bulk_load.set(True)
    try:
        yield
    finally:
        _bulk_load.reset(token)


def reads_first(view):
    """Mark a POST view that reads and validates before it writes: it starts as a reader, and
    calls ``begin_write()`` once it knows what to store, so the write lock is held only that long."""
    view.reads_first = True
    return view


def begin_write() -> None:
    """End the current read transaction; the next statement opens a lock-up-front write one."""
    from trainer.extensions import db

    db.session.rollback()
    _write_intent.set(True)


def init_app(app: Flask) -> None:
    @app.before_request
    def _mark_write_requests() -> None:
        # A POST is a write: its transaction locks up front so it waits instead of failing.
        view = app.view_functions.get(request.endpoint or "")
        _write_intent.set(request.method in WRITE_METHODS and not getattr(view, "reads_first", False))

    @app.teardown_request
    def _end_write_intent(_exc: BaseException | None) -> None:
        # The flag lives in the thread's context: once the request is over, work done later in
        # the same thread (a test, a CLI command, the next job) must not lock up front.
        _write_intent.set(False)


def engine_options(uri: str) -> dict:
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 15, "check_same_thread": False}}
    # Several processes each keep a small pool, well below PostgreSQL's max_connections.
    return {"pool_size": 5, "max_overflow": 5, "pool_pre_ping": True, "pool_recycle": 1800}


def read_only_here() -> None:
    """This process or context only reads: its transactions must not take SQLite's write lock
    (a child process planning an import beside the writer that holds it)."""
    _write_intent.set(False)
    _bulk_load.set(False)
