"""The registry: unique e-mails, merge of duplicates, GDPR export and anonymisation that keeps figures."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from trainer.attendance.models import AttendanceMark, Certificate, MarkStatus
from trainer.auth.models import User
from trainer.extensions import db
from trainer.people import gdpr, merge, services
from trainer.people.models import Person, ReferentMandate, TrainerProfile
from trainer.sessions.models import Registration, RegistrationStatus, session_trainers


def _register(training_session, person, *, completed=False, profession=None):
    registration = Registration(
        session_id=training_session.id,
        person_id=person.id,
        profession_code=profession or person.profession_code,
        department_code=person.department_code,
        employer_name="CH de Lens",
        status=RegistrationStatus.registered,
        completed=completed,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def test_email_is_stored_lower_case_and_unique(app_ctx):
    person = services.create_person(
        services.PersonInput("Durand", "Alice", email=" Alice@Test.FR "), actor="t"
    )
    assert person.email == "alice@test.fr" and person.normalised_last_name == "durand"
    with pytest.raises(
        services.PeopleError, match="L'adresse alice@test.fr est déjà celle de la fiche « Alice Durand »"
    ):
        services.create_person(services.PersonInput("Autre", "Personne", email="ALICE@test.fr"), actor="t")
    other = services.create_person(services.PersonInput("Martin", "Léa"), actor="t")
    with pytest.raises(services.PeopleError):
        services.update_person(other, services.PersonInput("Martin", "Léa", email="alice@TEST.fr"), actor="t")


def test_search_by_name_without_accents_or_by_email(app_ctx, make_person):
    make_person(first_name="Éloïse", last_name="Lefèvre", email="eloise@test.fr")
    make_person(first_name="Marc", last_name="Durand", email="marc@autre.fr", trainer=True)
    names = lambda **kw: [p.last_name for p in db.session.scalars(services.search_people(**kw))]  # noqa: E731
    assert names(search="eloise lefevre") == ["Lefèvre"]
    assert names(search="AUTRE.FR") == ["Durand"]
    assert names(role="formateur") == ["Durand"]
    assert names(search="%") == []


def test_merge_moves_everything_and_fills_blanks(app_ctx, make_person, make_session, make_user):
    kept = make_person(first_name="Alice", last_name="Durand", email=None, department=None)
    removed = make_person(first_name="Alice", last_name="DURAND", email="alice@test.fr", trainer=True)
    first, second = make_session(trainers=[removed]), make_session()
    _register(first, kept)
    _register(second, removed)
    db.session.add(
        ReferentMandate(
            person=removed, referent_type_code="court", establishment="TJ", starts_on=date(2025, 1, 1)
        )
    )
    db.session.commit()
    user_id = make_user("trainer", email="alice.compte@test.fr", person_id=removed.id)
    db.session.commit()
    summary = merge.merge_people(kept, removed, actor="t")
    db.session.commit()
    assert (summary.registrations, summary.mandates, summary.accounts) == (1, 1, 1)
    assert db.session.get(Person, removed.id) is None
    assert kept.email == "alice@test.fr" and kept.department_code == "62"
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Registration).where(Registration.person_id == kept.id)
        )
        == 2
    )
    assert db.session.scalar(sa.select(TrainerProfile.person_id)) == kept.id
    assert db.session.scalar(sa.select(session_trainers.c.person_id)) == kept.id
    assert db.session.get(User, user_id).person_id == kept.id
    assert db.session.scalar(sa.select(ReferentMandate.person_id)) == kept.id


def test_merge_of_two_trainers_keeps_one_profile_with_all_kits(app_ctx, make_person, make_session):
    from trainer.kits.models import Kit
    from trainer.kits.services import sync_kits

    sync_kits()
    anna, elisa = (db.session.scalar(sa.select(Kit).where(Kit.slug == s)) for s in ("anna", "elisa"))
    kept = make_person(email="a@test.fr", trainer=True)
    removed = make_person(email="b@test.fr", trainer=True)
    kept.trainer_profile.kits = [anna]
    removed.trainer_profile.kits = [elisa]
    both = make_session(trainers=[kept, removed])
    db.session.commit()
    merge.merge_people(kept, removed, actor="t")
    db.session.commit()
    assert {k.slug for k in kept.trainer_profile.kits} == {"anna", "elisa"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainerProfile)) == 1
    assert [t.id for t in db.session.get(type(both), both.id).trainers] == [kept.id]


def test_merge_is_refused_when_both_are_in_the_same_session(app_ctx, make_person, make_session):
    kept, removed = make_person(email="a@test.fr"), make_person(email="b@test.fr")
    shared = make_session(reference="PARTAGEE")
    _register(shared, kept)
    _register(shared, removed)
    db.session.commit()
    with pytest.raises(services.PeopleError, match=r"même session : « Session de test 1 » \(PARTAGEE\)"):
        merge.merge_people(kept, removed, actor="t")
    with pytest.raises(services.PeopleError, match="deux fiches différentes"):
        merge.merge_people(kept, kept, actor="t")


def test_duplicates_are_grouped_by_normalised_name(app_ctx, make_person):
    make_person(first_name="Zoé", last_name="Lefèvre", email="1@t.fr")
    make_person(first_name="zoe", last_name="LEFEVRE", email="2@t.fr")
    make_person(first_name="Zoé", last_name="Martin", email="3@t.fr")
    keys = db.session.scalars(merge.duplicate_groups_query()).all()
    assert [merge.split_key(key) for key in keys] == [("lefevre", "zoe")]


def _figures():
    by_profession = db.session.execute(
        sa.select(
            Registration.profession_code, sa.func.count(), sa.func.count(sa.distinct(Registration.person_id))
        )
        .where(Registration.completed.is_(True))
        .group_by(Registration.profession_code)
        .order_by(Registration.profession_code)
    ).all()
    by_department = db.session.execute(
        sa.select(Registration.department_code, sa.func.count())
        .where(Registration.completed.is_(True))
        .group_by(Registration.department_code)
        .order_by(Registration.department_code)
    ).all()
    return [tuple(r) for r in by_profession], [tuple(r) for r in by_department]


def test_anonymisation_keeps_every_figure(app_ctx, make_person, make_session):
    sessions = [make_session(), make_session(), make_session()]
    people = [
        make_person(first_name=f"P{i}", last_name="Test", email=f"p{i}@test.fr", profession=p, department=d)
        for i, (p, d) in enumerate([("nurse", "62"), ("nurse", "59"), ("doctor", "62"), ("midwife", "75")])
    ]
    for index, person in enumerate(people):
        for training_session in sessions[: index + 1]:
            _register(training_session, person, completed=(index + training_session.id) % 2 == 0)
    db.session.commit()
    before = _figures()
    for person in people[:3]:
        gdpr.anonymise_person(person, actor="t")
    db.session.commit()
    assert _figures() == before
    erased = db.session.get(Person, people[0].id)
    assert (erased.full_name, erased.email, erased.normalised_last_name, erased.normalised_first_name) == (
        "Personne anonymisée",
        None,
        "",
        "",
    )
    assert erased.profession_code == "nurse" and erased.anonymised_at is not None
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(Registration.employer_name != "")
    ) == len(sessions[:4])  # only the fourth person's registration keeps its employer
    with pytest.raises(services.PeopleError, match="déjà anonymisée"):
        gdpr.anonymise_person(erased, actor="t")


def test_anonymisation_waits_for_the_account_to_be_deactivated(app_ctx, make_user):
    user = db.session.get(User, make_user("trainer", email="f@test.fr"))
    with pytest.raises(services.PeopleError, match=r"compte actif \(f@test.fr\)"):
        gdpr.anonymise_person(user.person, actor="t")


def test_export_holds_everything_on_the_person(app_ctx, make_person, make_session):
    person = make_person(email="alice@test.fr")
    training_session = make_session(reference="EXPORT-1")
    registration = _register(training_session, person, completed=True)
    db.session.add(
        AttendanceMark(registration=registration, slot=training_session.slots[0], status=MarkStatus.present)
    )
    db.session.add(Certificate(registration=registration, code="ABC123"))
    db.session.add(
        ReferentMandate(
            person=person,
            referent_type_code="court",
            establishment="TJ",
            starts_on=date.today() - timedelta(days=3),
        )
    )
    db.session.commit()
    data = gdpr.export_person_data(person)
    assert data["person"]["email"] == "alice@test.fr"
    (exported,) = data["registrations"]
    assert exported["session_reference"] == "EXPORT-1" and exported["completed"] is True
    assert exported["attendance"][0]["status"] == "present" and exported["certificate"]["code"] == "ABC123"
    assert data["referent_mandates"][0]["establishment"] == "TJ" and data["trainer_profile"] is None
    import json

    json.dumps(data)  # serialisable as is


def test_renewal_reminders_are_sent_once(app, app_ctx, make_person, runner, outbox):
    soon = make_person(first_name="Soon", email="soon@test.fr", trainer=True)
    later = make_person(first_name="Later", email="later@test.fr", trainer=True)
    soon.trainer_profile.qualified_on = date.today() - timedelta(days=700)
    soon.trainer_profile.expires_on = date.today() + timedelta(days=20)
    later.trainer_profile.expires_on = date.today() + timedelta(days=200)
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["people", "remind-renewals", "--days", "60"])
    assert result.exit_code == 0 and "1 rappel(s) envoyé(s)." in result.output
    (mail,) = outbox()
    assert mail["To"] == "soon@test.fr" and "expire le" in mail.get_content()
    again = runner.invoke(args=["people", "remind-renewals"])
    assert "0 rappel(s)" in again.output and len(outbox()) == 1
