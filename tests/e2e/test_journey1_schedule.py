"""Journey 1 of product.md, whole: a coordinator creates a session for kit Anna (direct training,
two half-day slots, 20 seats, department 62), assigns a trainer, imports the attendee list from a
French Excel CSV (Windows-1252, ``;``) and from an XLSX, and sees the registrations."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import check_page, sign_in
from tests.e2e.test_sessions_ui import schedule_data, tick  # noqa: F401  (shared fixture)

pytestmark = pytest.mark.e2e

CP1252_CSV = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "fixtures"
    / "csv-dialects"
    / "excel_fr_cp1252_semicolon.csv"
)


def _import(page, session_url: str, path: Path) -> None:
    page.goto(session_url)
    page.get_by_role("link", name="Importer un fichier").click()
    check_page(page)
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()
    check_page(page)
    assert page.get_by_text("Le fichier est valide").is_visible()
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    check_page(page)


@pytest.mark.usefixtures("schedule_data")
def test_journey_1_schedule_and_import_attendees(page, tmp_path):
    day = date.today() + timedelta(days=30)
    sign_in(page, "e2e.coordination@test.fr")
    page.get_by_role("link", name="Sessions").first.click()
    page.get_by_role("link", name="Nouvelle session").click()
    check_page(page)
    page.locator("#title").fill("Anna dans le Pas-de-Calais")
    page.locator("#session_type_code").select_option(label="Formation directe")
    page.locator("#status").select_option(label="Ouverte")
    tick(page, "Anna")
    page.locator("#slots-0-on").fill(day.isoformat())
    page.locator("#slots-0-starts_at").fill("09:00")
    page.locator("#slots-0-ends_at").fill("12:30")
    page.get_by_role("button", name="Ajouter un créneau").click()
    page.locator("#slots-1-on").fill(day.isoformat())
    page.locator("#slots-1-starts_at").fill("13:30")
    page.locator("#slots-1-ends_at").fill("17:00")
    page.locator("#city").fill("Lens")
    page.locator("#department_code").select_option("62")
    page.locator("#capacity").fill("20")
    tick(page, "FORMATRICE Fanny")
    page.get_by_role("button", name="Enregistrer la session").click()
    page.wait_for_load_state()
    check_page(page)
    assert page.get_by_role("heading", name="Anna dans le Pas-de-Calais").is_visible()
    session_url = page.url.split("#", 1)[0]

    csv_file = tmp_path / "liste-partenaire.csv"
    shutil.copy(CP1252_CSV, csv_file)
    _import(page, session_url, csv_file)

    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Prénom", "Courriel", "Profession", "Employeur", "Département"])
    sheet.append(["Diallo", "Aminata", "aminata.diallo@exemple.fr", "Gendarme", "Gendarmerie", "62"])
    sheet.append(["O'Neill", "Grégoire", "", "Magistrat", "Tribunal judiciaire d'Arras", "Pas-de-Calais"])
    xlsx_file = tmp_path / "liste-partenaire.xlsx"
    book.save(xlsx_file)
    _import(page, session_url, xlsx_file)

    page.goto(session_url)
    check_page(page)
    table = page.get_by_role("table", name="Personnes inscrites à la session").inner_text()
    for name in ("Aïssatou", "Zoé", "LEFÈVRE", "DIALLO Aminata", "O'NEILL Grégoire"):
        assert name in table, name
    assert "4 / 20 inscrit·es" in " ".join(page.locator("main").inner_text().split())
