"""Downloadable templates: one per table, CSV (header + one example row) and XLSX (with help)."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from trainer.exports import neutralise
from trainer.extensions import db
from trainer.imports.columns import TableSpec
from trainer.kits.models import Kit
from trainer.referential.models import Department, Profession, ReferentType, SessionType


def template_csv(spec: TableSpec) -> bytes:
    """UTF-8 with BOM and ``;``: what French Excel opens directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.key for column in spec.columns])
    writer.writerow([column.example for column in spec.columns])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(spec: TableSpec) -> bytes:
    """The first sheet is the one imported; the others explain the columns and list the codes."""
    from openpyxl import Workbook  # imported here: openpyxl costs every process a second to load
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = spec.label[:31]
    sheet.append([column.key for column in spec.columns])
    sheet.append([neutralise(column.example) or None for column in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[cell_letter(index)].width = max(14, len(column.key) + 4)
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet("Aide")
    help_sheet.append(["colonne", "obligatoire", "autres en-têtes acceptés", "contenu"])
    for column in spec.columns:
        help_sheet.append(
            [
                column.key,
                "oui" if column.required else "non",
                ", ".join(column.aliases),
                neutralise(column.help),
            ]
        )
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["C"].width = 30
    help_sheet.column_dimensions["D"].width = 70
    for title, rows in _code_lists(spec):
        codes = book.create_sheet(title)
        codes.append(["code", "intitulé"])
        for cell in codes[1]:
            cell.font = Font(bold=True)
        for code, label in rows:
            codes.append([neutralise(code), neutralise(label)])
        codes.column_dimensions["A"].width = 28
        codes.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _code_lists(spec: TableSpec) -> list[tuple[str, list[tuple[str, str]]]]:
    keys = {column.key for column in spec.columns}
    lists: list[tuple[str, list[tuple[str, str]]]] = []
    if keys & {"profession", "target_professions"}:
        rows = db.session.execute(sa.select(Profession.code, Profession.label).order_by(Profession.position))
        lists.append(("Professions", [tuple(row) for row in rows]))
    if "session_type" in keys:
        rows = db.session.execute(
            sa.select(SessionType.code, SessionType.label).order_by(SessionType.position)
        )
        lists.append(("Types de session", [tuple(row) for row in rows]))
    if "referent_type" in keys:
        rows = db.session.execute(
            sa.select(ReferentType.code, ReferentType.label).order_by(ReferentType.position)
        )
        lists.append(("Types de référent", [tuple(row) for row in rows]))
    if keys & {"kits", "kit"}:
        rows = db.session.execute(
            sa.select(Kit.slug, Kit.title).where(Kit.is_archived.is_(False)).order_by(Kit.title)
        )
        lists.append(("Outils", [tuple(row) for row in rows]))
    if "department" in keys:
        rows = db.session.execute(sa.select(Department.code, Department.name).order_by(Department.code))
        lists.append(("Départements", [tuple(row) for row in rows]))
    return lists
