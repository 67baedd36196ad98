"""Reports against their floors (quality.md "Performance", reports rows).

1. ``trainer report trained-by-profession --format csv`` as a whole process, against the floor:
   a Python process that ``pandas.read_csv``-s the raw participants file of the same rows and
   counts distinct persons per profession (``groupby().nunique()``) — target ≤ 1.5×.
2. Every report, unfiltered and filtered, in-process at the chosen scale — target ≤ 2 s each
   (reported against a 2 s budget), and the peak memory of the report process (≤ 500 MB).

The database is a fresh SQLite file migrated by ``trainer db upgrade`` and loaded with Core
``executemany`` from ``bench.dataset`` (the same deterministic rows the participants CSV holds),
then ``ANALYZE``-d. ``REPORTS_BENCH_REGISTRATIONS`` overrides the scale (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench import dataset
from bench.__main__ import Result

ROOT = Path(__file__).resolve().parents[1]
TRAINER = Path(sys.executable).with_name("trainer")
BATCH = 20_000
FILTERED = {"from": "2020-01-01", "to": "2020-12-31", "region": "32"}
RUNS = 3


def _scale(smoke: bool) -> tuple[int, int]:
    registrations = 5_000 if smoke else int(os.environ.get("REPORTS_BENCH_REGISTRATIONS", 1_000_000))
    return max(50, registrations // 10), registrations


def _flush(connection, table, rows: list[dict]) -> None:
    if rows:
        connection.execute(table.insert(), rows)
        rows.clear()


def load(url: str, session_count: int, registrations: int) -> dict[str, int]:
    """Fill the database from the generator; returns row counts."""
    from trainer import models  # noqa: F401  (every table)
    from trainer.extensions import db

    tables = db.metadata.tables
    engine = sa.create_engine(url)
    counts = {"sessions": 0, "registrations": 0, "persons": 0, "responses": 0, "declarations": 0}
    rng = random.Random(dataset.SEED + 7)  # nosec B311
    # trainer.database's connect hook already sets WAL and synchronous=NORMAL (a PRAGMA inside the
    # transaction it begins would be refused).
    with engine.begin() as connection:
        kit_ids = {}
        for slug in dataset.KITS:
            kit_ids[slug] = connection.execute(
                tables["kits"].insert().values(slug=slug, title=slug.replace("-", " ").title())
            ).inserted_primary_key[0]
        organisations = {}
        for n in range(50):
            organisations[f"Organisme {n}"] = connection.execute(
                tables["organisations"]
                .insert()
                .values(name=f"Organisme {n}", normalised_name=f"organisme {n}")
            ).inserted_primary_key[0]
        trainers = []
        for n in range(500):
            person_id = connection.execute(
                tables["people"]
                .insert()
                .values(
                    last_name=f"Formatrice{n}",
                    first_name="Alex",
                    normalised_last_name=f"formatrice{n}",
                    normalised_first_name="alex",
                    email=f"formatrice{n}@bench.example",
                    profession_code="trainer",
                )
            ).inserted_primary_key[0]
            connection.execute(tables["trainer_profiles"].insert().values(person_id=person_id))
            trainers.append(person_id)

        session_ids: dict[str, int] = {}
        session_rows, kit_rows, audience_rows, trainer_rows = [], [], [], []
        next_id = 1
        for row in dataset.sessions(session_count):
            day = date.fromisoformat(row["start_date"])
            session_rows.append(
                {
                    "id": next_id,
                    "reference": row["reference"],
                    "title": row["title"],
                    "session_type_code": row["session_type"],
                    "starts_on": day,
                    "ends_on": day,
                    "hours": 6,
                    "mode": "in_person",
                    "city": row["city"],
                    "department_code": row["department"],
                    "organisation_id": organisations[row["organisation"]],
                    "status": row["status"],
                    "completion_threshold": 1,
                }
            )
            session_ids[row["reference"]] = next_id
            kit_rows.append({"session_id": next_id, "kit_id": kit_ids[row["kits"]]})
            for position, code in enumerate(row["target_professions"].split("|")):
                audience_rows.append({"session_id": next_id, "profession_code": code, "position": position})
            trainer_rows.append({"session_id": next_id, "person_id": trainers[next_id % len(trainers)]})
            next_id += 1
            if len(session_rows) >= BATCH:
                _flush(connection, tables["training_sessions"], session_rows)
        _flush(connection, tables["training_sessions"], session_rows)
        _flush(connection, tables["session_kits"], kit_rows)
        _flush(connection, tables["session_audiences"], audience_rows)
        _flush(connection, tables["session_trainers"], trainer_rows)
        counts["sessions"] = len(session_ids)

        persons: dict[tuple[str, str], int] = {}
        people_rows, registration_rows, response_rows, answer_rows = [], [], [], []
        seen: set[tuple[int, int]] = set()
        next_person = 10_000
        next_response = 1
        for row in dataset.participants(session_count, registrations):
            key = (row["last_name"], row["first_name"])
            person_id = persons.get(key)
            if person_id is None:
                next_person += 1
                person_id = persons[key] = next_person
                people_rows.append(
                    {
                        "id": person_id,
                        "last_name": row["last_name"],
                        "first_name": row["first_name"],
                        "normalised_last_name": row["last_name"].lower(),
                        "normalised_first_name": row["first_name"].lower(),
                        "email": row["email"] or None,
                        "profession_code": row["profession"],
                        "department_code": row["department"],
                    }
                )
            session_id = session_ids[row["session_reference"]]
            if (session_id, person_id) in seen:
                continue  # the generator may draw a person twice in one session
            seen.add((session_id, person_id))
            present = row["present"] == "oui"
            registration_rows.append(
                {
                    "session_id": session_id,
                    "person_id": person_id,
                    "profession_code": row["profession"],
                    "department_code": row["department"],
                    "referent_type_code": row["referent_type"] or None,
                    "status": "registered",
                    "source": "import",
                    "present": present,
                    "completed": present,
                    "employer_name": row["employer"],
                }
            )
            if present and rng.random() < 0.5:  # about 500,000 responses at the reference scale
                response_rows.append(
                    {
                        "id": next_response,
                        "session_id": session_id,
                        "phase": "hot",
                        "profession_code": row["profession"],
                        "source": "import",
                        "submitted_on": date(2020, 1, 1),
                    }
                )
                for indicator in ("satisfaction", "knowledge") + (
                    ("practice",) if rng.random() < 0.3 else ()
                ):
                    score = rng.choice((4, 4, 3, 3, 2, 1, None))
                    answer_rows.append(
                        {
                            "response_id": next_response,
                            "session_id": session_id,
                            "indicator": indicator,
                            "score": score,
                        }
                    )
                next_response += 1
            if len(registration_rows) >= BATCH:
                _flush(connection, tables["people"], people_rows)
                counts["registrations"] += len(registration_rows)
                _flush(connection, tables["registrations"], registration_rows)
                _flush(connection, tables["evaluation_responses"], response_rows)
                _flush(connection, tables["evaluation_answers"], answer_rows)
        _flush(connection, tables["people"], people_rows)
        counts["registrations"] += len(registration_rows)
        _flush(connection, tables["registrations"], registration_rows)
        _flush(connection, tables["evaluation_responses"], response_rows)
        _flush(connection, tables["evaluation_answers"], answer_rows)
        counts["persons"] = len(persons)
        counts["responses"] = next_response - 1

        professions = [r["code"] for r in dataset.read_rows("professions")]
        departments = [r["code"] for r in dataset.read_rows("departments")]
        declaration_rows, headcount_rows = [], []
        for n in range(1, max(1, registrations // 20) + 1):
            declaration_rows.append(
                {
                    "id": n,
                    "held_on": date(2016 + n % 10, 1 + n % 12, 1 + n % 28),
                    "kit_id": kit_ids[dataset.KITS[n % len(dataset.KITS)]],
                    "organisation_id": organisations[f"Organisme {n % 50}"],
                    "department_code": departments[n % len(departments)],
                    "trainer_person_id": trainers[n % len(trainers)],
                }
            )
            for code in {professions[n % len(professions)], professions[(n * 7) % len(professions)]}:
                headcount_rows.append(
                    {"declared_training_id": n, "profession_code": code, "headcount": 5 + n % 30}
                )
            if len(declaration_rows) >= BATCH:
                _flush(connection, tables["declared_trainings"], declaration_rows)
                _flush(connection, tables["declared_headcounts"], headcount_rows)
        _flush(connection, tables["declared_trainings"], declaration_rows)
        _flush(connection, tables["declared_headcounts"], headcount_rows)
        counts["declarations"] = registrations // 20
    # Committed: trainer.database's hook begins a transaction, and a rolled-back ANALYZE leaves no
    # statistics (stale statistics made an indexed count 25× slower; none at all, minutes).
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return counts


def _timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)  # nosec B603
    return time.perf_counter() - started


FLOOR = (
    "import sys, pandas as pd\n"
    "frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)\n"
    "frame = frame[frame['present'] == 'oui']\n"
    "frame['person'] = frame['last_name'] + '|' + frame['first_name']\n"
    "print(frame.groupby('profession')['person'].nunique().to_csv())\n"
)


def _in_process(url: str) -> list[tuple[str, float]]:
    """Every report, unfiltered then filtered, timed in this process (median of RUNS)."""
    from trainer.app import create_app
    from trainer.reports.definitions import definitions
    from trainer.reports.engine import run_report
    from trainer.reports.filters import parse_filters

    # The computation is measured, not the results kept under the data version (trainer/reports/cache.py).
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "REPORT_CACHE_SIZE": 0})
    timings = []
    with app.app_context():
        report_ids = list(definitions())
    for report_id in report_ids:
        for label, args in (("", {}), (" filtré", FILTERED)):
            samples = []
            for _ in range(RUNS):
                # A request context of its own pushes an application context of its own, so ``g``
                # (where a request keeps what several reports share) starts empty, as in a page.
                with app.test_request_context():
                    started = time.perf_counter()
                    run_report(report_id, parse_filters(args))
                    samples.append(time.perf_counter() - started)
            timings.append((f"{report_id}{label}", statistics.median(samples)))
    return timings


def _report_process(url: str) -> None:
    timings = _in_process(url)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"timings": timings, "peak_mb": peak_mb}))


def run(smoke: bool) -> list[Result]:
    session_count, registrations = _scale(smoke)
    workdir = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    try:
        url = f"sqlite:///{workdir / 'bench.db'}"
        env = {**os.environ, "DATABASE_URL": url, "TRAINER_INSTANCE_PATH": str(workdir / "instance")}
        subprocess.run([str(TRAINER), "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)  # nosec B603
        started = time.perf_counter()
        counts = load(url, session_count, registrations)
        print(f"# rapports : {counts} chargés en {time.perf_counter() - started:.0f} s", flush=True)
        csv_path = workdir / "participants.csv"
        dataset.write_csv(
            csv_path, dataset.PARTICIPANT_COLUMNS, dataset.participants(session_count, registrations)
        )

        floor = statistics.median(
            _timed([sys.executable, "-c", FLOOR, str(csv_path)], env) for _ in range(RUNS)
        )
        command = [str(TRAINER), "report", "trained-by-profession", "--format", "csv", "--output", os.devnull]
        whole = statistics.median(_timed(command, env) for _ in range(RUNS))
        size = f"{counts['registrations'] // 1000}k"
        results = [Result(f"report trained-by-profession ({size}, processus)", whole, floor, 1.5)]
        # Every report in a process of its own, so its peak memory is the reports' alone.
        output = (
            subprocess.run(  # nosec B603
                [sys.executable, "-m", "bench.reports_bench", url],
                env=env,
                check=True,
                capture_output=True,
                cwd=ROOT,
                text=True,
            )
            .stdout.strip()
            .splitlines()
        )
        document = json.loads(output[-1])
        for name, seconds in document["timings"]:
            results.append(Result(f"{name} ({size}) / budget 2 s", seconds, 2.0, 1.0))
        results.append(Result("pic mémoire, processus des rapports", document["peak_mb"], 500.0, 1.0, "Mo"))
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    _report_process(sys.argv[1])
