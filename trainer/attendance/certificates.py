"""Attendance certificates: issue, verification code, personal download link, e-mail, revocation."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.attendance.models import Certificate
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.mail import send_mail
from trainer.sessions.models import HELD_STATUSES, Registration, RegistrationStatus, TrainingSession
from trainer.urls import external_url

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
            "Les attestations sont délivrées quand la session est réalisée ou clôturée : "
            "clôturez d'abord la session."
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
        raise CertificateError("Cette attestation est déjà révoquée.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError("Indiquez le motif de la révocation.")
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
    """E-mail the attendee a personal link to download their certificate; False without an address."""
    person = certificate.registration.person
    if not person.email or certificate.revoked_at is not None:
        return False
    training_session = certificate.registration.training_session
    text = render_template(
        "attendance/email_certificate.txt",
        person=person,
        training_session=training_session,
        certificate=certificate,
        link=external_url("attendance.certificate_page", token=download_token(certificate)),
        verify_link=external_url("attendance.verify_code", code=certificate.code),
    )
    send_mail(person.email, f"Votre attestation de formation — {training_session.title}", text)
    certificate.emailed_at = now_utc()
    audit.record("certificate.send", certificate, actor=actor, summary=certificate.code)
    return True


def session_certificates(training_session: TrainingSession) -> dict[int, Certificate]:
    """Certificates of the session keyed by registration id: one query."""
    rows = db.session.scalars(
        sa.select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.session_id == training_session.id)
    )
    return {certificate.registration_id: certificate for certificate in rows}
