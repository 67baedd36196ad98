"""Undoing a batch deletes what it created, unless something added since depends on it."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.imports.conftest import PARTICIPANT_HEADER, count
from trainer.attendance.models import AttendanceMark, Certificate, MarkMethod, MarkStatus
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.evaluations.models import EvaluationInvitation, EvaluationResponse, Phase
from trainer.extensions import db
from trainer.imports.issues import ImportsError
from trainer.imports.models import ImportBatch
from trainer.imports.undo import undo_batch
from trainer.people.models import Organisation, Person
from trainer.sessions.models import Registration, TrainingSession

H = PARTICIPANT_HEADER


def undo(batch_id: int) -> dict:
    counts = undo_batch(db.session.get(ImportBatch, batch_id), "test")
    db.session.commit()
    return counts


def test_undo_participants_keeps_persons_known_before(run, write_file, make_session, make_person):
    make_session(reference="A")
    make_person(first_name="Zoé", last_name="Lefèvre", email="zoe@x.fr")
    path = write_file([H, ["A", "Lefèvre", "Zoé", "zoe@x.fr", "nurse", "", "", "oui"],
                       ["A", "Roux", "Léa", "", "nurse", "", "", "oui"]])  # fmt: skip
    outcome = run("participants", path)
    assert count(Person) == 2
    counts = undo(outcome.batch_id)
    assert counts == {"registrations_deleted": 2, "persons_deleted": 1, "organisations_deleted": 0}
    assert count(Registration) == 0 and count(AttendanceMark) == 0
    assert db.session.scalars(sa.select(Person.email)).all() == ["zoe@x.fr"]
    assert db.session.get(ImportBatch, outcome.batch_id).undone_at is not None
    # Once undone, the same file can be imported again.
    again = run("participants", path)
    assert again.counts["registrations_created"] == 2
    with pytest.raises(ImportsError, match="déjà été annulé"):
        undo(outcome.batch_id)


def test_persons_used_by_a_later_import_survive_the_undo(run, write_file, make_session):
    make_session(reference="A")
    make_session(reference="B")
    first = run("participants", write_file([H, ["A", "Roux", "Léa", "lea@x.fr", "nurse", "", "", ""]]))
    run("participants", write_file([H, ["B", "Roux", "Léa", "lea@x.fr", "nurse", "", "", ""]]))
    assert undo(first.batch_id)["persons_deleted"] == 0
    assert count(Person) == 1 and count(Registration) == 1


@pytest.mark.parametrize("later", ["grid_mark", "certificate", "invitation"])
def test_undo_is_refused_when_later_data_depends_on_the_registrations(run, write_file, make_session, later):
    training_session = make_session(reference="A")
    outcome = run("participants", write_file([H, ["A", "Roux", "Léa", "", "nurse", "", "", ""]]))
    registration = db.session.scalar(sa.select(Registration))
    if later == "grid_mark":
        db.session.add(AttendanceMark(registration=registration, slot=training_session.slots[0],
                                      status=MarkStatus.present, method=MarkMethod.grid))  # fmt: skip
    elif later == "certificate":
        db.session.add(Certificate(registration=registration, code="ABC123"))
    else:
        db.session.add(
            EvaluationInvitation(registration=registration, phase=Phase.hot, due_on=date(2026, 3, 10))
        )
    db.session.commit()
    with pytest.raises(ImportsError, match="Annulation impossible : des inscriptions de cet import 1 "):
        undo(outcome.batch_id)
    db.session.rollback()
    assert count(Registration) == 1


def test_undo_sessions_refused_while_registrations_exist(run, write_file):
    header = ["reference", "title", "session_type", "start_date", "organisation"]
    sessions = run(
        "sessions", write_file([header, ["S-1", "Anna", "direct_training", "01/02/2024", "Nouvel organisme"]])
    )
    participants = run("participants", write_file([H, ["S-1", "Roux", "Léa", "", "nurse", "", "", ""]]))
    with pytest.raises(ImportsError, match=r"Annulation impossible .* \(S-1\)"):
        undo(sessions.batch_id)
    db.session.rollback()
    undo(participants.batch_id)
    assert undo(sessions.batch_id) == {"sessions_deleted": 1, "organisations_deleted": 1}
    assert count(TrainingSession) == 0 and count(Organisation) == 0 and count(Person) == 0


def test_undo_evaluations_reopens_the_attendees(run, write_file, make_session):
    make_session(reference="E", slots=())
    run("participants", write_file([H, ["E", "Roux", "Léa", "lea@x.fr", "nurse", "", "", "oui"]]))
    header = ["session_reference", "email", "satisfaction"]
    outcome = run("evaluations", write_file([header, ["E", "lea@x.fr", "4"], ["E", "", "3"]]))
    assert undo(outcome.batch_id) == {
        "responses_deleted": 2,
        "invitations_reopened": 1,
        "organisations_deleted": 0,
    }
    assert count(EvaluationResponse) == 0 and count(EvaluationInvitation) == 0


def test_undo_evaluations_keeps_invitations_that_existed(run, write_file, make_session):
    make_session(reference="E", slots=())
    run("participants", write_file([H, ["E", "Roux", "Léa", "lea@x.fr", "nurse", "", "", "oui"]]))
    registration = db.session.scalar(sa.select(Registration))
    db.session.add(
        EvaluationInvitation(
            registration=registration, phase=Phase.hot, due_on=date(2026, 3, 10), token_hash="a" * 64
        )
    )
    db.session.commit()
    outcome = run(
        "evaluations", write_file([["session_reference", "email", "satisfaction"], ["E", "lea@x.fr", "4"]])
    )
    assert db.session.scalar(sa.select(EvaluationInvitation.submitted_at)) is not None
    undo(outcome.batch_id)
    invitation = db.session.scalar(sa.select(EvaluationInvitation))
    assert invitation.token_hash == "a" * 64 and invitation.submitted_at is None


def test_undo_declarations_including_headcounts_added_to_earlier_ones(run, write_file):
    header = ["date", "organisation", "profession", "headcount"]
    first = [header, ["12/05/2025", "CNFPT", "nurse", "3"]]
    run("declarations", write_file(first))
    second = run(
        "declarations",
        write_file([*first, ["12/05/2025", "CNFPT", "doctor", "2"], ["13/05/2025", "CNFPT", "doctor", "1"]]),
    )
    assert undo(second.batch_id) == {
        "declarations_deleted": 1,
        "headcounts_deleted": 1,
        "organisations_deleted": 0,
    }
    assert count(DeclaredTraining) == 1
    assert db.session.execute(
        sa.select(DeclaredHeadcount.profession_code, DeclaredHeadcount.headcount)
    ).all() == [("nurse", 3)]
