"""Demo evaluations: invitations and responses through the default questionnaires.

Closed sessions get their hot and cold invitations as the real flow would have made them: most
hot links answered (some reminded, some still pending), attendees without e-mail answering on
paper, cold follow-ups answered three months later, not due yet, or due and waiting for
``trainer evaluations send-due``. Rates come out near the MIPROF figures (98 % / 95 % / 95 %).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from trainer.evaluations.invitations import last_slot_on, setting
from trainer.evaluations.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    Indicator,
    Phase,
    QuestionKind,
    Questionnaire,
    ResponseSource,
)
from trainer.evaluations.questionnaires import (
    choice_list,
    current_questionnaire,
    ensure_default_questionnaires,
)
from trainer.extensions import db
from trainer.security import hash_token, new_token
from trainer.sessions.models import Registration, SessionStatus, TrainingSession

GOOD_SHARE = {Indicator.satisfaction: 0.98, Indicator.knowledge: 0.95, Indicator.practice: 0.95}
COMMENTS = {
    Phase.hot: [
        "Formation très utile, le film est saisissant.",
        "J'aurais aimé plus de cas pratiques.",
        "Les fiches réflexes vont me servir au quotidien.",
        "Formatrice à l'écoute, échanges riches entre professions.",
        "Un peu dense sur une demi-journée.",
        "Merci, je me sens plus légitime pour poser la question.",
    ],
    Phase.cold: [
        "J'utilise la fiche réflexe lors de mes consultations.",
        "Nous avons mis en place un protocole dans le service.",
        "Il faudrait une session de rappel un an après.",
    ],
}


def _score(rng: random.Random, good_share: float) -> int:
    if rng.random() < good_share:
        return 4 if rng.random() < 0.6 else 3
    return 2 if rng.random() < 0.8 else 1


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _response(
    rng: random.Random,
    questionnaire: Questionnaire,
    registration: Registration,
    submitted_on: date,
    source: ResponseSource,
) -> EvaluationResponse:
    response = EvaluationResponse(
        session_id=registration.session_id,
        phase=questionnaire.phase,
        questionnaire_id=questionnaire.id,
        profession_code=registration.profession_code,
        source=source,
        submitted_on=submitted_on,
    )
    for question in questionnaire.questions:
        answer = EvaluationAnswer(question_id=question.id, indicator=question.indicator)
        if question.kind == QuestionKind.scale4:
            if not question.is_required and rng.random() < 0.05:
                continue  # left blank
            answer.score = _score(rng, GOOD_SHARE.get(question.indicator, 0.9))
        elif question.kind == QuestionKind.yes_no:
            answer.choice = "Oui" if rng.random() < 0.9 else "Non"
        elif question.kind == QuestionKind.choice:
            answer.choice = rng.choice(choice_list(question))
        elif rng.random() < (0.35 if questionnaire.phase == Phase.hot else 0.2):
            answer.text = rng.choice(COMMENTS[questionnaire.phase])
        else:
            continue
        response.answers.append(answer)
    return response


def _invite(
    registration: Registration, phase: Phase, due_on: date, sent_on: date | None
) -> EvaluationInvitation:
    invitation = EvaluationInvitation(registration=registration, phase=phase, due_on=due_on)
    if sent_on is not None:
        invitation.token_hash = hash_token(new_token())  # the link itself is not kept anywhere
        invitation.sent_at = _at(sent_on)
        invitation.expires_at = _at(sent_on) + timedelta(days=setting("EVALUATION_LINK_DAYS"))
    db.session.add(invitation)
    return invitation


def _hot(rng: random.Random, today: date, training_session: TrainingSession, hot: Questionnaire) -> None:
    closed_on = training_session.ends_on + timedelta(days=1)
    for registration in _completed(training_session):
        has_email = bool(registration.person.email)
        invitation = _invite(registration, Phase.hot, closed_on, closed_on if has_email else None)
        if not has_email:
            if rng.random() < 0.6:  # answered the paper questionnaire handed out in the room
                db.session.add(_response(rng, hot, registration, closed_on, ResponseSource.paper))
            continue
        answered_after = rng.randint(0, 12)
        if rng.random() < 0.8 and closed_on + timedelta(days=answered_after) <= today:
            answered_on = closed_on + timedelta(days=answered_after)
            invitation.submitted_at = _at(answered_on, 18)
            if answered_after > 7:
                invitation.reminded_at = _at(closed_on + timedelta(days=7))
            db.session.add(_response(rng, hot, registration, answered_on, ResponseSource.online))
        elif closed_on + timedelta(days=7) <= today:
            invitation.reminded_at = _at(closed_on + timedelta(days=7))


def _cold(
    rng: random.Random, today: date, training_session: TrainingSession, cold: Questionnaire, leave_due: bool
) -> None:
    due_on = last_slot_on(training_session) + timedelta(days=setting("EVALUATION_COLD_DELAY_DAYS"))
    for registration in _completed(training_session):
        send = due_on <= today and not leave_due and registration.person.email
        invitation = _invite(registration, Phase.cold, due_on, due_on if send else None)
        answered_on = due_on + timedelta(days=rng.randint(0, 10))
        if send and answered_on <= today and rng.random() < 0.5:
            invitation.submitted_at = _at(answered_on, 18)
            db.session.add(_response(rng, cold, registration, answered_on, ResponseSource.online))
        elif send and due_on + timedelta(days=7) <= today:
            invitation.reminded_at = _at(due_on + timedelta(days=7))  # as the daily job would have


def _completed(training_session: TrainingSession) -> list[Registration]:
    return sorted((r for r in training_session.registrations if r.completed), key=lambda r: r.id)


def extend(context) -> None:
    """Add invitations and responses for the demo's closed sessions (deterministic: context.rng)."""
    ensure_default_questionnaires()
    hot, cold = current_questionnaire(Phase.hot), current_questionnaire(Phase.cold)
    closed = [s for s in context.sessions if s.status == SessionStatus.closed]
    delay = timedelta(days=setting("EVALUATION_COLD_DELAY_DAYS"))
    # One session's cold follow-up is due and not sent yet: what the cron job would pick up.
    due = [s for s in closed if last_slot_on(s) + delay <= context.today]
    waiting = max(due, key=lambda s: (last_slot_on(s), s.reference)) if due else None
    for training_session in closed:
        _hot(context.rng, context.today, training_session, hot)
        _cold(context.rng, context.today, training_session, cold, leave_due=training_session is waiting)
    db.session.flush()
