"""Deterministic reference-scale data in the exchange format (quality.md "Scale").

Rows are generated, never stored in memory as a whole: the same (scale, seed) always gives the
same rows, so a CSV written for the import bench and a database loaded for the report bench hold
the same facts.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from trainer.referential.services import read_rows

SEED = 1_000_003
START = date(2016, 1, 4)
KITS = [
    "anna",
    "tom-et-lena",
    "elisa",
    "protection-sur-ordonnance",
    "bilakoro",
    "transports",
    "stop-harcelement",
]
SESSION_TYPES = ["direct_training"] * 6 + ["awareness"] * 2 + ["train_the_trainer", "referent_training"]
REFERENT_TYPES = ["emergency", "dentist", "court", "prefecture_trafficking", "other"]
FIRST = [
    "Camille",
    "Léa",
    "Manon",
    "Inès",
    "Sarah",
    "Julie",
    "Zoé",
    "Aïssatou",
    "Thomas",
    "Karim",
    "Hugo",
    "Élodie",
]
LAST = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Diallo", "Nguyen", "Garcia", "Roux", "Le Gall"]

SESSION_COLUMNS = [
    "reference",
    "title",
    "session_type",
    "kits",
    "target_professions",
    "start_date",
    "end_date",
    "hours",
    "mode",
    "city",
    "department",
    "organisation",
    "status",
]
PARTICIPANT_COLUMNS = [
    "session_reference",
    "last_name",
    "first_name",
    "email",
    "profession",
    "employer",
    "department",
    "referent_type",
    "present",
]


def _codes() -> tuple[list[str], list[str]]:
    professions = [r["code"] for r in read_rows("professions")]
    departments = [r["code"] for r in read_rows("departments")]
    return professions, departments


def sessions(session_count: int, seed: int = SEED) -> Iterator[dict]:
    """One row per session, in the ``sessions`` table of the exchange format."""
    rng = random.Random(seed)  # nosec B311 - benchmark data
    professions, departments = _codes()
    for n in range(session_count):
        day = START + timedelta(days=int(3650 * n / max(session_count, 1)))
        session_type = rng.choice(SESSION_TYPES)
        yield {
            "reference": f"B-{n:07d}",
            "title": f"Session {n}",
            "session_type": session_type,
            "kits": rng.choice(KITS),
            "target_professions": "|".join(rng.sample(professions, 2)),
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
            "hours": "6",
            "mode": "in_person",
            "city": "Ville",
            "department": rng.choice(departments),
            "organisation": f"Organisme {n % 50}",
            "status": "closed",
        }


def participants(session_count: int, registrations: int, seed: int = SEED) -> Iterator[dict]:
    """``registrations`` rows spread over the sessions; about 80 % distinct persons, 90 % present."""
    rng = random.Random(seed + 1)  # nosec B311 - benchmark data
    professions, departments = _codes()
    distinct = max(1, int(registrations * 0.8))
    per_session = max(1, registrations // max(session_count, 1))
    for n in range(registrations):
        session_index = min(n // per_session, session_count - 1)
        person = n if n < distinct else rng.randrange(distinct)
        session_type_is_referent = (session_index % 10) == 9
        yield {
            "session_reference": f"B-{session_index:07d}",
            "last_name": f"{LAST[person % len(LAST)]}{person}",
            "first_name": FIRST[person % len(FIRST)],
            "email": f"p{person}@bench.example" if person % 5 else "",
            "profession": professions[person % len(professions)],
            "employer": f"Employeur {person % 300}",
            "department": departments[person % len(departments)],
            "referent_type": REFERENT_TYPES[person % len(REFERENT_TYPES)] if session_type_is_referent else "",
            "present": "oui" if rng.random() < 0.9 else "non",
        }


def write_csv(path: Path, columns: list[str], rows: Iterator[dict]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
