"""QR self check-in: the trainer's screen (QR code, short code) and the attendees' public pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.attendance import access
from trainer.attendance import checkin as rules
from trainer.attendance.documents import qr_svg, svg_data_uri
from trainer.attendance.forms import CheckInCodeForm, CheckInForm
from trainer.attendance.models import AttendanceMark, MarkMethod
from trainer.attendance.services import AttendanceError
from trainer.attendance.signatures import SignatureError, decode_signature
from trainer.attendance.views import STAFF, bp
from trainer.auth.permissions import public, require_role
from trainer.extensions import db, limiter
from trainer.sessions.models import SessionSlot
from trainer.urls import external_url


def _rate_limit() -> str:
    # A whole room may sit behind one address (the venue's Wi-Fi): generous, but bounded.
    return current_app.config.get("CHECKIN_RATE_LIMIT", "120 per minute")


def _screen_state(slot: SessionSlot) -> dict:
    """What the trainer's screen shows now; also served as JSON every few seconds."""
    signed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AttendanceMark)
        .where(AttendanceMark.slot_id == slot.id, AttendanceMark.method == MarkMethod.self_check_in)
    )
    state = {
        "open": False,
        "signed": signed,
        "total": len(rules.attendees(slot)),
        "message": "",
    }
    try:
        rules.ensure_open(slot)
    except AttendanceError as exc:
        state["message"] = str(exc)
        return state
    code = rules.current_code(slot.id)
    url = external_url("attendance.checkin", slot_id=slot.id, code=code)
    state.update(
        open=True,
        code=code,
        url=url,
        short_url=external_url("attendance.checkin_start"),
        qr=svg_data_uri(qr_svg(url)),
    )
    return state


@bp.route("/presence/creneaux/<int:slot_id>/qr")
@require_role(*STAFF)
def checkin_screen(slot_id: int) -> str:
    """Shown to the room: a QR code and a short code that change every minute."""
    slot = access.slot_or_404(current_user, slot_id)
    return render_template("attendance/checkin_screen.html", slot=slot, state=_screen_state(slot))


@bp.route("/presence/creneaux/<int:slot_id>/qr.json")
@require_role(*STAFF)
def checkin_code(slot_id: int) -> Response:
    slot = access.slot_or_404(current_user, slot_id)
    return jsonify(_screen_state(slot))


@bp.route("/emargement")
@public
@limiter.limit(_rate_limit)
def checkin_start() -> str | Response:
    """For attendees who cannot scan: type the short code shown in the room."""
    form = CheckInCodeForm(request.args)
    status = 200
    if request.args and form.validate():
        slot = rules.find_open_slot_by_code(form.code.data)
        if slot is not None:
            return redirect(
                url_for("attendance.checkin", slot_id=slot.id, code=rules.clean_code(form.code.data))
            )
        form.code.errors.append(
            _("Ce code ne correspond à aucun émargement en cours. Vérifiez-le : il change chaque minute.")
        )
        status = 422
    elif request.args:
        status = 422
    return render_template("attendance/checkin_start.html", form=form, participant_page=True), status


def _refused(message: str, code: int = 403) -> tuple[str, int]:
    return render_template("attendance/checkin_refused.html", message=message, participant_page=True), code


@bp.route("/emargement/<int:slot_id>/<code>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit)
def checkin(slot_id: int, code: str):
    """The attendee finds their name (or types their e-mail) and signs, once, for this slot only."""
    slot = db.session.get(SessionSlot, slot_id)
    if slot is None:
        return _refused(
            _("Ce lien d'émargement n'existe pas. Scannez le QR code affiché dans la salle."), 404
        )
    form = CheckInForm()
    if request.method == "POST":
        allowed = rules.pass_is_valid(form.pass_token.data, slot.id) or rules.code_is_valid(slot.id, code)
    else:
        allowed = rules.code_is_valid(slot.id, code)
    if not allowed:
        return _refused(
            _(
                "Ce code d'émargement a expiré : il change chaque minute. "
                "Scannez à nouveau le QR code affiché dans la salle."
            )
        )
    try:
        rules.ensure_open(slot)
    except AttendanceError as exc:
        return _refused(str(exc))
    status = 200
    if form.validate_on_submit():
        try:
            registration = rules.find_registration(
                slot, registration_id=request.form.get("registration_id", type=int), email=form.email.data
            )
            signature = decode_signature(form.signature.data)
            rules.self_check_in(
                slot=slot,
                registration=registration,
                signature_png=signature,
                signed_name=form.signed_name.data,
            )
        except (AttendanceError, SignatureError) as exc:
            db.session.rollback()
            if str(exc) == rules.ALREADY_SIGNED:
                return render_template(
                    "attendance/checkin_done.html", slot=slot, already=True, participant_page=True
                ), 409
            form.form_errors.append(str(exc))
            form.signature.data = ""  # a rejected drawing is not sent back
            status = 422
        else:
            db.session.commit()
            return render_template(
                "attendance/checkin_done.html",
                slot=slot,
                already=False,
                name=registration.person.full_name,
                participant_page=True,
            )
    elif request.method == "POST":
        status = 422
    form.pass_token.data = rules.issue_pass(slot.id)
    return render_template(
        "attendance/checkin.html",
        form=form,
        slot=slot,
        code=code,
        attendees=rules.attendees(slot),
        chosen=request.form.get("registration_id", type=int),
        participant_page=True,
    ), status
