"""Journey 1 (imports part): a coordinator imports the attendee list of a session from a French
Excel CSV (Windows-1252, ``;``) and from an XLSX, checks the preview, confirms and sees the batches."""

import shutil
from datetime import date, time
from pathlib import Path

from openpyxl import Workbook

from tests.e2e.conftest import capture, check_page, sign_in

FIXTURE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "fixtures"
    / "csv-dialects"
    / "excel_fr_cp1252_semicolon.csv"
)


def upload(page, path) -> None:
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()


def test_coordinator_imports_an_attendee_list(page, make_user, make_session, make_person, tmp_path):
    make_user("coordinator", email="e2e.imports@test.fr")
    trainer = make_person(first_name="Fanny", last_name="Formatrice", email="fanny@exemple.fr", trainer=True)
    make_session(
        reference="ANNA-62-2026",
        slots=((date(2026, 3, 10), time(9), time(12, 30)), (date(2026, 3, 10), time(13, 30), time(17))),
        trainers=[trainer],
        capacity=20,
    )
    sign_in(page, "e2e.imports@test.fr")

    # 1. The French Excel CSV, for the session given in the address (as the session page links it).
    page.goto("/imports/nouveau?table=participants&session=ANNA-62-2026")
    check_page(page)
    assert page.get_by_text("Session ANNA-62-2026").is_visible()
    capture(page, "imports-nouveau")
    csv_file = tmp_path / "inscrits-anna.csv"
    shutil.copy(FIXTURE, csv_file)
    upload(page, csv_file)
    check_page(page)
    assert page.get_by_text("Le fichier est valide : 2 lignes").is_visible()
    assert page.get_by_text("CSV, Windows-1252, séparateur point-virgule").is_visible()
    assert page.get_by_text("colonne « Date » : colonne inconnue, ignorée").is_visible()
    capture(page, "imports-apercu")
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    check_page(page)
    first_batch = page.url.rsplit("/", 1)[1]
    assert page.get_by_role("heading", name=f"Import n° {first_batch}").is_visible()
    assert page.locator("#ce-qui-a-ete-cree").get_by_text("inscriptions créées").is_visible()
    capture(page, "imports-detail")

    # 2. An XLSX with a mistake: the preview lists it, nothing is stored; then the corrected file.
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Prénom", "Courriel", "Profession", "Employeur", "Présent"])
    sheet.append(["Lefèvre", "Zoé", "ZOE.LEFEVRE@exemple.fr", "Infirmière", "CHU de Besançon", "oui"])
    sheet.append(["Martin", "Léa", "lea.martin@", "Sage-femme", "Maternité", "oui"])
    wrong = tmp_path / "inscrits-anna.xlsx"
    book.save(wrong)
    page.goto("/imports/nouveau?table=participants&session=ANNA-62-2026")
    upload(page, wrong)
    check_page(page)
    assert page.get_by_text("ligne 3, colonne « Courriel » : adresse électronique invalide").is_visible()
    capture(page, "imports-erreurs")
    sheet["C3"] = "lea.martin@exemple.fr"
    corrected = tmp_path / "inscrits-anna-corrige.xlsx"
    book.save(corrected)
    page.get_by_role("link", name="Déposer un autre fichier").click()
    check_page(page)
    upload(page, corrected)
    check_page(page)
    # Zoé is already registered (same e-mail, whatever its case): only Léa is new.
    table = page.locator("#ce-qui-sera-cree")
    assert table.get_by_role("row", name="inscriptions créées 1").is_visible()
    assert table.get_by_role("row", name="inscriptions déjà présentes (inchangées) 1").is_visible()
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    check_page(page)
    second_batch = page.url.rsplit("/", 1)[1]
    assert page.get_by_role("heading", name=f"Import n° {second_batch}").is_visible()

    # 3. The list of batches, reached from the main navigation.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Imports").click()
    check_page(page)
    assert page.get_by_role("cell", name="inscrits-anna.csv").is_visible()
    assert page.get_by_role("cell", name="inscrits-anna-corrige.xlsx").is_visible()
    capture(page, "imports-liste")

    # 4. Undo the XLSX batch (after confirming the dialog).
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Annuler l'import n° {second_batch}").click()
    page.wait_for_load_state()
    check_page(page)
    message = f"Import n° {second_batch} annulé (inscriptions supprimées : 1, personnes supprimées : 1)."
    assert page.get_by_text(message).is_visible()


def test_templates_are_offered_on_the_upload_page(page, make_user):
    make_user("coordinator", email="e2e.modeles@test.fr")
    sign_in(page, "e2e.modeles@test.fr")
    page.goto("/imports/nouveau")
    check_page(page)
    page.get_by_role("button", name="Participant·es (participants)").click()
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Modèle XLSX « participants » (avec l'aide et les codes)").click()
    assert download.value.suggested_filename == "modele-participants.xlsx"
