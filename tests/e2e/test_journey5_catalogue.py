"""Journey 5: a visitor browses the kits by profession, reads a kit and requests a pack;
a coordinator marks it sent. Every page goes through axe; the screenshots feed the guide."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import capture, check_page, sign_in
from trainer.extensions import db
from trainer.kits.models import Kit, KitPackRequest, PackRequestStatus

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def follow(page, locator) -> None:
    """Click a link or button that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()


def tick(page, label: str) -> None:
    """DSFR draws its own boxes over the inputs: click the label, as a person does."""
    page.locator("label.fr-label").get_by_text(label, exact=True).click()
    expect(page.get_by_label(label, exact=True)).to_be_checked()


@pytest.fixture
def catalogue(app):
    """The seven built-in kits, and Anna used in a held session where two people completed."""
    from trainer.kits.services import sync_kits
    from trainer.people.models import Person
    from trainer.sessions.models import Registration, SessionSlot, SessionStatus, TrainingSession
    from trainer.text import normalise

    with app.app_context():
        sync_kits()
        anna = db.session.scalar(sa.select(Kit).where(Kit.slug == "anna"))
        training_session = TrainingSession(
            reference="2026-62-ANNA-01",
            title="Formation « Anna » — urgences d'Arras",
            session_type_code="direct_training",
            starts_on=date(2026, 3, 10),
            ends_on=date(2026, 3, 10),
            department_code="62",
            status=SessionStatus.held,
        )
        training_session.slots = [SessionSlot(on=date(2026, 3, 10), starts_at=time(9), ends_at=time(12))]
        training_session.kits = [anna]
        db.session.add(training_session)
        db.session.flush()
        for first, last in (("Alice", "Martin"), ("Karim", "Benali")):
            person = Person(
                first_name=first,
                last_name=last,
                normalised_first_name=normalise(first),
                normalised_last_name=normalise(last),
                profession_code="nurse",
            )
            db.session.add(person)
            db.session.flush()
            db.session.add(Registration(session_id=training_session.id, person_id=person.id, completed=True))
        db.session.commit()


def test_visitor_requests_a_pack_and_coordinator_marks_it_sent(page, app, catalogue, make_user, outbox):
    # 1. Browse the catalogue by profession.
    page.goto("/")
    check_page(page)
    follow(
        page,
        page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Catalogue des outils"
        ),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue des outils de formation")
    check_page(page)
    expect(page.locator(".fr-card")).to_have_count(7)
    capture(page, "catalogue")
    page.get_by_label("Profession").select_option(label="Chirurgien·ne-dentiste")
    follow(page, page.get_by_role("button", name="Filtrer"))
    check_page(page)
    expect(page.get_by_role("heading", name="1 outil")).to_be_visible()
    expect(page.locator(".fr-card")).to_have_count(1)
    page.get_by_label("Profession").scroll_into_view_if_needed()
    capture(page, "catalogue-filtre-profession")

    # 2. Read the kit page.
    follow(page, page.get_by_role("link", name="Anna", exact=True))
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna")
    expect(page.get_by_text("Johanna Bedeau et Laurent Benaim")).to_be_visible()
    expect(page.get_by_text("Fiche réflexe à destination des chirurgien·nes-dentistes")).to_be_visible()
    expect(page.get_by_text("Sous-titres en anglais")).to_be_visible()
    expect(page.get_by_text("Utilisation en formation")).to_have_count(0)
    capture(page, "outil-anna")

    # 3. Request a pack: a first try without the address, then the corrected form.
    follow(page, page.get_by_role("link", name="Demander un pack d'outils").last)
    check_page(page)
    expect(page.get_by_label("Anna")).to_be_checked()
    page.get_by_label("Organisme ou établissement").fill("Centre hospitalier d'Arras")
    page.get_by_label("Vos prénom et nom").fill("Inès Lefèvre")
    page.get_by_label("Adresse électronique").fill("ines.lefevre@ch-arras.fr")
    page.get_by_label("Département").select_option("62")
    tick(page, "Elisa")
    page.get_by_label("Public à former").fill("40 infirmier·ères et médecins des urgences")
    page.get_by_label("Nombre de packs").fill("3")
    tick(page, "Envoi par la poste")
    follow(page, page.get_by_role("button", name="Envoyer la demande"))
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Indiquez l'adresse postale")
    expect(page.get_by_label("Organisme ou établissement")).to_have_value("Centre hospitalier d'Arras")
    capture(page, "demande-pack-erreur")
    page.get_by_label("Adresse postale").fill("Service des urgences\n3 boulevard Besnier\n62000 Arras")
    follow(page, page.get_by_role("button", name="Envoyer la demande"))
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("bien été enregistrée")
    capture(page, "demande-pack-envoyee")
    assert "Outils demandés : Anna, Elisa" in outbox()[-1].get_body().get_content()

    # 4. A coordinator signs in, sees the kit's use, and marks the request sent.
    make_user("coordinator", email="e2e.coordination@test.fr", full_name="Claire Coordinatrice")
    sign_in(page, "e2e.coordination@test.fr")
    check_page(page)
    page.goto("/outils/anna")
    check_page(page)
    expect(page.get_by_text("2026-62-ANNA-01")).to_be_visible()
    page.locator("#utilisation").scroll_into_view_if_needed()
    capture(page, "outil-anna-utilisation")
    follow(
        page,
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Demandes de packs"),
    )
    check_page(page)
    capture(page, "demandes-de-packs")
    follow(page, page.get_by_role("link", name="Centre hospitalier d'Arras"))
    check_page(page)
    expect(page.get_by_text("62000 Arras")).to_be_visible()
    capture(page, "demande-de-pack-traitement")
    page.get_by_label("Notes (facultatif)").fill("Colis n° 8Z123")
    follow(page, page.get_by_role("button", name="Marquer comme envoyée"))
    check_page(page)
    expect(page.get_by_text("est marquée envoyée ; un courriel en informe")).to_be_visible()
    # The requester is told, with the kits and their pages; the coordinators' note stays internal.
    sent = outbox()[-1]
    assert sent["Subject"] == "Votre pack d'outils a été envoyé"
    assert "/outils/anna" in sent.get_body().get_content()
    assert "8Z123" not in sent.get_body().get_content()
    with app.app_context():
        pack_request = db.session.scalar(sa.select(KitPackRequest))
        assert pack_request.status == PackRequestStatus.sent and pack_request.notes == "Colis n° 8Z123"


