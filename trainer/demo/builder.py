"""Builds the demo data set. Called once per database by ``load_demo``."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from trainer.app import AREAS
from trainer.attendance.completion import recompute_completion
from trainer.attendance.models import AttendanceMark, MarkMethod, MarkStatus
from trainer.auth import services as accounts
from trainer.auth.models import Role
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.demo import ACCOUNTS, DEMO_PASSWORD
from trainer.demo.names import FIRST_NAMES, LAST_NAMES, ORGANISATIONS, PLACES
from trainer.extensions import db
from trainer.kits.models import Kit, KitPackRequest, PackDelivery, PackRequestStatus
from trainer.kits.services import sync_kits
from trainer.main.models import Setting
from trainer.people.models import Organisation, OrganisationKind, Person, ReferentMandate, TrainerProfile
from trainer.sessions.models import (
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SessionAudience,
    SessionMode,
    SessionSlot,
    SessionStatus,
    TrainingSession,
)
from trainer.text import normalise

MARKER = "demo_loaded_on"
SEED = 20261123

# Which professions attend which kind of session (first = main audience).
AUDIENCES = {
    "anna": ["social_worker", "nurse", "doctor", "police_officer", "gendarme", "emergency_doctor"],
    "elisa": ["midwife", "doctor", "nurse", "emergency_doctor"],
    "tom-et-lena": [
        "childhood_professional",
        "teacher",
        "school_nurse",
        "education_counsellor",
        "social_worker",
    ],
    "protection-sur-ordonnance": ["lawyer", "magistrate", "court_clerk", "victim_support_worker"],
    "bilakoro": ["midwife", "doctor", "school_nurse", "social_worker"],
    "transports": ["transport_agent", "reception_agent", "police_officer"],
    "stop-harcelement": ["military", "prefecture_agent", "finance_agent", "reception_agent"],
}
TRAINER_AUDIENCES = ["social_worker", "midwife", "emergency_doctor", "police_officer"]


def build() -> None:
    if db.session.get(Setting, MARKER) is not None:
        _ensure_accounts(None)
        return
    rng = random.Random(SEED)  # nosec B311
    today = date.today()
    sync_kits()
    kits = {kit.slug: kit for kit in db.session.scalars(sa.select(Kit))}
    organisations = _organisations()
    trainers = _trainers(rng, organisations, kits)
    _ensure_accounts(trainers[0])
    sessions = _sessions(rng, today, kits, organisations, trainers)
    _registrations(rng, today, sessions, organisations)
    recompute_completion([s.id for s in sessions])
    _referent_mandates(rng, sessions)
    _declarations(rng, today, kits, organisations, trainers)
    _pack_requests(rng, today, kits)
    _extend_by_areas(DemoContext(rng, today, kits, organisations, trainers, sessions))
    db.session.add(Setting(key=MARKER, value=today.isoformat()))
    db.session.flush()


@dataclass
class DemoContext:
    """What the core demo built, handed to each area's ``demo.extend`` to add its own records."""

    rng: random.Random
    today: date
    kits: dict[str, Kit]
    organisations: list[Organisation]
    trainers: list[Person]
    sessions: list[TrainingSession]


def _extend_by_areas(context: DemoContext) -> None:
    """Areas add their demo records in ``trainer/<area>/demo.py`` (``extend(context)``)."""
    for area in AREAS:
        try:
            module = importlib.import_module(f"trainer.{area}.demo")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"trainer.{area}", f"trainer.{area}.demo"):
                raise
            continue
        module.extend(context)
        db.session.flush()


def _ensure_accounts(trainer_person: Person | None) -> None:
    for email, role, full_name in ACCOUNTS:
        if accounts.find_user_by_email(email):
            continue
        role_enum = Role(role)
        person_id = None
        if role_enum == Role.trainer:
            if trainer_person is None:
                continue
            person_id = trainer_person.id
        accounts.create_user(
            email=email,
            role=role_enum,
            password=DEMO_PASSWORD,
            full_name=full_name,
            person_id=person_id,
            scope_department_code="62" if email.startswith("responsable.62") else None,
            actor="demo",
        )


