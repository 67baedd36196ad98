"""PDF documents (attendance sheet, certificate) and QR codes.

PDFs are rendered by WeasyPrint from Jinja templates in ``templates/attendance/pdf/``: autoescaping
turns user text into text before the renderer sees it, and the fetcher only accepts ``data:`` URIs
(images are embedded), so a name can neither become a link nor make the server fetch anything.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from flask import render_template
from flask_babel import force_locale

from trainer.attendance.labels import hours_fr, period_fr, slot_label, slot_short
from trainer.attendance.models import AttendanceMark, Certificate, MarkStatus
from trainer.attendance.services import registered_attendees, session_marks
from trainer.db_types import now_utc
from trainer.sessions.models import TrainingSession
from trainer.urls import external_url


def qr_svg(data: str) -> str:
    """The QR code of ``data`` as an SVG document."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    return image.to_string(encoding="unicode")


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def render_pdf(template: str, **context) -> bytes:
    with force_locale("fr"):  # the documents are in French, whatever language the interface uses
        html = render_template(template, **context)
    # Imported here: WeasyPrint takes about two seconds to load, and most processes never render a PDF.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


@dataclass
class SheetCell:
    """What one attendee × slot cell of the sheet shows."""

    label: str
    signature: str | None = None  # PNG data URI
    signed_name: str | None = None


def _cell(mark: AttendanceMark | None) -> SheetCell:
    if mark is None:
        return SheetCell("—")
    label = mark.status.label
    if mark.status == MarkStatus.partial and mark.hours_attended is not None:
        label = f"{label} ({hours_fr(mark.hours_attended)})"
    if mark.status not in (MarkStatus.present, MarkStatus.partial):
        return SheetCell(label)
    return SheetCell(
        label,
        png_data_uri(mark.signature_png) if mark.signature_png else None,
        mark.signed_name,
    )


def attendance_sheet_pdf(training_session: TrainingSession) -> bytes:
    """The feuille d'émargement: one row per attendee, one column per slot, A4 landscape."""
    attendees = registered_attendees(training_session)
    marks = session_marks(training_session)
    with force_locale("fr"):
        rows = [
            (registration, [_cell(marks.get((registration.id, slot.id))) for slot in training_session.slots])
            for registration in attendees
        ]
    return render_pdf(
        "attendance/pdf/sheet.html",
        training_session=training_session,
        slots=[(slot, slot_short(slot), slot_label(slot)) for slot in training_session.slots],
        rows=rows,
        period=period_fr(slot.on for slot in training_session.slots)
        or period_fr([training_session.starts_on, training_session.ends_on]),
        hours=hours_fr(training_session.hours),
        generated_at=now_utc(),
        completed=sum(1 for registration in attendees if registration.completed),
    )


def certificate_context(certificate: Certificate) -> dict:
    """What a certificate states: shared by the PDF and the public verification page."""
    registration = certificate.registration
    training_session = registration.training_session
    verify_url = external_url("attendance.verify_code", code=certificate.code)
    return {
        "certificate": certificate,
        "person": registration.person,
        "profession": registration.profession.label if registration.profession else "",
        "training_session": training_session,
        "kits": [kit.title for kit in training_session.kits],
        "trainers": [trainer.full_name for trainer in training_session.trainers],
        "organiser": training_session.organisation.name if training_session.organisation else "",
        "period": period_fr(slot.on for slot in training_session.slots)
        or period_fr([training_session.starts_on, training_session.ends_on]),
        "hours": hours_fr(training_session.hours) if training_session.hours else "",
        "verify_url": verify_url,
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    context = certificate_context(certificate)
    return render_pdf(
        "attendance/pdf/certificate.html", qr=svg_data_uri(qr_svg(context["verify_url"])), **context
    )
