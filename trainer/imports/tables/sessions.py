"""The ``sessions`` table: sessions created, or updated when their reference exists.

Trainers are named by e-mail and must already be registered as trainers (a person with a trainer
profile): an e-mail alone is not enough to create a person. Organisations are matched on their
normalised name and created when unknown. A new session without a status is ``held`` when it
ended before today, ``open`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from trainer.extensions import db
from trainer.imports.cells import Memo, choice_parser, reference_parsers, text
from trainer.imports.context import CHUNK_SIZE, IN_CHUNK, ImportContext, chunks
from trainer.imports.values import limited, parse_date, parse_decimal, parse_email, split_list
from trainer.people.models import Person, TrainerProfile
from trainer.sessions.models import (
    SESSION_STATUS_LABELS,
    SessionAudience,
    SessionMode,
    SessionStatus,
    TrainingSession,
    session_kits,
    session_trainers,
)

MODES = {
    **{mode.value: mode.value for mode in SessionMode},
    **{mode.label: mode.value for mode in SessionMode},
    "à distance": "remote",
    "en ligne": "remote",
    "hybride": "blended",
}
STATUSES = {
    **{status.value: status.value for status in SessionStatus},
    **{label: status.value for status, label in SESSION_STATUS_LABELS.items()},
    "ouvert": "open",
    "complet": "full",
    "réalisé": "held",
    "annulé": "cancelled",
    "clôturé": "closed",
    "close": "closed",
}


@dataclass
class SessionRow:
    line: int
    reference: str
    values: dict = field(default_factory=dict)  # column values given on this row
    kit_ids: list[int] | None = None
    professions: list[str] | None = None
    trainer_emails: list[str] | None = None
    organisation: str = ""
    valid: bool = True


def import_sessions(ctx: ImportContext, rows: Iterator[tuple[int, list]]) -> None:
    parse = SessionParser(ctx)
    first_line: dict[str, int] = {}
    for chunk in chunks(rows, CHUNK_SIZE):
        parsed = []
        for row in map(parse, chunk):
            if not row.reference:
                continue
            if row.reference in first_line:
                where = first_line[row.reference]
                ctx.error(row.line, "reference", f"référence déjà utilisée à la ligne {where} de ce fichier")
                continue
            first_line[row.reference] = row.line
            parsed.append(row)
        # Trainers are checked on every row, so that all errors are reported at once.
        trainers = _trainer_ids(ctx, parsed)
        if ctx.writing:
            _write(ctx, [row for row in parsed if row.valid], trainers)


class SessionParser:
    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.parsers = reference_parsers(ctx.lookup)
        self.mode = Memo(choice_parser(MODES, "présentiel, distanciel ou mixte"))
        self.status = Memo(
            choice_parser(STATUSES, "brouillon, ouverte, complète, réalisée, annulée ou clôturée")
        )

    def __call__(self, item: tuple[int, list]) -> SessionRow:
        line, cells = item
        ctx = self.ctx
        positions = ctx.columns.positions
        errors_before = ctx.log.error_count

        def cell(key: str) -> object:
            index = positions.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        def check(key: str, function, *args):
            try:
                return function(*args)
            except ValueError as exc:
                ctx.error(line, key, str(exc))
                return None

        row = SessionRow(line, "")
        values = row.values
        for key in ("reference", "title", "city", "organisation"):
            limit = ctx.spec.column(key).max_length
            value = check(key, lambda k=key, n=limit: limited(text(cell(k)), n))
            if value:
                values[key] = value
            elif value == "" and ctx.spec.column(key).required:
                ctx.error(line, key, "obligatoire")
        row.reference = values.pop("reference", "")
        row.organisation = values.pop("organisation", "")
        for key, parser in (("session_type", self.parsers["session_type"]), ("department", self.parsers["department"]),
                            ("mode", self.mode), ("status", self.status)):  # fmt: skip
            value, message = parser(cell(key))
            if message:
                ctx.error(line, key, message)
            elif value:
                values[
                    {"session_type": "session_type_code", "department": "department_code"}.get(key, key)
                ] = value
            elif key == "session_type":
                ctx.error(line, key, "obligatoire (code ou intitulé du type de session)")
        starts_on = check("start_date", parse_date, cell("start_date"))
        ends_on = check("end_date", parse_date, cell("end_date"))
        if starts_on is None and "start_date" in positions and not text(cell("start_date")):
            ctx.error(line, "start_date", "obligatoire")
        elif starts_on:
            ends_on = ends_on or starts_on
            if ends_on < starts_on:
                ctx.error(line, "end_date", "la date de fin précède la date de début")
            values["starts_on"], values["ends_on"] = starts_on, ends_on
        hours = check("hours", lambda: parse_decimal(cell("hours"), maximum=Decimal(1000), unit=" heures"))
        if hours:
            values["hours"] = hours
        row.kit_ids = self._list(line, "kits", cell("kits"), self._kit_id)
        row.professions = self._list(line, "target_professions", cell("target_professions"), self._profession)
        row.trainer_emails = self._list(line, "trainers", cell("trainers"), parse_email)
        row.valid = ctx.log.error_count == errors_before
        return row

    def _kit_id(self, value: str) -> int:
        slug, message = self.parsers["kit"](value)
        if message:
            raise ValueError(message)
        return self.ctx.lookup.kit_ids[slug]

    def _profession(self, value: str) -> str:
        code, message = self.parsers["profession"](value)
        if message:
            raise ValueError(message)
        return code

    def _list(self, line: int, key: str, raw: object, convert) -> list | None:
        """Values of a ``|`` list (``None`` when the cell is empty), each converted or reported."""
        try:
            items = split_list(limited(text(raw), self.ctx.spec.column(key).max_length))
        except ValueError as exc:
            self.ctx.error(line, key, str(exc))
            return None
        result = []
        for item in items:
            try:
                converted = convert(item)
            except ValueError as exc:
                self.ctx.error(line, key, str(exc))
                continue
            if converted not in result:
                result.append(converted)
        return result or None


def _trainer_ids(ctx: ImportContext, rows: list[SessionRow]) -> dict[str, int]:
    emails = sorted({email for row in rows for email in row.trainer_emails or ()})
    found: dict[str, tuple[int, int | None]] = {}
    for part in chunks(emails, IN_CHUNK):
        query = (
            sa.select(Person.email, Person.id, TrainerProfile.id)
            .outerjoin(TrainerProfile, TrainerProfile.person_id == Person.id)
            .where(Person.email.in_(part))
        )
        found.update(
            {email: (person_id, profile_id) for email, person_id, profile_id in db.session.execute(query)}
        )
    for row in rows:
        for email in row.trainer_emails or ():
            if email not in found:
                ctx.error(
                    row.line,
                    "trainers",
                    f"formateur·rice inconnu·e « {email} » : créez d'abord sa fiche (personne et profil de formateur·rice)",
                )
            elif found[email][1] is None:
                ctx.error(
                    row.line,
                    "trainers",
                    f"« {email} » n'a pas de profil de formateur·rice : ajoutez-le depuis sa fiche",
                )
    return {email: person_id for email, (person_id, _) in found.items()}


def _write(ctx: ImportContext, rows: list[SessionRow], trainers: dict[str, int]) -> None:
    table = TrainingSession.__table__
    existing: dict[str, int] = {}
    for part in chunks([row.reference for row in rows], IN_CHUNK):
        existing.update(
            db.session.execute(
                sa.select(table.c.reference, table.c.id).where(table.c.reference.in_(part))
            ).all()
        )
    new_rows, updates, links = [], {}, {"kits": {}, "audiences": {}, "trainers": {}}
    for row in rows:
        values = dict(row.values)
        if row.organisation:
            values["organisation_id"] = ctx.organisation_id(row.organisation, values.get("department_code"))
        session_id = existing.get(row.reference)
        if session_id is None:
            session_id = ctx.next_id(table)
            values.setdefault("status", _default_status(values["ends_on"], ctx.today))
            new_rows.append(_new_session(ctx, session_id, row.reference, values))
            ctx.remember("sessions", [session_id])
        else:
            updates.setdefault(frozenset(values), []).append(
                {"_id": session_id, **{f"v_{key}": value for key, value in values.items()}}
            )
        if row.kit_ids is not None:
            links["kits"][session_id] = row.kit_ids
        if row.professions is not None:
            links["audiences"][session_id] = row.professions
        if row.trainer_emails is not None:
            links["trainers"][session_id] = [trainers[email] for email in row.trainer_emails]
    if new_rows:
        db.session.execute(sa.insert(table), new_rows)
        ctx.counts["sessions_created"] += len(new_rows)
    for params in updates.values():
        keys = [key[2:] for key in params[0] if key != "_id"]
        if keys:
            statement = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("_id"))
                .values({key: sa.bindparam(f"v_{key}") for key in keys})
            )
            db.session.connection().execute(statement, params)
        ctx.counts["sessions_updated"] += len(params)
    _replace_links(links)


def _new_session(ctx: ImportContext, session_id: int, reference: str, values: dict) -> dict:
    return {
        "id": session_id, "reference": reference, "title": values["title"],
        "session_type_code": values["session_type_code"], "starts_on": values["starts_on"],
        "ends_on": values["ends_on"], "hours": values.get("hours"), "mode": values.get("mode", "in_person"),
        "venue": "", "city": values.get("city", ""), "department_code": values.get("department_code"),
        "organisation_id": values.get("organisation_id"), "capacity": None, "status": values["status"],
        "completion_threshold": Decimal(1), "self_registration_open": False, "description": "",
        "created_at": ctx.now, "import_batch_id": ctx.batch.id,
    }  # fmt: skip


def _default_status(ends_on: date, today: date) -> str:
    return SessionStatus.held.value if ends_on < today else SessionStatus.open.value


def _replace_links(links: dict[str, dict[int, list]]) -> None:
    """Kits, audiences and trainers given on a row replace the session's previous ones."""
    specs = (
        ("kits", session_kits, lambda sid, i, kit_id: {"session_id": sid, "kit_id": kit_id}),
        ("audiences", SessionAudience.__table__,
         lambda sid, i, code: {"session_id": sid, "profession_code": code, "position": i}),
        ("trainers", session_trainers, lambda sid, i, person_id: {"session_id": sid, "person_id": person_id}),
    )  # fmt: skip
    for name, link_table, make in specs:
        by_session = links[name]
        if not by_session:
            continue
        for part in chunks(list(by_session), IN_CHUNK):
            db.session.execute(sa.delete(link_table).where(link_table.c.session_id.in_(part)))
        rows = [make(sid, i, value) for sid, values in by_session.items() for i, value in enumerate(values)]
        db.session.execute(sa.insert(link_table), rows)
