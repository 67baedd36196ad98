"""The shared fixtures: every dialect French partners send gives exactly the same persons."""

import shutil

import pytest
import sqlalchemy as sa

from tests.imports.conftest import FIXTURES, count
from trainer.extensions import db
from trainer.people.models import Person
from trainer.sessions.models import Registration

EXPECTED = {
    ("Lefèvre", "Zoé", "zoe.lefevre@exemple.fr", "nurse", "CHU de Besançon"),
    ("N'Diaye", "Aïssatou", "a.ndiaye@exemple.fr", "social_worker", "Conseil départemental"),
}
DESCRIPTIONS = {
    "excel_fr_cp1252_semicolon.csv": "CSV, Windows-1252, séparateur point-virgule",
    "excel_fr_utf8bom_semicolon.csv": "CSV, UTF-8 avec BOM, séparateur point-virgule",
    "latin1_comma.csv": "CSV, Windows-1252, séparateur virgule",
    "utf16le_tab.csv": "CSV, UTF-16 (Texte Unicode), séparateur tabulation",
    "utf8_comma.csv": "CSV, UTF-8, séparateur virgule",
}


def registered(reference: str) -> set[tuple]:
    rows = db.session.execute(
        sa.select(
            Person.last_name,
            Person.first_name,
            Person.email,
            Registration.profession_code,
            Registration.employer_name,
        )
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.training_session.has(reference=reference))
    )
    return {tuple(row) for row in rows}


@pytest.mark.parametrize("name", sorted(DESCRIPTIONS))
def test_each_dialect_gives_the_same_persons(run, make_session, tmp_path, name):
    make_session(reference="LISTE-1")
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    outcome = run("participants", path, session="LISTE-1")
    assert outcome.description == DESCRIPTIONS[name]
    assert registered("LISTE-1") == EXPECTED
    assert outcome.counts["persons_created"] == 2
    # The "Date" column is not part of the participants table: a warning, not an error.
    assert [str(w) for w in outcome.warnings] == ["ligne 1, colonne « Date » : colonne inconnue, ignorée"]


def test_all_dialects_into_five_sessions_make_two_persons(run, make_session, tmp_path):
    for index, name in enumerate(sorted(DESCRIPTIONS)):
        make_session(reference=f"LISTE-{index}")
        path = tmp_path / name
        shutil.copy(FIXTURES / name, path)
        run("participants", path, session=f"LISTE-{index}")
        assert registered(f"LISTE-{index}") == EXPECTED
    assert count(Person) == 2
    assert count(Registration) == 10
