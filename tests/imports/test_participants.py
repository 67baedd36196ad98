"""The participants table: counting persons, all or nothing, re-imports, presence and snapshots."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from tests.imports.conftest import PARTICIPANT_HEADER, count, table_counts
from trainer.attendance.models import AttendanceMark, MarkMethod, MarkStatus
from trainer.extensions import db
from trainer.imports.issues import ImportsError
from trainer.people.models import Person
from trainer.sessions.models import Registration, RegistrationSource

H = PARTICIPANT_HEADER


@pytest.fixture(autouse=True, params=["read here", "read in a child process"])
def reading(request, app):
    """Every test runs twice: rows read and checked in this process, then in a forked child."""
    default = app.config["IMPORT_PARALLEL_MIN_BYTES"]
    app.config["IMPORT_PARALLEL_MIN_BYTES"] = 0 if request.param == "read in a child process" else default
    yield request.param
    app.config["IMPORT_PARALLEL_MIN_BYTES"] = default


def test_same_email_in_two_files_is_one_person(run, write_file, make_session):
    make_session(reference="A")
    make_session(reference="B")
    run(
        "participants",
        write_file([H, ["A", "Lefèvre", "Zoé", "Zoe.Lefevre@Exemple.fr", "nurse", "", "", ""]]),
    )
    run(
        "participants",
        write_file([H, ["B", "LEFEVRE", "Zoe", "zoe.lefevre@exemple.FR", "Infirmière", "", "", ""]]),
    )
    assert count(Person) == 1
    assert count(Registration) == 2
    person = db.session.scalar(sa.select(Person))
    assert (person.email, person.last_name, person.first_name) == ("zoe.lefevre@exemple.fr", "Lefèvre", "Zoé")


def test_emails_differing_only_by_case_in_one_file_are_one_person(run, write_file, make_session):
    make_session(reference="A")
    make_session(reference="B")
    rows = [H, ["A", "Martin", "Léa", "LEA@EXEMPLE.FR", "nurse", "", "", ""],
            ["B", "Martin", "Léa", "lea@exemple.fr", "nurse", "", "", ""]]  # fmt: skip
    outcome = run("participants", write_file(rows))
    assert count(Person) == 1
    assert outcome.counts == {"persons_created": 1, "persons_matched": 1, "registrations_created": 2}


def test_without_email_persons_are_matched_by_name_and_profession_in_the_session(
    run, write_file, make_session
):
    make_session(reference="A")
    make_session(reference="B")
    run("participants", write_file([H, ["A", "Diallo", "Inès", "", "midwife", "", "", ""]]))
    # Same file completed later: the same person in the same session is recognised, even written otherwise.
    outcome = run(
        "participants",
        write_file(
            [
                H,
                ["A", " DIALLO ", "Ines", "", "Sage-femme", "", "", ""],
                ["A", "Roux", "Hugo", "", "nurse", "", "", ""],
            ]
        ),
    )
    assert outcome.counts == {
        "persons_created": 1,
        "persons_matched": 1,
        "registrations_created": 1,
        "registrations_existing": 1,
    }
    assert count(Person) == 2
    # In another session, without an e-mail nothing says it is the same person.
    run("participants", write_file([H, ["B", "Diallo", "Inès", "", "midwife", "", "", ""]]))
    assert count(Person) == 3
    # Another profession in the same session is another person.
    run("participants", write_file([H, ["A", "Diallo", "Inès", "", "nurse", "", "", ""]]))
    assert count(Person) == 4


def test_reimporting_an_updated_file_adds_only_new_rows(run, write_file, make_session):
    make_session(reference="A")
    first = [H, ["A", "Lefèvre", "Zoé", "zoe@exemple.fr", "nurse", "", "", "oui"],
             ["A", "Roux", "Hugo", "", "nurse", "", "", "oui"]]  # fmt: skip
    run("participants", write_file(first))
    updated = [*first, ["A", "Nguyen", "Julie", "julie@exemple.fr", "doctor", "", "", "oui"]]
    outcome = run("participants", write_file(updated))
    assert outcome.counts["registrations_created"] == 1
    assert outcome.counts["registrations_existing"] == 2
    assert count(Registration) == 3 and count(Person) == 3


def test_the_same_file_twice_is_refused_with_the_date_of_the_first_import(run, write_file, make_session):
    make_session(reference="A")
    path = write_file([H, ["A", "Lefèvre", "Zoé", "", "nurse", "", "", ""]])
    first = run("participants", path)
    with pytest.raises(
        ImportsError, match=r"Ce fichier a déjà été importé le \d\d/\d\d/\d{4} à \d\d:\d\d \(import n° "
    ):
        run("participants", path)
    assert first.batch_id
    copy = write_file(data=path.read_bytes(), name="copie.csv")
    with pytest.raises(ImportsError, match="déjà été importé"):
        run("participants", copy)


def test_a_file_with_errors_stores_nothing_and_reports_every_error(rejected, write_file, make_session):
    make_session(reference="A")
    rows = [
        [
            "Référence session",
            "NOM",
            "Prénom",
            "Courriel",
            "Profession",
            "Employeur",
            "Département",
            "Présent",
        ],
        ["A", "Lefèvre", "Zoé", "zoe@exemple.fr", "Infirmière", "CHU", "25", "oui"],
        ["A", "", "Hugo", "hugo@", "astronaute", "", "999", "peut-être"],
        ["INCONNUE", "Roux", "Léa", "", "nurse", "", "", ""],
        ["A", "x" * 10_000, "y" * 121, "", "nurse", "e" * 201, "", ""],
        ["A", "Nguyen", "Julie", "", "", "", "", "", "en trop"],
    ]
    errors = rejected("participants", write_file(rows))
    assert errors == [
        "ligne 3, colonne « NOM » : obligatoire",
        "ligne 3, colonne « Courriel » : adresse électronique invalide « hugo@ » (attendu : nom@exemple.fr)",
        "ligne 3, colonne « Profession » : profession inconnue : « astronaute » (voir les valeurs acceptées dans le guide des imports ou le modèle XLSX)",
        "ligne 3, colonne « Département » : département inconnu : « 999 » (voir les valeurs acceptées dans le guide des imports ou le modèle XLSX)",
        "ligne 3, colonne « Présent » : oui ou non attendu (ou x pour oui, vide pour non coché), reçu « peut-être »",
        "ligne 5, colonne « NOM » : texte trop long : 10\u202f000 caractères pour 120 au maximum",
        "ligne 5, colonne « Prénom » : texte trop long : 121 caractères pour 120 au maximum",
        "ligne 5, colonne « Employeur » : texte trop long : 201 caractères pour 200 au maximum",
        "ligne 6 : valeurs au-delà de la dernière colonne : un séparateur dans une cellule sans guillemets ?",
        "ligne 4, colonne « Référence session » : session inconnue « INCONNUE » : créez-la ou importez d'abord la table sessions",
    ]


def test_missing_required_columns_are_errors_and_unknown_ones_warnings(rejected, write_file):
    errors = rejected("participants", write_file([["Nom", "Remarque"], ["Lefèvre", "?"]]))
    assert errors == [
        "ligne 1 : colonne obligatoire absente : session_reference (en-têtes acceptés : « session_reference », « référence session »)",
        "ligne 1 : colonne obligatoire absente : first_name (en-têtes acceptés : « first_name », « prénom »)",
        "ligne 1 : colonne obligatoire absente : profession (en-têtes acceptés : « profession »)",
    ]


def test_duplicate_columns_are_refused(rejected, write_file):
    errors = rejected(
        "participants", write_file([[*H, "Courriel"], ["A", "B", "C", "", "nurse", "", "", "", ""]])
    )
    assert errors == [
        "ligne 1, colonne « Courriel » : colonne en double : « email » désigne déjà la colonne email"
    ]


def test_headers_match_without_case_accents_or_spaces(run, write_file, make_session):
    make_session(reference="A")
    header = [
        " SESSION_REFERENCE ",
        "Nom",
        "PRENOM",
        "E-mail",
        "profession",
        "Structure",
        "DEPARTEMENT",
        "présent",
        "Commentaire",
    ]
    outcome = run(
        "participants", write_file([header, ["A", "Roux", "Léa", "lea@x.fr", "nurse", "CHU", "62", "x", "?"]])
    )
    assert outcome.counts["registrations_created"] == 1
    assert [str(w) for w in outcome.warnings] == [
        "ligne 1, colonne « Commentaire » : colonne inconnue, ignorée"
    ]


def test_registration_snapshot_and_odd_names_are_kept_verbatim(run, write_file, make_session):
    make_session(reference="A", slots=())
    names = [
        ("N'Diaye-Lefèvre", "Aïssatou 🌷"),
        ("<script>alert(1)</script>", '=HYPERLINK("http://x")'),
        ("+33 6 12 34 56 78", "-x"),
        ("@SUM(A1)", "Jean-Noël"),
    ]
    rows = [H] + [
        ["A", last, first, "", "Éducatrice spécialisée", "Conseil départemental", "62", "oui"]
        for last, first in names
    ]
    run("participants", write_file(rows, delimiter=";"))
    stored = set(db.session.execute(sa.select(Person.last_name, Person.first_name)).all())
    assert stored == set(names)
    registration = db.session.scalar(
        sa.select(Registration).join(Person).where(Person.first_name == "Jean-Noël")
    )
    assert (registration.profession_code, registration.employer_name, registration.department_code) == (
        "social_worker", "Conseil départemental", "62"
    )  # fmt: skip
    assert registration.source == RegistrationSource.import_
    assert registration.present is True and registration.completed is True


def test_present_without_slots_sets_completion(run, write_file, make_session):
    make_session(reference="H", slots=())
    rows = [H, ["H", "A", "A", "", "nurse", "", "", "oui"], ["H", "B", "B", "", "nurse", "", "", "non"],
            ["H", "C", "C", "", "nurse", "", "", ""]]  # fmt: skip
    run("participants", write_file(rows))
    result = dict(
        db.session.execute(sa.select(Person.last_name, Registration.completed).join(Registration)).all()
    )
    assert result == {"A": True, "B": False, "C": False}
    assert count(AttendanceMark) == 0


def test_present_with_slots_creates_marks_and_recomputes_completion(run, write_file, make_session):
    slots = ((date(2026, 3, 10), time(9), time(12)), (date(2026, 3, 10), time(14), time(17)))
    make_session(reference="S", slots=slots)
    rows = [H, ["S", "A", "A", "", "nurse", "", "", "oui"], ["S", "B", "B", "", "nurse", "", "", "non"],
            ["S", "C", "C", "", "nurse", "", "", ""]]  # fmt: skip
    outcome = run("participants", write_file(rows))
    assert outcome.counts["marks_created"] == 4
    marks = db.session.execute(sa.select(Person.last_name, AttendanceMark.status, AttendanceMark.method).join(
        Registration, Registration.id == AttendanceMark.registration_id).join(Person)).all()  # fmt: skip
    assert sorted(marks) == [
        ("A", MarkStatus.present, MarkMethod.import_), ("A", MarkStatus.present, MarkMethod.import_),
        ("B", MarkStatus.absent, MarkMethod.import_), ("B", MarkStatus.absent, MarkMethod.import_),
    ]  # fmt: skip
    completed = dict(
        db.session.execute(sa.select(Person.last_name, Registration.completed).join(Registration)).all()
    )
    assert completed == {"A": True, "B": False, "C": False}


def test_fixed_session_rows_may_omit_the_reference(run, rejected, write_file, make_session):
    make_session(reference="FIXE")
    make_session(reference="AUTRE")
    rows = [["Nom", "Prénom", "Profession"], ["Roux", "Léa", "nurse"]]
    outcome = run("participants", write_file(rows), session="FIXE")
    assert outcome.counts["registrations_created"] == 1
    other = write_file([H, ["AUTRE", "Roux", "Hugo", "", "nurse", "", "", ""]])
    assert rejected("participants", other, session="FIXE") == [
        "ligne 2, colonne « session_reference » : cette ligne vise la session « AUTRE », mais l'import est fait pour la session « FIXE »"
    ]
    with pytest.raises(ImportsError, match="Session inconnue « NULLE »"):
        run("participants", write_file(rows), session="NULLE")


def test_rows_for_the_same_person_twice_in_a_session_are_ignored_with_a_warning(
    run, write_file, make_session
):
    make_session(reference="A")
    rows = [
        H,
        ["A", "Roux", "Léa", "lea@x.fr", "nurse", "", "", ""],
        ["A", "Roux", "Léa", "LEA@x.fr", "nurse", "", "", ""],
    ]
    outcome = run("participants", write_file(rows))
    assert count(Registration) == 1
    assert [str(w) for w in outcome.warnings] == [
        "ligne 3 : déjà inscrit·e à cette session à la ligne 2 : ligne ignorée"
    ]


def test_dry_run_counts_but_stores_nothing(run, write_file, make_session):
    make_session(reference="A")
    before = table_counts()
    outcome = run(
        "participants", write_file([H, ["A", "Roux", "Léa", "", "nurse", "", "", ""]]), dry_run=True
    )
    assert outcome.counts["registrations_created"] == 1 and outcome.batch_id is None
    assert table_counts() == before


def test_an_exception_in_the_middle_of_writing_leaves_nothing(app_ctx, write_file, make_session, monkeypatch):
    """The whole import is one transaction: a failure after some chunks were written rolls them back."""
    from trainer.imports import bulk
    from trainer.imports.context import CHUNK_SIZE
    from trainer.imports.services import run_import

    make_session(reference="A")
    rows = [H] + [
        ["A", f"Nom{n}", "Léa", f"p{n}@x.fr", "nurse", "", "", ""] for n in range(CHUNK_SIZE * 2 + 10)
    ]
    path = write_file(rows)
    calls = {"n": 0}
    original = bulk.BulkInsert.run

    def failing(self, batch_rows):
        calls["n"] += 1
        if calls["n"] == 5:  # persons and registrations of two chunks are already written
            raise RuntimeError("disque plein")
        return original(self, batch_rows)

    monkeypatch.setattr(bulk.BulkInsert, "run", failing)
    with pytest.raises(RuntimeError):
        run_import("participants", path, filename="p.csv")
    assert count(Person) > 0  # written inside the transaction…
    db.session.rollback()
    assert count(Person) == 0 and count(Registration) == 0  # …and gone with it
