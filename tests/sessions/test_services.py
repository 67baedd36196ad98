"""Scheduling rules: dates and slots, double-booked trainers, references, capacity, cancel, duplicate."""

from datetime import date, time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.sessions.conftest import session_input
from trainer.attendance.models import AttendanceMark, MarkStatus
from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.sessions import services
from trainer.sessions.models import SessionStatus, TrainingSession
from trainer.sessions.services import SessionError, SlotInput


def test_create_computes_dates_hours_reference_and_audience_order(app_ctx, kits, trainer):
    created = services.create_session(
        session_input(kit_ids=[kits["anna"].id], trainer_ids=[trainer.id]), actor="test"
    )
    db.session.commit()
    assert created.reference == "2026-62-0001"
    assert (created.starts_on, created.ends_on) == (date(2026, 3, 10), date(2026, 3, 10))
    assert created.hours == Decimal(7)
    assert [a.profession_code for a in created.audiences] == ["social_worker", "nurse"]
    assert [a.position for a in created.audiences] == [0, 1]
    assert [k.slug for k in created.kits] == ["anna"] and created.trainers == [trainer]
    second = services.create_session(session_input(title="Deuxième"), actor="test")
    assert second.reference == "2026-62-0002"
    logged = db.session.scalars(
        sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "training_sessions", AuditEntry.object_id == str(created.id)
        )
    ).all()
    assert logged == ["session.create"]


def test_hours_typed_by_hand_win_over_the_slots(app_ctx):
    created = services.create_session(session_input(hours=Decimal("6.5")), actor="test")
    assert created.hours == Decimal("6.5")


def test_slot_ending_before_it_starts_is_refused(app_ctx):
    with pytest.raises(SessionError) as error:
        services.create_session(
            session_input(slots=[SlotInput(date(2026, 3, 10), time(14), time(9))]), actor="test"
        )
    assert "l'heure de fin (09:00) doit être après l'heure de début (14:00)" in str(error.value)


def test_overlapping_slots_of_one_session_are_refused(app_ctx):
    slots = [
        SlotInput(date(2026, 3, 10), time(9), time(12)),
        SlotInput(date(2026, 3, 10), time(11), time(13)),
    ]
    with pytest.raises(SessionError, match="Deux créneaux se chevauchent le 10/03/2026"):
        services.create_session(session_input(slots=slots), actor="test")


def test_slots_outside_the_session_dates_are_refused(app_ctx):
    with pytest.raises(SessionError, match="Le créneau du 10/03/2026 est en dehors des dates"):
        services.create_session(
            session_input(starts_on=date(2026, 3, 11), ends_on=date(2026, 3, 12)), actor="test"
        )


def test_dates_without_slots_are_kept_and_a_date_is_required(app_ctx):
    with pytest.raises(SessionError, match="Ajoutez au moins un créneau"):
        services.create_session(session_input(slots=[]), actor="test")
    created = services.create_session(
        session_input(slots=[], starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2)), actor="test"
    )
    assert (created.starts_on, created.ends_on, created.hours) == (date(2026, 5, 1), date(2026, 5, 2), None)


def test_reference_must_be_unique(app_ctx):
    services.create_session(session_input(reference="REF-1"), actor="test")
    with pytest.raises(
        SessionError, match="La référence REF-1 est déjà utilisée par la session « Formation Anna »"
    ):
        services.create_session(session_input(reference="REF-1"), actor="test")


def test_a_trainer_cannot_be_in_two_places_at_once(app_ctx, trainer):
    first = services.create_session(
        session_input(title="Session du matin", trainer_ids=[trainer.id]), actor="test"
    )
    overlapping = [SlotInput(date(2026, 3, 10), time(11), time(12))]
    with pytest.raises(SessionError) as error:
        services.create_session(
            session_input(title="Autre", slots=overlapping, trainer_ids=[trainer.id]), actor="test"
        )
    message = str(error.value)
    assert "Fanny Formatrice anime déjà la session « Session du matin »" in message
    assert first.reference in message and "le 10/03/2026 de 09:00 à 12:30" in message
    # The next day is free; so is the same slot once the first session is cancelled.
    services.create_session(
        session_input(slots=[SlotInput(date(2026, 3, 11), time(9), time(12))], trainer_ids=[trainer.id]),
        actor="test",
    )
    services.cancel_session(first, actor="test")
    services.create_session(session_input(slots=overlapping, trainer_ids=[trainer.id]), actor="test")


