"""The ``declarations`` table: trainings delivered outside the platform, one row per profession.

Rows with the same date, kit, organisation, department and hours are one declared training with
a head-count per profession. Re-importing an updated file adds the professions not declared yet
and never duplicates a training or a head-count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from trainer.declarations.models import DeclaredHeadcount, DeclaredTraining
from trainer.extensions import db
from trainer.imports.cells import Memo, reference_parsers, text
from trainer.imports.context import IN_CHUNK, ImportContext, chunks
from trainer.imports.values import limited, parse_date, parse_decimal, parse_int
from trainer.text import normalise

GroupKey = tuple[date, int | None, str, str | None, Decimal | None]


@dataclass
class Group:
    organisation: str
    headcounts: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def import_declarations(ctx: ImportContext, rows: Iterator[tuple[int, list]]) -> None:
    parsers = reference_parsers(ctx.lookup)
    headcount = Memo(lambda raw: parse_int(raw, minimum=1, maximum=100_000))
    hours_of = Memo(lambda raw: parse_decimal(raw, maximum=Decimal(1000), unit=" heures"))
    dates = Memo(parse_date)
    groups: dict[GroupKey, Group] = {}
    positions = ctx.columns.positions
    for line, cells in rows:
        before = ctx.log.error_count

        def cell(key: str, cells: list = cells) -> object:
            index = positions.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        def value(key: str, memo: Memo, required: bool = False, line: int = line):
            result, message = memo(cell(key))
            if message:
                ctx.error(line, key, message)
            elif result is None and required:
                ctx.error(line, key, "obligatoire")
            return result

        held_on = value("date", dates, required=True)
        kit_slug = value("kit", parsers["kit"])
        department = value("department", parsers["department"])
        profession = value("profession", parsers["profession"], required=True)
        count = value("headcount", headcount, required=True)
        hours = value("hours", hours_of)
        try:
            organisation = limited(text(cell("organisation")), 200)
        except ValueError as exc:
            ctx.error(line, "organisation", str(exc))
            organisation = None
        if organisation == "":
            ctx.error(line, "organisation", "obligatoire")
        if ctx.log.error_count > before:
            continue
        kit_id = ctx.lookup.kit_ids[kit_slug] if kit_slug else None
        key = (held_on, kit_id, normalise(organisation)[:200], department, hours)
        group = groups.setdefault(key, Group(organisation))
        if profession in group.headcounts:
            ctx.warn(
                line,
                "profession",
                f"profession déjà déclarée pour cette formation à la ligne {group.lines[profession]} : effectifs additionnés",
            )
            group.headcounts[profession] += count
        else:
            group.headcounts[profession] = count
            group.lines[profession] = line
    if ctx.writing and groups:
        _write(ctx, groups)


def _write(ctx: ImportContext, groups: dict[GroupKey, Group]) -> None:
    trainings = DeclaredTraining.__table__
    counts = DeclaredHeadcount.__table__
    resolved: dict[tuple, Group] = {}
    for (held_on, kit_id, _org_key, department, hours), group in groups.items():
        organisation_id = ctx.organisation_id(group.organisation, department)
        resolved[(held_on, kit_id, organisation_id, department, hours)] = group
    existing = _existing(resolved)
    new_trainings, new_counts, added_to_existing = [], [], []
    for key, group in resolved.items():
        found = existing.get(key)
        if found is None:
            training_id = ctx.next_id(trainings)
            held_on, kit_id, organisation_id, department, hours = key
            new_trainings.append({
                "id": training_id, "held_on": held_on, "kit_id": kit_id, "organisation_id": organisation_id,
                "department_code": department, "hours": hours, "title": "", "trainer_person_id": None,
                "declared_by_id": ctx.actor_id, "created_at": ctx.now, "import_batch_id": ctx.batch.id,
            })  # fmt: skip
            declared: dict[str, int] = {}
        else:
            training_id, declared = found
        for profession, headcount in group.headcounts.items():
            if profession in declared:
                ctx.counts["headcounts_existing"] += 1
                if declared[profession] != headcount:
                    ctx.warn(
                        group.lines[profession],
                        "headcount",
                        f"effectif déjà déclaré : {declared[profession]} (inchangé)",
                    )
                continue
            row = {"id": ctx.next_id(counts), "declared_training_id": training_id,
                   "profession_code": profession, "headcount": headcount}  # fmt: skip
            new_counts.append(row)
            if found is not None:
                added_to_existing.append(row["id"])
    if new_trainings:
        db.session.execute(sa.insert(trainings), new_trainings)
        ctx.counts["declarations_created"] += len(new_trainings)
    if new_counts:
        db.session.execute(sa.insert(counts), new_counts)
        ctx.counts["headcounts_created"] += len(new_counts)
    if added_to_existing:
        ctx.remember("headcounts", added_to_existing)


def _existing(resolved: dict[tuple, Group]) -> dict[tuple, tuple[int, dict[str, int]]]:
    """Declared trainings already in the database with the same key, and their head-counts."""
    organisation_ids = sorted({key[2] for key in resolved})
    trainings: dict[tuple, int] = {}
    for part in chunks(organisation_ids, IN_CHUNK):
        query = sa.select(
            DeclaredTraining.id,
            DeclaredTraining.held_on,
            DeclaredTraining.kit_id,
            DeclaredTraining.organisation_id,
            DeclaredTraining.department_code,
            DeclaredTraining.hours,
        ).where(DeclaredTraining.organisation_id.in_(part))
        for training_id, held_on, kit_id, organisation_id, department, hours in db.session.execute(query):
            key = (
                held_on,
                kit_id,
                organisation_id,
                department,
                None if hours is None else Decimal(hours).quantize(Decimal("0.01")),
            )
            if key in resolved:
                trainings.setdefault(key, training_id)
    result = {key: (training_id, {}) for key, training_id in trainings.items()}
    by_id = {training_id: key for key, training_id in trainings.items()}
    for part in chunks(sorted(by_id), IN_CHUNK):
        query = sa.select(
            DeclaredHeadcount.declared_training_id,
            DeclaredHeadcount.profession_code,
            DeclaredHeadcount.headcount,
        ).where(DeclaredHeadcount.declared_training_id.in_(part))
        for training_id, profession, headcount in db.session.execute(query):
            result[by_id[training_id]][1][profession] = headcount
    return result
