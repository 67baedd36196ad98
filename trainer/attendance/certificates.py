"""Attendance certificates: issue, verification code, personal download link, e-mail, revocation.

Closing a session delivers them (``deliver_certificates``); the coordinator's button runs the same
delivery again after a correction. Both are idempotent: one certificate per registration, and a
certificate is e-mailed once unless a coordinator asks for it again.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.attendance.models import Certificate
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.mail import send_mail
from trainer.sessions.models import HELD_STATUSES, Registration, RegistrationStatus, TrainingSession
from trainer.urls import external_url

log = logging.getLogger(__name__)

# Crockford's base 32: no I, L, O, U, so a code read aloud or retyped is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "ATT"
CODE_GROUPS = 4  # 4 groups of 4 characters: 80 random bits
DEFAULT_LINK_DAYS = 365


class CertificateError(Exception):
    """A rule refused the action; ``str(exc)`` is a French message safe to show."""


def new_code(rng: secrets.SystemRandom | None = None) -> str:
    """``ATT-XXXX-XXXX-XXXX-XXXX``: 80 random bits, unguessable on its own."""
    choice = (rng or secrets.SystemRandom()).choice
    groups = ["".join(choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS)]
    return "-".join([CODE_PREFIX, *groups])


def normalise_code(text: str | None) -> str:
    """A typed code in its canonical form: capitals, Crockford's look-alikes mapped, dashes restored."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(raw) == 4 * CODE_GROUPS + len(CODE_PREFIX) and raw.startswith(CODE_PREFIX):
        raw = raw[len(CODE_PREFIX) :]
    if len(raw) != 4 * CODE_GROUPS or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return "-".join([CODE_PREFIX, *(raw[i : i + 4] for i in range(0, len(raw), 4))])


def find_by_code(text: str | None) -> Certificate | None:
    code = normalise_code(text)
    if not code:
        return None
    return db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.code == code)
        .options(selectinload(Certificate.registration).selectinload(Registration.person))
    )


def _unique_code(rng=None) -> str:
    while True:
        code = new_code(rng)
        if db.session.scalar(sa.select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def issue_certificates(training_session: TrainingSession, *, actor, rng=None) -> list[Certificate]:
    """A certificate for every completed attendee who has none yet; returns the new ones."""
    if training_session.status not in HELD_STATUSES:
        raise CertificateError(
            _(
                "Les attestations sont délivrées quand la session est réalisée ou clôturée : "
                "clôturez d'abord la session."
            )
        )
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.session_id == training_session.id,
            Registration.status == RegistrationStatus.registered,
            Registration.completed.is_(True),
            ~Registration.certificate.has(),
        )
        .options(selectinload(Registration.person))
        .order_by(Registration.id)
    ).all()
    issued = []
    for registration in registrations:
        certificate = Certificate(registration=registration, code=_unique_code(rng), issued_at=now_utc())
        db.session.add(certificate)
        db.session.flush()
        audit.record(
            "certificate.issue",
            certificate,
            actor=actor,
            summary=f"{certificate.code} — {registration.person.full_name}, {training_session.reference}",
        )
        issued.append(certificate)
    return issued