def test_editing_a_session_does_not_count_it_as_its_own_conflict(app_ctx, trainer):
    created = services.create_session(session_input(trainer_ids=[trainer.id]), actor="test")
    data = session_input(
        title="Nouveau titre",
        trainer_ids=[trainer.id],
        slots=[SlotInput(s.on, s.starts_at, s.ends_at, id=s.id) for s in created.slots],
    )
    services.update_session(created, data, actor="test")
    assert created.title == "Nouveau titre" and len(created.slots) == 2


def test_persons_without_trainer_profile_cannot_be_assigned(app_ctx, make_person):
    person = make_person(email="pas.formatrice@test.fr")
    with pytest.raises(SessionError, match="fiche formateur·rice"):
        services.create_session(session_input(trainer_ids=[person.id]), actor="test")


def test_capacity_cannot_drop_below_registrations(app_ctx, make_person):
    from trainer.sessions.models import RegistrationSource
    from trainer.sessions.registrations import register_person

    created = services.create_session(session_input(capacity=5), actor="test")
    for index in range(3):
        register_person(
            created, make_person(email=f"p{index}@test.fr"), source=RegistrationSource.staff, actor="test"
        )
    slots = [SlotInput(s.on, s.starts_at, s.ends_at, id=s.id) for s in created.slots]
    with pytest.raises(
        SessionError, match=r"La capacité \(2\) est inférieure au nombre de personnes inscrites \(3\)"
    ):
        services.update_session(created, session_input(capacity=2, slots=slots), actor="test")


def test_slots_keep_their_ids_and_marked_slots_cannot_be_removed(app_ctx, make_person):
    from trainer.sessions.models import RegistrationSource
    from trainer.sessions.registrations import register_person

    created = services.create_session(session_input(), actor="test")
    morning, afternoon = created.slots
    person = make_person(email="a@test.fr")
    registration = register_person(created, person, source=RegistrationSource.staff, actor="test")
    db.session.add(AttendanceMark(registration=registration, slot=afternoon, status=MarkStatus.present))
    db.session.commit()
    moved_morning = SlotInput(morning.on, time(8, 30), time(12, 30), id=morning.id)
    with pytest.raises(SessionError, match="Le créneau du 10/03/2026 \\(13:30–17:00\\) a déjà des présences"):
        services.update_session(
            created,
            session_input(slots=[moved_morning, SlotInput(date(2026, 3, 11), time(9), time(12))]),
            actor="test",
        )
    db.session.rollback()
    created = db.session.get(TrainingSession, created.id)
    kept = SlotInput(afternoon.on, afternoon.starts_at, afternoon.ends_at, id=afternoon.id)
    services.update_session(created, session_input(slots=[moved_morning, kept]), actor="test")
    db.session.commit()
    assert [s.id for s in created.slots] == [morning.id, afternoon.id]
    assert created.slots[0].starts_at == time(8, 30) and created.hours == Decimal("7.5")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMark)) == 1


def test_closed_sessions_cannot_be_edited_and_status_rules(app_ctx):
    created = services.create_session(session_input(), actor="test")
    with pytest.raises(SessionError, match="Ce statut ne se choisit pas ici"):
        services.update_session(created, session_input(status=SessionStatus.cancelled), actor="test")
    created.status = SessionStatus.closed
    with pytest.raises(SessionError, match="La session est clôturée"):
        services.update_session(created, session_input(status=SessionStatus.closed), actor="test")


def test_duplicate_copies_settings_and_shifts_slots(app_ctx, kits, trainer):
    source = services.create_session(
        session_input(kit_ids=[kits["anna"].id], trainer_ids=[trainer.id], self_registration_open=True),
        actor="test",
    )
    values = services.duplicate_values(source)
    assert values.title == "Formation Anna (copie)" and values.status == SessionStatus.draft
    assert [s.on for s in values.slots] == [date(2026, 3, 17), date(2026, 3, 17)]
    assert values.trainer_ids == [trainer.id] and values.kit_ids == [kits["anna"].id]
    assert values.self_registration_open is False and values.reference is None
    copy = services.create_session(values, actor="test")
    assert copy.reference != source.reference and copy.audiences[0].profession_code == "social_worker"


def test_cancel_rules(app_ctx):
    created = services.create_session(session_input(self_registration_open=True), actor="test")
    services.cancel_session(created, actor="test", reason="Salle indisponible")
    assert created.status == SessionStatus.cancelled and not created.self_registration_open
    with pytest.raises(SessionError, match="déjà annulée"):
        services.cancel_session(created, actor="test")
    held = services.create_session(session_input(title="Réalisée", status=SessionStatus.held), actor="test")
    with pytest.raises(SessionError, match="réalisée ou clôturée ne peut pas être annulée"):
        services.cancel_session(held, actor="test")
