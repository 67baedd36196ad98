"""Certificates: issued to completed attendees, e-mailed with a personal link, verifiable, revocable."""

import re
import secrets

import pytest
import sqlalchemy as sa

from tests.attendance.test_documents import pdf_text
from tests.conftest import find_link, message_text
from trainer.attendance import certificates
from trainer.attendance.models import AttendanceMark, Certificate, MarkStatus
from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.sessions.models import SessionStatus

CODE = re.compile(r"^ATT(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


@pytest.fixture
def held_course(course):
    """Alice and Bruno attended both slots, Chloé only the morning; the session was held."""
    from trainer.attendance.completion import recompute_completion

    alice, bruno, chloe = course.registrations
    for registration in (alice, bruno):
        for slot in (course.morning, course.afternoon):
            db.session.add(
                AttendanceMark(registration_id=registration.id, slot_id=slot.id, status=MarkStatus.present)
            )
    db.session.add(
        AttendanceMark(registration_id=chloe.id, slot_id=course.morning.id, status=MarkStatus.present)
    )
    course.training_session.status = SessionStatus.held
    recompute_completion([course.session_id])
    db.session.commit()
    return course


def _certificates():
    db.session.expire_all()
    return db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()


def test_codes_are_long_random_and_forgiving_when_typed():
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(CODE.match(code) for code in codes)
    assert len(certificates.CODE_ALPHABET) ** 16 >= 2**80
    code = certificates.new_code(secrets.SystemRandom())
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert certificates.normalise_code(typed) == code
    assert certificates.normalise_code(code[4:].replace("-", "")) == code
    assert certificates.normalise_code("ATT-1234") == ""
    assert certificates.normalise_code("ATT-UUUU-UUUU-UUUU-UUUU") == ""


def test_issued_to_completed_attendees_and_emailed(held_course, login_as, outbox, client):
    coordinator = login_as("coordinator")
    response = coordinator.post(f"/presence/sessions/{held_course.session_id}/attestations")
    assert response.status_code == 302
    issued = _certificates()
    alice, bruno, chloe = held_course.registrations
    assert [c.registration_id for c in issued] == [alice.id, bruno.id]  # not Chloé: one slot of two
    assert all(CODE.match(c.code) for c in issued)
    assert all(c.emailed_at is not None for c in issued)
    messages = outbox()
    assert sorted(m["To"] for m in messages) == ["alice@exemple.fr", "bruno@exemple.fr"]
    assert (
        len(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "certificate.issue")).all())
        == 2
    )

    # Issuing again changes nothing: one certificate per registration.
    coordinator.post(f"/presence/sessions/{held_course.session_id}/attestations")
    assert len(_certificates()) == 2
    assert len(outbox()) == 2

    # The personal link opens the attendee's page and downloads the PDF, without an account.
    text = message_text(next(m for m in messages if m["To"] == "alice@exemple.fr"))
    link = find_link(text, "/attestations/lien/")
    anonymous = client
    page = anonymous.get(link.replace("http://localhost", ""))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Alice Durand" in html and issued[0].code in html
    assert "3919" in html
    pdf = anonymous.get(link.replace("http://localhost", "") + "/attestation.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for expected in (
        "Attestation de formation",
        "Alice Durand",
        "Infirmier",
        "Anna",
        "10 mars 2026",
        issued[0].code,
    ):
        assert expected in text, expected
    assert "/attestations/verifier/" + issued[0].code in text.replace("\n", "")
    # A tampered or foreign token is refused.
    assert anonymous.get(link.replace("http://localhost", "")[:-3] + "abc").status_code == 404
    assert anonymous.get("/attestations/lien/inconnu").status_code == 404


def test_not_issued_before_the_session_is_held(course, login_as):
    coordinator = login_as("coordinator")
    response = coordinator.post(f"/presence/sessions/{course.session_id}/attestations")
    assert response.status_code == 302
    assert _certificates() == []
    page = coordinator.get(response.location).get_data(as_text=True)
    assert "clôturez d&#39;abord la session" in page or "clôturez d'abord la session" in page


