"""What every table importer shares: the batch, look-ups, counters and set-based helpers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa

from trainer.extensions import db
from trainer.imports.columns import ColumnMap, TableSpec
from trainer.imports.issues import IssueLog
from trainer.imports.models import ImportBatch
from trainer.people.models import Organisation
from trainer.referential.services import ReferenceLookup
from trainer.sessions.models import SessionSlot, TrainingSession
from trainer.text import normalise

CHUNK_SIZE = 5000
IN_CHUNK = 2000  # values per ``IN (…)`` list, well below every backend's parameter limit


@dataclass
class SessionInfo:
    id: int
    reference: str
    starts_on: date
    ends_on: date
    slot_ids: list[int] = field(default_factory=list)


@dataclass
class ImportContext:
    """State of one import run; importers add rows through set-based statements only."""

    spec: TableSpec
    batch: ImportBatch
    columns: ColumnMap
    log: IssueLog
    lookup: ReferenceLookup
    now: datetime
    actor_id: int | None
    fixed_session: str | None = None
    file_size: int = 0
    counts: Counter = field(default_factory=Counter)
    created: dict[str, list] = field(default_factory=dict)
    sessions: dict[str, SessionInfo | None] = field(default_factory=dict)
    organisations: dict[str, int] | None = None
    _next_ids: dict[str, int] = field(default_factory=dict)
    _pools: dict[str, list[int]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def writing(self) -> bool:
        """Rows are written while the file has no error; afterwards the rest is only checked."""
        return not self.log.has_errors

    def error(self, line: int, key: str | None, message: str) -> None:
        self.log.error(message, line, self.columns.name(key) if key else None)

    def warn(self, line: int, key: str | None, message: str) -> None:
        self.log.warn(message, line, self.columns.name(key) if key else None)

    # -- identifiers -------------------------------------------------------------------------

    def allocate_ids(self, table: sa.Table, count: int) -> list[int]:
        """Primary keys for ``count`` new rows, so that children can be inserted in the same pass.

        SQLite: the write lock is held for the whole import, so ids after the current maximum are
        free. PostgreSQL: taken from the column's sequence.
        """
        if count == 0:
            return []
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            rows = connection.execute(
                sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                {"table": table.name, "n": count},
            )
            return [row[0] for row in rows]
        start = self._next_ids.get(table.name)
        if start is None:
            start = (connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
        self._next_ids[table.name] = start + count
        return list(range(start, start + count))

    def next_id(self, table: sa.Table) -> int:
        """One new primary key, drawn from a block reserved per ``CHUNK_SIZE`` rows."""
        return self.id_pool(table, 1).pop()

    def id_pool(self, table: sa.Table, needed: int) -> list[int]:
        """At least ``needed`` reserved primary keys for ``table``; take them with ``.pop()``."""
        pool = self._pools.setdefault(table.name, [])
        if len(pool) < needed:
            fresh = self.allocate_ids(table, max(CHUNK_SIZE, needed - len(pool)))
            pool[:0] = reversed(fresh)  # popped from the end: lowest ids first
        return pool

    def remember(self, kind: str, ids: Iterable[int]) -> None:
        """Record ids created by this batch (kept as ranges in its summary, for undo)."""
        ranges = self.created.setdefault(kind, [])
        for identifier in ids:
            if ranges and ranges[-1][1] + 1 == identifier:
                ranges[-1][1] = identifier
            else:
                ranges.append([identifier, identifier])

    # -- shared look-ups ---------------------------------------------------------------------

    def resolve_sessions(self, references: Iterable[str], with_slots: bool = False) -> None:
        """Load the sessions named in a chunk into ``self.sessions`` (``None`` when unknown)."""
        wanted = [ref for ref in set(references) if ref and ref not in self.sessions]
        for part in chunks(wanted, IN_CHUNK):
            found = db.session.execute(
                sa.select(
                    TrainingSession.id,
                    TrainingSession.reference,
                    TrainingSession.starts_on,
                    TrainingSession.ends_on,
                ).where(TrainingSession.reference.in_(part))
            ).all()
            infos = {row.id: SessionInfo(row.id, row.reference, row.starts_on, row.ends_on) for row in found}
            if with_slots and infos:
                slots = db.session.execute(
                    sa.select(SessionSlot.session_id, SessionSlot.id)
                    .where(SessionSlot.session_id.in_(list(infos)))
                    .order_by(SessionSlot.session_id, SessionSlot.on, SessionSlot.starts_at)
                )
                for session_id, slot_id in slots:
                    infos[session_id].slot_ids.append(slot_id)
            for info in infos.values():
                self.sessions[info.reference] = info
            for ref in part:
                self.sessions.setdefault(ref, None)

    def known_organisations(self) -> dict[str, int]:
        """Normalised name → id of every organisation (loaded once per import)."""
        if self.organisations is None:
            self.organisations = dict(
                db.session.execute(sa.select(Organisation.normalised_name, Organisation.id)).all()
            )
        return self.organisations

    def organisation_id(self, name: str, department_code: str | None = None) -> int:
        """The organisation with this (normalised) name, created in this batch if unknown."""
        known = self.known_organisations()
        key = normalise(name)[:200]
        found = known.get(key)
        if found is not None:
            return found
        table = Organisation.__table__
        (new_id,) = self.allocate_ids(table, 1)
        db.session.execute(
            sa.insert(table),
            [
                {
                    "id": new_id,
                    "name": name,
                    "normalised_name": key,
                    "kind": "other",
                    "department_code": department_code,
                    "created_at": self.now,
                }
            ],
        )
        known[key] = new_id
        self.remember("organisations", [new_id])
        self.counts["organisations_created"] += 1
        return new_id

    def summary(self) -> dict[str, Any]:
        return {
            "counts": {key: value for key, value in self.counts.items() if value},
            "created": self.created,
            "session_reference": self.fixed_session,
        }


def chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while part := list(islice(iterator, size)):
        yield part


def expand_ranges(ranges: list[list[int]]) -> Iterator[int]:
    for start, end in ranges:
        yield from range(start, end + 1)
