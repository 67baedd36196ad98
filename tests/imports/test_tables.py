"""The sessions, evaluations and declarations tables."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.imports.conftest import PARTICIPANT_HEADER, count
from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.evaluations.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    Indicator,
    Phase,
)
from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.people.models import Organisation
from trainer.sessions.models import SessionStatus, TrainingSession

SESSIONS = ["reference", "title", "session_type", "kits", "target_professions", "start_date", "end_date",
            "hours", "mode", "city", "department", "organisation", "trainers", "status"]  # fmt: skip


@pytest.fixture
def kits(app_ctx):
    db.session.add_all([Kit(slug="anna", title="Anna"), Kit(slug="tom-et-lena", title="Tom et Léna")])
    db.session.commit()


def session_by(reference: str) -> TrainingSession:
    return db.session.scalar(sa.select(TrainingSession).where(TrainingSession.reference == reference))


def test_sessions_are_created_with_their_lists_and_organisations(run, write_file, kits, make_person):
    make_person(first_name="Tess", last_name="Formatrice", email="tess@exemple.fr", trainer=True)
    past = (date.today() - timedelta(days=30)).strftime("%d/%m/%Y")
    future = (date.today() + timedelta(days=30)).isoformat()
    rows = [
        SESSIONS,
        ["S-1", "Anna", "Formation directe", "anna|Tom et Léna", "Sage-femme|nurse", past, "", "6,5", "mixte",
         "Arras", "Pas-de-Calais", "CNFPT", "TESS@exemple.fr", ""],
        ["S-2", "Tom", "awareness", "", "", future, "", "", "", "", "62", "  cnfpt ", "", "brouillon"],
        ["S-3", "Tom", "conference", "", "", future, "", "", "distanciel", "", "", "Croix-Rouge", "", ""],
    ]  # fmt: skip
    outcome = run("sessions", write_file(rows))
    assert outcome.counts == {"sessions_created": 3, "organisations_created": 2}
    first = session_by("S-1")
    assert [kit.slug for kit in first.kits] == ["anna", "tom-et-lena"]
    assert [p.code for p in first.target_professions] == ["midwife", "nurse"]
    assert (first.hours, first.mode.value, first.department_code, first.status) == (
        Decimal("6.50"), "blended", "62", SessionStatus.held
    )  # fmt: skip
    assert [p.email for p in first.trainers] == ["tess@exemple.fr"]
    assert first.organisation.name == "CNFPT"
    assert session_by("S-2").organisation_id == first.organisation_id  # matched on the normalised name
    assert session_by("S-2").status == SessionStatus.draft
    assert session_by("S-3").status == SessionStatus.open
    assert count(Organisation) == 2


def test_sessions_are_updated_by_reference(run, write_file, kits):
    run(
        "sessions",
        write_file(
            [
                SESSIONS,
                ["S-1", "Anna", "direct_training", "anna", "", "01/02/2024", "", "3", "", "", "", "", "", ""],
            ]
        ),
    )
    outcome = run(
        "sessions",
        write_file([["reference", "title", "session_type", "start_date", "kits", "hours"],
                    ["S-1", "Anna (corrigé)", "direct_training", "02/02/2024", "tom-et-lena", ""]]),
    )  # fmt: skip
    assert outcome.counts == {"sessions_updated": 1}
    updated = session_by("S-1")
    db.session.refresh(updated)
    assert (updated.title, updated.starts_on, updated.hours) == (
        "Anna (corrigé)",
        date(2024, 2, 2),
        Decimal("3.00"),
    )
    assert [kit.slug for kit in updated.kits] == ["tom-et-lena"]
    assert count(TrainingSession) == 1


def test_session_errors(rejected, write_file, kits, make_person):
    make_person(first_name="Non", last_name="Formatrice", email="pas-formatrice@exemple.fr")
    rows = [
        SESSIONS,
        ["S-1", "Anna", "atelier", "elisa", "astronaute", "31/02/2016", "", "0", "sur la lune", "", "99", "", "inconnue@exemple.fr", "fini"],
        ["S-2", "", "direct_training", "", "", "2016-13-01", "", "", "", "", "", "", "pas-formatrice@exemple.fr", ""],
        ["S-3", "Anna", "direct_training", "", "", "12/03/2016", "11/03/2016", "", "", "", "", "", "", ""],
        ["S-3", "Anna", "direct_training", "", "", "12/03/16", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    errors = rejected("sessions", write_file(rows))
    hint = " (voir les valeurs acceptées dans le guide des imports ou le modèle XLSX)"
    assert errors == [
        f"ligne 2, colonne « session_type » : type de session inconnu : « atelier »{hint}",
        f"ligne 2, colonne « department » : département inconnu : « 99 »{hint}",
        "ligne 2, colonne « mode » : valeur inconnue « sur la lune » : présentiel, distanciel ou mixte",
        "ligne 2, colonne « status » : valeur inconnue « fini » : brouillon, ouverte, complète, réalisée, annulée ou clôturée",
        "ligne 2, colonne « start_date » : date impossible « 31/02/2016 » : le 31/02/2016 n'existe pas",
        "ligne 2, colonne « hours » : doit être supérieur à 0 et au plus 1000 heures, reçu 0",
        f"ligne 2, colonne « kits » : outil inconnu : « elisa »{hint}",
        f"ligne 2, colonne « target_professions » : profession inconnue : « astronaute »{hint}",
        "ligne 3, colonne « title » : obligatoire",
        "ligne 3, colonne « start_date » : date impossible « 2016-13-01 » : il n'y a pas de mois 13",
        "ligne 4, colonne « end_date » : la date de fin précède la date de début",
        "ligne 5, colonne « start_date » : année sur 2 chiffres dans « 12/03/16 » : écrivez l'année en entier, par exemple 12/03/2016",
        "ligne 5, colonne « reference » : référence déjà utilisée à la ligne 4 de ce fichier",
        "ligne 2, colonne « trainers » : formateur·rice inconnu·e « inconnue@exemple.fr » : créez d'abord sa fiche (personne et profil de formateur·rice)",
        "ligne 3, colonne « trainers » : « pas-formatrice@exemple.fr » n'a pas de profil de formateur·rice : ajoutez-le depuis sa fiche",
    ]


def test_duplicate_reference_in_a_file(rejected, write_file):
    row = ["S-1", "Anna", "direct_training", "", "", "01/02/2024", "", "", "", "", "", "", "", ""]
    assert rejected("sessions", write_file([SESSIONS, row, row])) == [
        "ligne 3, colonne « reference » : référence déjà utilisée à la ligne 2 de ce fichier"
    ]


EVALUATIONS = ["session_reference", "phase", "email", "satisfaction", "knowledge", "practice", "comment"]


def test_evaluations_are_anonymous_and_mark_the_attendee(run, write_file, make_session):
    training_session = make_session(reference="E-1", slots=())
    run("participants", write_file([PARTICIPANT_HEADER, ["E-1", "Roux", "Léa", "lea@x.fr", "nurse", "", "", "oui"],
                                    ["E-1", "Nguyen", "Julie", "julie@x.fr", "nurse", "", "", "oui"]]))  # fmt: skip
    rows = [
        EVALUATIONS,
        ["E-1", "", "LEA@x.fr", "4", "3", "", "Très utile.\nMerci."],
        ["E-1", "à froid", "lea@x.fr", "", "", "2", ""],
        ["E-1", "chaud", "", "1", "", "", ""],
    ]
    outcome = run("evaluations", write_file(rows))
    assert outcome.counts == {"responses_created": 3, "answers_created": 5, "invitations_marked": 2}
    responses = db.session.scalars(sa.select(EvaluationResponse)).all()
    assert {(r.phase, r.profession_code, r.source.value) for r in responses} == {
        (Phase.hot, None, "import"), (Phase.cold, None, "import")
    }  # fmt: skip
    answers = db.session.execute(
        sa.select(EvaluationAnswer.indicator, EvaluationAnswer.score, EvaluationAnswer.text)
    ).all()
    assert sorted(answers, key=str) == sorted(
        [(Indicator.satisfaction, 4, None), (Indicator.knowledge, 3, None), (None, None, "Très utile.\nMerci."),
         (Indicator.practice, 2, None), (Indicator.satisfaction, 1, None)], key=str)  # fmt: skip
    invitations = db.session.scalars(sa.select(EvaluationInvitation)).all()
    assert {(i.phase, i.token_hash is None, i.submitted_at is not None) for i in invitations} == {
        (Phase.hot, True, True), (Phase.cold, True, True)
    }  # fmt: skip
    cold = next(i for i in invitations if i.phase == Phase.cold)
    assert cold.due_on == training_session.ends_on + timedelta(days=90)
    # Nothing links a response to an invitation or a person.
    assert not {c.name for c in EvaluationResponse.__table__.columns} & {
        "invitation_id",
        "person_id",
        "registration_id",
    }


def test_evaluation_errors(run, rejected, write_file, make_session):
    make_session(reference="E-1", slots=())
    run(
        "participants",
        write_file([PARTICIPANT_HEADER, ["E-1", "Roux", "Léa", "lea@x.fr", "nurse", "", "", "oui"]]),
    )
    run("evaluations", write_file([EVALUATIONS, ["E-1", "hot", "lea@x.fr", "4", "", "", ""]]))
    rows = [
        EVALUATIONS,
        ["E-1", "tiède", "", "5", "0", "deux", ""],
        ["E-1", "", "", "", "", "", "Rien coché"],
        ["E-1", "", "inconnue@x.fr", "3", "", "", ""],
        ["E-1", "hot", "lea@x.fr", "3", "", "", ""],
        ["E-2", "", "", "3", "", "", "c" * 5001],
    ]
    assert rejected("evaluations", write_file(rows)) == [
        "ligne 2, colonne « phase » : valeur inconnue « tiède » : à chaud (hot) ou à froid (cold)",
        "ligne 2, colonne « satisfaction » : doit être compris entre 1 et 4, reçu 5",
        "ligne 2, colonne « knowledge » : doit être compris entre 1 et 4, reçu 0",
        "ligne 2, colonne « practice » : nombre entier attendu, reçu « deux »",
        "ligne 3 : au moins une note est nécessaire (satisfaction, knowledge ou practice, de 1 à 4)",
        "ligne 6, colonne « comment » : texte trop long : 5\u202f001 caractères pour 5\u202f000 au maximum",
        "ligne 6, colonne « session_reference » : session inconnue « E-2 »",
        "ligne 4, colonne « email » : « inconnue@x.fr » n'est pas inscrit·e à la session « E-1 »",
        "ligne 5, colonne « email » : cette personne a déjà répondu à l'évaluation à chaud de cette session",
    ]


DECLARATIONS = ["date", "kit", "organisation", "department", "profession", "headcount", "hours"]


def test_declarations_are_grouped_and_never_duplicated(run, write_file, kits):
    rows = [
        DECLARATIONS,
        ["12/05/2025", "anna", "Croix-Rouge", "59", "midwife", "12", "3"],
        ["12/05/2025", "Anna", "croix-rouge", "Nord", "Infirmière", "8", "3,0"],
        ["12/05/2025", "anna", "Croix-Rouge", "59", "nurse", "2", "3"],
        ["13/05/2025", "", "CNFPT", "", "doctor", "5", ""],
    ]
    outcome = run("declarations", write_file(rows))
    assert outcome.counts == {"declarations_created": 2, "headcounts_created": 3, "organisations_created": 2}
    assert [str(w) for w in outcome.warnings] == [
        "ligne 4, colonne « profession » : profession déjà déclarée pour cette formation à la ligne 3 : effectifs additionnés"
    ]
    totals = dict(
        db.session.execute(sa.select(DeclaredHeadcount.profession_code, DeclaredHeadcount.headcount)).all()
    )
    assert totals == {"midwife": 12, "nurse": 10, "doctor": 5}
    again = run("declarations", write_file([*rows, ["13/05/2025", "", "CNFPT", "", "nurse", "4", ""]]))
    assert again.counts == {"headcounts_created": 1, "headcounts_existing": 3}
    assert count(DeclaredTraining) == 2 and count(DeclaredHeadcount) == 4


def test_declaration_errors(rejected, write_file):
    rows = [
        DECLARATIONS,
        ["", "elisa", "", "", "astronaute", "0", "-1"],
        ["12/05/2025", "", "CNFPT", "", "nurse", "2,5", ""],
    ]
    hint = " (voir les valeurs acceptées dans le guide des imports ou le modèle XLSX)"
    assert rejected("declarations", write_file(rows)) == [
        "ligne 2, colonne « date » : obligatoire",
        f"ligne 2, colonne « kit » : outil inconnu : « elisa »{hint}",
        f"ligne 2, colonne « profession » : profession inconnue : « astronaute »{hint}",
        "ligne 2, colonne « headcount » : doit être compris entre 1 et 100000, reçu 0",
        "ligne 2, colonne « hours » : doit être supérieur à 0 et au plus 1000 heures, reçu -1",
        "ligne 2, colonne « organisation » : obligatoire",
        "ligne 3, colonne « headcount » : nombre entier attendu, reçu « 2,5 »",
    ]