def _organisations() -> list[Organisation]:
    organisations = []
    for name, kind, department in ORGANISATIONS:
        organisation = Organisation(
            name=name,
            normalised_name=normalise(name),
            kind=OrganisationKind(kind),
            department_code=department,
        )
        db.session.add(organisation)
        organisations.append(organisation)
    db.session.flush()
    return organisations


def _person(
    rng: random.Random,
    used: set[str],
    profession: str,
    department: str,
    organisation: Organisation | None,
    with_email: float = 0.85,
) -> Person:
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = (
            f"{normalise(first).replace(' ', '-')}.{normalise(last).replace(' ', '-').replace(chr(39), '')}"
        )
        email = f"{email}{rng.randint(1, 999)}@exemple.fr"
        if email not in used:
            used.add(email)
            break
    return Person(
        first_name=first,
        last_name=last,
        normalised_first_name=normalise(first),
        normalised_last_name=normalise(last),
        email=email if rng.random() < with_email else None,
        profession_code=profession,
        department_code=department,
        organisation=organisation,
    )


_used_emails: set[str] = set()


def _trainers(rng: random.Random, organisations: list[Organisation], kits: dict[str, Kit]) -> list[Person]:
    trainers = []
    fanny = Person(
        first_name="Fanny",
        last_name="Formatrice",
        normalised_first_name="fanny",
        normalised_last_name="formatrice",
        email="fanny.formatrice@exemple.fr",
        profession_code="trainer",
        department_code="62",
        organisation=organisations[0],
    )
    trainers.append(fanny)
    for i in range(7):
        department, _ = PLACES[i * 2 % len(PLACES)]
        trainers.append(_person(rng, _used_emails, "trainer", department, organisations[i % 4], with_email=1))
    for i, person in enumerate(trainers):
        db.session.add(person)
        slugs = list(kits)[i % 3 : i % 3 + 4]
        profile = TrainerProfile(person=person, qualified_on=date(2019 + i % 4, 3 + i, 10))
        profile.kits = [kits[s] for s in slugs]
        if i == 0:
            profile.kits = list(kits.values())
        db.session.add(profile)
    db.session.flush()
    return trainers


def _sessions(
    rng: random.Random,
    today: date,
    kits: dict[str, Kit],
    organisations: list[Organisation],
    trainers: list[Person],
) -> list[TrainingSession]:
    plan = (
        ["direct_training"] * 20
        + ["awareness"] * 8
        + ["train_the_trainer"] * 5
        + ["referent_training"] * 5
        + ["conference"] * 2
    )
    rng.shuffle(plan)
    sessions = []
    kit_slugs = list(AUDIENCES)
    for index, session_type in enumerate(plan):
        days_ago = int(730 * (len(plan) - index) / len(plan)) - 45
        start = today - timedelta(days=days_ago)
        department, city = PLACES[index % len(PLACES)]
        slug = kit_slugs[index % len(kit_slugs)]
        audience = AUDIENCES[slug]
        if session_type == "train_the_trainer":
            audience = list(dict.fromkeys([TRAINER_AUDIENCES[index % len(TRAINER_AUDIENCES)], *audience[:1]]))
        slot_count = 1 if session_type in ("awareness", "conference") else 2
        sessions.append(
            _session(
                rng,
                f"DEMO-{start:%Y}-{index + 1:03d}",
                session_type,
                start,
                slot_count,
                department,
                city,
                [kits[slug]],
                audience,
                organisations[index % len(organisations)],
                list(
                    dict.fromkeys(
                        [trainers[index % len(trainers)]] + ([trainers[0]] if index % 5 == 0 else [])
                    )
                ),
                today,
            )
        )
    # Today's session for the demo trainer: two half-day slots.
    sessions.append(
        _session(
            rng,
            f"DEMO-{today:%Y}-JOUR",
            "direct_training",
            today,
            2,
            "62",
            "Arras",
            [kits["anna"]],
            AUDIENCES["anna"],
            organisations[7],
            [trainers[0]],
            today,
            title="Anna : repérer et accompagner (session du jour)",
        )
    )
    db.session.flush()
    return sessions


