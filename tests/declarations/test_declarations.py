"""Cascade declarations: trainers declare their own, coordinators anyone's; figures in reports."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.auth.models import AuditEntry, User
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.people.models import Organisation
from trainer.reports.engine import run_report
from trainer.reports.filters import parse_filters


def _form(**overrides):
    data = {
        "held_on": "2025-10-02",
        "hours": "3,5",
        "title": "Formation au CHU",
        "new_organisation": "CHU de Lille",
        "department_code": "59",
        "headcounts-0-profession_code": "nurse",
        "headcounts-0-headcount": "12",
        "headcounts-1-profession_code": "midwife",
        "headcounts-1-headcount": "4",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _declarations():
    return db.session.scalars(sa.select(DeclaredTraining).order_by(DeclaredTraining.id)).all()


def test_trainer_declares_their_own(app_ctx, login_as):
    client = login_as("trainer", email="formatrice@test.fr")
    assert client.get("/declarations/nouvelle").status_code == 200
    response = client.post("/declarations/nouvelle", data=_form(trainer_person_id="999"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (declared,) = _declarations()
    user = db.session.scalar(sa.select(User).where(User.email == "formatrice@test.fr"))
    assert declared.trainer_person_id == user.person_id  # not the id the form tried to pass
    assert declared.declared_by_id == user.id
    assert sorted((h.profession_code, h.headcount) for h in declared.headcounts) == [
        ("midwife", 4),
        ("nurse", 12),
    ]
    assert str(declared.hours) == "3.50"
    assert declared.organisation.name == "CHU de Lille"
    html = client.get("/declarations/").get_data(as_text=True)
    assert "1 déclarations, 16 professionnel·les" in html or "16 professionnel·les" in html
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "declaration.create"))


def test_declared_headcounts_feed_the_reports(app_ctx, login_as):
    client = login_as("trainer", email="formatrice@test.fr")
    client.post("/declarations/nouvelle", data=_form())
    filters = parse_filters({"year": "2025"})
    figures = dict(run_report("key-figures", filters).rows)
    assert figures["professionals_trained_declared"] == 16
    activity = run_report("trainers-activity", filters).as_dicts()
    assert [(r["trainer_email"], r["declared_headcount"]) for r in activity] == [
        ("personne.formatrice@test.fr", 16)
    ]
    by_profession = {
        r["profession_code"]: r["trained_declared"]
        for r in run_report("trained-by-profession", filters).as_dicts()
    }
    assert by_profession == {"nurse": 12, "midwife": 4}


def test_coordinator_declares_for_anyone_and_picks_existing_organisation(app_ctx, login_as, make_person):
    trainer = make_person(first_name="Yann", last_name="Relais", email="yann@exemple.fr", trainer=True)
    organisation = Organisation(name="CNFPT", normalised_name="cnfpt")
    kit = Kit(slug="anna", title="Anna")
    db.session.add_all([organisation, kit])
    db.session.commit()
    client = login_as("coordinator")
    response = client.post(
        "/declarations/nouvelle",
        data=_form(
            new_organisation="",
            organisation_id=str(organisation.id),
            trainer_person_id=str(trainer.id),
            kit_id=str(kit.id),
        ),
    )
    assert response.status_code == 302
    (declared,) = _declarations()
    assert (declared.trainer_person_id, declared.organisation_id, declared.kit_id) == (
        trainer.id,
        organisation.id,
        kit.id,
    )


def test_bad_input_keeps_the_form_and_stores_nothing(app_ctx, login_as):
    client = login_as("coordinator")
    cases = [
        _form(held_on=""),
        _form(new_organisation=""),
        _form(**{"headcounts-0-headcount": "0"}),
        _form(**{"headcounts-0-headcount": "abc"}),
        _form(**{"headcounts-0-profession_code": "", "headcounts-1-profession_code": ""}),
        _form(**{"headcounts-1-profession_code": "nurse"}),  # the same profession twice
        _form(**{"headcounts-0-profession_code": "astronaut"}),
        _form(hours="5000"),
        _form(held_on="2099-01-01"),
        _form(department_code="999"),
    ]
    for data in cases:
        response = client.post("/declarations/nouvelle", data=data)
        assert response.status_code == 200, data
        assert "Le formulaire contient des erreurs" in response.get_data(as_text=True), data
    assert _declarations() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeclaredHeadcount)) == 0


def test_trainer_cannot_touch_another_trainers_declaration(app_ctx, login_as):
    first = login_as("trainer", email="premiere@test.fr")
    first.post("/declarations/nouvelle", data=_form())
    (declared,) = _declarations()
    second = login_as("trainer", email="seconde@test.fr")
    assert second.get(f"/declarations/{declared.id}").status_code == 404
    assert second.post(f"/declarations/{declared.id}/supprimer").status_code == 404
    assert "CHU de Lille" not in second.get("/declarations/").get_data(as_text=True)
    assert len(_declarations()) == 1


def test_edit_and_delete_own(app_ctx, login_as):
    client = login_as("trainer", email="formatrice@test.fr")
    client.post("/declarations/nouvelle", data=_form())
    (declared,) = _declarations()
    assert client.get(f"/declarations/{declared.id}").status_code == 200
    response = client.post(
        f"/declarations/{declared.id}",
        data=_form(
            **{
                "headcounts-1-profession_code": "",
                "headcounts-1-headcount": "",
                "headcounts-0-headcount": "20",
            }
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [(h.profession_code, h.headcount) for h in _declarations()[0].headcounts] == [("nurse", 20)]
    assert client.post(f"/declarations/{declared.id}/supprimer").status_code == 302
    assert _declarations() == []
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"declaration.create", "declaration.update", "declaration.delete"} <= actions


def test_managers_cannot_declare(app_ctx, login_as):
    assert login_as("manager").get("/declarations/").status_code == 403
