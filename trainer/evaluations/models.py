"""Questionnaires, invitations and anonymous evaluation responses."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, enum_checks, enum_column, now_utc
from trainer.extensions import Model
from trainer.i18n import N_

if TYPE_CHECKING:
    from trainer.sessions.models import Registration, TrainingSession


class Phase(enum.StrEnum):
    hot = "hot"
    cold = "cold"

    @property
    def label(self) -> str:
        return _(PHASE_LABELS[self])


# The French names, also written in audit summaries: plain strings here, translated by
# ``Phase.label`` where they are shown.
PHASE_LABELS = {Phase.hot: N_("À chaud"), Phase.cold: N_("À froid")}


class QuestionKind(enum.StrEnum):
    scale4 = "scale4"
    yes_no = "yes_no"
    choice = "choice"
    text = "text"


class Indicator(enum.StrEnum):
    satisfaction = "satisfaction"
    knowledge = "knowledge"
    practice = "practice"


class ResponseSource(enum.StrEnum):
    online = "online"
    paper = "paper"
    import_ = "import"


class Questionnaire(Model):
    """A versioned list of questions for one phase; answered versions are never edited."""

    __tablename__ = "questionnaires"
    __table_args__ = (sa.UniqueConstraint("phase", "version"), *enum_checks(phase=Phase))

    id: Mapped[int] = mapped_column(primary_key=True)
    phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(200))
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    is_current: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="Question.position"
    )


class Question(Model):
    """One question; 4-point questions may measure an indicator."""

    __tablename__ = "questions"
    __table_args__ = (
        sa.CheckConstraint("indicator IS NULL OR kind = 'scale4'", name="indicator_on_scale"),
        sa.UniqueConstraint("questionnaire_id", "position"),
        *enum_checks(kind=QuestionKind, indicator=Indicator),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaires.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    help_text: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    choices: Mapped[str] = mapped_column(sa.Text, default="")  # one per line, for kind = choice
    is_required: Mapped[bool] = mapped_column(default=False)
    indicator: Mapped[Indicator | None] = mapped_column(enum_column(Indicator))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")


class EvaluationInvitation(Model):
    """One personal, single-use link per registration and phase; only the token hash is stored."""

    __tablename__ = "evaluation_invitations"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "phase"),
        sa.Index(None, "phase", "submitted_at", "due_on"),
        *enum_checks(phase=Phase),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    due_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once, by a conditional UPDATE: a second submission of the same link stores nothing.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship()


class EvaluationResponse(Model):
    """A returned questionnaire: linked to the session and profession, never to the person."""

    __tablename__ = "evaluation_responses"
    __table_args__ = (
        sa.Index(None, "session_id", "phase"),
        # Evaluation figures filtered by the respondents' profession start from their responses.
        sa.Index(None, "profession_code", "session_id"),
        *enum_checks(phase=Phase, source=ResponseSource),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    questionnaire_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="RESTRICT"), index=True
    )
    profession_code: Mapped[str | None] = mapped_column(sa.ForeignKey("professions.code"))
    source: Mapped[ResponseSource] = mapped_column(enum_column(ResponseSource), default=ResponseSource.online)
    # A date, not a time: a timestamp could be matched against the invitation's.
    submitted_on: Mapped[date] = mapped_column(sa.Date)
    import_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )

    training_session: Mapped[TrainingSession] = relationship()
    answers: Mapped[list[EvaluationAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class EvaluationAnswer(Model):
    """One answer; imported answers have an indicator but no question."""

    __tablename__ = "evaluation_answers"
    __table_args__ = (
        sa.CheckConstraint("score IS NULL OR score BETWEEN 1 AND 4", name="score_range"),
        # Reports read ``evaluation_tallies``, or the answers of the responses of one profession.
        sa.Index(None, "response_id", "indicator", "score"),
        *enum_checks(indicator=Indicator),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_responses.id", ondelete="CASCADE"))
    # The response's session, copied when the answer is stored (it never changes): the tally
    # triggers add the answer to its session's row without looking the response up. Indexed for
    # the cascade when a session is deleted.
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    indicator: Mapped[Indicator | None] = mapped_column(enum_column(Indicator))
    score: Mapped[int | None]
    choice: Mapped[str | None] = mapped_column(sa.String(250))
    text: Mapped[str | None] = mapped_column(sa.Text)

    response: Mapped[EvaluationResponse] = relationship(back_populates="answers")
    question: Mapped[Question | None] = relationship()


class EvaluationTally(Model):
    """The responses of one session and its scored answers, summed: kept by database triggers.

    Every report rate is ``good / answered`` summed over sessions, so the per-session, per-kit and
    per-territory figures read one row per session instead of every response and answer. The
    triggers (``trainer.evaluations.tallies``) follow each insert, update and delete of a response
    or an answer, whichever way it is written (form, paper entry, import, cascade), in the same
    transaction.
    """

    __tablename__ = "evaluation_tallies"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    responses: Mapped[int]
    # Per indicator: answers of 3 or 4 (out of 4), and answers with a score (blanks not counted).
    satisfaction_good: Mapped[int]
    satisfaction_answered: Mapped[int]
    knowledge_good: Mapped[int]
    knowledge_answered: Mapped[int]
    practice_good: Mapped[int]
    practice_answered: Mapped[int]
    score_sum: Mapped[int]  # every indicator: the average score is score_sum / answers


# The summed columns, in the order readers and the triggers list them.
TALLY_COLUMNS = [
    *(f"{indicator.value}_{part}" for indicator in Indicator for part in ("good", "answered")),
    "score_sum",
]


@sa.event.listens_for(EvaluationAnswer, "before_insert")
def _copy_the_session_of_the_response(_mapper, _connection, answer: EvaluationAnswer) -> None:
    # Answers added through the ORM (paper questionnaires, demo data); Core inserts give it.
    if answer.session_id is None:
        answer.session_id = answer.response.session_id
