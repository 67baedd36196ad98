"""The public self-registration page of a session that opens it (no account needed)."""

from __future__ import annotations

import logging
import smtplib
from datetime import date

import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from trainer.auth.permissions import public
from trainer.extensions import db, limiter
from trainer.mail import send_mail
from trainer.sessions import choices
from trainer.sessions.forms import SelfRegistrationForm
from trainer.sessions.models import RegistrationSource, RegistrationStatus, SessionStatus, TrainingSession
from trainer.sessions.registrations import (
    AlreadyRegistered,
    AttendeeInput,
    RegistrationError,
    find_or_create_person,
    register_person,
)
from trainer.sessions.views import bp

log = logging.getLogger(__name__)


def _public_session(reference: str) -> TrainingSession:
    """Only sessions that open self-registration exist here; the others answer 404."""
    training_session = db.session.scalar(
        sa.select(TrainingSession)
        .where(TrainingSession.reference == reference[:60])
        .options(selectinload(TrainingSession.slots), selectinload(TrainingSession.kits))
    )
    if training_session is None or not training_session.self_registration_open:
        abort(404)
    return training_session


def accepts_registrations(training_session: TrainingSession, today: date | None = None) -> bool:
    return training_session.status in (SessionStatus.open, SessionStatus.full) and (
        training_session.ends_on >= (today or date.today())
    )


def _rate_limit() -> str:
    return current_app.config.get("SELF_REGISTRATION_RATE_LIMIT", "10 per 10 minutes")


@bp.route("/inscription/<reference>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit, methods=["POST"])
def self_register(reference: str):
    training_session = _public_session(reference)
    if not accepts_registrations(training_session):
        return render_template(
            "sessions/public/closed.html", training_session=training_session, participant_page=True
        )
    form = SelfRegistrationForm()
    form.profession_code.set_choices(choices.profession_pairs())
    form.department_code.set_choices(choices.department_pairs())
    is_referent_training = training_session.session_type_code == "referent_training"
    form.referent_type_code.set_choices(choices.referent_type_pairs())
    if not is_referent_training:
        del form.referent_type_code
    if form.validate_on_submit():
        if is_referent_training and not form.referent_type_code.data:
            form.referent_type_code.errors.append(_("Indiquez le type de référent·e."))
        else:
            return _register(training_session, form)
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "sessions/public/register.html",
        form=form,
        training_session=training_session,
        participant_page=True,
    ), status


def _register(training_session: TrainingSession, form: SelfRegistrationForm):
    attendee = AttendeeInput(
        last_name=form.last_name.data,
        first_name=form.first_name.data,
        email=form.email.data,
        profession_code=form.profession_code.data,
        employer=form.employer.data or "",
        department_code=form.department_code.data or None,
        referent_type_code=form.referent_type_code.data if "referent_type_code" in form else None,
    )
    already = False
    try:
        person = find_or_create_person(attendee)
        registration = register_person(
            training_session,
            person,
            source=RegistrationSource.self_,
            actor="inscription en ligne",
            profession_code=attendee.profession_code,
            employer_name=attendee.employer.strip(),
            department_code=attendee.department_code,
            referent_type_code=attendee.referent_type_code,
        )
    except AlreadyRegistered as exc:
        db.session.rollback()
        registration, already = exc.registration, True
    except RegistrationError:
        db.session.rollback()
        abort(404)
    waiting = registration.status == RegistrationStatus.waiting_list
    db.session.commit()
    # The page never says whether the address was already known: only the e-mail does.
    try:
        with force_locale("fr"):  # the e-mail is in French, the session's mode label too
            body = render_template(
                "sessions/emails/self_registration.txt",
                training_session=training_session,
                first_name=attendee.first_name.strip(),
                already=already,
                waiting=waiting,
            )
        send_mail(attendee.email, f"Votre inscription : {training_session.title}", body)
    except (OSError, smtplib.SMTPException):
        log.exception("self-registration confirmation not sent for session %s", training_session.id)
    return redirect(url_for("sessions.self_register_done", reference=training_session.reference))


@bp.route("/inscription/<reference>/confirmation")
@public
def self_register_done(reference: str):
    training_session = _public_session(reference)
    return render_template(
        "sessions/public/done.html", training_session=training_session, participant_page=True
    )