def revoke(certificate: Certificate, *, reason: str, actor) -> None:
    """Revoke a certificate: the public verification page then says so, with the date."""
    if certificate.revoked_at is not None:
        raise CertificateError(_("Cette attestation est déjà révoquée."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(_("Indiquez le motif de la révocation."))
    certificate.revoked_at = now_utc()
    certificate.revoked_reason = reason[:1000]
    db.session.flush()
    audit.record("certificate.revoke", certificate, actor=actor, summary=f"{certificate.code} : {reason}")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"],
        salt="attendance-certificate-download",
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def download_token(certificate: Certificate) -> str:
    """The personal signed link's token: the certificate id and code, signed and dated."""
    return _serializer().dumps([certificate.id, certificate.code])


def certificate_from_token(token: str) -> Certificate | None:
    days = int(current_app.config.get("CERTIFICATE_LINK_DAYS", DEFAULT_LINK_DAYS))
    try:
        certificate_id, code = _serializer().loads(token, max_age=days * 86400)
    except (BadSignature, TypeError, ValueError):
        return None
    certificate = db.session.get(Certificate, certificate_id) if isinstance(certificate_id, int) else None
    if certificate is None or certificate.code != code:
        return None
    return certificate


def send_certificate(certificate: Certificate, *, actor) -> bool:
    """E-mail the attendee a personal link to download their certificate; False without an address.

    A refused message (``OSError``, ``smtplib.SMTPException``) propagates and marks nothing.
    """
    person = certificate.registration.person
    if not person.email or certificate.revoked_at is not None:
        return False
    training_session = certificate.registration.training_session
    days = int(current_app.config.get("CERTIFICATE_LINK_DAYS", DEFAULT_LINK_DAYS))
    # Straight from the Jinja environment: closing may run without a request (CLI, tests).
    text = current_app.jinja_env.get_template("attendance/email_certificate.txt").render(
        person=person,
        training_session=training_session,
        certificate=certificate,
        link=external_url("attendance.certificate_page", token=download_token(certificate)),
        verify_link=external_url("attendance.verify_code", code=certificate.code),
        expires_on=(now_utc() + timedelta(days=days)).date(),
    )
    send_mail(person.email, f"Votre attestation de formation — {training_session.title}", text)
    certificate.emailed_at = now_utc()
    audit.record("certificate.send", certificate, actor=actor, summary=certificate.code)
    return True


@dataclass
class DeliveryReport:
    """What one delivery did; ``failed`` counts messages the mail server refused (sent next run)."""

    issued: int = 0
    sent: int = 0
    without_email: int = 0
    failed: int = 0

    def summary(self) -> str:
        """A French sentence for the coordinator; empty when there was nothing to do."""
        if not (self.issued or self.sent or self.failed):
            return ""
        if self.issued:
            text = _(
                "%(issued)s attestation(s) délivrée(s), %(sent)s envoyée(s) par courriel",
                issued=self.issued,
                sent=self.sent,
            )
        else:
            text = _("%(sent)s attestation(s) déjà délivrée(s) envoyée(s) par courriel", sent=self.sent)
        if self.without_email:
            text += _(" ; %(count)s personne(s) sans adresse électronique", count=self.without_email)
        if self.failed:
            text += _(
                " ; %(count)s courriel(s) refusé(s) par le serveur, à renvoyer plus tard", count=self.failed
            )
        return text + "."


def deliver_certificates(training_session: TrainingSession, *, actor) -> DeliveryReport:
    """Issue the missing certificates, then e-mail each valid one that was never e-mailed.

    Runs when the session is closed and from the coordinator's button; running it again issues
    nothing twice and sends nothing twice. Flushes, never commits.
    """
    report = DeliveryReport(issued=len(issue_certificates(training_session, actor=actor)))
    unsent = db.session.scalars(
        sa.select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(
            Registration.session_id == training_session.id,
            Registration.status == RegistrationStatus.registered,
            Registration.completed.is_(True),
            Certificate.emailed_at.is_(None),
            Certificate.revoked_at.is_(None),
        )
        .options(selectinload(Certificate.registration).selectinload(Registration.person))
        .order_by(Certificate.id)
    ).all()
    for certificate in unsent:
        if not certificate.registration.person.email:
            report.without_email += 1
            continue
        try:
            send_certificate(certificate, actor=actor)
        except (OSError, smtplib.SMTPException):
            # Nothing marked: the coordinator's button tries again. Never log the link.
            log.warning("certificate %s: mail refused", certificate.id)
            report.failed += 1
        else:
            report.sent += 1
    db.session.flush()
    return report


def session_certificates(training_session: TrainingSession) -> dict[int, Certificate]:
    """Certificates of the session keyed by registration id: one query."""
    rows = db.session.scalars(
        sa.select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.session_id == training_session.id)
    )
    return {certificate.registration_id: certificate for certificate in rows}
