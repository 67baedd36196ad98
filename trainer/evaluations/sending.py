"""Sending evaluation links: on closing (or on demand), when due, and one reminder.

Each message carries a fresh token (only its hash is stored). A refused message leaves the
invitation as it was, so the next run tries again; what was sent is marked in the same
transaction, so running ``send_due`` twice sends nothing twice. ``send_due`` works in batches so
that the cron job never holds the SQLite write lock for long.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.db_types import now_utc
from trainer.evaluations.invitations import create_invitations, issue_token, local_day, setting
from trainer.evaluations.models import EvaluationInvitation, Phase
from trainer.evaluations.questionnaires import ensure_default_questionnaires
from trainer.extensions import db
from trainer.mail import send_mail
from trainer.people.models import Person
from trainer.sessions.models import Registration, TrainingSession
from trainer.urls import external_url

log = logging.getLogger(__name__)


@dataclass
class SendReport:
    """What one run sent; ``failed`` counts messages the mail server refused (retried next run)."""

    sent: dict[str, int] = field(default_factory=lambda: {"hot": 0, "cold": 0})
    reminders: int = 0
    failed: int = 0
    created: int = 0
    attempted: int = 0
    failed_ids: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.sent.values()) + self.reminders

    def add(self, other: SendReport) -> None:
        for phase, count in other.sent.items():
            self.sent[phase] += count
        self.reminders += other.reminders
        self.failed += other.failed
        self.created += other.created
        self.attempted += other.attempted
        self.failed_ids |= other.failed_ids

    def summary(self) -> str:
        return (
            f"invitations envoyées : {self.sent['hot']} à chaud, {self.sent['cold']} à froid ; "
            f"rappels : {self.reminders} ; échecs : {self.failed}"
        )


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
    report.attempted += 1
    previous = (invitation.token_hash, invitation.expires_at)
    raw = issue_token(invitation, now, renew=not reminder)
    try:
        _mail(invitation, raw, reminder=reminder)
    except (OSError, smtplib.SMTPException):
        # Nothing marked: the next run tries again. Never log the link.
        invitation.token_hash, invitation.expires_at = previous
        log.warning("evaluation invitation %s: mail refused", invitation.id)
        report.failed += 1
        report.failed_ids.add(invitation.id)
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
    report.created = create_invitations(training_session, today=local_day(now))
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


def send_due(now: datetime, *, limit: int | None = None, exclude: Collection[int] = ()) -> SendReport:
    """Send due invitations not sent yet, then one reminder to those who have not answered.

    ``limit`` caps the messages of one call (the caller commits and calls again until fewer
    than ``limit`` were attempted); ``exclude`` skips invitations whose message failed this run.
    """
    ensure_default_questionnaires()
    report = SendReport()
    today = local_day(now)
    skip = EvaluationInvitation.id.not_in(list(exclude)) if exclude else sa.true()
    due = db.session.scalars(
        _with_email(sa.select(EvaluationInvitation))
        .where(
            EvaluationInvitation.sent_at.is_(None),
            EvaluationInvitation.submitted_at.is_(None),
            EvaluationInvitation.due_on <= today,
            EvaluationInvitation.due_on > today - timedelta(days=setting("EVALUATION_LINK_DAYS")),
            Registration.completed.is_(True),
            skip,
        )
        .limit(limit)
    ).all()
    send_invitations(list(due), now=now, report=report)
    room = None if limit is None else limit - report.attempted
    if room is None or room > 0:
        to_remind = db.session.scalars(
            _with_email(sa.select(EvaluationInvitation))
            .where(
                EvaluationInvitation.sent_at.is_not(None),
                EvaluationInvitation.sent_at <= now - timedelta(days=setting("EVALUATION_REMINDER_DAYS")),
                EvaluationInvitation.reminded_at.is_(None),
                EvaluationInvitation.submitted_at.is_(None),
                EvaluationInvitation.expires_at > now,
                skip,
            )
            .limit(room)
        ).all()
        for invitation in to_remind:
            _deliver(invitation, now, report, reminder=True)
    db.session.flush()
    if report.total or report.failed:
        audit.record("evaluation.send_due", actor="cron", summary=report.summary())
    return report


def on_session_closed(sender, training_session: TrainingSession | None = None, actor=None, **_extra) -> None:
    """``trainer.signals.session_closed`` receiver: invitations for the closed session (flush only)."""
    if training_session is None:
        return
    open_session_evaluations(training_session, now=now_utc(), actor=actor)
