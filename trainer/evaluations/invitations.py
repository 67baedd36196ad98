"""Personal evaluation links: created when a session closes, e-mailed, reminded, and sent when due.

Each completed registration gets one invitation per phase (unique in the database). The link
carries a random token; only its hash is stored, so a reminder (or a printed QR sheet) issues a
new token that replaces the previous one. ``send_due`` is meant for cron: what it sent is marked
in the same transaction, so running it twice sends nothing twice.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.db_types import now_utc
from trainer.evaluations.models import EvaluationInvitation, Phase
from trainer.evaluations.questionnaires import ensure_default_questionnaires
from trainer.extensions import db
from trainer.mail import send_mail
from trainer.people.models import Person
from trainer.security import hash_token, new_token
from trainer.sessions.models import Registration, RegistrationStatus, SessionSlot, TrainingSession
from trainer.urls import external_url

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def setting(name: str) -> int:
    defaults = {"EVALUATION_LINK_DAYS": 60, "EVALUATION_REMINDER_DAYS": 7, "EVALUATION_COLD_DELAY_DAYS": 90}
    return int(current_app.config.get(name, defaults[name]))


def local_day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


@dataclass
class SendReport:
    """What one run sent; ``failed`` counts messages the mail server refused (retried next run)."""

    sent: dict[str, int] = field(default_factory=lambda: {"hot": 0, "cold": 0})
    reminders: int = 0
    failed: int = 0
    created: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values()) + self.reminders

    def summary(self) -> str:
        return (
            f"invitations envoyées : {self.sent['hot']} à chaud, {self.sent['cold']} à froid ; "
            f"rappels : {self.reminders} ; échecs : {self.failed}"
        )


def last_slot_on(training_session: TrainingSession) -> date:
    last = db.session.scalar(
        sa.select(sa.func.max(SessionSlot.on)).where(SessionSlot.session_id == training_session.id)
    )
    return last or training_session.ends_on


def create_invitations(training_session: TrainingSession, *, today: date) -> list[EvaluationInvitation]:
    """Hot (due today) and cold (due last slot + delay) invitations for each completed attendee.

    Idempotent: existing invitations are kept as they are.
    """
    existing = set(
        db.session.execute(
            sa.select(EvaluationInvitation.registration_id, EvaluationInvitation.phase)
            .join(Registration, Registration.id == EvaluationInvitation.registration_id)
            .where(Registration.session_id == training_session.id)
        ).all()
    )
    registration_ids = db.session.scalars(
        sa.select(Registration.id)
        .where(
            Registration.session_id == training_session.id,
            Registration.completed.is_(True),
            Registration.status == RegistrationStatus.registered,
        )
        .order_by(Registration.id)
    ).all()
    cold_due = last_slot_on(training_session) + timedelta(days=setting("EVALUATION_COLD_DELAY_DAYS"))
    created = []
    for registration_id in registration_ids:
        for phase, due_on in ((Phase.hot, today), (Phase.cold, cold_due)):
            if (registration_id, phase) in existing:
                continue
            invitation = EvaluationInvitation(registration_id=registration_id, phase=phase, due_on=due_on)
            db.session.add(invitation)
            created.append(invitation)
    db.session.flush()
    return created


def _issue_token(invitation: EvaluationInvitation, now: datetime, *, renew: bool) -> str:
    """A new raw token (returned once, never stored); ``renew`` restarts the validity period."""
    raw = new_token()
    invitation.token_hash = hash_token(raw)
    if renew or invitation.expires_at is None:
        invitation.expires_at = now + timedelta(days=setting("EVALUATION_LINK_DAYS"))
    return raw


def _mail(invitation: EvaluationInvitation, raw: str, *, reminder: bool) -> None:
    registration = invitation.registration
    training_session = registration.training_session
    link = external_url("evaluations.answer", token=raw)
    context = {
        "person": registration.person,
        "training_session": training_session,
        "link": link,
        "expires_on": local_day(invitation.expires_at),
        "reminder": reminder,
        "phase": invitation.phase,
    }
    title = training_session.title
    if invitation.phase == Phase.cold:
        subject = f"Trois mois après la formation « {title} » : votre pratique a-t-elle changé ?"
    else:
        subject = f"Votre avis sur la formation « {title} »"
    if reminder:
        subject = f"Rappel : {subject}"
    # Straight from the Jinja environment: cron and signal receivers may run without a request,
    # where the app's context processors (navigation) cannot run.
    text = current_app.jinja_env.get_template("evaluations/emails/invitation.txt").render(**context)
    send_mail(registration.person.email, subject, text)


def _deliver(invitation: EvaluationInvitation, now: datetime, report: SendReport, *, reminder: bool) -> None:
    previous = (invitation.token_hash, invitation.expires_at)
    raw = _issue_token(invitation, now, renew=not reminder)
    try:
        _mail(invitation, raw, reminder=reminder)
    except (OSError, smtplib.SMTPException):
        # Nothing marked: the next run tries again. Never log the link.
        invitation.token_hash, invitation.expires_at = previous
        log.warning("evaluation invitation %s: mail refused", invitation.id)
        report.failed += 1
        return
    if reminder:
        invitation.reminded_at = now
        report.reminders += 1
    else:
        invitation.sent_at = now
        report.sent[invitation.phase.value] += 1


def _with_email(statement: sa.Select) -> sa.Select:
    return (
        statement.join(Registration, Registration.id == EvaluationInvitation.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(Person.email.is_not(None), Person.email != "")
        .options(
            selectinload(EvaluationInvitation.registration).selectinload(Registration.person),
            selectinload(EvaluationInvitation.registration).selectinload(Registration.training_session),
        )
        .order_by(EvaluationInvitation.id)
    )


def send_invitations(invitations: list[EvaluationInvitation], *, now: datetime, report: SendReport) -> None:
    """Send the unsent, due ones among ``invitations`` to attendees who have an e-mail."""
    today = local_day(now)
    for invitation in invitations:
        person = invitation.registration.person
        if invitation.sent_at or invitation.submitted_at or invitation.due_on > today or not person.email:
            continue
        _deliver(invitation, now, report, reminder=False)
    db.session.flush()


def open_session_evaluations(training_session: TrainingSession, *, now: datetime, actor=None) -> SendReport:
    """Create the session's invitations and e-mail the hot ones (on closing or on demand)."""
    ensure_default_questionnaires()
    report = SendReport()
    created = create_invitations(training_session, today=local_day(now))
    report.created = len(created)
    hot = db.session.scalars(
        _with_email(sa.select(EvaluationInvitation)).where(
            Registration.session_id == training_session.id, EvaluationInvitation.phase == Phase.hot
        )
    ).all()
    send_invitations(list(hot), now=now, report=report)
    audit.record(
        "evaluation.invite",
        training_session,
        actor=actor,
        summary=f"{report.created} invitations créées ; {report.summary()}",
    )
    return report


