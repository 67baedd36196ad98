"""What the results pages show besides the rates: invitations, answer distributions, comments.

Every figure is aggregated in SQL; the pages hide all of it below ``MIN_RESPONSES_SHOWN``
responses. Comments are listed in alphabetical order, never with a name or a profession.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.evaluations.answers import SCALE_LABELS
from trainer.evaluations.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    Indicator,
    Phase,
    Question,
    QuestionKind,
)
from trainer.evaluations.services import INDICATOR_LABELS, rate
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.kits.models import Kit
from trainer.people.models import Person
from trainer.sessions.models import Registration, TrainingSession, session_kits, session_trainers

COMMENTS_SHOWN = 300
INDICATOR_NAMES = {
    Indicator.satisfaction: _l("satisfaction"),
    Indicator.knowledge: _l("connaissances"),
    Indicator.practice: _l("pratique"),
}


@dataclass
class PhaseCounts:
    """Invitations and responses of one session and phase."""

    invited: int = 0
    sent: int = 0
    reminded: int = 0
    submitted: int = 0
    responses: int = 0
    paper: int = 0

    @property
    def response_rate(self) -> float | None:
        """Responses / invited, one decimal (paper answers can exceed the invited: capped at 100)."""
        return rate(min(self.responses, self.invited), self.invited)


@dataclass
class Distribution:
    """Answers per score (1–4) to one scale question, or to an indicator for imported answers."""

    label: str
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCALE_LABELS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, score: int) -> float:
        return 100 * self.counts[score] / self.total if self.total else 0.0


def phase_counts(session_ids: list[int]) -> dict[tuple[int, Phase], PhaseCounts]:
    """Invitation and response counts per (session, phase), in two grouped queries."""
    result: dict[tuple[int, Phase], PhaseCounts] = {}
    if not session_ids:
        return result
    invitations = db.session.execute(
        sa.select(
            Registration.session_id,
            EvaluationInvitation.phase,
            sa.func.count(),
            sa.func.count(EvaluationInvitation.sent_at),
            sa.func.count(EvaluationInvitation.reminded_at),
            sa.func.count(EvaluationInvitation.submitted_at),
        )
        .join(Registration, Registration.id == EvaluationInvitation.registration_id)
        .where(Registration.session_id.in_(session_ids))
        .group_by(Registration.session_id, EvaluationInvitation.phase)
    )
    for session_id, phase, invited, sent, reminded, submitted in invitations:
        result[(session_id, Phase(phase))] = PhaseCounts(invited, sent, reminded, submitted)
    responses = db.session.execute(
        sa.select(
            EvaluationResponse.session_id,
            EvaluationResponse.phase,
            sa.func.count(),
            sa.func.sum(sa.case((EvaluationResponse.source == "paper", 1), else_=0)),
        )
        .where(EvaluationResponse.session_id.in_(session_ids))
        .group_by(EvaluationResponse.session_id, EvaluationResponse.phase)
    )
    for session_id, phase, count, paper in responses:
        counts = result.setdefault((session_id, Phase(phase)), PhaseCounts())
        counts.responses, counts.paper = int(count), int(paper or 0)
    return result


def _answers_of(session_id: int, phase: Phase) -> sa.Select:
    return (
        sa.select()
        .select_from(EvaluationAnswer)
        .join(EvaluationResponse, EvaluationResponse.id == EvaluationAnswer.response_id)
        .outerjoin(Question, Question.id == EvaluationAnswer.question_id)
        .where(EvaluationResponse.session_id == session_id, EvaluationResponse.phase == phase)
    )


def scale_distributions(session_id: int, phase: Phase) -> list[Distribution]:
    """One row per indicator (online, paper and imported answers together), then per other question."""
    rows = db.session.execute(
        _answers_of(session_id, phase)
        .add_columns(
            EvaluationAnswer.indicator,
            Question.text,
            sa.func.min(Question.position),
            EvaluationAnswer.score,
            sa.func.count(),
        )
        .where(EvaluationAnswer.score.is_not(None))
        .group_by(EvaluationAnswer.indicator, Question.text, EvaluationAnswer.score)
    ).all()
    by_key: dict[str, Distribution] = {}
    order: dict[str, tuple] = {}
    for indicator, text, position, score, count in rows:
        if indicator:
            indicator = Indicator(indicator)
            key = f"indicator:{indicator.value}"
            label = (
                _("%(text)s (indicateur : %(name)s)", text=text, name=INDICATOR_NAMES[indicator])
                if text
                else str(INDICATOR_LABELS[indicator])
            )
            rank = (0, list(Indicator).index(indicator))
        else:
            key, label, rank = f"text:{text}", text or "", (1, position or 0)
        distribution = by_key.setdefault(key, Distribution(label))
        if text and indicator and not distribution.label.startswith(text):
            distribution.label = label
        distribution.counts[int(score)] += int(count)
        order[key] = min(order.get(key, rank), rank)
    return [by_key[key] for key in sorted(by_key, key=lambda k: (order[k], by_key[k].label))]


def choice_counts(session_id: int, phase: Phase) -> list[tuple[str, list[tuple[str, int]]]]:
    """Yes/no and choice questions: (question, [(answer, count)…]), most frequent first."""
    rows = db.session.execute(
        _answers_of(session_id, phase)
        .add_columns(Question.text, sa.func.min(Question.position), EvaluationAnswer.choice, sa.func.count())
        .where(
            EvaluationAnswer.choice.is_not(None),
            Question.kind.in_([QuestionKind.yes_no, QuestionKind.choice]),
        )
        .group_by(Question.text, EvaluationAnswer.choice)
    ).all()
    grouped: dict[str, list[tuple[str, int]]] = {}
    positions: dict[str, int] = {}
    for text, position, choice, count in rows:
        grouped.setdefault(text, []).append((choice, int(count)))
        positions[text] = min(positions.get(text, position or 0), position or 0)
    return [
        (text, sorted(grouped[text], key=lambda item: (-item[1], item[0])))
        for text in sorted(grouped, key=lambda t: (positions[t], t))
    ]


def comments(session_id: int, phase: Phase) -> list[str]:
    """Free-text answers in alphabetical order: no order of arrival, no name, no profession."""
    return list(
        db.session.scalars(
            _answers_of(session_id, phase)
            .add_columns(EvaluationAnswer.text)
            .where(EvaluationAnswer.text.is_not(None), EvaluationAnswer.text != "")
            .order_by(EvaluationAnswer.text)
            .limit(COMMENTS_SHOWN)
        )
    )


def sessions_with_evaluations(trainer_person_id: int | None = None) -> sa.Select:
    """Sessions that have invitations or responses, most recent first (paginated by the view)."""
    has_invitations = sa.exists().where(
        Registration.session_id == TrainingSession.id,
        EvaluationInvitation.registration_id == Registration.id,
    )
    has_responses = sa.exists().where(EvaluationResponse.session_id == TrainingSession.id)
    statement = (
        sa.select(TrainingSession)
        .where(sa.or_(has_invitations, has_responses))
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())
    )
    if trainer_person_id is not None:
        statement = statement.where(
            sa.exists().where(
                session_trainers.c.session_id == TrainingSession.id,
                session_trainers.c.person_id == trainer_person_id,
            )
        )
    return statement


def kit_labels(kit_ids) -> dict[int, Kit]:
    ids = list(kit_ids)
    return {kit.id: kit for kit in db.session.scalars(sa.select(Kit).where(Kit.id.in_(ids)))} if ids else {}


def trainer_labels(person_ids) -> dict[int, Person]:
    ids = list(person_ids)
    if not ids:
        return {}
    return {person.id: person for person in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}


def sessions_per(group: str, session_ids_query: sa.Select) -> dict[int, int]:
    """How many sessions with responses each kit or trainer has (``group``: kit or trainer)."""
    table = session_kits if group == "kit" else session_trainers
    column = table.c.kit_id if group == "kit" else table.c.person_id
    return dict(
        db.session.execute(
            sa.select(column, sa.func.count(sa.distinct(table.c.session_id)))
            .where(table.c.session_id.in_(session_ids_query))
            .group_by(column)
        ).all()
    )
