"""Bulk inserts of many rows with one prepared INSERT and the driver's ``executemany``.

``db.session.execute(insert(table), list_of_dicts)`` spends more time building and type-processing
parameters than the database spends inserting (measured: about as long again for 300,000 rows).
Here the statement is written once, with its columns in the order the rows give them (so rows go
to the driver untouched), constant columns are processed once, and only columns whose type needs
it (dates, timestamps…) are processed per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from trainer.extensions import db

# Placeholders of the positional DB-API parameter styles.
PLACEHOLDERS = {"qmark": "?", "format": "%s", "numeric": ":{}", "numeric_dollar": "${}"}


class BulkInsert:
    """``INSERT INTO table (keys…, constants…)`` for rows given as tuples in ``keys`` order."""

    def __init__(self, table: sa.Table, keys: Sequence[str], constants: dict[str, Any] | None = None) -> None:
        self.table = table
        self.keys = list(keys)
        self.constants = dict(constants or {})
        self._prepared: tuple | None = None

    def _prepare(self, connection: sa.Connection) -> tuple:
        dialect = connection.dialect
        columns = [*self.keys, *self.constants]
        constant_values = tuple(
            (processor(value) if (processor := self._processor(key, dialect)) else value)
            for key, value in self.constants.items()
        )
        active = [
            (index, processor)
            for index, key in enumerate(self.keys)
            if (processor := self._processor(key, dialect))
        ]
        if dialect.positional:
            # SQLAlchemy would order the placeholders as the table orders its columns.
            preparer = dialect.identifier_preparer
            placeholder = PLACEHOLDERS[dialect.paramstyle]
            names = ", ".join(preparer.quote(self.table.c[key].name) for key in columns)
            values = ", ".join(placeholder.format(number) for number in range(1, len(columns) + 1))
            # Names come from the table's metadata, quoted by the dialect: no input reaches the SQL.
            sql = f"INSERT INTO {preparer.format_table(self.table)} ({names}) VALUES ({values})"  # noqa: S608  # nosec B608
            named = None
        else:
            sql = str(sa.insert(self.table).compile(dialect=dialect, column_keys=columns))
            named = columns
        self._prepared = (sql, active, constant_values, named)
        return self._prepared

    def _processor(self, key: str, dialect: sa.Dialect):
        column_type = self.table.c[key].type
        if isinstance(column_type, sa.Boolean):
            # Every driver takes Python booleans as they are (sqlite3 stores them as 0/1); the
            # processor would only check and convert each of them again.
            return None
        return column_type.dialect_impl(dialect).bind_processor(dialect)

    def run(self, rows: list[tuple]) -> int:
        """Insert ``rows`` (tuples in ``keys`` order) in the current transaction; returns the count."""
        if not rows:
            return 0
        connection = db.session.connection()
        sql, active, constants, named = self._prepared or self._prepare(connection)
        if active:
            processed = []
            for row in rows:
                values = list(row)
                for index, processor in active:
                    values[index] = processor(values[index])
                processed.append((*values, *constants))
            full = processed
        elif constants:
            full = [row + constants for row in rows]
        else:
            full = rows
        if named is not None:
            full = [dict(zip(named, row, strict=True)) for row in full]
        connection.exec_driver_sql(sql, full)
        return len(rows)


class DeferredIndexes:
    """Secondary indexes built once at the end of a load that at least doubles its tables.

    Keeping a B-tree up to date row by row costs more than sorting all its keys once when most of
    the rows are new (measured on SQLite at 300,000 rows: 30 % of the inserts' time saved, the
    rebuild included). Only on SQLite, where the import holds the write lock anyway and readers
    keep their snapshot, indexes included; on PostgreSQL dropping an index would block readers.
    The drop is part of the import's transaction: a rolled-back import leaves the indexes as they were.
    """

    def __init__(self, tables: list[sa.Table], expected_rows: int) -> None:
        self.tables = tables
        self.expected_rows = expected_rows
        self.dropped: list[sa.Index] = []
        self.decided = False

    def before_first_insert(self) -> None:
        if self.decided:
            return
        self.decided = True
        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            return
        largest = max(
            connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0 for table in self.tables
        )
        if self.expected_rows < max(largest, 1):
            return
        for table in self.tables:
            for index in sorted(table.indexes, key=lambda index: index.name or ""):
                if not index.unique:
                    index.drop(connection)
                    self.dropped.append(index)

    def rebuild(self) -> None:
        connection = db.session.connection()
        for index in self.dropped:
            index.create(connection)
        self.dropped = []
