"""Between the session form and the service: choices, form → ``SessionInput`` and back."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from trainer.extensions import db
from trainer.forms import choices
from trainer.people.models import Organisation
from trainer.sessions.choices import (
    department_pairs,
    kit_pairs,
    profession_pairs,
    session_type_pairs,
    trainer_pairs,
)
from trainer.sessions.forms import SessionFilterForm, SessionForm
from trainer.sessions.models import SessionMode, SessionStatus, TrainingSession
from trainer.sessions.services import SessionInput, SlotInput


def fill_session_choices(form: SessionForm, current: TrainingSession | None = None) -> None:
    form.session_type_code.set_choices(session_type_pairs())
    form.kit_ids.choices = choices(kit_pairs(include_archived=current is not None))
    professions = profession_pairs()
    form.main_audience.set_choices(professions)
    form.other_audiences.choices = choices(professions)
    form.department_code.set_choices(department_pairs())
    form.organisation_id.set_choices(
        [(str(o.id), o.name) for o in db.session.scalars(sa.select(Organisation).order_by(Organisation.name))]
    )
    form.trainer_ids.choices = choices(
        trainer_pairs([t.id for t in current.trainers] if current is not None else None)
    )
    form.set_status_choices(current.status if current is not None else None)


def fill_filter_choices(form: SessionFilterForm) -> None:
    form.departement.set_choices(department_pairs())
    form.outil.set_choices(kit_pairs(include_archived=True))
    form.type.set_choices(session_type_pairs())
    form.statut.set_choices([(s.value, s.label) for s in SessionStatus])
    form.formateur.set_choices(trainer_pairs())


def _int_or_none(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def session_input(form: SessionForm) -> SessionInput:
    """What the coordinator typed, as the service's input."""
    slots = [
        SlotInput(
            on=entry.on.data,
            starts_at=entry.starts_at.data,
            ends_at=entry.ends_at.data,
            id=_int_or_none(entry.slot_id.data),
        )
        for entry in form.slots
        if not entry.form.is_blank
    ]
    audiences = [form.main_audience.data] if form.main_audience.data else []
    audiences += [code for code in form.other_audiences.data or [] if code != form.main_audience.data]
    return SessionInput(
        title=form.title.data or "",
        reference=form.reference.data or None,
        session_type_code=form.session_type_code.data,
        slots=slots,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        hours=form.hours.data,
        mode=SessionMode(form.mode.data),
        venue=form.venue.data or "",
        city=form.city.data or "",
        department_code=form.department_code.data or None,
        organisation_id=_int_or_none(form.organisation_id.data),
        capacity=form.capacity.data,
        status=SessionStatus(form.status.data),
        completion_threshold=(Decimal(form.completion_percent.data) / 100).quantize(Decimal("0.001")),
        self_registration_open=bool(form.self_registration_open.data),
        description=form.description.data or "",
        kit_ids=[int(v) for v in form.kit_ids.data or []],
        audience_codes=audiences,
        trainer_ids=[int(v) for v in form.trainer_ids.data or []],
    )


def form_data(data: SessionInput, *, hours_computed: bool) -> dict:
    """The form's initial values for ``data`` (edit or duplicate)."""
    return {
        "title": data.title,
        "reference": data.reference or "",
        "session_type_code": data.session_type_code,
        "kit_ids": [str(i) for i in data.kit_ids],
        "main_audience": data.audience_codes[0] if data.audience_codes else "",
        "other_audiences": data.audience_codes[1:],
        "slots": [
            {"slot_id": str(s.id) if s.id else "", "on": s.on, "starts_at": s.starts_at, "ends_at": s.ends_at}
            for s in data.slots
        ]
        or [{}],
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "hours": None if hours_computed else data.hours,
        "mode": data.mode.value,
        "venue": data.venue,
        "city": data.city,
        "department_code": data.department_code or "",
        "organisation_id": str(data.organisation_id) if data.organisation_id else "",
        "capacity": data.capacity,
        "trainer_ids": [str(i) for i in data.trainer_ids],
        "status": data.status.value,
        "completion_percent": int((data.completion_threshold * 100).to_integral_value()),
        "self_registration_open": data.self_registration_open,
        "description": data.description,
    }


def existing_input(training_session: TrainingSession) -> tuple[SessionInput, bool]:
    """The session as form input, and whether its hours are just the sum of its slots."""
    slots = [
        SlotInput(on=s.on, starts_at=s.starts_at, ends_at=s.ends_at, id=s.id) for s in training_session.slots
    ]
    computed = sum((s.hours for s in slots), Decimal(0))
    data = SessionInput(
        title=training_session.title,
        reference=training_session.reference,
        session_type_code=training_session.session_type_code,
        slots=slots,
        starts_on=None if slots else training_session.starts_on,
        ends_on=None if slots else training_session.ends_on,
        hours=training_session.hours,
        mode=training_session.mode,
        venue=training_session.venue,
        city=training_session.city,
        department_code=training_session.department_code,
        organisation_id=training_session.organisation_id,
        capacity=training_session.capacity,
        status=training_session.status,
        completion_threshold=Decimal(training_session.completion_threshold),
        self_registration_open=training_session.self_registration_open,
        description=training_session.description,
        kit_ids=[k.id for k in training_session.kits],
        audience_codes=[a.profession_code for a in training_session.audiences],
        trainer_ids=[t.id for t in training_session.trainers],
    )
    hours_computed = (
        bool(slots) and training_session.hours is not None and Decimal(training_session.hours) == computed
    )
    return data, hours_computed
