"""The ``evaluations`` table: returned questionnaires, stored as anonymous responses.

A row's ``email`` only notes that this attendee answered (their invitation for the phase is
marked submitted, created without a token if there was none); the response itself is never
linked to them. Responses are shuffled before they get their ids, so that the order of the file
cannot pair a response with an invitation.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from trainer.evaluations.models import EvaluationAnswer, EvaluationInvitation, EvaluationResponse, Phase
from trainer.extensions import db
from trainer.imports.cells import Memo, choice_parser, text
from trainer.imports.context import CHUNK_SIZE, IN_CHUNK, ImportContext, chunks
from trainer.imports.values import as_text, limited, parse_email, parse_int
from trainer.people.models import Person
from trainer.sessions.models import Registration

INDICATORS = ("satisfaction", "knowledge", "practice")
PHASES = {"hot": "hot", "cold": "cold", "à chaud": "hot", "chaud": "hot", "à froid": "cold", "froid": "cold"}
COLD_DELAY = timedelta(days=90)


@dataclass
class EvaluationRow:
    line: int
    reference: str
    phase: str
    email: str | None
    scores: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    registration_id: int | None = None
    valid: bool = True


def import_evaluations(ctx: ImportContext, rows: Iterator[tuple[int, list]]) -> None:
    parse = EvaluationParser(ctx)
    answered: dict[tuple[int, str], int] = {}  # (registration, phase) → line of this file
    for chunk in chunks(rows, CHUNK_SIZE):
        parsed = list(map(parse, chunk))
        ctx.resolve_sessions(row.reference for row in parsed)
        known = []
        for row in parsed:
            if not row.reference:
                continue
            if ctx.sessions.get(row.reference) is None:
                ctx.error(row.line, "session_reference", f"session inconnue « {row.reference} »")
            elif row.valid:
                known.append(row)
        invitations = _match_attendees(ctx, known, answered)
        if ctx.writing:
            _write(ctx, known, invitations)


class EvaluationParser:
    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.phase = Memo(choice_parser(PHASES, "à chaud (hot) ou à froid (cold)"))
        self.score = Memo(lambda raw: parse_int(raw, minimum=1, maximum=4))

    def __call__(self, item: tuple[int, list]) -> EvaluationRow:
        line, cells = item
        ctx = self.ctx
        positions = ctx.columns.positions
        before = ctx.log.error_count

        def cell(key: str) -> object:
            index = positions.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        reference = text(cell("session_reference"))
        if ctx.fixed_session:
            if reference and reference != ctx.fixed_session:
                ctx.error(
                    line,
                    "session_reference",
                    f"cette ligne vise la session « {reference} », pas « {ctx.fixed_session} »",
                )
            reference = ctx.fixed_session
        elif not reference:
            ctx.error(line, "session_reference", "référence de session obligatoire")
        phase, message = self.phase(cell("phase"))
        if message:
            ctx.error(line, "phase", message)
        email = None
        try:
            email = parse_email(text(cell("email")))
        except ValueError as exc:
            ctx.error(line, "email", str(exc))
        row = EvaluationRow(line, reference, phase or Phase.hot.value, email)
        for indicator in INDICATORS:
            score, message = self.score(cell(indicator))
            if message:
                ctx.error(line, indicator, message)
            elif score is not None:
                row.scores[indicator] = score
        try:
            row.comment = limited(
                as_text(cell("comment"), multiline=True), ctx.spec.column("comment").max_length
            )
        except ValueError as exc:
            ctx.error(line, "comment", str(exc))
        if not row.scores and ctx.log.error_count == before:
            ctx.error(
                line, None, "au moins une note est nécessaire (satisfaction, knowledge ou practice, de 1 à 4)"
            )
        row.valid = ctx.log.error_count == before
        return row


def _match_attendees(
    ctx: ImportContext, rows: list[EvaluationRow], answered: dict[tuple[int, str], int]
) -> dict[tuple[int, str], tuple[int, bool]]:
    """Registration of each row's e-mail, and the invitations already there: (id, submitted)."""
    with_email = [row for row in rows if row.email]
    registrations: dict[tuple[int, str], int] = {}
    session_ids = sorted({ctx.sessions[row.reference].id for row in with_email})
    emails = sorted({row.email for row in with_email})
    for sessions_part in chunks(session_ids, IN_CHUNK):
        for emails_part in chunks(emails, IN_CHUNK):
            query = (
                sa.select(Registration.session_id, Person.email, Registration.id)
                .join(Person, Person.id == Registration.person_id)
                .where(Registration.session_id.in_(sessions_part), Person.email.in_(emails_part))
            )
            registrations.update({(sid, email): rid for sid, email, rid in db.session.execute(query)})
    for row in with_email:
        row.registration_id = registrations.get((ctx.sessions[row.reference].id, row.email))
        if row.registration_id is None:
            ctx.error(
                row.line, "email", f"« {row.email} » n'est pas inscrit·e à la session « {row.reference} »"
            )
            continue
        key = (row.registration_id, row.phase)
        if key in answered:
            ctx.error(
                row.line,
                "email",
                f"cette personne a déjà un questionnaire de cette phase à la ligne {answered[key]}",
            )
        answered.setdefault(key, row.line)
    invitations: dict[tuple[int, str], tuple[int, bool]] = {}
    ids = sorted({row.registration_id for row in with_email if row.registration_id})
    for part in chunks(ids, IN_CHUNK):
        query = sa.select(
            EvaluationInvitation.registration_id,
            EvaluationInvitation.phase,
            EvaluationInvitation.id,
            EvaluationInvitation.submitted_at,
        ).where(EvaluationInvitation.registration_id.in_(part))
        for registration_id, phase, invitation_id, submitted_at in db.session.execute(query):
            invitations[(registration_id, Phase(phase).value)] = (invitation_id, submitted_at is not None)
    for row in with_email:
        found = invitations.get((row.registration_id, row.phase))
        if found and found[1]:
            label = Phase(row.phase).label.lower()
            ctx.error(
                row.line, "email", f"cette personne a déjà répondu à l'évaluation {label} de cette session"
            )
    return invitations


