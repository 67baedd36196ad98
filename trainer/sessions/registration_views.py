"""Registrations from the session page: add one, paste a list, cancel, download the list."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer import audit
from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.referential.services import ReferenceLookup
from trainer.sessions import attendee_export, choices
from trainer.sessions.forms import PasteForm, RegistrationForm
from trainer.sessions.models import Registration, RegistrationSource, RegistrationStatus
from trainer.sessions.paste import PasteError, parse_attendee_lines, register_pasted
from trainer.sessions.registrations import (
    AttendeeInput,
    RegistrationError,
    cancel_registration,
    register_attendee,
)
from trainer.sessions.views import bp, get_session_or_404


def _status_note(registration: Registration) -> str:
    if registration.status == RegistrationStatus.waiting_list:
        return " " + _("La session est complète : la personne est placée en liste d'attente.")
    return ""


@bp.route("/sessions/<int:session_id>/inscriptions/ajouter", methods=["GET", "POST"])
@require_role(Role.coordinator)
def add_registration(session_id: int):
    training_session = get_session_or_404(session_id)
    form = RegistrationForm()
    form.profession_code.set_choices(choices.profession_pairs())
    form.department_code.set_choices(choices.department_pairs())
    form.referent_type_code.set_choices(choices.referent_type_pairs())
    if form.validate_on_submit():
        attendee = AttendeeInput(
            last_name=form.last_name.data,
            first_name=form.first_name.data,
            email=form.email.data or None,
            profession_code=form.profession_code.data,
            employer=form.employer.data or "",
            department_code=form.department_code.data or None,
            referent_type_code=form.referent_type_code.data or None,
        )
        try:
            registration = register_attendee(
                training_session, attendee, source=RegistrationSource.staff, actor=current_user
            )
        except RegistrationError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _("%(name)s est inscrit·e.", name=registration.person.full_name) + _status_note(registration),
                "success",
            )
            if request.form.get("action") == "encore":
                return redirect(url_for("sessions.add_registration", session_id=session_id))
            return redirect(url_for("sessions.detail", session_id=session_id, _anchor="inscriptions"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "sessions/registration_form.html", form=form, training_session=training_session
    ), status


@bp.route("/sessions/<int:session_id>/inscriptions/coller", methods=["GET", "POST"])
@require_role(Role.coordinator)
def paste_registrations(session_id: int):
    training_session = get_session_or_404(session_id)
    form = PasteForm()
    line_errors: list[str] = []
    if form.validate_on_submit():
        try:
            lines = parse_attendee_lines(form.attendees.data, ReferenceLookup(db.session))
            result = register_pasted(training_session, lines, actor=current_user)
        except PasteError as exc:
            db.session.rollback()
            line_errors = exc.messages
        except RegistrationError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            message = _("%(count)s personne(s) inscrite(s)", count=result.registered)
            if result.waiting:
                message += _(", %(count)s en liste d'attente", count=result.waiting)
            if result.already:
                message += _(
                    " ; déjà inscrite(s), laissée(s) telle(s) quelle(s) : %(names)s",
                    names=", ".join(result.already[:20]),
                )
                if len(result.already) > 20:
                    message += "…"
            flash(message + ".", "success")
            return redirect(url_for("sessions.detail", session_id=session_id, _anchor="inscriptions"))
    status = 422 if form.errors or form.form_errors or line_errors else 200
    return render_template(
        "sessions/paste.html", form=form, training_session=training_session, line_errors=line_errors
    ), status


@bp.route("/sessions/<int:session_id>/inscriptions/<int:registration_id>/annuler", methods=["POST"])
@require_role(Role.coordinator)
def cancel_registration_view(session_id: int, registration_id: int):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.session_id != session_id:
        abort(404)
    try:
        promoted = cancel_registration(registration, actor=current_user)
    except RegistrationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        message = _("L'inscription de %(name)s est annulée.", name=registration.person.full_name)
        if promoted:
            names = ", ".join(r.person.full_name for r in promoted)
            message += " " + _("Place attribuée depuis la liste d'attente à : %(names)s.", names=names)
        flash(message, "success")
    return redirect(url_for("sessions.detail", session_id=session_id, _anchor="inscriptions"))


@bp.route("/sessions/<int:session_id>/inscriptions.<extension>")
@require_role(Role.coordinator)
def export_registrations(session_id: int, extension: str):
    if extension not in ("csv", "xlsx"):
        abort(404)
    training_session = get_session_or_404(session_id)
    headers, rows = attendee_export.attendee_rows(training_session)
    excel = extension == "csv" and request.args.get("format") == "excel"
    if extension == "xlsx":
        content = attendee_export.to_xlsx(headers, rows, title="Inscriptions")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        label = "XLSX"
    else:
        content = attendee_export.to_csv(headers, rows, excel=excel)
        mimetype = "text/csv"
        label = "CSV (Excel)" if excel else "CSV"
    audit.record(
        "registration.export",
        training_session,
        actor=current_user,
        summary=f"Liste des inscriptions de {training_session.reference} téléchargée ({label}, {len(rows)} lignes)",
    )
    db.session.commit()
    return send_file(
        io.BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=attendee_export.file_name(training_session, extension),
    )
