"""Import target of quality.md: ``trainer import participants`` of 300,000 rows (10,000 sessions).

Measured as whole processes, in the same run, against the floor: Python ``csv`` parsing +
``sqlite3.executemany`` of the same rows into one table with one index (on the e-mail, the key
the import looks persons up by). The sessions file is imported first (not timed) into a fresh
SQLite database; each timed import starts from a copy of that database. Peak memory is the
maximum resident size of the import process (``wait4`` of that child only).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import dataset
from bench.__main__ import Result

FULL_ROWS, SMOKE_ROWS = 300_000, 5_000
ROWS_PER_SESSION = 30
TARGET_RATIO = 4.0
MEMORY_LIMIT_MB = 500.0

FLOOR_SCRIPT = """
import csv, sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(target)
with open(source, encoding="utf-8", newline="") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    connection.execute("CREATE TABLE participants (id INTEGER PRIMARY KEY, %s)" % ", ".join(c + " TEXT" for c in header))
    connection.execute("CREATE INDEX ix_participants_email ON participants (email)")
    connection.executemany(
        "INSERT INTO participants (%s) VALUES (%s)" % (", ".join(header), ", ".join("?" for _ in header)), reader
    )
connection.commit()
connection.close()
"""

SYNC_KITS = """
from trainer.app import create_app
from trainer.extensions import db
from trainer.kits.services import sync_kits
with create_app().app_context():
    sync_kits()
    db.session.commit()
"""


def _trainer() -> str:
    return str(Path(sys.executable).parent / "trainer")


def _timed(command: list[str], env: dict) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, peak resident MB of that process, output)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} a échoué ({process.returncode}) :\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


def prepare(folder: Path, rows: int) -> tuple[Path, Path, dict]:
    """Data files and a database holding the kits and the sessions; returns (db, participants, env)."""
    sessions = max(1, rows // ROWS_PER_SESSION)
    sessions_file, participants_file = folder / "sessions.csv", folder / "participants.csv"
    dataset.write_csv(sessions_file, dataset.SESSION_COLUMNS, dataset.sessions(sessions))
    dataset.write_csv(participants_file, dataset.PARTICIPANT_COLUMNS, dataset.participants(sessions, rows))
    database = folder / "base.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "TRAINER_INSTANCE_PATH": str(folder)}
    env.pop("TRAINER_ENV", None)
    # As in any installed deployment, modules run from cached bytecode (written by the untimed steps).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    _timed([_trainer(), "db", "upgrade"], env)
    _timed([sys.executable, "-c", SYNC_KITS], env)
    _timed([_trainer(), "import", "sessions", str(sessions_file)], env)
    return database, participants_file, env


def measure(rows: int, repeats: int) -> tuple[float, float, float]:
    """(best import seconds, best floor seconds, peak import MB) over ``repeats`` alternated runs."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        base, participants_file, env = prepare(folder, rows)
        imports, floors, peaks = [], [], []
        for attempt in range(repeats):
            floor_db = folder / f"floor-{attempt}.db"
            floors.append(
                _timed([sys.executable, "-c", FLOOR_SCRIPT, str(participants_file), str(floor_db)], env)[0]
            )
            copy = folder / f"run-{attempt}.db"
            shutil.copy(base, copy)
            run_env = {**env, "DATABASE_URL": f"sqlite:///{copy}"}
            elapsed, peak, output = _timed(
                [_trainer(), "import", "participants", str(participants_file)], run_env
            )
            if "inscriptions créées" not in output:
                raise RuntimeError(f"import inattendu :\n{output[-2000:]}")
            imports.append(elapsed)
            peaks.append(peak)
        return min(imports), min(floors), max(peaks)


def run(smoke: bool) -> list[Result]:
    rows = SMOKE_ROWS if smoke else FULL_ROWS
    imported, floor, peak = measure(rows, repeats=1 if smoke else 2)
    label = f"{rows:,}".replace(",", " ")
    return [
        Result(f"import participants, {label} lignes (processus)", imported, floor, TARGET_RATIO),
        Result(f"import participants, {label} lignes : mémoire max", peak, MEMORY_LIMIT_MB, 1.0, unit="Mo"),
    ]