def send_due(now: datetime) -> SendReport:
    """Send every due invitation not sent yet, and one reminder to those who have not answered."""
    ensure_default_questionnaires()
    report = SendReport()
    today = local_day(now)
    link_days = setting("EVALUATION_LINK_DAYS")
    due = db.session.scalars(
        _with_email(sa.select(EvaluationInvitation)).where(
            EvaluationInvitation.sent_at.is_(None),
            EvaluationInvitation.submitted_at.is_(None),
            EvaluationInvitation.due_on <= today,
            EvaluationInvitation.due_on > today - timedelta(days=link_days),
            Registration.completed.is_(True),
        )
    ).all()
    send_invitations(list(due), now=now, report=report)
    reminder_before = now - timedelta(days=setting("EVALUATION_REMINDER_DAYS"))
    to_remind = db.session.scalars(
        _with_email(sa.select(EvaluationInvitation)).where(
            EvaluationInvitation.sent_at.is_not(None),
            EvaluationInvitation.sent_at <= reminder_before,
            EvaluationInvitation.reminded_at.is_(None),
            EvaluationInvitation.submitted_at.is_(None),
            EvaluationInvitation.expires_at > now,
        )
    ).all()
    for invitation in to_remind:
        _deliver(invitation, now, report, reminder=True)
    db.session.flush()
    if report.total or report.failed:
        audit.record("evaluation.send_due", actor="cron", summary=report.summary())
    return report


def issue_sheet_tokens(
    training_session: TrainingSession, phase: Phase, *, now: datetime, everyone: bool = False
) -> list[tuple[Registration, str]]:
    """New links for a printed QR sheet: attendees without e-mail (or all) who have not answered.

    A printed link replaces any link given before to the same attendee.
    """
    create_invitations(training_session, today=local_day(now))
    statement = (
        sa.select(EvaluationInvitation)
        .join(Registration, Registration.id == EvaluationInvitation.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.session_id == training_session.id,
            EvaluationInvitation.phase == phase,
            EvaluationInvitation.submitted_at.is_(None),
        )
        .options(selectinload(EvaluationInvitation.registration).selectinload(Registration.person))
        .order_by(Person.last_name, Person.first_name, EvaluationInvitation.id)
    )
    if not everyone:
        statement = statement.where(sa.or_(Person.email.is_(None), Person.email == ""))
    sheet = []
    for invitation in db.session.scalars(statement):
        raw = _issue_token(invitation, now, renew=True)
        invitation.sent_at = invitation.sent_at or now
        sheet.append((invitation.registration, raw))
    db.session.flush()
    return sheet


def find_invitation(raw: str | None) -> EvaluationInvitation | None:
    """The invitation a link points to; None for anything that is not one of our tokens."""
    if not raw or not _TOKEN_SHAPE.fullmatch(raw):
        return None
    return db.session.scalar(
        sa.select(EvaluationInvitation).where(EvaluationInvitation.token_hash == hash_token(raw))
    )


def link_state(invitation: EvaluationInvitation | None, now: datetime) -> str:
    """``unknown``, ``used``, ``expired`` or ``open``."""
    if invitation is None:
        return "unknown"
    if invitation.submitted_at is not None:
        return "used"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired"
    return "open"


def on_session_closed(sender, training_session: TrainingSession | None = None, actor=None, **_extra) -> None:
    """``trainer.signals.session_closed`` receiver: invitations for the closed session (flush only)."""
    if training_session is None:
        return
    open_session_evaluations(training_session, now=now_utc(), actor=actor)
