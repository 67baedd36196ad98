"""The trainer's day and the attendance grid: one small POST per tap, closing and reopening."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from trainer.attendance import access, arrivals, services
from trainer.attendance.checkin import window_is_open
from trainer.attendance.forms import LateArrivalForm
from trainer.attendance.labels import hours_fr, period_fr, slot_label, slot_short, time_fr
from trainer.attendance.models import MarkStatus
from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.sessions.models import (
    Registration,
    RegistrationStatus,
    SessionSlot,
    SessionStatus,
    TrainingSession,
)

bp = Blueprint("attendance", __name__)
STAFF = (Role.trainer, Role.coordinator)
GRID_STATUSES = (MarkStatus.present, MarkStatus.absent, MarkStatus.excused)


@bp.app_template_filter("slot_fr")
def _slot_fr(slot: SessionSlot) -> str:
    return slot_label(slot)


@bp.app_template_filter("slot_short")
def _slot_short(slot: SessionSlot) -> str:
    return slot_short(slot)


@bp.app_template_filter("time_fr")
def _time_fr(value) -> str:
    return time_fr(value)


@bp.app_template_filter("hours_fr")
def _hours_fr(value) -> str:
    return hours_fr(value)


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@bp.route("/mes-sessions")
@require_role(*STAFF)
def my_sessions() -> str:
    """Today's, upcoming and recent sessions: a trainer's own, or every session for coordinators."""
    today = services.local_today()
    base = (
        sa.select(TrainingSession)
        .where(access.visible_sessions_filter(current_user), TrainingSession.status != SessionStatus.draft)
        .options(selectinload(TrainingSession.slots), selectinload(TrainingSession.kits))
    )
    groups = {
        "today": db.session.scalars(
            base.where(TrainingSession.starts_on <= today, TrainingSession.ends_on >= today)
            .order_by(TrainingSession.starts_on, TrainingSession.id)
            .limit(50)
        ).all(),
        "upcoming": db.session.scalars(
            base.where(TrainingSession.starts_on > today)
            .order_by(TrainingSession.starts_on, TrainingSession.id)
            .limit(20)
        ).all(),
        "recent": db.session.scalars(
            base.where(TrainingSession.ends_on < today, TrainingSession.ends_on >= today - timedelta(days=60))
            .order_by(TrainingSession.ends_on.desc(), TrainingSession.id)
            .limit(20)
        ).all(),
    }
    ids = [s.id for group in groups.values() for s in group]
    counts = dict(
        db.session.execute(
            sa.select(Registration.session_id, sa.func.count())
            .where(Registration.session_id.in_(ids), Registration.status == RegistrationStatus.registered)
            .group_by(Registration.session_id)
        ).all()
    )
    return render_template(
        "attendance/my_sessions.html",
        groups=groups,
        counts=counts,
        today=today,
        is_coordinator=access.is_coordinator(current_user),
        unlinked=not access.is_coordinator(current_user) and current_user.person_id is None,
        period_fr=period_fr,
    )


def _default_slot(training_session: TrainingSession) -> SessionSlot | None:
    """The slot happening now, else the next one today or later, else the last one."""
    slots = training_session.slots
    if not slots:
        return None
    now = services.local_now()
    for slot in slots:
        if window_is_open(slot, now):
            return slot
    upcoming = [slot for slot in slots if (slot.on, slot.ends_at) >= (now.date(), now.time())]
    return upcoming[0] if upcoming else slots[-1]


@bp.route("/presence/sessions/<int:session_id>")
@require_role(*STAFF)
def grid(session_id: int) -> str:
    """The attendance grid of one slot: one row per attendee, large buttons."""
    training_session = access.session_or_404(current_user, session_id)
    slot_id = request.args.get("creneau", type=int)
    if slot_id is None:
        slot = _default_slot(training_session)
    else:
        slot = next((s for s in training_session.slots if s.id == slot_id), None)
        if slot is None:
            abort(404)
    attendees = services.registered_attendees(training_session)
    marks = services.session_marks(training_session)
    attended = {
        registration.id: sum(
            1
            for s in training_session.slots
            if (m := marks.get((registration.id, s.id)))
            and m.status in (MarkStatus.present, MarkStatus.partial)
        )
        for registration in attendees
    }
    return render_template(
        "attendance/grid.html",
        training_session=training_session,
        slot=slot,
        attendees=attendees,
        marks=marks,
        attended=attended,
        statuses=GRID_STATUSES,
        labels={status: status.label for status in MarkStatus},
        is_coordinator=access.is_coordinator(current_user),
        frozen=training_session.status in (SessionStatus.closed, SessionStatus.cancelled),
        checkin_open=slot is not None and window_is_open(slot),
    )


@bp.route("/presence/creneaux/<int:slot_id>")
@require_role(*STAFF)
def slot_grid(slot_id: int) -> Response:
    slot = access.slot_or_404(current_user, slot_id)
    return redirect(url_for("attendance.grid", session_id=slot.session_id, creneau=slot.id))


def _back_to_grid(slot: SessionSlot, registration_id: int | None = None) -> Response:
    anchor = f"personne-{registration_id}" if registration_id else None
    return redirect(url_for("attendance.grid", session_id=slot.session_id, creneau=slot.id, _anchor=anchor))


def _refused(message: str, slot: SessionSlot, code: int = 409, registration_id: int | None = None):
    db.session.rollback()
    if wants_json():
        return jsonify(ok=False, message=message), code
    flash(message, "error")
    return _back_to_grid(slot, registration_id)


@bp.route("/presence/creneaux/<int:slot_id>/marquer", methods=["POST"])
@require_role(*STAFF)
def mark(slot_id: int):
    """One tap: the status of one attendee on one slot. Answers JSON to fetch, a redirect otherwise."""
    slot = access.slot_or_404(current_user, slot_id)
    registration_id = request.form.get("registration_id", type=int)
    registration = db.session.get(Registration, registration_id) if registration_id else None
    if registration is None or registration.session_id != slot.session_id:
        return _refused(_("Cette personne n'est pas inscrite à cette session."), slot, 404)
    try:
        status = MarkStatus(request.form.get("status", ""))
    except ValueError:
        return _refused(_("Choisissez présent·e, absent·e ou excusé·e."), slot, 400, registration.id)
    if status == MarkStatus.partial and not access.is_coordinator(current_user):
        return _refused(
            _("La présence partielle est saisie par la coordination."), slot, 403, registration.id
        )
    try:
        hours = services.parse_hours(request.form.get("hours")) if status == MarkStatus.partial else None
        mark = services.set_mark(
            slot=slot, registration=registration, status=status, hours=hours, actor=current_user
        )
    except services.AttendanceError as exc:
        return _refused(str(exc), slot, 409, registration.id)
    label = mark.status.label + (f" ({hours_fr(mark.hours_attended)})" if mark.hours_attended else "")
    db.session.commit()
    message = _(
        "Enregistré : %(name)s, %(status)s.", name=registration.person.full_name, status=label.lower()
    )
    if wants_json():
        return jsonify(
            ok=True,
            registration_id=registration.id,
            status=mark.status.value,
            label=label,
            completed=registration.completed,
            attended=services.slots_attended(registration),
            message=message,
        )
    flash(message, "success")
    return _back_to_grid(slot, registration.id)


@bp.route("/presence/creneaux/<int:slot_id>/tous-presents", methods=["POST"])
@require_role(*STAFF)
def mark_all_present(slot_id: int) -> Response:
    """The "all present" shortcut without JavaScript (the script sends one tap per row instead)."""
    slot = access.slot_or_404(current_user, slot_id)
    try:
        count = services.mark_all_present(slot=slot, actor=current_user)
    except services.AttendanceError as exc:
        return _refused(str(exc), slot)
    db.session.commit()
    flash(
        _(
            "%(count)s personne(s) marquée(s) présente(s) ; les présences déjà pointées sont inchangées.",
            count=count,
        )
        if count
        else _("Toutes les personnes étaient déjà pointées."),
        "success",
    )
    return _back_to_grid(slot)


@bp.route("/presence/sessions/<int:session_id>/arrivee", methods=["GET", "POST"])
@require_role(*STAFF)
def late_arrival(session_id: int) -> str | Response:
    """Add someone who turned up on the day: a new registration, marked present on the slot."""
    training_session = access.session_or_404(current_user, session_id)
    slot_id = request.args.get("creneau", type=int)
    slot = next((s for s in training_session.slots if s.id == slot_id), None) or _default_slot(
        training_session
    )
    form = LateArrivalForm()
    if form.validate_on_submit():
        try:
            registration = arrivals.add_late_arrival(
                training_session=training_session,
                arrival=arrivals.LateArrival(
                    last_name=form.last_name.data,
                    first_name=form.first_name.data,
                    profession_code=form.profession_code.data,
                    email=form.email.data,
                ),
                slot=slot if form.mark_present.data else None,
                actor=current_user,
            )
        except services.AttendanceError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s est inscrit·e à la session.", name=registration.person.full_name), "success")
            if slot is None:
                return redirect(url_for("attendance.grid", session_id=training_session.id))
            return _back_to_grid(slot, registration.id)
    return render_template(
        "attendance/late_arrival.html", form=form, training_session=training_session, slot=slot
    ), 200 if not form.errors and not form.form_errors else 422
