"""Journey 4 (product.md §1): a manager filters year and region, looks at the charts, and downloads
the same tables as XLSX and PDF; the test opens both files and checks the figures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.e2e.conftest import capture, check_page, sign_in
from tests.reports.conftest import BY_PROFESSION_2025, history  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e


def test_manager_filters_sees_charts_and_downloads(page, history, make_user):  # noqa: F811
    page.set_default_timeout(120_000)  # the shared test machine can be slow to draw six charts
    make_user("manager", email="responsable@test.fr", full_name="Rachida Responsable")
    sign_in(page, "responsable@test.fr")
    page.get_by_role("link", name="Tableau de bord").first.click()
    page.wait_for_load_state()
    check_page(page)

    page.get_by_label("Année").select_option("2025")
    page.get_by_label("Région", exact=True).select_option(label="Hauts-de-France")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_load_state()
    check_page(page)
    assert "year=2025" in page.url and "region=32" in page.url
    figure = page.locator('[data-indicator="professionals_trained"] .app-figure__value')
    assert figure.inner_text() == "8"  # S1, S2, S4, S5: Hauts-de-France only
    charts = page.locator("figure.app-chart img")
    assert charts.count() >= 5
    assert charts.first.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert page.evaluate("img => img.naturalWidth", charts.first.element_handle()) > 0
    capture(page, "rapports-tableau-de-bord")
    page.evaluate("document.getElementById('chiffres-cles').scrollIntoView()")
    capture(page, "rapports-chiffres-cles")
    page.evaluate("document.getElementById('panneau-trained-by-profession').scrollIntoView()")
    capture(page, "rapports-graphique")

    page.get_by_text("Voir les données du graphique (tableau)").first.click()
    table = page.get_by_role("table", name="Professionnel·les formé·es par profession")
    assert table.is_visible()
    check_page(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX — Professionnel·les formé·es par profession").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["nurse"][3:7] == BY_PROFESSION_2025["nurse"]
    assert rows["doctor"][3:7] == BY_PROFESSION_2025["doctor"]
    assert "police_officer" not in rows  # trained in Provence-Alpes-Côte d'Azur only

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF — Professionnel·les formé·es par profession").click()
    pdf = PdfReader(download_info.value.path())
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Hauts-de-France" in text and "01/01/2025" in text
    assert "Infirmier" in text and "13" in text

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Rapport d'activité 2025 (PDF)").click()
    activity = "\n".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert "Rapport d'activité 2025" in activity and "Calais" in activity and "Bouches" not in activity

    page.get_by_role("link", name="Page du rapport « Professionnel·les formé·es par territoire »").click()
    page.wait_for_load_state()
    check_page(page)
    assert page.get_by_role("table", name="Professionnel·les formé·es par territoire").is_visible()
    capture(page, "rapports-territoire")


def test_trainer_declares_a_cascade_training(page, make_user):
    make_user("trainer", email="formatrice.e2e@test.fr")
    sign_in(page, "formatrice.e2e@test.fr")
    page.get_by_role("link", name="Déclarations").first.click()
    page.wait_for_load_state()
    check_page(page)
    page.get_by_role("link", name="Déclarer une formation").click()
    page.wait_for_load_state()
    check_page(page)
    page.get_by_label("Date de la formation").fill("2025-10-02")
    page.get_by_label("ou nom d'un nouvel organisme").fill("CHU de Lille")
    page.get_by_label("Durée (heures)").fill("3,5")
    page.locator("#headcounts-0-profession_code").select_option("nurse")
    page.locator("#headcounts-0-headcount").fill("12")
    page.locator("#headcounts-1-profession_code").select_option("midwife")
    page.locator("#headcounts-1-headcount").fill("4")
    capture(page, "declarations-formulaire")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    check_page(page)
    assert "16 professionnel·les formé·es au total" in page.locator("#totaux").inner_text()
    capture(page, "declarations-liste")


def test_admin_issues_an_api_token(page, make_user):
    make_user("admin", email="admin.e2e@test.fr")
    make_user("manager", email="observatoire@test.fr", scope_region_code="32")
    sign_in(page, "admin.e2e@test.fr")
    page.goto("/admin/jetons-api")
    check_page(page)
    page.get_by_label("Compte responsable").select_option(label="observatoire@test.fr")
    page.get_by_label("Nom du jeton").fill("Observatoire régional")
    page.get_by_role("button", name="Délivrer le jeton").click()
    page.wait_for_load_state()
    check_page(page)
    raw = page.locator("#jeton-brut").inner_text().strip()
    capture(page, "api-jeton")
    response = page.request.get(
        "/api/v1/reports/key-figures?year=2025", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status == 200
    assert response.json()["filters"] == {"from": "2025-01-01", "to": "2025-12-31", "scope": "32"}
    page.reload()
    assert raw not in page.content()  # shown once


def test_public_results_page(page, history, make_user):  # noqa: F811
    make_user("admin", email="admin.pub@test.fr")
    sign_in(page, "admin.pub@test.fr")
    page.goto("/rapports/publication")
    check_page(page)
    page.locator("label[for=enabled]").click()  # the DSFR checkbox is drawn by its label
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    page.goto("/resultats")
    check_page(page)
    assert page.get_by_role("heading", name="Nos résultats").is_visible()
