"""The attendance sheet PDF: read back as text, user text escaped, signatures embedded."""

import io

import sqlalchemy as sa
from pypdf import PdfReader

from tests.attendance.test_checkin import png_data_url
from trainer.attendance.models import AttendanceMark, MarkMethod, MarkStatus
from trainer.attendance.signatures import decode_signature
from trainer.auth.models import AuditEntry
from trainer.extensions import db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_sheet_has_one_row_per_attendee_and_one_column_per_slot(
    course, trainer_client, make_person, make_registration
):
    alice, bruno, chloe = course.registrations
    hacker = make_person(
        first_name="<a href='https://evil.example'>Eve</a>", last_name="Zorro", email="e@x.fr"
    )
    make_registration(course.training_session, hacker)
    db.session.add_all(
        [
            AttendanceMark(
                registration_id=alice.id,
                slot_id=course.morning.id,
                status=MarkStatus.present,
                method=MarkMethod.self_check_in,
                signature_png=decode_signature(png_data_url()),
            ),
            AttendanceMark(
                registration_id=bruno.id,
                slot_id=course.morning.id,
                status=MarkStatus.present,
                method=MarkMethod.self_check_in,
                signed_name="Bruno Martin",
            ),
            AttendanceMark(registration_id=chloe.id, slot_id=course.morning.id, status=MarkStatus.excused),
            AttendanceMark(registration_id=alice.id, slot_id=course.afternoon.id, status=MarkStatus.absent),
        ]
    )
    db.session.commit()

    response = trainer_client.get(f"/presence/sessions/{course.session_id}/feuille-emargement.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "emargement-TEST-" in response.headers["Content-Disposition"]
    data = response.data
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        "Feuille d’émargement",
        course.training_session.title,
        "10/03",  # slot columns
        "9 h 00",
        "13 h 30",
        "DURAND Alice",
        "MARTIN Bruno",
        "PETIT Chloé",
        "Bruno Martin",  # typed signature
        "Excusé·e",
        "Absent·e",
        "Anna",  # kit
        "Maison des associations",
        "Arras",
        "CNFPT Hauts-de-France",
        "Tess Formatrice",  # trainer
        "le 10 mars 2026",
    ):
        assert expected.replace(" ", "") in text.replace(" ", "").replace("\u00a0", ""), expected
    assert "<a href='https://evil.example'>Eve</a>" in text.replace("\n", "")  # shown as text
    # The drawn signature is embedded as an image, and no link was created from the name.
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert len(page.images) == 1
    assert "/Annots" not in page
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "attendance.sheet_export"))
    assert len(audit.all()) == 1


def test_the_sheet_of_an_empty_session_still_renders(course, login_as, make_session):
    empty = make_session(slots=())
    coordinator = login_as("coordinator")
    response = coordinator.get(f"/presence/sessions/{empty.id}/feuille-emargement.pdf")
    assert response.status_code == 200
    assert "Aucune personne inscrite" in pdf_text(response.data)
