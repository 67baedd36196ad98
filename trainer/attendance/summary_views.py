"""A session's attendance summary: who completed, the attendance sheet, closing (which delivers the
certificates) and reopening."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from trainer import audit
from trainer.attendance import access, services
from trainer.attendance.certificates import session_certificates
from trainer.attendance.documents import attendance_sheet_pdf
from trainer.attendance.labels import period_fr
from trainer.attendance.views import STAFF, bp
from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.forms import EmptyForm


@bp.route("/presence/sessions/<int:session_id>/bilan")
@require_role(*STAFF)
def summary(session_id: int) -> str:
    """Who completed the session, the sheet, closing and the certificates."""
    training_session = access.session_or_404(current_user, session_id)
    attendees = services.registered_attendees(training_session)
    return render_template(
        "attendance/summary.html",
        training_session=training_session,
        attendees=attendees,
        marks=services.session_marks(training_session),
        certificates=session_certificates(training_session),
        is_coordinator=access.is_coordinator(current_user),
        completed=sum(1 for r in attendees if r.completed),
        period=period_fr(s.on for s in training_session.slots),
        form=EmptyForm(),
    )


@bp.route("/presence/sessions/<int:session_id>/cloturer", methods=["POST"])
@require_role(Role.coordinator)
def close_session(session_id: int) -> Response:
    training_session = access.session_or_404(current_user, session_id)
    try:
        report = services.close_session(training_session, actor=current_user)
    except services.AttendanceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        closed = _("La session est clôturée : la présence est figée.")
        message = f"{closed} {report.summary()}".strip()
        flash(message, "warning" if report.failed else "success")
    return redirect(url_for("attendance.summary", session_id=session_id))


@bp.route("/presence/sessions/<int:session_id>/rouvrir", methods=["POST"])
@require_role(Role.coordinator)
def reopen_session(session_id: int) -> Response:
    training_session = access.session_or_404(current_user, session_id)
    try:
        services.reopen_session(training_session, actor=current_user)
    except services.AttendanceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("La session est rouverte : la présence peut être corrigée."), "success")
    return redirect(url_for("attendance.summary", session_id=session_id))


@bp.route("/presence/sessions/<int:session_id>/feuille-emargement.pdf")
@require_role(*STAFF)
def sheet_pdf(session_id: int) -> Response:
    """The feuille d'émargement as PDF; downloading it is logged (it holds personal data)."""
    training_session = access.session_or_404(current_user, session_id)
    pdf = attendance_sheet_pdf(training_session)
    audit.record("attendance.sheet_export", training_session, actor=current_user, summary="PDF")
    db.session.commit()
    name = secure_filename(f"emargement-{training_session.reference}.pdf") or "emargement.pdf"
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=name)