def _session(
    rng,
    reference,
    session_type,
    start,
    slot_count,
    department,
    city,
    kits,
    audience,
    organisation,
    trainers,
    today,
    title=None,
) -> TrainingSession:
    slots = []
    for n in range(slot_count):
        day = start + timedelta(days=n // 2)
        morning = n % 2 == 0
        slots.append(
            SessionSlot(
                on=day,
                starts_at=time(9, 0) if morning else time(13, 30),
                ends_at=time(12, 30) if morning else time(17, 0),
            )
        )
    past = slots[-1].on < today
    status = (
        SessionStatus.closed
        if past and start < today - timedelta(days=30)
        else (SessionStatus.held if past else SessionStatus.open)
    )
    kit_title = kits[0].title
    labels = {
        "direct_training": f"Formation « {kit_title} »",
        "awareness": f"Sensibilisation « {kit_title} »",
        "train_the_trainer": f"Formation de formateur·rices « {kit_title} »",
        "referent_training": "Formation des référent·es violences faites aux femmes",
        "conference": "Journée départementale contre les violences faites aux femmes",
    }
    training_session = TrainingSession(
        reference=reference,
        title=title or f"{labels[session_type]} – {city}",
        session_type_code=session_type,
        starts_on=slots[0].on,
        ends_on=slots[-1].on,
        hours=sum((s.hours for s in slots), Decimal(0)),
        mode=SessionMode.in_person if rng.random() < 0.85 else SessionMode.blended,
        venue=f"Salle de formation, {organisation.name}",
        city=city,
        department_code=department,
        organisation=organisation,
        capacity=20 if session_type != "conference" else 120,
        status=status,
        self_registration_open=status == SessionStatus.open,
    )
    training_session.kits = kits
    training_session.trainers = trainers
    training_session.audiences = [
        SessionAudience(profession_code=code, position=i) for i, code in enumerate(audience)
    ]
    training_session.slots = slots
    db.session.add(training_session)
    return training_session


def _registrations(
    rng: random.Random, today: date, sessions: list[TrainingSession], organisations: list[Organisation]
) -> None:
    pool: list[Person] = []
    for training_session in sessions:
        audience = [a.profession_code for a in training_session.audiences]
        size = (
            rng.randint(8, 18) if training_session.session_type_code != "conference" else rng.randint(40, 70)
        )
        if training_session.reference.endswith("JOUR"):
            size = 12
        chosen: list[Person] = []
        for _ in range(size):
            if pool and rng.random() < 0.08:
                person = rng.choice(pool)  # some people attend several sessions
                if person in chosen:
                    continue
            else:
                profession = audience[0] if rng.random() < 0.5 else rng.choice(audience)
                person = _person(
                    rng, _used_emails, profession, training_session.department_code, rng.choice(organisations)
                )
                db.session.add(person)
                pool.append(person)
            chosen.append(person)
        for person in chosen:
            registration = Registration(
                training_session=training_session,
                person=person,
                profession_code=person.profession_code,
                employer_name=person.organisation.name if person.organisation else "",
                department_code=person.department_code,
                status=RegistrationStatus.registered,
                source=RegistrationSource.staff,
                referent_type_code=rng.choice(["emergency", "dentist", "court", "emergency"])
                if training_session.session_type_code == "referent_training"
                else None,
            )
            db.session.add(registration)
            if training_session.slots[-1].on >= today:
                continue
            for slot in training_session.slots:
                roll = rng.random()
                status = (
                    MarkStatus.present
                    if roll < 0.9
                    else MarkStatus.absent
                    if roll < 0.96
                    else MarkStatus.excused
                )
                registration.marks.append(AttendanceMark(slot=slot, status=status, method=MarkMethod.grid))
    db.session.flush()


def _referent_mandates(rng: random.Random, sessions: list[TrainingSession]) -> None:
    establishments = {
        "emergency": "Service des urgences",
        "dentist": "Cabinet dentaire",
        "court": "Tribunal judiciaire",
    }
    for training_session in sessions:
        if training_session.session_type_code != "referent_training":
            continue
        for registration in training_session.registrations:
            if not registration.completed:
                continue
            db.session.add(
                ReferentMandate(
                    person=registration.person,
                    referent_type_code=registration.referent_type_code,
                    establishment=f"{establishments.get(registration.referent_type_code, 'Établissement')} de {training_session.city}",
                    department_code=training_session.department_code,
                    starts_on=training_session.ends_on,
                    ends_on=training_session.ends_on + timedelta(days=365 * 3),
                    training_session=training_session,
                )
            )
    db.session.flush()


def _declarations(
    rng: random.Random,
    today: date,
    kits: dict[str, Kit],
    organisations: list[Organisation],
    trainers: list[Person],
) -> None:
    for index in range(30):
        slug = list(AUDIENCES)[index % len(AUDIENCES)]
        department, city = PLACES[(index * 3) % len(PLACES)]
        declared = DeclaredTraining(
            held_on=today - timedelta(days=20 + index * 23),
            kit=kits[slug],
            organisation=organisations[index % len(organisations)],
            department_code=department,
            hours=Decimal(rng.choice([2, 3, 7])),
            title=f"Formation en cascade à {city}",
            trainer=trainers[index % len(trainers)] if index % 3 else None,
        )
        for code in rng.sample(AUDIENCES[slug], k=min(2, len(AUDIENCES[slug]))):
            declared.headcounts.append(DeclaredHeadcount(profession_code=code, headcount=rng.randint(5, 40)))
        db.session.add(declared)
    db.session.flush()


def _pack_requests(rng: random.Random, today: date, kits: dict[str, Kit]) -> None:
    requesters = [
        ("Centre hospitalier de Lens", "Dr Hélène Caron", "62"),
        ("Mairie de Vichy", "Karim Haddad", "03"),
        ("Institut de formation en soins infirmiers de Lille", "Sophie Lemaire", "59"),
        ("Association Solidarité Femmes 13", "Nadia Benali", "13"),
        ("Lycée Jean-Moulin", "Olivier Roux", "69"),
        ("Commissariat de Calais", "Capitaine Vasseur", "62"),
        ("Cabinet dentaire des Halles", "Dr Morel", "75"),
    ]
    for index in range(21):
        organisation, requester, department = requesters[index % len(requesters)]
        received = today - timedelta(days=5 + index * 17)
        status = (
            PackRequestStatus.received
            if index < 4
            else (PackRequestStatus.refused if index % 9 == 0 else PackRequestStatus.sent)
        )
        delivery = PackDelivery.postal if index % 3 else PackDelivery.download
        request = KitPackRequest(
            organisation_name=organisation,
            requester_name=requester,
            email=f"demande{index + 1}@exemple.fr",
            delivery=delivery,
            postal_address=f"{10 + index} rue de la République\n{department}000 Ville"
            if delivery == PackDelivery.postal
            else None,
            department_code=department,
            audience="Équipes soignantes et sociales",
            quantity=rng.randint(1, 5),
            status=status,
            sent_on=received + timedelta(days=6) if status == PackRequestStatus.sent else None,
            refused_on=received + timedelta(days=3) if status == PackRequestStatus.refused else None,
            notes="Demande hors périmètre (usage commercial)." if status == PackRequestStatus.refused else "",
        )
        from datetime import UTC, datetime

        request.received_at = datetime.combine(received, time(10, 0), tzinfo=UTC)
        request.kits = [kits[s] for s in rng.sample(list(AUDIENCES), k=rng.randint(1, 3))]
        db.session.add(request)
    db.session.flush()
