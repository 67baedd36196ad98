"""Certificates: deliver again after a correction (coordinators; closing delivers them first),
download (staff, or the attendee's personal link), revoke, and the public verification page."""

from __future__ import annotations

import io
import smtplib

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.attendance import access, certificates
from trainer.attendance.documents import certificate_context, certificate_pdf
from trainer.attendance.forms import RevokeForm, VerifyForm
from trainer.attendance.models import Certificate
from trainer.attendance.views import STAFF, bp
from trainer.auth.models import Role
from trainer.auth.permissions import public, require_role
from trainer.extensions import db, limiter


def _certificate_or_404(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not access.can_take_attendance(
        current_user, certificate.registration.training_session
    ):
        abort(404)
    return certificate


def _pdf_response(certificate: Certificate) -> Response:
    name = f"attestation-{certificate.code}.pdf"
    return send_file(
        io.BytesIO(certificate_pdf(certificate)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
    )


@bp.route("/presence/sessions/<int:session_id>/attestations", methods=["POST"])
@require_role(Role.coordinator)
def issue_certificates(session_id: int) -> Response:
    """After a correction: issue the missing certificates and e-mail those never sent (idempotent)."""
    training_session = access.session_or_404(current_user, session_id)
    try:
        report = certificates.deliver_certificates(training_session, actor=current_user)
    except certificates.CertificateError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("attendance.summary", session_id=session_id))
    db.session.commit()
    if summary := report.summary():
        flash(summary, "success" if not report.failed else "warning")
    else:
        flash(
            _("Aucune nouvelle attestation : chaque personne ayant validé la formation en a déjà une."),
            "info",
        )
    return redirect(url_for("attendance.summary", session_id=session_id, _anchor="attestations"))


@bp.route("/presence/attestations/<int:certificate_id>/attestation.pdf")
@require_role(*STAFF)
def certificate_pdf_download(certificate_id: int) -> Response:
    certificate = _certificate_or_404(certificate_id)
    return _pdf_response(certificate)


@bp.route("/presence/attestations/<int:certificate_id>/envoyer", methods=["POST"])
@require_role(Role.coordinator)
def send_certificate(certificate_id: int) -> Response:
    certificate = _certificate_or_404(certificate_id)
    session_id = certificate.registration.session_id
    try:
        sent = certificates.send_certificate(certificate, actor=current_user)
    except (OSError, smtplib.SMTPException):
        db.session.rollback()
        flash(_("Le serveur de messagerie a refusé le courriel : réessayez plus tard."), "error")
        return redirect(url_for("attendance.summary", session_id=session_id, _anchor="attestations"))
    if sent:
        db.session.commit()
        flash(_("L'attestation %(code)s a été envoyée par courriel.", code=certificate.code), "success")
    else:
        flash(_("Envoi impossible : attestation révoquée ou personne sans adresse électronique."), "error")
    return redirect(url_for("attendance.summary", session_id=session_id, _anchor="attestations"))


@bp.route("/presence/attestations/<int:certificate_id>/revoquer", methods=["GET", "POST"])
@require_role(Role.coordinator)
def revoke_certificate(certificate_id: int) -> str | Response:
    certificate = _certificate_or_404(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            certificates.revoke(certificate, reason=form.reason.data, actor=current_user)
        except certificates.CertificateError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("L'attestation %(code)s est révoquée.", code=certificate.code), "success")
            return redirect(
                url_for(
                    "attendance.summary",
                    session_id=certificate.registration.session_id,
                    _anchor="attestations",
                )
            )
    return render_template(
        "attendance/revoke.html", form=form, certificate=certificate
    ), 200 if not form.errors and not form.form_errors else 422


def _verify_rate_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "60 per minute")


@bp.route("/attestations/lien/<token>")
@public
@limiter.limit(_verify_rate_limit)
def certificate_page(token: str) -> tuple[str, int] | str:
    """The attendee's personal link (sent by e-mail): their certificate and a download button."""
    certificate = certificates.certificate_from_token(token)
    if certificate is None:
        return render_template("attendance/certificate_link_invalid.html", participant_page=True), 404
    return render_template(
        "attendance/certificate_page.html",
        token=token,
        participant_page=True,
        **certificate_context(certificate),
    )


@bp.route("/attestations/lien/<token>/attestation.pdf")
@public
@limiter.limit(_verify_rate_limit)
def certificate_download(token: str) -> Response | tuple[str, int]:
    certificate = certificates.certificate_from_token(token)
    if certificate is None or certificate.revoked_at is not None:
        return render_template("attendance/certificate_link_invalid.html", participant_page=True), 404
    return _pdf_response(certificate)


@bp.route("/attestations/verifier")
@public
@limiter.limit(_verify_rate_limit)
def verify() -> str | Response | tuple[str, int]:
    """Public: anyone holding a certificate's code checks that it is genuine."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        code = certificates.normalise_code(form.code.data)
        if code:
            return redirect(url_for("attendance.verify_code", code=code))
        form.code.errors.append(_("Ce code n'a pas le bon format : ATT- suivi de 16 lettres ou chiffres."))
    status = 422 if request.args else 200
    return render_template("attendance/verify.html", form=form), status


@bp.route("/attestations/verifier/<code>")
@public
@limiter.limit(_verify_rate_limit)
def verify_code(code: str) -> str | tuple[str, int]:
    certificate = certificates.find_by_code(code)
    if certificate is None:
        return render_template("attendance/verify_result.html", certificate=None, code=code[:40]), 404
    return render_template("attendance/verify_result.html", **certificate_context(certificate))
