"""Registry pages: search, person page, forms keeping input, GDPR, duplicates and merge, network."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.people.models import Organisation, Person, ReferentMandate, TrainerProfile
from trainer.sessions.models import Registration, RegistrationStatus


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def test_list_searches_and_survives_odd_parameters(coordinator, make_person):
    make_person(first_name="Éloïse", last_name="Lefèvre", email="eloise@test.fr")
    make_person(first_name="Marc", last_name="Durand", email="marc@test.fr")
    page = coordinator.get("/personnes/?q=eloise").get_data(as_text=True)
    assert "LEFÈVRE Éloïse" in page and "DURAND" not in page
    for query in ("?page=abc", "?role=xyz&profession=zz&departement=999", "?q=" + "%" * 500, "?q=<script>"):
        assert coordinator.get("/personnes/" + query).status_code == 200, query


def test_person_page_shows_trainings_certificates_and_sessions_delivered(
    coordinator, make_person, make_session
):
    from trainer.attendance.models import Certificate

    trainer = make_person(first_name="Fanny", last_name="Formatrice", email="f@test.fr", trainer=True)
    attended = make_session(reference="SUIVIE")
    make_session(reference="ANIMEE", trainers=[trainer])
    registration = Registration(
        session_id=attended.id, person_id=trainer.id, profession_code="nurse", completed=True
    )
    db.session.add(registration)
    db.session.flush()
    db.session.add(Certificate(registration_id=registration.id, code="VERIF-42"))
    db.session.commit()
    page = coordinator.get(f"/personnes/{trainer.id}").get_data(as_text=True)
    assert "SUIVIE" in page and "VERIF-42" in page and "Sessions animées" in page and "ANIMEE" in page


def test_create_and_edit_keep_input_on_error(coordinator, make_person):
    make_person(email="pris@test.fr")
    response = coordinator.post(
        "/personnes/nouvelle", data={"last_name": "Martin", "first_name": "Léa", "email": "PRIS@test.fr"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="Martin"' in text and "est déjà celle de la fiche" in text
    response = coordinator.post(
        "/personnes/nouvelle",
        data={"last_name": "Martin", "first_name": "Léa", "email": "lea@test.fr", "profession_code": "nurse"},
    )
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.email == "lea@test.fr"))
    edit = coordinator.post(f"/personnes/{person.id}/modifier", data={"last_name": "", "first_name": "Léa"})
    assert edit.status_code == 422 and "Ce champ est obligatoire." in edit.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/personnes/999999",
        "/personnes/999999/modifier",
        "/personnes/999999/donnees.json",
        "/personnes/999999/anonymiser",
        "/personnes/999999/formateur",
        "/personnes/999999/mandats/nouveau",
        "/personnes/mandats/999999",
        "/personnes/organisations/999999",
        "/personnes/fusion?garder=abc&fusionner=1",
        "/personnes/fusion?garder=999999&fusionner=999998",
        "/personnes/fusion",
    ],
)
def test_unknown_ids_answer_404(coordinator, url):
    assert coordinator.get(url).status_code == 404


def test_gdpr_export_download_is_audited(coordinator, make_person):
    person = make_person(first_name="Alice", last_name="Durand", email="alice@test.fr")
    response = coordinator.get(f"/personnes/{person.id}/donnees.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.get_data())["person"]["email"] == "alice@test.fr"
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "person.export"))


def test_erase_needs_a_confirmation_then_anonymises(coordinator, make_person, make_session):
    person = make_person(first_name="Alice", last_name="Durand", email="alice@test.fr")
    db.session.add(Registration(session_id=make_session().id, person_id=person.id, profession_code="nurse"))
    db.session.commit()
    refused = coordinator.post(f"/personnes/{person.id}/anonymiser", data={})
    assert refused.status_code == 422 and "Cochez la case pour confirmer." in refused.get_data(as_text=True)
    done = coordinator.post(f"/personnes/{person.id}/anonymiser", data={"confirm": "y"})
    assert done.status_code == 302
    page = coordinator.get(done.location).get_data(as_text=True)
    assert "Personne anonymisée" in page and "Durand" not in page and "alice@test.fr" not in page


def test_duplicates_screen_and_merge(coordinator, make_person, make_session):
    kept = make_person(first_name="Zoé", last_name="Lefèvre", email="zoe@test.fr")
    removed = make_person(first_name="ZOE", last_name="lefevre", email="zoe.l@autre.fr")
    db.session.add(Registration(session_id=make_session().id, person_id=removed.id, profession_code="nurse"))
    db.session.commit()
    kept_id, removed_id = kept.id, removed.id
    listing = coordinator.get("/personnes/doublons").get_data(as_text=True)
    merge_url = f"/personnes/fusion?garder={kept_id}&amp;fusionner={removed_id}"
    assert merge_url in listing
    screen = coordinator.get(merge_url.replace("&amp;", "&"))
    assert screen.status_code == 200 and "zoe.l@autre.fr" in screen.get_data(as_text=True)
    response = coordinator.post("/personnes/fusion", data={"garder": kept_id, "fusionner": removed_id})
    assert response.status_code == 302 and response.location.endswith(f"/personnes/{kept_id}")
    db.session.rollback()
    assert db.session.get(Person, removed_id) is None
    assert db.session.scalar(sa.select(Registration.person_id)) == kept_id
    assert "Aucun doublon" in coordinator.get("/personnes/doublons").get_data(as_text=True)


def test_merge_screen_says_which_session_blocks(coordinator, make_person, make_session):
    kept, removed = make_person(email="a@test.fr"), make_person(email="b@test.fr")
    shared = make_session(reference="COMMUNE")
    for person in (kept, removed):
        db.session.add(
            Registration(session_id=shared.id, person_id=person.id, status=RegistrationStatus.registered)
        )
    db.session.commit()
    response = coordinator.post("/personnes/fusion", data={"garder": kept.id, "fusionner": removed.id})
    assert response.status_code == 422 and "(COMMUNE)" in response.get_data(as_text=True)


def test_trainer_profile_and_mandate_forms(coordinator, make_person, make_session):
    person = make_person(email="r@test.fr")
    ttt = make_session(reference="FDF-1", session_type="train_the_trainer")
    make_session(reference="REF-1", session_type="referent_training")
    bad = coordinator.post(
        f"/personnes/{person.id}/formateur", data={"qualifying_session_reference": "REF-1"}
    )
    assert (
        bad.status_code == 422
        and "La session REF-1 n&#39;est pas une formation de formateur·rices" in bad.get_data(as_text=True)
    )
    ok = coordinator.post(
        f"/personnes/{person.id}/formateur",
        data={"qualifying_session_reference": "FDF-1", "qualified_on": "2026-01-10", "is_active": "y"},
    )
    assert ok.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(TrainerProfile.qualifying_session_id)) == ttt.id
    wrong_dates = coordinator.post(
        f"/personnes/{person.id}/mandats/nouveau",
        data={
            "referent_type_code": "court",
            "establishment": "TJ Arras",
            "starts_on": "2026-05-01",
            "ends_on": "2026-01-01",
        },
    )
    assert wrong_dates.status_code == 422 and 'value="TJ Arras"' in wrong_dates.get_data(as_text=True)
    saved = coordinator.post(
        f"/personnes/{person.id}/mandats/nouveau",
        data={
            "referent_type_code": "court",
            "establishment": "TJ Arras",
            "department_code": "62",
            "starts_on": "2026-01-01",
            "training_session_reference": "REF-1",
        },
    )
    assert saved.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(ReferentMandate.establishment)) == "TJ Arras"


def test_network_lists_current_mandates_and_those_ending_soon(coordinator, make_person):
    today = date.today()
    soon, later, past = (
        make_person(first_name=n, last_name="Ref", email=f"{n}@t.fr") for n in ("Soon", "Later", "Past")
    )
    db.session.add_all(
        [
            ReferentMandate(
                person=soon,
                referent_type_code="emergency",
                establishment="Urgences de Lens",
                department_code="62",
                starts_on=today - timedelta(days=300),
                ends_on=today + timedelta(days=30),
            ),
            ReferentMandate(
                person=later,
                referent_type_code="court",
                establishment="TJ Arras",
                department_code="62",
                starts_on=today - timedelta(days=10),
            ),
            ReferentMandate(
                person=past,
                referent_type_code="court",
                establishment="TJ Lille",
                department_code="59",
                starts_on=today - timedelta(days=900),
                ends_on=today - timedelta(days=1),
            ),
        ]
    )
    db.session.commit()
    page = coordinator.get("/personnes/referents").get_data(as_text=True)
    ending_section = page.split("Mandats qui se terminent", 1)[1].split("Couverture", 1)[0]
    assert "Soon Ref" in ending_section and "Later Ref" not in ending_section
    assert "TJ Arras" in page and "TJ Lille" not in page
    filtered = coordinator.get("/personnes/referents?departement=59&type=inconnu")
    assert filtered.status_code == 200 and "TJ Arras" not in filtered.get_data(as_text=True)


def test_organisations_are_unique_by_name(app_ctx, coordinator):
    assert (
        coordinator.post(
            "/personnes/organisations/nouvelle", data={"name": "CNFPT", "kind": "training_body"}
        ).status_code
        == 302
    )
    again = coordinator.post("/personnes/organisations/nouvelle", data={"name": "cnfpt ", "kind": "other"})
    assert again.status_code == 422 and "L&#39;organisation « CNFPT » existe déjà." in again.get_data(
        as_text=True
    )
    assert "CNFPT" in coordinator.get("/personnes/organisations?q=cnf").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1


@pytest.mark.parametrize("role", ["trainer", "manager"])
def test_trainers_and_managers_are_refused(login_as, role):
    client = login_as(role)
    for url in ("/personnes/", "/personnes/referents", "/personnes/organisations", "/personnes/doublons"):
        assert client.get(url).status_code == 403