def test_coordinator_uploads_a_resource(page, app, catalogue, make_user, tmp_path):
    make_user("coordinator", email="e2e.ressources@test.fr")
    sign_in(page, "e2e.ressources@test.fr")
    page.goto("/outils/elisa")
    check_page(page)
    follow(page, page.get_by_role("link", name="Gérer les ressources"))
    check_page(page)
    booklet = tmp_path / "Livret Elisa.pdf"
    booklet.write_bytes(PDF)
    page.get_by_label("Titre de la ressource").fill("Livret d'accompagnement « Elisa »")
    page.get_by_label("Fichier").set_input_files(str(booklet))
    follow(page, page.get_by_role("button", name="Envoyer le fichier"))
    check_page(page)
    expect(page.get_by_text("a été ajouté aux ressources")).to_be_visible()
    page.get_by_label("Titre du lien").fill("Le film « Elisa » en ligne")
    page.get_by_label("Adresse web").fill("https://video.exemple.fr/elisa")
    follow(page, page.get_by_role("button", name="Ajouter le lien"))
    check_page(page)
    capture(page, "outil-ressources")
    follow(page, page.get_by_role("link", name="Retour à la page de l'outil"))
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Livret d'accompagnement « Elisa »").click()
    assert download.value.suggested_filename == "Livret Elisa.pdf"
    follow(page, page.get_by_role("link", name="Modifier les informations"))
    check_page(page)
    expect(page.get_by_text("le fichier kits/elisa.yaml fait foi")).to_be_visible()
    capture(page, "outil-modifier-integre")


def test_catalogue_on_a_phone_with_the_keyboard(phone_page, catalogue):
    phone_page.goto("/outils")
    check_page(phone_page)
    # Keyboard only: reach the search field, type, submit with Enter, open the first result.
    search = phone_page.get_by_label("Mots-clés")
    search.focus()
    phone_page.keyboard.type("tom")
    with phone_page.expect_navigation():
        phone_page.keyboard.press("Enter")
    check_page(phone_page)
    expect(phone_page.locator(".fr-card")).to_have_count(1)
    phone_page.locator("#resultats").scroll_into_view_if_needed()
    capture(phone_page, "catalogue-mobile")
    phone_page.get_by_role("link", name="Tom et Léna").focus()
    with phone_page.expect_navigation():
        phone_page.keyboard.press("Enter")
    check_page(phone_page)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Tom et Léna")
    capture(phone_page, "outil-mobile")
    follow(phone_page, phone_page.get_by_role("link", name="Demander un pack d'outils").first)
    check_page(phone_page)
    tick(phone_page, "Lien de téléchargement par courriel")
    expect(phone_page.get_by_label("Adresse postale")).to_be_hidden()
    capture(phone_page, "demande-pack-mobile")
