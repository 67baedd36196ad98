"""Journey 2 (product.md §1): the trainer takes attendance on a phone, an attendee checks in by QR
code from another phone, the trainer downloads the signed attendance sheet; then a coordinator
closes the session, issues the certificates, and anyone verifies one.

The application's clock is set to 10:15 today (the morning slot, 9:00–12:30, is under way) so the
journey reads the same whatever the hour it runs; the QR code's minute code uses the real time.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import PHONE, capture, check_page, sign_in
from trainer.extensions import db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def todays_session(app_ctx, monkeypatch, make_user, make_person, make_session):
    from trainer.attendance import services
    from trainer.auth.models import User
    from trainer.kits.models import Kit
    from trainer.people.models import Organisation, Person
    from trainer.sessions.models import Registration, SessionStatus

    today = datetime.now(PARIS).date()
    now = datetime.combine(today, time(10, 15), tzinfo=PARIS)
    monkeypatch.setattr(services, "local_now", lambda: now)

    make_user("trainer", email="formatrice.e2e@test.fr")
    trainer = db.session.get(
        Person, db.session.scalar(sa.select(User.person_id).where(User.email == "formatrice.e2e@test.fr"))
    )
    kit = Kit(slug="anna", title="Anna")
    organisation = Organisation(
        name="Centre hospitalier d'Arras", normalised_name="centre hospitalier d'arras"
    )
    db.session.add_all([kit, organisation])
    db.session.commit()
    training_session = make_session(
        reference="E2E-JOUR",
        slots=((today, time(9), time(12, 30)), (today, time(13, 30), time(17))),
        trainers=[trainer],
        kits=[kit],
        status=SessionStatus.open,
    )
    training_session.title = "Anna : repérer et accompagner"
    training_session.venue = "Salle Vauban"
    training_session.city = "Arras"
    training_session.organisation_id = organisation.id
    people = [
        make_person(first_name="Alice", last_name="Durand", email="alice.e2e@exemple.fr"),
        make_person(
            first_name="Bruno", last_name="Martin", email="bruno.e2e@exemple.fr", profession="doctor"
        ),
        make_person(first_name="Chloé", last_name="Petit", email=None, profession="midwife"),
        make_person(
            first_name="Dina", last_name="Diallo", email="dina.e2e@exemple.fr", profession="social_worker"
        ),
    ]
    for person in people:
        db.session.add(
            Registration(
                session_id=training_session.id,
                person_id=person.id,
                profession_code=person.profession_code,
                department_code="62",
            )
        )
    db.session.commit()
    return training_session


def _row(page, name: str):
    return page.locator("li.app-attendee").filter(has_text=name)


def _tap(page, name: str, label: str, keyboard: bool = False) -> None:
    row = _row(page, name)
    button = row.get_by_role("button", name=label, exact=True)
    if keyboard:
        button.focus()
        page.keyboard.press("Enter")
    else:
        button.click()
    expect(row.get_by_role("button", name=label, exact=True)).to_have_attribute("aria-pressed", "true")
    expect(row.locator("[data-save-state]")).to_have_text("Enregistré ✓")


def _marks(training_session_id: int) -> dict[tuple[str, str], str]:
    from trainer.attendance.models import AttendanceMark
    from trainer.people.models import Person
    from trainer.sessions.models import Registration, SessionSlot

    db.session.rollback()  # a fresh snapshot: the live server wrote on its own connections
    rows = db.session.execute(
        sa.select(Person.first_name, SessionSlot.starts_at, AttendanceMark.status)
        .join(Registration, Registration.id == AttendanceMark.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .join(SessionSlot, SessionSlot.id == AttendanceMark.slot_id)
        .where(Registration.session_id == training_session_id)
    ).all()
    return {(first, f"{start:%H:%M}"): status.value for first, start, status in rows}


def test_trainer_takes_attendance_and_attendee_checks_in(browser, live_server, phone_page, todays_session):
    page = phone_page
    sign_in(page, "formatrice.e2e@test.fr")
    check_page(page)
    page.get_by_role("link", name="Mes sessions").first.click()
    expect(page.get_by_role("heading", name="Mes sessions", level=1)).to_be_visible()
    check_page(page)
    capture(page, "presence-mes-sessions")

    page.get_by_role("link", name="Prendre la présence").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"Créneau du .* 9\sh\s00"))).to_be_visible()
    check_page(page)

    # Morning: one tap per attendee; Dina will check herself in with the QR code.
    _tap(page, "DURAND Alice", "Présent·e")
    _tap(page, "MARTIN Bruno", "Absent·e")
    # The network drops in the middle: the tap waits, then is sent when the network is back.
    page.context.set_offline(True)
    chloe = _row(page, "PETIT Chloé")
    chloe.get_by_role("button", name="Excusé·e", exact=True).click()
    expect(chloe.locator("[data-save-state]")).to_contain_text("attente")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(chloe.locator("[data-save-state]")).to_have_text("Enregistré ✓")
    expect(page.locator("#etat-enregistrement")).to_contain_text("Enregistré")
    capture(page, "presence-grille")

    # Afternoon: "all present", then Bruno left early.
    page.get_by_role("link", name=re.compile(r"13\sh\s30")).click()
    expect(page.get_by_role("heading", name=re.compile(r"13\sh\s30"))).to_be_visible()
    check_page(page)
    page.get_by_role("button", name=re.compile("^Tous présents")).click()
    for name in ("DURAND Alice", "MARTIN Bruno", "PETIT Chloé", "DIALLO Dina"):
        expect(_row(page, name).locator("[data-save-state]")).to_have_text("Enregistré ✓")
    _tap(page, "MARTIN Bruno", "Absent·e", keyboard=True)
    expect(_row(page, "DURAND Alice").locator("[data-completed]")).to_be_visible()
    expect(_row(page, "DURAND Alice").locator("[data-attended]")).to_have_text("2")
    assert _marks(todays_session.id) == {
        ("Alice", "09:00"): "present",
        ("Bruno", "09:00"): "absent",
        ("Chloé", "09:00"): "excused",
        ("Alice", "13:30"): "present",
        ("Bruno", "13:30"): "absent",
        ("Chloé", "13:30"): "present",
        ("Dina", "13:30"): "present",
    }

    # Back to the morning: the QR code screen.
    page.get_by_role("link", name=re.compile(r"9\sh\s00")).click()
    page.get_by_role("link", name="Émargement par QR code").click()
    expect(page.locator("img.app-qr")).to_be_visible()
    check_page(page)
    capture(page, "presence-qr-code")
    checkin_url = page.locator("#ecran-emargement").get_attribute("data-checkin-url")
    assert re.search(r"/emargement/\d+/[A-Z0-9]{6}$", checkin_url)
    short_code = page.locator("[data-code]").inner_text()
    assert checkin_url.endswith(short_code)

    # A second phone: the attendee scans (opens the link), finds her name and signs with her finger.
    # (The tests' PUBLIC_BASE_URL is http://localhost: keep the path, on the live server.)
    checkin_path = urlsplit(checkin_url).path
    attendee_context = browser.new_context(
        base_url=live_server, locale="fr-FR", timezone_id="Europe/Paris", **PHONE
    )
    attendee = attendee_context.new_page()
    attendee.goto(checkin_path)
    check_page(attendee)
    expect(attendee.get_by_text("Besoin d'aide ?")).to_be_visible()  # the 3919 helpline
    attendee.locator("label", has_text="DIALLO Dina").click()  # DSFR radios: the label is the target
    expect(attendee.get_by_label("DIALLO Dina")).to_be_checked()
    canvas = attendee.locator("canvas[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    attendee.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    attendee.mouse.down()
    for step in range(1, 12):
        attendee.mouse.move(box["x"] + 20 + step * 20, box["y"] + box["height"] * (0.7 - 0.05 * (step % 4)))
    attendee.mouse.up()
    capture(attendee, "emargement-participant")
    attendee.get_by_role("button", name="Signer et enregistrer ma présence").click()
    expect(attendee.get_by_role("heading", name="Présence enregistrée")).to_be_visible()
    check_page(attendee)
    capture(attendee, "emargement-confirmation")
    # The same link again: her name is now greyed out as already signed.
    attendee.goto(checkin_path)
    expect(attendee.get_by_label(re.compile("DIALLO Dina"))).to_be_disabled()
    attendee_context.close()

    # The trainer sees the signature in the grid, then downloads the sheet.
    page.get_by_role("link", name="Retour à la grille de présence").click()
    dina = _row(page, "DIALLO Dina")
    expect(dina.get_by_role("button", name="Présent·e", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(dina.get_by_text("A signé")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Feuille d'émargement (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "emargement-E2E-JOUR.pdf"
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ")
    for expected in (
        "Feuille d’émargement",
        "Anna : repérer et accompagner",
        "DIALLO Dina",
        "DURAND Alice",
        "Absent·e",
        "Excusé·e",
        "Salle Vauban",
        "Tess Formatrice",
    ):
        assert expected in text, expected
    assert sum(len(p.images) for p in reader.pages) == 1  # Dina's drawn signature

    page.get_by_role("link", name="Bilan, clôture et attestations").click()
    check_page(page)
    expect(page.get_by_text("2 personne(s) sur 4 ont validé la formation")).to_be_visible()


def test_coordinator_closes_issues_certificates_and_anyone_verifies(
    page, browser, live_server, make_user, todays_session
):
    from trainer.attendance.completion import recompute_completion
    from trainer.attendance.models import AttendanceMark, MarkStatus

    for registration in todays_session.registrations:
        for slot in todays_session.slots:
            db.session.add(
                AttendanceMark(registration_id=registration.id, slot_id=slot.id, status=MarkStatus.present)
            )
    recompute_completion([todays_session.id])
    db.session.commit()
    make_user("coordinator", email="coordination.e2e@test.fr")
    sign_in(page, "coordination.e2e@test.fr")
    # Coordinators also correct attendance: Bruno left the afternoon after 2.5 hours.
    page.goto(f"/presence/sessions/{todays_session.id}?creneau={todays_session.slots[1].id}")
    check_page(page)
    bruno = _row(page, "MARTIN Bruno")
    bruno.locator("summary", has_text="Présence partielle").click()
    bruno.get_by_label("Heures de présence").fill("2,5")
    bruno.get_by_role("button", name="Enregistrer la présence partielle").click()
    expect(bruno.locator("[data-save-state]")).to_have_text("Enregistré ✓")
    check_page(page)
    page.get_by_role("link", name="Bilan, clôture et attestations").click()
    check_page(page)
    page.get_by_role("button", name="Clôturer la session").click()
    # Closing delivers the certificates. Bruno's 2.5 h of 3.5 h on the afternoon: below the
    # "all slots" threshold, no certificate.
    expect(page.get_by_text("La session est clôturée : la présence est figée.")).to_be_visible()
    expect(page.get_by_text("3 attestation(s) délivrée(s), 2 envoyée(s) par courriel")).to_be_visible()
    check_page(page)
    page.evaluate("window.scrollTo(0, 0)")
    capture(page, "presence-bilan-attestations")
    # The button, for late corrections, delivers nothing twice.
    page.get_by_role("button", name="Délivrer et envoyer les attestations manquantes").click()
    expect(page.get_by_text("Aucune nouvelle attestation")).to_be_visible()
    code = page.locator("td a").filter(has_text=re.compile("^ATT-")).first.inner_text().split("\n")[0].strip()
    code = re.search(r"ATT(-[0-9A-Z]{4}){4}", code).group(0)

    visitor = browser.new_context(base_url=live_server, locale="fr-FR").new_page()
    visitor.goto("/attestations/verifier")
    check_page(visitor)
    visitor.get_by_label("Code de vérification").fill(code.lower())
    visitor.get_by_role("button", name="Vérifier").click()
    expect(visitor.get_by_role("heading", name="Attestation authentique")).to_be_visible()
    check_page(visitor)
    capture(visitor, "attestation-verification")
    visitor.context.close()
