"""Journey 1 (schedule): a coordinator creates a session for kit Anna with two half-day slots,
20 seats in department 62 and a trainer, registers attendees by pasting a list, and sees them.

Every page goes through ``check_page`` (axe-core); the captures illustrate docs/guide/sessions.md.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import capture, check_page, sign_in
from trainer.extensions import db

pytestmark = pytest.mark.e2e

ATTENDEES = """Durand;Alice;alice.durand@exemple.fr;Infirmière
Martin;Karim;;Assistant de service social
Lefèvre;Zoé;zoe.lefevre@exemple.fr;Sage-femme
Benali;Nadia;nadia.benali@exemple.fr;gendarme"""


def tick(page, label: str) -> None:
    """Tick a DSFR checkbox the way a person does: by clicking its label."""
    box = page.get_by_label(label, exact=True)
    page.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked()


@pytest.fixture
def schedule_data(app_ctx, make_user, make_person):
    from trainer.kits.services import sync_kits

    sync_kits()
    db.session.commit()
    make_person(
        first_name="Fanny",
        last_name="Formatrice",
        email="fanny@exemple.fr",
        profession="trainer",
        trainer=True,
    )
    make_user("coordinator", email="e2e.coordination@test.fr")
    db.session.rollback()  # hold no transaction while the browser writes through the live server


def test_coordinator_schedules_a_session_and_registers_attendees(page, phone_page, schedule_data):
    day = date.today() + timedelta(days=21)
    sign_in(page, "e2e.coordination@test.fr")
    page.get_by_role("link", name="Sessions").first.click()
    check_page(page)
    page.get_by_role("link", name="Nouvelle session").click()
    check_page(page)
    page.get_by_role("button", name="Enregistrer la session").click()  # nothing typed yet
    page.wait_for_load_state()
    check_page(page)  # the error summary and fields in error are accessible too
    assert page.get_by_role("heading", name="Le formulaire contient des erreurs").is_visible()

    page.locator("#title").fill("Anna : repérer et accompagner les victimes")
    page.locator("#session_type_code").select_option(label="Formation directe")
    page.locator("#status").select_option(label="Ouverte")
    tick(page, "Anna")
    page.locator("#main_audience").select_option(label="Travailleur·euse social·e")
    page.locator("#slots-0-on").fill(day.isoformat())
    page.locator("#slots-0-starts_at").fill("09:00")
    page.locator("#slots-0-ends_at").fill("12:30")
    page.get_by_role("button", name="Ajouter un créneau").click()  # JavaScript adds the row in place
    assert page.evaluate("document.activeElement.id") == "slots-1-on"  # keyboard users land in it
    page.locator("#slots-1-on").fill(day.isoformat())
    page.locator("#slots-1-starts_at").fill("13:30")
    page.locator("#slots-1-ends_at").fill("17:00")
    page.locator("#venue").fill("Maison des solidarités")
    page.locator("#city").fill("Arras")
    page.locator("#department_code").select_option("62")
    page.locator("#capacity").fill("20")
    tick(page, "FORMATRICE Fanny")
    page.locator("label[for=self_registration_open]").click()
    check_page(page)
    page.locator("#creneaux").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('creneaux').scrollIntoView()")
    capture(page, "session-formulaire")
    page.get_by_role("button", name="Enregistrer la session").click()
    page.wait_for_load_state()

    check_page(page)
    assert page.get_by_role("heading", name="Anna : repérer et accompagner les victimes").is_visible()
    main = page.locator("main").inner_text()
    assert "FORMATRICE" not in main and "Fanny Formatrice" in main
    assert f"{day:%d/%m/%Y}, 09:00–12:30" in main and f"{day:%d/%m/%Y}, 13:30–17:00" in main
    assert "0 / 20 inscrit·es" in " ".join(main.split())
    reference = page.locator("[data-reference]").inner_text().strip()
    assert reference.startswith(f"{day.year}-62-")

    page.get_by_role("link", name="Coller une liste").click()
    check_page(page)
    page.get_by_label("Liste des personnes").fill("Durand;Alice;pas-une-adresse;Infirmière\n" + ATTENDEES)
    page.get_by_role("button", name="Inscrire ces personnes").click()
    check_page(page)
    assert page.get_by_text(
        "Ligne 1 : « pas-une-adresse » n'est pas une adresse électronique valide"
    ).is_visible()
    page.get_by_label("Liste des personnes").fill(ATTENDEES)
    page.get_by_role("button", name="Inscrire ces personnes").click()
    page.wait_for_load_state()
    check_page(page)
    assert page.get_by_text("4 personne(s) inscrite(s)").is_visible()
    table = page.get_by_role("table", name="Personnes inscrites à la session").inner_text()
    for name in ("DURAND Alice", "MARTIN Karim", "LEFÈVRE Zoé", "BENALI Nadia"):
        assert name in table
    assert "Sage-femme" in table or "Maïeuticien" in table
    page.locator("#inscriptions").scroll_into_view_if_needed()
    capture(page, "session-inscriptions")
    page.evaluate("window.scrollTo(0, 0)")
    capture(page, "session-page")
    session_url = page.url.split("#", 1)[0]

    page.goto("/sessions/")
    check_page(page)
    assert reference in page.locator("main").inner_text()
    capture(page, "sessions-liste")
    page.get_by_role("link", name="Calendrier").click()
    check_page(page)
    page.goto(f"/sessions/calendrier?mois={day:%Y-%m}")
    check_page(page)
    assert "Anna : repérer" in page.locator("main").inner_text()
    page.evaluate("document.querySelector('.app-calendar__month').scrollIntoView()")
    capture(page, "sessions-calendrier")

    sign_in(phone_page, "e2e.coordination@test.fr")
    phone_page.goto(session_url)
    check_page(phone_page)
    assert phone_page.get_by_role("heading", name="Anna : repérer et accompagner les victimes").is_visible()
    capture(phone_page, "session-mobile")

    # The public self-registration page, as an attendee sees it on a phone.
    phone_page.goto(f"/inscription/{reference}")
    check_page(phone_page)
    assert phone_page.get_by_text("Besoin d'aide ?").is_visible()
    capture(phone_page, "inscription-en-ligne-mobile")


def test_coordinator_merges_duplicates(page, app_ctx, make_user, make_person):
    make_person(first_name="Hélène", last_name="Lefèvre", email="helene@exemple.fr")
    make_person(first_name="Helene", last_name="LEFEVRE", email="h.lefevre@exemple.fr")
    make_user("coordinator", email="e2e.doublons@test.fr")
    db.session.rollback()
    sign_in(page, "e2e.doublons@test.fr")
    page.get_by_role("link", name="Personnes").first.click()
    check_page(page)
    capture(page, "personnes-liste")
    page.get_by_role("link", name="Doublons", exact=True).click()
    check_page(page)
    capture(page, "personnes-doublons")
    page.get_by_role("link", name="Comparer et fusionner").first.click()
    check_page(page)
    capture(page, "personnes-fusion")
    page.get_by_role("button", name="Fusionner dans la fiche").click()
    page.wait_for_load_state()
    check_page(page)
    assert page.get_by_text("Fiches fusionnées").is_visible()
    from trainer.people.models import Person

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
    db.session.rollback()
    capture(page, "personne-fiche")
    page.goto("/personnes/referents")
    check_page(page)