def test_public_verification_valid_unknown_and_revoked(held_course, login_as, client):
    coordinator = login_as("coordinator")
    coordinator.post(f"/presence/sessions/{held_course.session_id}/attestations")
    certificate = _certificates()[0]

    assert client.get("/attestations/verifier").status_code == 200
    typed = client.get("/attestations/verifier?code=" + certificate.code.lower())
    assert typed.status_code == 302 and typed.location.endswith(f"/attestations/verifier/{certificate.code}")
    page = client.get(f"/attestations/verifier/{certificate.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Attestation authentique" in html
    assert "Alice Durand" in html and "Session de test" in html
    assert "alice@exemple.fr" not in html  # only what the certificate states

    unknown = client.get("/attestations/verifier/ATT-0000-0000-0000-0000")
    assert unknown.status_code == 404
    assert "Code inconnu" in unknown.get_data(as_text=True)
    assert client.get("/attestations/verifier?code=n'importe quoi").status_code == 422
    assert client.get("/attestations/verifier/" + "x" * 5000).status_code == 404

    form = coordinator.get(f"/presence/attestations/{certificate.id}/revoquer")
    assert form.status_code == 200
    empty = coordinator.post(f"/presence/attestations/{certificate.id}/revoquer", data={"reason": ""})
    assert empty.status_code == 422
    response = coordinator.post(
        f"/presence/attestations/{certificate.id}/revoquer", data={"reason": "Présence contestée"}
    )
    assert response.status_code == 302
    html = client.get(f"/attestations/verifier/{certificate.code}").get_data(as_text=True)
    assert "Attestation révoquée" in html
    assert "Présence contestée" not in html  # the reason stays internal
    revoked = _certificates()[0]
    assert revoked.revoked_at is not None
    assert db.session.scalar(sa.select(AuditEntry.summary).where(AuditEntry.action == "certificate.revoke"))
    again = coordinator.post(f"/presence/attestations/{certificate.id}/revoquer", data={"reason": "x"})
    assert again.status_code == 422
    # The attendee's personal link now says so, and no longer downloads.
    token = certificates.download_token(revoked)
    page = client.get(f"/attestations/lien/{token}").get_data(as_text=True)
    assert "a été révoquée le" in page
    assert "Télécharger" not in page
    assert client.get(f"/attestations/lien/{token}/attestation.pdf").status_code == 404


def test_staff_access_to_certificates(held_course, trainer_client, login_as, make_user):
    coordinator = login_as("coordinator")
    coordinator.post(f"/presence/sessions/{held_course.session_id}/attestations")
    certificate = _certificates()[0]
    # The assigned trainer downloads, but neither issues nor revokes.
    response = trainer_client.get(f"/presence/attestations/{certificate.id}/attestation.pdf")
    assert response.status_code == 200
    assert (
        trainer_client.post(
            f"/presence/attestations/{certificate.id}/revoquer", data={"reason": "x"}
        ).status_code
        == 403
    )
    assert trainer_client.post(f"/presence/sessions/{held_course.session_id}/attestations").status_code == 403
    # Another trainer sees nothing of it.
    other = login_as("trainer", email="autre.formatrice@test.fr")
    assert other.get(f"/presence/attestations/{certificate.id}/attestation.pdf").status_code == 404
    assert other.get(f"/presence/sessions/{held_course.session_id}/bilan").status_code == 404
    assert _certificates()[0].revoked_at is None


def _certificate_messages(outbox):
    return [m for m in outbox() if m["Subject"].startswith("Votre attestation de formation")]


def _close(coordinator, session_id) -> str:
    response = coordinator.post(f"/presence/sessions/{session_id}/cloturer")
    assert response.status_code == 302
    return coordinator.get(response.location).get_data(as_text=True)


def test_closing_delivers_certificates_and_emails_them(held_course, login_as, outbox):
    coordinator = login_as("coordinator")
    page = _close(coordinator, held_course.session_id)
    assert "la présence est figée. 2 attestation(s) délivrée(s), 2 envoyée(s) par courriel." in page
    issued = _certificates()
    alice, bruno, _chloe = held_course.registrations
    assert [c.registration_id for c in issued] == [alice.id, bruno.id]
    assert all(c.emailed_at is not None for c in issued)
    messages = _certificate_messages(outbox)
    assert sorted(m["To"] for m in messages) == ["alice@exemple.fr", "bruno@exemple.fr"]
    # What an attendee receives: their link, the code, the helpline; nothing about the others.
    text = message_text(next(m for m in messages if m["To"] == "alice@exemple.fr"))
    assert "/attestations/lien/" in text and issued[0].code in text
    assert "3919" in text and "valable jusqu'au" in text
    for detail in ("Bruno", "Chloé", "Infirmier", "Arras", "présent"):
        assert detail not in text, detail
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("certificate.issue") == 2 and actions.count("certificate.send") == 2


def test_closing_again_delivers_only_what_is_missing(held_course, login_as, outbox):
    from trainer.attendance.completion import recompute_completion

    coordinator = login_as("coordinator")
    _close(coordinator, held_course.session_id)
    sent = len(_certificate_messages(outbox))
    coordinator.post(f"/presence/sessions/{held_course.session_id}/rouvrir")
    page = _close(coordinator, held_course.session_id)
    assert "attestation(s)" not in page  # nothing new to say
    assert len(_certificates()) == 2 and len(_certificate_messages(outbox)) == sent

    # A correction after reopening: Chloé came back in the afternoon after all.
    coordinator.post(f"/presence/sessions/{held_course.session_id}/rouvrir")
    chloe = held_course.registrations[2]
    db.session.add(
        AttendanceMark(registration_id=chloe.id, slot_id=held_course.afternoon.id, status=MarkStatus.present)
    )
    recompute_completion([held_course.session_id])
    db.session.commit()
    page = _close(coordinator, held_course.session_id)
    assert "1 attestation(s) délivrée(s), 0 envoyée(s) par courriel ; 1 personne(s) sans adresse" in page
    assert [c.registration_id for c in _certificates()][-1] == chloe.id
    assert len(_certificate_messages(outbox)) == sent  # Chloé has no e-mail address

    # The button, pressed afterwards, issues and sends nothing twice.
    response = coordinator.post(f"/presence/sessions/{held_course.session_id}/attestations")
    assert "Aucune nouvelle attestation" in coordinator.get(response.location).get_data(as_text=True)
    assert len(_certificates()) == 3 and len(_certificate_messages(outbox)) == sent


def test_a_refused_message_does_not_block_closing_and_is_sent_later(
    held_course, login_as, outbox, monkeypatch
):
    import smtplib

    from trainer import mail

    real_send = mail.send_mail

    def refuse_bruno(to, subject, text, *args, **kwargs):
        if to == "bruno@exemple.fr":
            raise smtplib.SMTPRecipientsRefused({to: (550, b"mailbox unavailable")})
        return real_send(to, subject, text, *args, **kwargs)

    monkeypatch.setattr(certificates, "send_mail", refuse_bruno)
    coordinator = login_as("coordinator")
    page = _close(coordinator, held_course.session_id)
    assert "2 attestation(s) délivrée(s), 1 envoyée(s) par courriel ; 1 courriel(s) refusé(s)" in page
    db.session.expire_all()
    assert held_course.training_session.status == SessionStatus.closed
    alice, bruno = _certificates()
    assert alice.emailed_at is not None and bruno.emailed_at is None
    assert [m["To"] for m in _certificate_messages(outbox)] == ["alice@exemple.fr"]
    response = coordinator.post(f"/presence/attestations/{bruno.id}/envoyer")
    assert "a refusé le courriel" in coordinator.get(response.location).get_data(as_text=True)
    assert _certificates()[1].emailed_at is None

    # The mail server is back: the button sends Bruno's, and only his.
    monkeypatch.setattr(certificates, "send_mail", real_send)
    response = coordinator.post(f"/presence/sessions/{held_course.session_id}/attestations")
    page = coordinator.get(response.location).get_data(as_text=True)
    assert "1 attestation(s) déjà délivrée(s) envoyée(s) par courriel" in page
    assert [m["To"] for m in _certificate_messages(outbox)] == ["alice@exemple.fr", "bruno@exemple.fr"]
    assert len(_certificates()) == 2


def test_a_revoked_certificate_is_not_sent_again(held_course, login_as, outbox):
    alice = held_course.registrations[0].person
    alice.email = None
    db.session.commit()
    coordinator = login_as("coordinator")
    _close(coordinator, held_course.session_id)  # Alice's is issued, not sent: no address
    first = _certificates()[0]
    assert first.registration.person.full_name == "Alice Durand" and first.emailed_at is None
    coordinator.post(f"/presence/attestations/{first.id}/revoquer", data={"reason": "Erreur de saisie"})
    alice = db.session.merge(alice)
    alice.email = "alice@exemple.fr"
    db.session.commit()
    response = coordinator.post(f"/presence/sessions/{held_course.session_id}/attestations")
    assert "Aucune nouvelle attestation" in coordinator.get(response.location).get_data(as_text=True)
    assert _certificates()[0].emailed_at is None
    assert [m["To"] for m in _certificate_messages(outbox)] == ["bruno@exemple.fr"]
