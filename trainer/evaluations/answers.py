"""The answer form built from a questionnaire, and storing a response (online or paper).

An online submission stores a response only if it is the one that marks the invitation used:
``UPDATE … SET submitted_at WHERE submitted_at IS NULL`` decides (on SQLite the POST holds the
write lock from its BEGIN; on PostgreSQL the row lock makes the second UPDATE see the first).
The response keeps the session, the phase and the registration's profession — never the person.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from trainer import audit
from trainer.evaluations.invitations import link_state, local_day
from trainer.evaluations.models import (
    PHASE_LABELS,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
    ResponseSource,
)
from trainer.evaluations.questionnaires import choice_list
from trainer.evaluations.services import EvaluationError
from trainer.extensions import db
from trainer.forms import choices
from trainer.i18n import N_
from trainer.i18n import lazy_gettext as _l
from trainer.sessions.models import Registration, TrainingSession

SCALE_LABELS = {
    1: _l("1 – Pas du tout"),
    2: _l("2 – Plutôt non"),
    3: _l("3 – Plutôt oui"),
    4: _l("4 – Tout à fait"),
}
YES_NO = (N_("Oui"), N_("Non"))  # the stored answers: French whatever the language shown
TEXT_MAX = 2000


class LinkUnavailable(EvaluationError):
    """The link cannot be used: ``reason`` is ``unknown``, ``used`` or ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _OneOf:
    """The submitted value is one of the offered choices (French message, no "Not a valid choice")."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Choisissez l'une des réponses proposées."))


def field_name(question: Question | QuestionSpec) -> str:
    return f"q{question.id}"


class QuestionSpec(NamedTuple):
    """What a question's form field is built from (a question row, detached and hashable)."""

    id: int
    kind: QuestionKind
    text: str
    help_text: str
    is_required: bool
    choices: str | None

    @classmethod
    def of(cls, question: Question) -> QuestionSpec:
        return cls(
            question.id,
            question.kind,
            question.text,
            question.help_text,
            question.is_required,
            question.choices,
        )


def _field(question: QuestionSpec, *, enforce_required: bool) -> Any:
    required = question.is_required and enforce_required
    validators: list[Any] = [
        InputRequired(_("Répondez à cette question : elle est obligatoire.")) if required else Optional()
    ]
    if question.kind == QuestionKind.text:
        validators.append(Length(max=TEXT_MAX, message=_("%(n)s caractères au maximum.", n=TEXT_MAX)))
        return TextAreaField(question.text, validators=validators, description=question.help_text)
    if question.kind == QuestionKind.scale4:
        options = [(str(score), label) for score, label in SCALE_LABELS.items()]
    elif question.kind == QuestionKind.yes_no:
        options = [(value, _(value)) for value in YES_NO]
    else:
        options = [(value, value) for value in choice_list(question)]
    return RadioField(
        question.text,
        choices=choices(options),
        validators=[*validators, _OneOf()],
        validate_choice=False,
        description=question.help_text,
    )


@lru_cache(maxsize=64)
def _form_class(
    questions: tuple[QuestionSpec, ...], enforce_required: bool, base: type[FlaskForm], _locale: str
) -> type[FlaskForm]:
    # One class per questionnaire content (and language): building it costs more than a whole
    # submission's SQL, and the public form is the platform's busiest page.
    class AnswerForm(base):  # type: ignore[misc,valid-type]
        pass

    for question in questions:
        setattr(AnswerForm, field_name(question), _field(question, enforce_required=enforce_required))
    return AnswerForm


def answer_form(
    questionnaire: Questionnaire,
    *,
    enforce_required: bool = True,
    base: type[FlaskForm] = FlaskForm,
    **kwargs: Any,
) -> FlaskForm:
    """A form with one field per question (``q<id>``), in the questionnaire's order, after ``base``'s."""
    questions = tuple(QuestionSpec.of(question) for question in questionnaire.questions)
    return _form_class(questions, enforce_required, base, str(get_locale()))(**kwargs)


