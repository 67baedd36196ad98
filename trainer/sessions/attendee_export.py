"""A session's attendee list as CSV (UTF-8, or ``;`` + BOM for Excel) and XLSX, formula-safe."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from trainer.exports import neutralise_row
from trainer.extensions import db
from trainer.sessions.models import Registration, RegistrationSource, TrainingSession

HEADERS = [
    "Nom",
    "Prénom",
    "Courriel",
    "Profession",
    "Employeur",
    "Département",
    "Statut",
    "Origine",
    "Inscription le",
    "Formation suivie",
]
SOURCE_LABELS = {
    RegistrationSource.staff: "Équipe",
    RegistrationSource.import_: "Import",
    RegistrationSource.self_: "Inscription en ligne",
}


def attendee_rows(training_session: TrainingSession) -> tuple[list[str], list[list]]:
    """Headers and one row per registration, sorted by name (two queries whatever the size)."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.session_id == training_session.id)
        .options(selectinload(Registration.person), selectinload(Registration.profession))
        .order_by(Registration.id)
    ).all()
    registrations = sorted(
        registrations, key=lambda r: (r.person.normalised_last_name, r.person.normalised_first_name, r.id)
    )
    with force_locale("fr"):  # exports stay in French, like their headers
        rows = [_row(r) for r in registrations]
    return HEADERS, rows


def _row(r: Registration) -> list:
    return [
        r.person.last_name,
        r.person.first_name,
        r.person.email or "",
        r.profession.label if r.profession else "",
        r.employer_name,
        r.department_code or "",
        r.status.label,
        SOURCE_LABELS[r.source],
        r.created_at.strftime("%d/%m/%Y"),
        "oui" if r.completed else "non",
    ]


def to_csv(headers: list[str], rows: list[list], *, excel: bool = False) -> bytes:
    """UTF-8 with ``,``; for Excel, ``;`` and a BOM so accents open correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(neutralise_row(headers))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return buffer.getvalue().encode("utf-8-sig" if excel else "utf-8")


def to_xlsx(headers: list[str], rows: list[list], *, title: str) -> bytes:
    from openpyxl import Workbook  # loaded on demand: half a second every process would pay

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(neutralise_row(headers))
    for row in rows:
        sheet.append(neutralise_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(training_session: TrainingSession, extension: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", training_session.reference).strip("-") or str(training_session.id)
    return f"inscriptions-{safe}.{extension}"
