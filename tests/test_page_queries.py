"""The pages of the performance target issue a fixed number of SQL queries, whatever the data size.

quality.md ("pages"): dashboard, session list, session page and kit catalogue — no N+1. Each page
is counted with a little data, then again after many more sessions, registrations, attendance
marks, certificates, evaluations, declarations and kits of every kind: the count must not move.
The dashboard is counted afresh each time (the data changed, so no cached report is used).
"""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from trainer.attendance.models import AttendanceMark, Certificate, MarkStatus
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.evaluations.models import EvaluationAnswer, EvaluationResponse, Indicator, Phase
from trainer.extensions import db
from trainer.kits.models import (
    AccessibleVersion,
    ComponentKind,
    Kit,
    KitAccessibleVersion,
    KitComponent,
    KitPackRequest,
    PackDelivery,
    PackRequestStatus,
)
from trainer.people.models import Organisation
from trainer.sessions.models import Registration, RegistrationStatus

PROFESSIONS = ("nurse", "doctor", "midwife", "social_worker", "police_officer")
DEPARTMENTS = ("62", "59", "13", "75", "33")


def count_queries(client, url: str) -> int:
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert response.status_code == 200, url
    return len(statements)


class World:
    """Data of every kind the four pages read, grown by ``grow``."""

    def __init__(self, make_session, make_person) -> None:
        self.make_session = make_session
        self.make_person = make_person
        self.people = 0
        self.kits: list[Kit] = []
        self.trainers = [
            make_person(first_name="Tess", last_name=f"Formatrice{n}", email=f"tess{n}@t.fr", trainer=True)
            for n in range(2)
        ]
        self.organisation = Organisation(name="Réseau", normalised_name="reseau")
        db.session.add(self.organisation)
        self.first = None

    def kit(self, n: int) -> Kit:
        kit = Kit(slug=f"outil-{n}", title=f"Outil {n}", theme=f"Thème {n % 3}", summary="Résumé")
        kit.components = [
            KitComponent(
                kind=ComponentKind.fiche_reflexe,
                title=f"Fiche {n}.{c}",
                profession_code=PROFESSIONS[c % len(PROFESSIONS)],
            )
            for c in range(2)
        ]
        kit.accessible_versions = [
            KitAccessibleVersion(kind=list(AccessibleVersion)[n % len(AccessibleVersion)])
        ]
        db.session.add(kit)
        return kit

    def registrations(self, training_session, count: int) -> None:
        for _ in range(count):
            self.people += 1
            person = self.make_person(
                first_name=f"P{self.people}",
                last_name=f"Nom{self.people}",
                email=f"p{self.people}@t.fr",
                profession=PROFESSIONS[self.people % len(PROFESSIONS)],
                department=DEPARTMENTS[self.people % len(DEPARTMENTS)],
            )
            registration = Registration(
                training_session=training_session,
                person=person,
                profession_code=person.profession_code,
                department_code=person.department_code,
                status=RegistrationStatus.waiting_list
                if self.people % 7 == 0
                else RegistrationStatus.registered,
                present=True,
                completed=self.people % 7 != 0,
            )
            db.session.add(registration)
            for slot in training_session.slots:
                db.session.add(
                    AttendanceMark(registration=registration, slot=slot, status=MarkStatus.present)
                )
            if self.people % 3 == 0:
                db.session.add(Certificate(registration=registration, code=f"CERT-{self.people:06d}"))

    def grow(self, sessions: int, per_session: int, kits: int) -> None:
        start = len(self.kits)
        self.kits += [self.kit(start + n) for n in range(kits)]
        db.session.commit()
        for n in range(sessions):
            day = date(2024 + n % 2, 1 + n % 12, 1 + n % 27)
            training_session = self.make_session(
                department=DEPARTMENTS[n % len(DEPARTMENTS)],
                slots=((day, time(9), time(12)), (day, time(14), time(17))),
                audiences=PROFESSIONS[: 1 + n % 3],
                trainers=self.trainers[: 1 + n % 2],
                kits=self.kits[n % len(self.kits) :][:2],
            )
            self.first = self.first or training_session
            self.registrations(training_session, per_session)
            for score in range(1, 1 + per_session):
                response = EvaluationResponse(
                    training_session=training_session,
                    phase=Phase.hot,
                    submitted_on=day,
                    profession_code="nurse",
                )
                response.answers = [
                    EvaluationAnswer(indicator=Indicator.satisfaction, score=1 + score % 4),
                    EvaluationAnswer(indicator=Indicator.knowledge, score=1 + (score + 1) % 4),
                ]
                db.session.add(response)
            declared = DeclaredTraining(
                held_on=day,
                kit=self.kits[n % len(self.kits)],
                organisation=self.organisation,
                department_code=DEPARTMENTS[n % len(DEPARTMENTS)],
                trainer=self.trainers[0],
            )
            declared.headcounts = [DeclaredHeadcount(profession_code=c, headcount=3) for c in PROFESSIONS[:2]]
            db.session.add(declared)
            db.session.add(
                KitPackRequest(
                    organisation_name="Hôpital",
                    requester_name="Demandeuse",
                    email="demande@t.fr",
                    delivery=PackDelivery.download,
                    department_code=DEPARTMENTS[n % len(DEPARTMENTS)],
                    status=PackRequestStatus.sent,
                    sent_on=day,
                    kits=[self.kits[n % len(self.kits)]],
                )
            )
        db.session.commit()


@pytest.fixture
def world(app_ctx, make_session, make_person) -> World:
    return World(make_session, make_person)


@pytest.mark.parametrize("reader", ["coordinator", "manager"])
def test_the_four_pages_issue_a_fixed_number_of_queries(world, login_as, reader):
    coordinator = login_as("coordinator")
    scoped = login_as("manager", email="responsable@t.fr", scope_department_code="62")
    for client in (coordinator, scoped):
        client.get("/")  # shows the welcome message: a page with a message waiting is not cached
    dashboard_client = coordinator if reader == "coordinator" else scoped
    world.grow(sessions=2, per_session=2, kits=1)

    def counts() -> dict[str, int]:
        return {
            "/rapports/": count_queries(dashboard_client, "/rapports/"),
            "/rapports/?year=2024": count_queries(dashboard_client, "/rapports/?year=2024"),
            "/sessions/": count_queries(coordinator, "/sessions/"),
            "/sessions/<id>": count_queries(coordinator, f"/sessions/{world.first.id}"),
            "/outils": count_queries(coordinator, "/outils"),
            "/outils (public)": count_queries(world_public_client(coordinator), "/outils"),
        }

    small = counts()
    world.grow(sessions=12, per_session=4, kits=5)  # more of everything, in every department
    world.registrations(world.first, 12)  # and a crowded session page
    db.session.commit()
    assert counts() == small


def world_public_client(client):
    return client.application.test_client()
