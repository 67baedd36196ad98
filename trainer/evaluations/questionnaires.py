"""Questionnaire versions: the current one per phase, and edits that never touch answered versions.

A version that has responses is frozen: the first edit copies it into a new version that becomes
current, and the edit applies to the copy. Only the current version of a phase is editable.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import audit
from trainer.evaluations.defaults import install_default_questionnaires
from trainer.evaluations.models import (
    PHASE_LABELS,
    EvaluationResponse,
    Indicator,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
)
from trainer.evaluations.services import EvaluationError
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l

KIND_LABELS = {
    QuestionKind.scale4: _l("Échelle de 1 à 4"),
    QuestionKind.yes_no: _l("Oui / non"),
    QuestionKind.choice: _l("Choix dans une liste"),
    QuestionKind.text: _l("Texte libre"),
}
MAX_CHOICES = 12


@dataclass(frozen=True)
class QuestionData:
    """What a coordinator types for one question (already shaped by the form)."""

    text: str
    kind: QuestionKind
    help_text: str = ""
    choices: str = ""
    is_required: bool = False
    indicator: Indicator | None = None


def ensure_default_questionnaires() -> list[str]:
    """Install the shipped questionnaire of any phase that has none (flushes)."""
    db.session.flush()
    return install_default_questionnaires(db.session.connection())


def current_questionnaire(phase: Phase) -> Questionnaire | None:
    return db.session.scalar(
        sa.select(Questionnaire)
        .where(Questionnaire.phase == phase, Questionnaire.is_current.is_(True))
        .order_by(Questionnaire.version.desc())
        .limit(1)
    )


def response_count(questionnaire: Questionnaire) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EvaluationResponse)
        .where(EvaluationResponse.questionnaire_id == questionnaire.id)
    )


def choice_list(question: Question) -> list[str]:
    return [line.strip() for line in (question.choices or "").splitlines() if line.strip()]


def _check(data: QuestionData) -> None:
    if not data.text.strip():
        raise EvaluationError(_("Saisissez le texte de la question."))
    if data.indicator is not None and data.kind != QuestionKind.scale4:
        raise EvaluationError(_("Seule une question sur une échelle de 1 à 4 peut mesurer un indicateur."))
    if data.kind == QuestionKind.choice:
        options = [line.strip() for line in data.choices.splitlines() if line.strip()]
        if len(options) < 2:
            raise EvaluationError(_("Une question à choix demande au moins deux choix, un par ligne."))
        if len(options) > MAX_CHOICES:
            raise EvaluationError(_("%(n)s choix au maximum.", n=MAX_CHOICES))
        if any(len(option) > 250 for option in options):
            raise EvaluationError(_("Chaque choix tient en 250 caractères au maximum."))


def _copy(questionnaire: Questionnaire) -> Questionnaire:
    latest = db.session.scalar(
        sa.select(sa.func.max(Questionnaire.version)).where(Questionnaire.phase == questionnaire.phase)
    )
    copy = Questionnaire(
        phase=questionnaire.phase,
        version=(latest or 0) + 1,
        title=questionnaire.title,
        introduction=questionnaire.introduction,
        is_current=True,
    )
    copy.questions = [
        Question(
            position=q.position,
            text=q.text,
            help_text=q.help_text,
            kind=q.kind,
            choices=q.choices,
            is_required=q.is_required,
            indicator=q.indicator,
        )
        for q in questionnaire.questions
    ]
    questionnaire.is_current = False
    db.session.add(copy)
    db.session.flush()
    return copy


def editable_version(questionnaire: Questionnaire, *, actor) -> Questionnaire:
    """The version an edit applies to: itself if unanswered, else a new current copy."""
    if not questionnaire.is_current:
        raise EvaluationError(
            _(
                "Seule la version en cours d'un questionnaire peut être modifiée ; les anciennes versions "
                "sont conservées telles quelles."
            )
        )
    if response_count(questionnaire) == 0:
        return questionnaire
    copy = _copy(questionnaire)
    audit.record(
        "questionnaire.version",
        copy,
        actor=actor,
        summary=f"{PHASE_LABELS[questionnaire.phase]} : version {copy.version} créée "
        f"(la version {questionnaire.version} a des réponses)",
    )
    return copy


def _same_question(questionnaire: Questionnaire, question: Question) -> Question:
    """The question at the same position in ``questionnaire`` (after a copy)."""
    for candidate in questionnaire.questions:
        if candidate.position == question.position:
            return candidate
    raise EvaluationError(_("Cette question n'existe plus."))


def update_questionnaire(
    questionnaire: Questionnaire, *, title: str, introduction: str, actor
) -> Questionnaire:
    """Change the title and introduction; returns the version that holds the change."""
    target = editable_version(questionnaire, actor=actor)
    target.title = title.strip()
    target.introduction = introduction.strip()
    audit.record(
        "questionnaire.update", target, actor=actor, summary=f"{PHASE_LABELS[target.phase]} v{target.version}"
    )
    db.session.flush()
    return target


def add_question(questionnaire: Questionnaire, data: QuestionData, *, actor) -> Question:
    """Append a question at the end of the (possibly new) current version."""
    _check(data)
    target = editable_version(questionnaire, actor=actor)
    position = max((q.position for q in target.questions), default=0) + 1
    question = Question(position=position, **_fields(data))
    target.questions.append(question)
    db.session.flush()
    audit.record("questionnaire.question_add", question, actor=actor, summary=data.text[:200])
    return question


def update_question(question: Question, data: QuestionData, *, actor) -> Question:
    _check(data)
    target = editable_version(question.questionnaire, actor=actor)
    question = _same_question(target, question)
    for name, value in _fields(data).items():
        setattr(question, name, value)
    db.session.flush()
    audit.record("questionnaire.question_update", question, actor=actor, summary=data.text[:200])
    return question


def delete_question(question: Question, *, actor) -> Questionnaire:
    target = editable_version(question.questionnaire, actor=actor)
    question = _same_question(target, question)
    if len(target.questions) == 1:
        raise EvaluationError(_("Un questionnaire garde au moins une question."))
    audit.record("questionnaire.question_delete", question, actor=actor, summary=question.text[:200])
    target.questions.remove(question)
    db.session.flush()
    _renumber(target)
    return target


def move_question(question: Question, offset: int, *, actor) -> Questionnaire:
    """Move a question one place up (-1) or down (+1)."""
    target = editable_version(question.questionnaire, actor=actor)
    question = _same_question(target, question)
    ordered = sorted(target.questions, key=lambda q: q.position)
    index = ordered.index(question)
    other_index = index + offset
    if not 0 <= other_index < len(ordered):
        return target
    ordered[index], ordered[other_index] = ordered[other_index], ordered[index]
    _renumber(target, ordered)
    audit.record("questionnaire.question_move", question, actor=actor, summary=question.text[:200])
    return target


def _renumber(questionnaire: Questionnaire, ordered: list[Question] | None = None) -> None:
    # Two passes so the unique (questionnaire, position) never sees a duplicate mid-way.
    ordered = ordered or sorted(questionnaire.questions, key=lambda q: q.position)
    for index, question in enumerate(ordered):
        question.position = -(index + 1)
    db.session.flush()
    for index, question in enumerate(ordered):
        question.position = index + 1
    db.session.flush()
    db.session.expire(questionnaire, ["questions"])


def _fields(data: QuestionData) -> dict:
    return {
        "text": data.text.strip(),
        "help_text": data.help_text.strip(),
        "kind": data.kind,
        "choices": "\n".join(line.strip() for line in data.choices.splitlines() if line.strip())
        if data.kind == QuestionKind.choice
        else "",
        "is_required": data.is_required,
        "indicator": data.indicator if data.kind == QuestionKind.scale4 else None,
    }
