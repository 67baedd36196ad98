"""The ``participants`` table: one registration per row, persons matched or created in bulk.

Streamed in chunks of ``CHUNK_SIZE`` rows. Per chunk the planner checks the rows and runs a handful
of set-based reads (sessions by reference, persons by e-mail, the sessions' existing registrations);
the inserter then adds the new persons, registrations and attendance marks in bulk. Never one query
per row. For large files the planner runs in a second process (see ``parallel``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from trainer.attendance.completion import recompute_completion
from trainer.attendance.models import AttendanceMark
from trainer.extensions import db
from trainer.imports.bulk import BulkInsert, DeferredIndexes
from trainer.imports.cells import Memo
from trainer.imports.context import IN_CHUNK, ImportContext, SessionInfo, chunks
from trainer.imports.parallel import CountedRows, planned_chunks
from trainer.imports.tables.participant_rows import Row, RowParser
from trainer.people.models import Person
from trainer.sessions.models import Registration
from trainer.signals import attendance_changed
from trainer.text import normalise

# About the size of a participant row: a file of N bytes holds about N / BYTES_PER_ROW rows (the
# estimate that decides whether index upkeep is deferred to the end of the import).
BYTES_PER_ROW = 100


@dataclass(slots=True)
class SessionState:
    """Who is already registered in a session: person id → line of this file (0: before it).

    Kept for the whole import: the planner may read through a connection that does not see what
    this import inserted, so what it planned must not be forgotten.
    """

    persons: dict[int, int]
    # (last, first, profession) → (person id, whether that person has an e-mail)
    by_name: dict[tuple[str, str, str | None], tuple[int, bool]]


class Plan(NamedTuple):
    """What one chunk adds: rows for the bulk inserts, in their ``BulkInsert`` key order."""

    people: list[tuple]
    registrations: list[tuple]
    marks: list[tuple]
    marked_sessions: set[int]


def import_participants(ctx: ImportContext, rows: CountedRows) -> None:
    inserter = Inserter(ctx)
    min_bytes = current_app.config["IMPORT_PARALLEL_MIN_BYTES"]
    for plan in planned_chunks(ctx, rows, partial(Planner, ctx), min_bytes):
        if ctx.writing:
            inserter.insert(plan)
    if ctx.writing:
        inserter.finish()


class Planner:
    """Checks a chunk of rows and matches its persons; says what to insert, inserts nothing.

    Reads only what was there before the import (plus what it planned itself), so that it may run
    in a second process beside the one that writes (see ``parallel``).
    """

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.parse = RowParser(ctx)
        self.email_ids: dict[str, int] = {}
        self.states: dict[int, SessionState] = {}
        self.employers = Memo(self._employer_id)
        self.people = Person.__table__
        self.registrations = Registration.__table__

    def _employer_id(self, name: object) -> int | None:
        # Persons are linked to an employer organisation only when it is already known.
        return self.ctx.known_organisations().get(normalise(str(name))[:200]) if name else None

    def __call__(self, chunk: list[tuple[int, list]]) -> Plan:
        ctx = self.ctx
        parsed = self.parse.chunk(chunk)
        ctx.resolve_sessions((row.reference for row in parsed), with_slots=True)
        known = []
        for row in parsed:
            if not row.reference:
                continue
            if ctx.sessions.get(row.reference) is None:
                ctx.error(
                    row.line,
                    "session_reference",
                    f"session inconnue « {row.reference} » : créez-la ou importez d'abord la table sessions",
                )
            elif row.valid:
                known.append(row)
        if not ctx.writing or not known:
            return Plan([], [], [], set())
        return self._plan(known)

    def _plan(self, rows: list[Row]) -> Plan:
        ctx = self.ctx
        self._load_emails({row.email for row in rows if row.email})
        sessions = {row.reference: ctx.sessions[row.reference] for row in rows}
        self._load_states({info.id for info in sessions.values()})
        new_people, new_registrations, marks, marked_sessions = [], [], [], set()
        counts, email_ids, states, employers = ctx.counts, self.email_ids, self.states, self.employers
        # Enough ids for the whole chunk, so that the loop only pops them.
        next_person = ctx.id_pool(self.people, len(rows)).pop
        next_registration = ctx.id_pool(self.registrations, len(rows)).pop
        matched = existing = 0
        for row in rows:
            info: SessionInfo = sessions[row.reference]
            state = states[info.id]
            name_key = (row.normalised_last, row.normalised_first, row.profession)
            person_id = email_ids.get(row.email) if row.email else None
            if person_id is None:
                # No e-mail, or one never seen: the same name and profession in this session is
                # the same person (unless that person has an e-mail of their own).
                by_name = state.by_name.get(name_key)
                if by_name is not None and not (row.email and by_name[1]):
                    person_id = by_name[0]
            if person_id is None:
                person_id = next_person()
                if row.email:
                    email_ids[row.email] = person_id
                new_people.append((
                    person_id, row.last_name, row.first_name, row.normalised_last, row.normalised_first,
                    row.email, row.profession, employers(row.employer)[0] if row.employer else None,
                    row.department,
                ))  # fmt: skip
            else:
                matched += 1
            seen_at = state.persons.get(person_id)
            if seen_at is not None:
                if seen_at:
                    ctx.warn(
                        row.line, None, f"déjà inscrit·e à cette session à la ligne {seen_at} : ligne ignorée"
                    )
                    counts["duplicates_in_file"] += 1
                else:
                    existing += 1
                continue
            state.persons[person_id] = row.line
            state.by_name.setdefault(name_key, (person_id, row.email is not None))
            registration_id = next_registration()
            if info.slot_ids:
                present = completed = None
                if row.present is not None:
                    status = "present" if row.present else "absent"
                    marks.extend((registration_id, slot_id, status) for slot_id in info.slot_ids)
                    marked_sessions.add(info.id)
                completed = False
            else:
                present = completed = bool(row.present)
            new_registrations.append((
                registration_id, info.id, person_id, row.profession, row.employer, row.department,
                row.referent_type, present, completed,
            ))  # fmt: skip
        counts["persons_matched"] += matched
        counts["registrations_existing"] += existing
        return Plan(new_people, new_registrations, marks, marked_sessions)

    def _load_emails(self, emails: set[str]) -> None:
        wanted = [email for email in emails if email not in self.email_ids]
        if not wanted:
            return
        if db.session.get_bind().dialect.name == "sqlite":
            # The whole chunk's e-mails as one JSON parameter: binding thousands of ``IN`` values
            # one by one cost more than the look-up itself.
            listed = sa.func.json_each(json.dumps(wanted)).table_valued("value")
            found = db.session.execute(
                sa.select(Person.email, Person.id).where(Person.email.in_(sa.select(listed.c.value)))
            )
            self.email_ids.update(found.all())
            return
        for part in chunks(wanted, IN_CHUNK):
            found = db.session.execute(sa.select(Person.email, Person.id).where(Person.email.in_(part)))
            self.email_ids.update(found.all())

    def _load_states(self, session_ids: set[int]) -> None:
        wanted = [sid for sid in session_ids if sid not in self.states]
        for session_id in wanted:
            self.states[session_id] = SessionState({}, {})
        for part in chunks(wanted, IN_CHUNK):
            existing = db.session.execute(
                sa.select(
                        Registration.session_id, Registration.person_id, Person.normalised_last_name,
                    Person.normalised_first_name, Registration.profession_code, Person.email,
                )
                .join(Person, Person.id == Registration.person_id)
                .where(Registration.session_id.in_(part))
            )  # fmt: skip
            for session_id, person_id, last, first, profession, email in existing:
                state = self.states[session_id]
                state.persons[person_id] = 0
                state.by_name.setdefault((last, first, profession), (person_id, email is not None))


class Inserter:
    """Inserts what the planner decided, in bulk, in the import's transaction."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.marked_sessions: set[int] = set()
        self.insert_people = BulkInsert(
            Person.__table__,
            ("id", "last_name", "first_name", "normalised_last_name", "normalised_first_name", "email",
             "profession_code", "organisation_id", "department_code"),
            {"created_at": ctx.now},
        )  # fmt: skip
        self.insert_registrations = BulkInsert(
            Registration.__table__,
            ("id", "session_id", "person_id", "profession_code", "employer_name", "department_code",
             "referent_type_code", "present", "completed"),
            {"status": "registered", "source": "import", "created_at": ctx.now, "import_batch_id": ctx.batch.id},
        )  # fmt: skip
        self.insert_marks = BulkInsert(
            AttendanceMark.__table__,
            ("registration_id", "slot_id", "status"),
            {"method": "import", "recorded_by_id": ctx.actor_id, "recorded_at": ctx.now},
        )
        self.indexes = DeferredIndexes(
            [Person.__table__, Registration.__table__], expected_rows=ctx.file_size // BYTES_PER_ROW
        )

    def insert(self, plan: Plan) -> None:
        counts = self.ctx.counts
        if plan.registrations:
            self.indexes.before_first_insert()
        if plan.people:
            counts["persons_created"] += self.insert_people.run(plan.people)
            self.ctx.remember("people", (person[0] for person in plan.people))
        counts["registrations_created"] += self.insert_registrations.run(plan.registrations)
        counts["marks_created"] += self.insert_marks.run(plan.marks)
        self.marked_sessions |= plan.marked_sessions

    def finish(self) -> None:
        self.indexes.rebuild()
        if self.marked_sessions:
            recompute_completion(self.marked_sessions)
            attendance_changed.send(
                current_app._get_current_object(), session_ids=sorted(self.marked_sessions)
            )
