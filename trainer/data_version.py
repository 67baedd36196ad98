"""The data version: one number that changes in the same transaction as any write to the data.

Every statement any engine runs is watched (``after_cursor_execute``): an ``INSERT``, ``UPDATE``,
``DELETE``, ``REPLACE`` or ``TRUNCATE`` — ORM flush, Core ``executemany``, bulk imports, undo,
driver SQL alike — marks the connection as having written. When that transaction commits, the
``data_version`` row is set to a fresh random number by the same connection, just before the
``COMMIT``: the new data and the new version become visible together, or not at all.

A random value rather than a counter: a history rewritten (tables emptied, a backup restored)
never comes back to a value already used, so nothing cached under an old value can match again.

Writes to the tables below are not tracked: they never change what is computed from the data
(logins, audit entries of downloads), and tracking them would throw the cache away at each login.
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa

UNTRACKED = frozenset(
    {"data_version", "alembic_version", "audit_log", "users", "api_tokens", "password_reset_tokens"}
)
WRITTEN = "trainer_data_written"  # key in the DBAPI connection's ``info``: this transaction wrote
_SEEN = "trainer_data_version_seen"  # the version this transaction read (one query per transaction)
_HAS_TABLE = "trainer_data_version_table"
_WRITE = re.compile(
    r"""\s*(?:
        (?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)
        \s+(?:ONLY\s+)?["`]?(?P<table>\w+)
      | (?P<other>TRUNCATE|MERGE)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_QMARK = (
    "UPDATE data_version SET version = ? WHERE id = 1",
    "INSERT INTO data_version (id, version) VALUES (1, ?)",
)
_FORMAT = (
    "UPDATE data_version SET version = %s WHERE id = 1",
    "INSERT INTO data_version (id, version) VALUES (1, %s)",
)
_CTE_WRITE = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def is_tracked_write(statement: str) -> bool:
    """Whether ``statement`` may change data a report reads (when unsure: yes)."""
    match = _WRITE.match(statement)
    if match:
        return bool(match.group("other")) or match.group("table").lower() not in UNTRACKED
    head = statement.lstrip()[:4].upper()
    return head == "WITH" and bool(_CTE_WRITE.search(statement))


@sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
def _note_write(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if is_tracked_write(statement):
        connection.info[WRITTEN] = True


@sa.event.listens_for(sa.engine.Engine, "begin")
@sa.event.listens_for(sa.engine.Engine, "rollback")
def _forget(connection) -> None:
    connection.info.pop(WRITTEN, None)
    connection.info.pop(_SEEN, None)


@sa.event.listens_for(sa.engine.Engine, "commit")
def _bump(connection) -> None:
    connection.info.pop(_SEEN, None)
    if not connection.info.pop(WRITTEN, False):
        return
    # The driver's own cursor: no SQLAlchemy event fires again, in the transaction being committed.
    cursor = connection.connection.cursor()
    try:
        if not _has_table(connection, cursor):
            return  # a database not migrated yet
        value = (secrets.randbits(62) + 1,)
        update, insert = _QMARK if connection.dialect.paramstyle == "qmark" else _FORMAT
        cursor.execute(update, value)
        if cursor.rowcount == 0:  # no row yet (a new database, tables emptied)
            cursor.execute(insert, value)
    finally:
        cursor.close()


def _has_table(connection, cursor) -> bool:
    if connection.info.get(_HAS_TABLE):
        return True
    dialect = connection.dialect.name
    if dialect == "sqlite":
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'data_version'")
    elif dialect == "postgresql":
        cursor.execute("SELECT 1 WHERE to_regclass('data_version') IS NOT NULL")
    else:
        return True
    found = cursor.fetchone() is not None
    if found:
        connection.info[_HAS_TABLE] = True
    return found


def current() -> int | None:
    """The version the current transaction sees, or ``None`` when nothing may be cached under it:
    no version yet, or this transaction has written and not committed (its data is its own)."""
    from trainer.extensions import db
    from trainer.main.models import DataVersion

    if db.session.new or db.session.dirty or db.session.deleted:
        return None
    info = db.session.connection().info
    if _SEEN not in info:
        # Read once per transaction: SQLite's snapshot does not move within it; on PostgreSQL a
        # version read first is never newer than the data read after it.
        info[_SEEN] = db.session.scalar(sa.select(DataVersion.version).where(DataVersion.id == 1))
    if info.get(WRITTEN):
        return None
    return info[_SEEN]
