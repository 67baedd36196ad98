"""``trainer import TABLE FILE [--dry-run]``: output, exit codes, nothing stored on errors."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.imports.conftest import PARTICIPANT_HEADER, count, table_counts
from trainer.people.models import Person
from trainer.sessions.models import Registration

H = PARTICIPANT_HEADER


def test_import_prints_what_was_stored(runner, write_file, make_session):
    make_session(reference="A")
    path = write_file(
        [H, ["A", "Roux", "Léa", "", "nurse", "", "", ""], ["A", "Roux", "Hugo", "", "nurse", "", "", ""]]
    )
    result = runner.invoke(args=["import", "participants", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Import n° \d+ enregistré : participants, 2 lignes \(CSV, UTF-8, séparateur virgule\)\.",
        result.output,
    )
    assert "  inscriptions créées : 2" in result.output
    assert count(Registration) == 2


def test_a_bulk_load_leaves_every_reference_valid_and_foreign_keys_checked_again(
    runner, write_file, make_session
):
    import sqlalchemy as sa

    from trainer.extensions import db

    make_session(reference="S-1")
    path = write_file(
        [PARTICIPANT_HEADER, ["S-1", "Durand", "Léa", "lea@exemple.fr", "nurse", "CHU", "59", ""]]
    )
    result = runner.invoke(args=["import", "participants", str(path)])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL checks foreign keys on every row, bulk loads included")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(sa.exc.IntegrityError):
            connection.exec_driver_sql("DELETE FROM people")


def test_dry_run_prints_what_would_be_stored_and_stores_nothing(runner, write_file, make_session):
    make_session(reference="A")
    before = table_counts()
    result = runner.invoke(
        args=[
            "import",
            "participants",
            str(write_file([H, ["A", "Roux", "Léa", "", "nurse", "", "", ""]])),
            "--dry-run",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Simulation, rien n'a été enregistré" in result.output
    assert "personnes créées : 1 (serait créé)" in result.output
    assert table_counts() == before


def test_errors_are_printed_and_exit_non_zero(runner, write_file, make_session):
    make_session(reference="A")
    path = write_file(
        [H, ["A", "Roux", "Léa", "", "nurse", "", "", ""], ["B", "", "Hugo", "", "pilote", "", "", ""]]
    )
    result = runner.invoke(args=["import", "participants", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "ligne 3, colonne « last_name » : obligatoire" in lines
    assert any(line.startswith("ligne 3, colonne « profession » : profession inconnue") for line in lines)
    assert (
        "ligne 3, colonne « session_reference » : session inconnue « B » : créez-la ou importez d'abord la table sessions"
        in lines
    )
    assert lines[-1] == "Erreur : Le fichier contient 3 erreurs : aucune donnée n'a été enregistrée."
    assert count(Person) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["participants", "/nulle/part.csv"], "Erreur : fichier introuvable : /nulle/part.csv"),
        (
            ["inscrits", "x.csv"],
            "Erreur : table inconnue « inscrits » : choisissez parmi sessions, participants, evaluations, declarations.",
        ),
    ],
)
def test_missing_file_or_unknown_table_is_one_clear_line(runner, args, message):
    result = runner.invoke(args=["import", *args])
    assert result.exit_code == 2
    assert result.output.strip() == message


def test_unreadable_file_is_one_clear_line(runner, tmp_path):
    if os.geteuid() == 0:
        path = tmp_path / "dossier.csv"
        path.mkdir()  # root reads any file: a folder stands in for an unreadable file
        expected = f"Erreur : fichier introuvable : {path}"
    else:
        path = tmp_path / "secret.csv"
        path.write_text("a")
        path.chmod(0)
        expected = f"Erreur : fichier illisible : {path} (Permission denied)"
    result = runner.invoke(args=["import", "participants", str(path)])
    assert result.exit_code == 2
    assert result.output.strip() == expected


def test_duplicate_file_is_refused_with_exit_code_one(runner, write_file, make_session):
    make_session(reference="A")
    path = write_file([H, ["A", "Roux", "Léa", "", "nurse", "", "", ""]])
    assert runner.invoke(args=["import", "participants", str(path)]).exit_code == 0
    again = runner.invoke(args=["import", "participants", str(path)])
    assert again.exit_code == 1
    assert again.output.startswith("Erreur : Ce fichier a déjà été importé le ")


@pytest.mark.slow
def test_a_killed_import_leaves_nothing(tmp_path):
    """SIGKILL in the middle of a real ``trainer import`` process: the database is as before."""
    from bench import dataset

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kill.db'}",
        "TRAINER_INSTANCE_PATH": str(tmp_path),
    }
    trainer = str(Path(sys.executable).parent / "trainer")
    subprocess.run([trainer, "db", "upgrade"], env=env, check=True, capture_output=True)
    sessions_file, participants_file = tmp_path / "sessions.csv", tmp_path / "participants.csv"
    dataset.write_csv(
        sessions_file, dataset.SESSION_COLUMNS, (dict(r, kits="") for r in dataset.sessions(2000))
    )
    dataset.write_csv(participants_file, dataset.PARTICIPANT_COLUMNS, dataset.participants(2000, 120_000))
    subprocess.run(
        [trainer, "import", "sessions", str(sessions_file)], env=env, check=True, capture_output=True
    )
    process = subprocess.Popen([trainer, "import", "participants", str(participants_file)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(_processes_naming(participants_file)) == 2:  # the reading child is forked: rows flow
            time.sleep(0.5)  # well inside the load (writes stay in the page cache until the commit)
            break
        time.sleep(0.02)
    assert process.poll() is None, "the import ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    database = sqlite3.connect(tmp_path / "kill.db")
    counts = [
        database.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("people", "registrations")
    ]
    batches = database.execute('select "table" from import_batches').fetchall()
    database.close()
    assert counts == [0, 0]
    assert batches == [("sessions",)]
    # The child that reads the file (a 120,000-row file is read in parallel) ends with its writer.
    deadline = time.monotonic() + 30
    while _processes_naming(participants_file) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(participants_file) == []


def _processes_naming(path: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
            status = (entry / "stat").read_text()
        except OSError:
            continue
        if str(path).encode() in command and ") Z " not in status:  # zombies are gone already
            found.append(int(entry.name))
    return found