def collect_answers(questionnaire: Questionnaire, form: FlaskForm) -> list[EvaluationAnswer]:
    """The answers given (blanks left out), with the question's indicator copied onto each."""
    answers = []
    for question in questionnaire.questions:
        value = form[field_name(question)].data
        value = value.strip() if isinstance(value, str) else value
        if not value:
            continue
        answer = EvaluationAnswer(question_id=question.id, indicator=question.indicator)
        if question.kind == QuestionKind.scale4:
            answer.score = int(value)
        elif question.kind == QuestionKind.text:
            answer.text = value
        else:
            answer.choice = value[:250]
        answers.append(answer)
    return answers


def _mark_used(invitation_id: int, now: datetime) -> int | None:
    """Mark the invitation used if it still is open; returns its registration id, or None."""
    # Core statements on the tables: the ORM's bulk layer would add nothing here but time.
    invitations = EvaluationInvitation.__table__
    return db.session.execute(
        sa.update(invitations)
        .where(
            invitations.c.id == invitation_id,
            invitations.c.submitted_at.is_(None),
            sa.or_(invitations.c.expires_at.is_(None), invitations.c.expires_at > now),
        )
        .values(submitted_at=now)
        .returning(invitations.c.registration_id)
    ).scalar()


def submit_online(
    invitation_id: int,
    phase: Phase,
    questionnaire_id: int,
    answers: list[EvaluationAnswer],
    *,
    now: datetime,
) -> int:
    """Store the response of a personal link once (its id); raises ``LinkUnavailable`` otherwise.

    Three statements, run while holding the write lock: the UPDATE that decides, one INSERT of the
    response (copying the session and profession from the registration) and one of its answers.
    """
    registration_id = _mark_used(invitation_id, now)
    if registration_id is None:
        # Another submission won the race, or the link expired meanwhile: store nothing.
        state = link_state(db.session.get(EvaluationInvitation, invitation_id), now)
        raise LinkUnavailable("used" if state == "open" else state)
    from_registration = sa.select(
        Registration.session_id,
        sa.literal(phase.value),
        sa.literal(questionnaire_id),
        Registration.profession_code,
        sa.literal(ResponseSource.online.value),
        sa.literal(local_day(now)),
    ).where(Registration.id == registration_id)
    columns = ["session_id", "phase", "questionnaire_id", "profession_code", "source", "submitted_on"]
    responses = EvaluationResponse.__table__
    response_id, session_id = db.session.execute(
        sa.insert(responses)
        .from_select(columns, from_registration)
        .returning(responses.c.id, responses.c.session_id)
    ).one()
    if answers:
        db.session.execute(
            sa.insert(EvaluationAnswer.__table__),
            [
                {
                    "response_id": response_id,
                    "session_id": session_id,
                    "question_id": answer.question_id,
                    "indicator": answer.indicator,
                    "score": answer.score,
                    "choice": answer.choice,
                    "text": answer.text,
                }
                for answer in answers
            ],
        )
    return response_id


def submit_paper(
    training_session: TrainingSession,
    phase: Phase,
    questionnaire: Questionnaire,
    answers: list[EvaluationAnswer],
    *,
    profession_code: str | None,
    now: datetime,
    actor: Any,
) -> EvaluationResponse:
    """Store a paper questionnaire typed in by staff; it counts like an online one."""
    if not answers:
        raise EvaluationError(_("Saisissez au moins une réponse du questionnaire papier."))
    response = EvaluationResponse(
        session_id=training_session.id,
        phase=phase,
        questionnaire_id=questionnaire.id,
        profession_code=profession_code or None,
        source=ResponseSource.paper,
        submitted_on=local_day(now),
    )
    response.answers = answers
    db.session.add(response)
    db.session.flush()
    audit.record(
        "evaluation.paper_entry",
        training_session,
        actor=actor,
        summary=f"réponse papier ({PHASE_LABELS[phase].lower()}) saisie",
    )
    return response
