"""Sessions: the list and month calendar, the session page, create, edit, duplicate, cancel."""

from __future__ import annotations

import logging
import smtplib

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.mail import send_mail
from trainer.sessions import form_data, links, queries, services
from trainer.sessions.forms import CancelSessionForm, SessionForm
from trainer.sessions.models import (
    Registration,
    RegistrationStatus,
    SessionAudience,
    SessionStatus,
    TrainingSession,
)
from trainer.versioned_cache import cached_page

bp = Blueprint("sessions", __name__)
log = logging.getLogger(__name__)


def get_session_or_404(session_id: int) -> TrainingSession:
    return db.get_or_404(TrainingSession, session_id)


@bp.route("/sessions/<int:session_id>")
@require_role(Role.coordinator)
@cached_page
def detail(session_id: int) -> str:
    training_session = db.session.scalar(
        sa.select(TrainingSession)
        .where(TrainingSession.id == session_id)
        .options(
            selectinload(TrainingSession.slots),
            selectinload(TrainingSession.kits),
            selectinload(TrainingSession.trainers),
            selectinload(TrainingSession.audiences).selectinload(SessionAudience.profession),
            selectinload(TrainingSession.session_type),
            selectinload(TrainingSession.department),
            selectinload(TrainingSession.organisation),
        )
    )
    if training_session is None:
        abort(404)
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.session_id == session_id)
        .options(
            selectinload(Registration.person),
            selectinload(Registration.profession),
            selectinload(Registration.certificate),
        )
        .order_by(Registration.created_at, Registration.id)
    ).all()
    figures = queries.figures_by_session([session_id])[session_id]
    figures.present = queries.present_count(session_id)
    waiting_rank = {
        r.id: rank
        for rank, r in enumerate(
            (r for r in registrations if r.status == RegistrationStatus.waiting_list), start=1
        )
    }
    return render_template(
        "sessions/detail.html",
        training_session=training_session,
        registrations=sorted(registrations, key=_registration_order),
        waiting_rank=waiting_rank,
        figures=figures,
        area_links=links.area_links(training_session),
        import_url=links.import_url(training_session),
    )


def _registration_order(registration: Registration):
    rank = {
        RegistrationStatus.registered: 0,
        RegistrationStatus.waiting_list: 1,
        RegistrationStatus.cancelled: 2,
    }
    person = registration.person
    return (
        rank[registration.status],
        person.normalised_last_name,
        person.normalised_first_name,
        registration.id,
    )


def _render_form(form: SessionForm, training_session: TrainingSession | None, *, action: str, heading: str):
    slot_errors = [
        _("Créneau %(index)s – %(field)s : %(message)s", index=index, field=field.label.text, message=message)
        for index, entry in enumerate(form.slots, start=1)
        for field in entry.form
        for message in field.errors
    ]
    status = 422 if form.errors or form.form_errors else 200
    return (
        render_template(
            "sessions/form.html",
            form=form,
            training_session=training_session,
            action=action,
            heading=heading,
            slot_errors=slot_errors,
        ),
        status,
    )


def _wants_more_slots(form: SessionForm) -> bool:
    if request.form.get("action") != "ajouter-creneau":
        return False
    if len(form.slots) < form.slots.max_entries:
        form.slots.append_entry()
    return True


@bp.route("/sessions/nouvelle", methods=["GET", "POST"])
@require_role(Role.coordinator)
def create():
    form = SessionForm()
    form_data.fill_session_choices(form)
    if request.method == "POST" and not _wants_more_slots(form) and form.validate_on_submit():
        try:
            training_session = services.create_session(form_data.session_input(form), actor=current_user)
        except services.SessionError as exc:
            db.session.rollback()
            form.form_errors.extend(exc.messages)
        else:
            db.session.commit()
            flash(_("La session %(reference)s a été créée.", reference=training_session.reference), "success")
            return redirect(url_for("sessions.detail", session_id=training_session.id))
    if request.method == "GET":
        form.status.data = SessionStatus.draft.value
    return _render_form(form, None, action=url_for("sessions.create"), heading=_("Nouvelle session"))


@bp.route("/sessions/<int:session_id>/dupliquer")
@require_role(Role.coordinator)
def duplicate(session_id: int):
    source = get_session_or_404(session_id)
    data = services.duplicate_values(source)
    form = SessionForm(
        formdata=None, data=form_data.form_data(data, hours_computed=form_data.existing_input(source)[1])
    )
    form_data.fill_session_choices(form)
    flash(
        _(
            "Copie de la session : vérifiez les dates des créneaux (décalées d'une semaine), puis enregistrez."
        ),
        "info",
    )
    return _render_form(
        form,
        None,
        action=url_for("sessions.create"),
        heading=_("Dupliquer la session %(reference)s", reference=source.reference),
    )


@bp.route("/sessions/<int:session_id>/modifier", methods=["GET", "POST"])
@require_role(Role.coordinator)
def edit(session_id: int):
    training_session = get_session_or_404(session_id)
    if request.method == "GET":
        data, computed = form_data.existing_input(training_session)
        form = SessionForm(formdata=None, data=form_data.form_data(data, hours_computed=computed))
    else:
        form = SessionForm()
    form_data.fill_session_choices(form, training_session)
    if request.method == "POST" and not _wants_more_slots(form) and form.validate_on_submit():
        try:
            services.update_session(training_session, form_data.session_input(form), actor=current_user)
        except services.SessionError as exc:
            db.session.rollback()
            form.form_errors.extend(exc.messages)
        else:
            db.session.commit()
            flash(
                _("La session %(reference)s a été mise à jour.", reference=training_session.reference),
                "success",
            )
            return redirect(url_for("sessions.detail", session_id=training_session.id))
    return _render_form(
        form,
        training_session,
        action=url_for("sessions.edit", session_id=session_id),
        heading=_("Modifier la session %(reference)s", reference=training_session.reference),
    )


def _notify_cancellation(training_session: TrainingSession, recipients, reason: str) -> int:
    sent = 0
    for email, first_name in recipients:
        text = render_template(
            "sessions/emails/cancelled.txt",
            training_session=training_session,
            first_name=first_name,
            reason=reason,
        )
        try:
            send_mail(email, f"Session annulée : {training_session.title}", text)
        except (OSError, smtplib.SMTPException):
            log.exception("cancellation notice not sent for session %s", training_session.id)
            continue
        sent += 1
    return sent


@bp.route("/sessions/<int:session_id>/annuler", methods=["GET", "POST"])
@require_role(Role.coordinator)
def cancel(session_id: int):
    training_session = get_session_or_404(session_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            to_notify = services.cancel_session(
                training_session, actor=current_user, reason=form.reason.data or ""
            )
        except services.SessionError as exc:
            form.form_errors.extend(exc.messages)
        else:
            recipients = [
                (r.person.email, r.person.first_name)
                for r in to_notify
                if form.notify.data and r.person.email
            ]
            db.session.commit()  # the cancellation stands even if a message cannot be sent
            sent = _notify_cancellation(training_session, recipients, form.reason.data or "")
            message = _("La session %(reference)s est annulée.", reference=training_session.reference)
            if sent:
                message += " " + _("%(count)s personne(s) prévenue(s) par courriel.", count=sent)
            flash(message, "success")
            if sent < len(recipients):
                flash(
                    _("%(count)s courriel(s) n'ont pas pu être envoyés.", count=len(recipients) - sent),
                    "warning",
                )
            return redirect(url_for("sessions.detail", session_id=session_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("sessions/cancel.html", form=form, training_session=training_session), status


from trainer.sessions import list_views, public_views, registration_views  # noqa: E402, F401  (routes on bp)