def _write(ctx: ImportContext, rows: list[EvaluationRow], invitations: dict) -> None:
    if not rows:
        return
    order = list(rows)
    random.SystemRandom().shuffle(order)
    responses, answers = [], []
    for row in order:
        response_id = ctx.next_id(EvaluationResponse.__table__)
        session_id = ctx.sessions[row.reference].id
        responses.append({
            "id": response_id, "session_id": session_id, "phase": row.phase,
            "questionnaire_id": None, "profession_code": None, "source": "import",
            "submitted_on": ctx.today, "import_batch_id": ctx.batch.id,
        })  # fmt: skip
        for indicator, score in row.scores.items():
            answers.append(_answer(response_id, session_id, indicator, score, None))
        if row.comment:
            answers.append(_answer(response_id, session_id, None, None, row.comment))
    db.session.execute(sa.insert(EvaluationResponse.__table__), responses)
    db.session.execute(sa.insert(EvaluationAnswer.__table__), answers)
    ctx.counts["responses_created"] += len(responses)
    ctx.counts["answers_created"] += len(answers)
    marked, created = [], []
    for row in rows:
        if not row.registration_id:
            continue
        found = invitations.get((row.registration_id, row.phase))
        if found:
            marked.append({"_id": found[0], "submitted": ctx.now})
        else:
            info = ctx.sessions[row.reference]
            due_on = info.ends_on + (COLD_DELAY if row.phase == "cold" else timedelta(0))
            created.append({
                "id": ctx.next_id(EvaluationInvitation.__table__), "registration_id": row.registration_id,
                "phase": row.phase, "due_on": due_on, "created_at": ctx.now,
                "submitted_at": ctx.now,
            })  # fmt: skip
    table = EvaluationInvitation.__table__
    if marked:
        statement = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("_id"))
            .values(submitted_at=sa.bindparam("submitted"))
        )
        db.session.connection().execute(statement, marked)
        ctx.created.setdefault("invitations_marked", []).extend(item["_id"] for item in marked)
    if created:
        db.session.execute(sa.insert(table), created)
        ctx.remember("invitations", (item["id"] for item in created))
    ctx.counts["invitations_marked"] += len(marked) + len(created)


def _answer(
    response_id: int, session_id: int, indicator: str | None, score: int | None, comment: str | None
) -> dict:
    return {
        "response_id": response_id, "session_id": session_id, "question_id": None, "indicator": indicator,
        "score": score, "choice": None, "text": comment,
    }  # fmt: skip
