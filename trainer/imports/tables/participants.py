"""The ``participants`` table: one registration per row, persons matched or created in bulk.

Streamed in chunks of ``CHUNK_SIZE`` rows; per chunk a handful of set-based statements (sessions
by reference, persons by e-mail, the sessions' existing registrations), then bulk inserts of the
new persons, registrations and attendance marks. Never one query per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from trainer.attendance.completion import recompute_completion
from trainer.attendance.models import AttendanceMark
from trainer.extensions import db
from trainer.imports.bulk import BulkInsert
from trainer.imports.cells import Memo
from trainer.imports.context import IN_CHUNK, ImportContext, SessionInfo, chunks
from trainer.imports.parallel import CountedRows, parsed_chunks
from trainer.imports.tables.participant_rows import Row, RowParser
from trainer.people.models import Person
from trainer.sessions.models import Registration
from trainer.signals import attendance_changed
from trainer.text import normalise


@dataclass(slots=True)
class SessionState:
    """Who is already registered in a session: person id → line of this file (0: before it)."""

    persons: dict[int, int]
    # (last, first, profession) → (person id, whether that person has an e-mail)
    by_name: dict[tuple[str, str, str | None], tuple[int, bool]]


def import_participants(ctx: ImportContext, rows: CountedRows) -> None:
    writer = Writer(ctx)
    min_bytes = current_app.config["IMPORT_PARALLEL_MIN_BYTES"]
    for parsed in parsed_chunks(ctx, rows, RowParser(ctx), min_bytes):
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
        if ctx.writing:
            writer.write(known)
    if ctx.writing:
        writer.finish()


class Writer:
    """Resolves persons for a chunk and inserts persons, registrations and marks in bulk."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.email_ids: dict[str, int] = {}
        self.states: dict[int, SessionState] = {}
        self.marked_sessions: set[int] = set()
        self.people = Person.__table__
        self.registrations = Registration.__table__
        self.employers = Memo(self._employer_id)
        self.insert_people = BulkInsert(
            self.people,
            ("id", "last_name", "first_name", "normalised_last_name", "normalised_first_name", "email",
             "profession_code", "organisation_id", "department_code"),
            {"created_at": ctx.now},
        )  # fmt: skip
        self.insert_registrations = BulkInsert(
            self.registrations,
            ("id", "session_id", "person_id", "profession_code", "employer_name", "department_code",
             "referent_type_code", "present", "completed"),
            {"status": "registered", "source": "import", "created_at": ctx.now, "import_batch_id": ctx.batch.id},
        )  # fmt: skip
        self.insert_marks = BulkInsert(
            AttendanceMark.__table__,
            ("registration_id", "slot_id", "status"),
            {"method": "import", "recorded_by_id": ctx.actor_id, "recorded_at": ctx.now},
        )

    def _employer_id(self, name: object) -> int | None:
        # Persons are linked to an employer organisation only when it is already known.
        return self.ctx.known_organisations().get(normalise(str(name))[:200]) if name else None

    def write(self, rows: list[Row]) -> None:
        if not rows:
            return
        ctx = self.ctx
        self._load_emails({row.email for row in rows if row.email})
        sessions = {row.reference: ctx.sessions[row.reference] for row in rows}
        self._load_states({info.id for info in sessions.values()})
        new_people, new_registrations, marks = [], [], []
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
                    self.marked_sessions.add(info.id)
                completed = False
            else:
                present = completed = bool(row.present)
            new_registrations.append((
                registration_id, info.id, person_id, row.profession, row.employer, row.department,
                row.referent_type, present, completed,
            ))  # fmt: skip
        counts["persons_matched"] += matched
        counts["registrations_existing"] += existing
        if new_people:
            counts["persons_created"] += self.insert_people.run(new_people)
            ctx.remember("people", (person[0] for person in new_people))
        counts["registrations_created"] += self.insert_registrations.run(new_registrations)
        counts["marks_created"] += self.insert_marks.run(marks)
        # Sessions of this chunk stay in memory only while the file keeps naming them.
        touched = {info.id for info in sessions.values()}
        for session_id in [sid for sid in states if sid not in touched]:
            del states[session_id]

    def finish(self) -> None:
        if self.marked_sessions:
            recompute_completion(self.marked_sessions)
            attendance_changed.send(
                current_app._get_current_object(), session_ids=sorted(self.marked_sessions)
            )

    def _load_emails(self, emails: set[str]) -> None:
        wanted = [email for email in emails if email not in self.email_ids]
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
