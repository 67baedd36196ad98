"""Reference data: loaded by a migration from the CSV files in ``data/``, and looked up by code or label."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from trainer.text import normalise

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(connection: sa.Connection) -> dict[str, int]:
    """Insert or update every reference table from the CSV files; idempotent."""
    meta = sa.MetaData()
    tables = {
        name: sa.Table(name, meta, autoload_with=connection)
        for name in (
            "sectors",
            "professions",
            "profession_aliases",
            "regions",
            "departments",
            "session_types",
            "referent_types",
        )
    }
    counts: dict[str, int] = {}

    def upsert(table_name: str, rows: list[dict]) -> None:
        table = tables[table_name]
        existing = {row[0] for row in connection.execute(sa.select(table.c.code))}
        new = [r for r in rows if r["code"] not in existing]
        if new:
            connection.execute(table.insert(), new)
        for row in rows:
            if row["code"] in existing:
                connection.execute(table.update().where(table.c.code == row["code"]).values(**row))
        counts[table_name] = len(new)

    upsert(
        "sectors",
        [
            {"code": r["code"], "label": r["label"], "position": int(r["position"])}
            for r in read_rows("sectors")
        ],
    )
    upsert(
        "professions",
        [
            {
                "code": r["code"],
                "label": r["label"],
                "sector_code": r["sector_code"],
                "position": int(r["position"]),
            }
            for r in read_rows("professions")
        ],
    )
    upsert("regions", read_rows("regions"))
    upsert("departments", read_rows("departments"))
    upsert(
        "session_types",
        [
            {"code": r["code"], "label": r["label"], "position": i}
            for i, r in enumerate(read_rows("session_types"))
        ],
    )
    upsert(
        "referent_types",
        [
            {"code": r["code"], "label": r["label"], "position": i}
            for i, r in enumerate(read_rows("referent_types"))
        ],
    )
    aliases = tables["profession_aliases"]
    known = {row[0] for row in connection.execute(sa.select(aliases.c.normalised))}
    new_aliases = []
    for row in read_rows("profession_aliases"):
        key = normalise(row["alias"])
        if key and key not in known:
            known.add(key)
            new_aliases.append(
                {"alias": row["alias"], "normalised": key, "profession_code": row["profession_code"]}
            )
    if new_aliases:
        connection.execute(aliases.insert(), new_aliases)
    counts["profession_aliases"] = len(new_aliases)
    return counts


@cache
def department_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in read_rows("departments"))


class ReferenceLookup:
    """Resolves codes and French labels (case- and accent-insensitive) to reference codes.

    Loaded once per import or form: a handful of queries, then dictionary look-ups per value.
    """

    def __init__(self, session) -> None:
        from trainer.kits.models import Kit
        from trainer.referential.models import (
            Department,
            Profession,
            ProfessionAlias,
            ReferentType,
            Region,
            SessionType,
        )

        def index(rows) -> dict[str, str]:
            mapping: dict[str, str] = {}
            for code, *labels in rows:
                for label in (code, *labels):
                    key = normalise(str(label)) if label else ""
                    if key:
                        mapping.setdefault(key, code)
            return mapping

        self.professions = index(session.execute(sa.select(Profession.code, Profession.label)).all())
        for alias, code in session.execute(
            sa.select(ProfessionAlias.normalised, ProfessionAlias.profession_code)
        ):
            self.professions.setdefault(alias, code)
        self.session_types = index(session.execute(sa.select(SessionType.code, SessionType.label)).all())
        self.referent_types = index(session.execute(sa.select(ReferentType.code, ReferentType.label)).all())
        self.departments = index(session.execute(sa.select(Department.code, Department.name)).all())
        # "1" and "01" both mean Ain; "62 - Pas-de-Calais" means 62.
        for code in list(self.departments.values()):
            if code.isdigit():
                self.departments.setdefault(str(int(code)), code)
        self.regions = index(session.execute(sa.select(Region.code, Region.name)).all())
        self.kits = index(session.execute(sa.select(Kit.slug, Kit.title)).all())
        self.kit_ids = dict(session.execute(sa.select(Kit.slug, Kit.id)).all())

    @staticmethod
    def _find(mapping: dict[str, str], value: str | None) -> str | None:
        key = normalise(value)
        if not key:
            return None
        return mapping.get(key)

    def profession(self, value: str | None) -> str | None:
        return self._find(self.professions, value)

    def session_type(self, value: str | None) -> str | None:
        return self._find(self.session_types, value)

    def referent_type(self, value: str | None) -> str | None:
        return self._find(self.referent_types, value)

    def kit(self, value: str | None) -> str | None:
        return self._find(self.kits, value)

    def region(self, value: str | None) -> str | None:
        return self._find(self.regions, value)

    def department(self, value: str | None) -> str | None:
        found = self._find(self.departments, value)
        if found or not value:
            return found
        head = value.strip().split(" ", 1)[0].strip("-–")
        return self._find(self.departments, head)
