"""A small history whose report figures are computed by hand (see ``EXPECTED_2025``).

Sessions of 2025 unless said (first slot date; department → region 32 Hauts-de-France or 93 PACA):

    S1 direct_training  62  held       anna        Alice, Bob, D(nurse) present; Chloé absent
    S2 direct_training  59  closed     anna+elisa  Alice again, Eve, D (now a midwife) present
    S3 direct_training  13  held       elisa       no slots: Frank present=yes, Gina present=no
    S4 train_the_trainer 62 held       —           Hana (social_worker), Ivan (nurse); audience social_worker
    S5 referent_training 59 closed     —           Jade (emergency), Karl (dentist), Hana (court)
    S6 direct_training  62  cancelled  —           Leo (never completed)
    S7 direct_training  62  open       —           Mia (future)
    S8 direct_training  62  held 2024  —           Nora

Trainers: Tess on S1, S2, S6; Ugo on S4, S5. Evaluations: S1 two responses (satisfaction 4, 4),
S2 six (satisfaction 4 4 3 2 1 blank; knowledge 4 3 3 3 2 4). Declarations: 2025-02 anna 62
(nurse 10, doctor 5, by Hana), 2025-10 no kit 13 (police_officer 7), 2024-06 62 (nurse 100).
Packs sent: 2025-03 62 anna, 2025-08 13, 2024-12 62; one received (not sent) in 62.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from trainer.attendance.completion import recompute_completion
from trainer.attendance.models import AttendanceMark, MarkStatus
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.evaluations.models import EvaluationAnswer, EvaluationResponse, Indicator, Phase
from trainer.extensions import db
from trainer.kits.models import Kit, KitPackRequest, PackDelivery, PackRequestStatus
from trainer.people.models import Organisation
from trainer.sessions.models import Registration, SessionStatus

EXPECTED_2025 = {
    "trainers_trained": 2,
    "trainers_trained.social_worker": 2,
    "referents_trained": 3,
    "referents_trained.emergency": 1,
    "referents_trained.dentist": 1,
    "referents_trained.court": 1,
    "referents_trained.prefecture_trafficking": 0,
    "referents_trained.other": 0,
    "trainers_and_referents_trained": 4,
    "professionals_trained": 9,
    "professionals_trained_declared": 22,
    "professionals_trained_total": 31,
    "sessions_held": 5,
    "sessions_held.direct_training": 3,
    "sessions_held.train_the_trainer": 1,
    "sessions_held.referent_training": 1,
    "sessions_held.awareness": 0,
    "sessions_held.conference": 0,
    "evaluations_received": 8,
    "satisfaction_rate": 71.4,
    "knowledge_rate": 83.3,
    "practice_rate": None,
    "kit_packs_sent": 2,
}

# trained-by-profession, 2025: code → (trained, attendances, declared, total)
BY_PROFESSION_2025 = {
    "nurse": (3, 4, 10, 13),
    "doctor": (1, 1, 5, 6),
    "midwife": (1, 1, 0, 1),
    "social_worker": (2, 3, 0, 2),
    "police_officer": (1, 1, 7, 8),
    "emergency_doctor": (1, 1, 0, 1),
    "dentist": (1, 1, 0, 1),
}


@dataclass
class History:
    sessions: dict
    people: dict
    kits: dict


def _registration(training_session, person, profession=None, referent_type=None, present=None):
    registration = Registration(
        training_session=training_session,
        person=person,
        profession_code=profession or person.profession_code,
        department_code=person.department_code,
        referent_type_code=referent_type,
        present=present,
    )
    db.session.add(registration)
    return registration


def _mark_all(training_session, registrations, absent=()):
    for registration in registrations:
        for slot in training_session.slots:
            status = MarkStatus.absent if registration in absent else MarkStatus.present
            db.session.add(AttendanceMark(registration=registration, slot=slot, status=status))


def _response(training_session, phase=Phase.hot, **scores):
    response = EvaluationResponse(
        training_session=training_session, phase=phase, submitted_on=training_session.ends_on
    )
    for indicator, score in scores.items():
        response.answers.append(EvaluationAnswer(indicator=Indicator(indicator), score=score))
    db.session.add(response)


@pytest.fixture
def history(app_ctx, make_session, make_person) -> History:
    anna, elisa = Kit(slug="anna", title="Anna"), Kit(slug="elisa", title="Elisa")
    db.session.add_all([anna, elisa])
    db.session.commit()
    person = {}
    specs = {
        "alice": ("nurse", "62"),
        "bob": ("doctor", "62"),
        "chloe": ("nurse", "62"),
        "d": ("midwife", "62"),  # a nurse in 2025-03, a midwife since
        "eve": ("social_worker", "59"),
        "frank": ("police_officer", "13"),
        "gina": ("police_officer", "13"),
        "hana": ("social_worker", "62"),
        "ivan": ("nurse", "62"),
        "jade": ("emergency_doctor", "59"),
        "karl": ("dentist", "59"),
        "leo": ("nurse", "62"),
        "mia": ("nurse", "62"),
        "nora": ("nurse", "62"),
    }
    for key, (profession, department) in specs.items():
        person[key] = make_person(
            first_name=key.capitalize(),
            last_name=f"Test{key.capitalize()}",
            email=f"{key}@exemple.fr",
            profession=profession,
            department=department,
        )
    person["tess"] = make_person(
        first_name="Tess", last_name="Formatrice", email="tess@exemple.fr", trainer=True
    )
    person["ugo"] = make_person(first_name="Ugo", last_name="Formateur", email="ugo@exemple.fr", trainer=True)

    def slot(day):
        return ((day, time(9), time(12, 30)),)

    s = {
        "S1": make_session(
            reference="S1",
            department="62",
            slots=slot(date(2025, 3, 10)),
            kits=[anna],
            trainers=[person["tess"]],
        ),
        "S2": make_session(
            reference="S2",
            department="59",
            slots=slot(date(2025, 6, 2)),
            kits=[anna, elisa],
            status=SessionStatus.closed,
            trainers=[person["tess"]],
        ),
        "S3": make_session(
            reference="S3", department="13", slots=(), starts_on=date(2025, 9, 15), kits=[elisa]
        ),
        "S4": make_session(
            reference="S4",
            session_type="train_the_trainer",
            department="62",
            slots=slot(date(2025, 4, 1)),
            audiences=("social_worker", "nurse"),
            trainers=[person["ugo"]],
        ),
        "S5": make_session(
            reference="S5",
            session_type="referent_training",
            department="59",
            slots=slot(date(2025, 5, 5)),
            status=SessionStatus.closed,
            audiences=("doctor",),
            trainers=[person["ugo"]],
        ),
        "S6": make_session(
            reference="S6",
            department="62",
            slots=slot(date(2025, 7, 1)),
            status=SessionStatus.cancelled,
            trainers=[person["tess"]],
        ),
        "S7": make_session(
            reference="S7", department="62", slots=slot(date(2025, 11, 20)), status=SessionStatus.open
        ),
        "S8": make_session(reference="S8", department="62", slots=slot(date(2024, 5, 1))),
    }
    s1 = [
        _registration(s["S1"], person[k], "nurse" if k == "d" else None)
        for k in ("alice", "bob", "chloe", "d")
    ]
    _mark_all(s["S1"], s1, absent=(s1[2],))
    s2 = [_registration(s["S2"], person[k]) for k in ("alice", "eve", "d")]
    _mark_all(s["S2"], s2)
    _registration(s["S3"], person["frank"], present=True)
    _registration(s["S3"], person["gina"], present=False)
    _mark_all(s["S4"], [_registration(s["S4"], person[k]) for k in ("hana", "ivan")])
    s5 = [
        _registration(s["S5"], person["jade"], referent_type="emergency"),
        _registration(s["S5"], person["karl"], referent_type="dentist"),
        _registration(s["S5"], person["hana"], referent_type="court"),
    ]
    _mark_all(s["S5"], s5)
    _registration(s["S6"], person["leo"])
    _registration(s["S7"], person["mia"])
    _mark_all(s["S8"], [_registration(s["S8"], person["nora"])])
    db.session.flush()
    recompute_completion([x.id for x in s.values()])

    for _ in range(2):
        _response(s["S1"], satisfaction=4)
    for satisfaction, knowledge in ((4, 4), (4, 3), (3, 3), (2, 3), (1, 2), (None, 4)):
        _response(s["S2"], satisfaction=satisfaction, knowledge=knowledge)

    organisation = Organisation(name="Réseau Cascade", normalised_name="reseau cascade")
    db.session.add(organisation)
    for held_on, kit, department, counts, trainer in (
        (date(2025, 2, 1), anna, "62", {"nurse": 10, "doctor": 5}, person["hana"]),
        (date(2025, 10, 1), None, "13", {"police_officer": 7}, None),
        (date(2024, 6, 1), None, "62", {"nurse": 100}, None),
    ):
        declared = DeclaredTraining(
            held_on=held_on, kit=kit, organisation=organisation, department_code=department, trainer=trainer
        )
        declared.headcounts = [DeclaredHeadcount(profession_code=c, headcount=n) for c, n in counts.items()]
        db.session.add(declared)
    for status, sent_on, department, kits in (
        (PackRequestStatus.sent, date(2025, 3, 1), "62", [anna]),
        (PackRequestStatus.sent, date(2025, 8, 1), "13", [elisa]),
        (PackRequestStatus.sent, date(2024, 12, 1), "62", [anna]),
        (PackRequestStatus.received, None, "62", [anna]),
    ):
        db.session.add(
            KitPackRequest(
                organisation_name="Hôpital",
                requester_name="Demandeuse",
                email="demande@exemple.fr",
                delivery=PackDelivery.download,
                department_code=department,
                status=status,
                sent_on=sent_on,
                kits=kits,
            )
        )
    db.session.commit()
    return History(sessions=s, people=person, kits={"anna": anna, "elisa": elisa})


@pytest.fixture
def manager_62(login_as):
    return login_as("manager", email="responsable62@test.fr", scope_department_code="62")


@pytest.fixture(autouse=True)
def _one_context_per_request(app):
    """Requests made while a test holds an app context share its ``g`` and database session.
    Do what production's per-request context does: forget the signed-in user when a request
    starts, end its transaction (and SQLite write intent) when it finishes, so clients never mix
    and no lock outlives a request."""
    from flask import g, request_finished, request_started

    from trainer.database import _write_intent

    def start(sender, **extra):
        g.pop("_login_user", None)
        db.session.rollback()  # a fresh snapshot: see what other sessions committed

    def finish(sender, **extra):
        db.session.rollback()
        _write_intent.set(False)

    request_started.connect(start, app)
    request_finished.connect(finish, app)
    yield
    request_started.disconnect(start, app)
    request_finished.disconnect(finish, app)
