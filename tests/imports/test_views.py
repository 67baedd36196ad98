"""The import screens: upload → preview → confirm, batches, undo, templates, access."""

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.imports.conftest import PARTICIPANT_HEADER, count, csv_bytes
from trainer.imports.models import ImportBatch
from trainer.people.models import Person
from trainer.sessions.models import Registration

H = PARTICIPANT_HEADER
GOOD = [H, ["A", "Lefèvre", "Zoé", "zoe@exemple.fr", "Infirmière", "CHU", "25", "oui"],
        ["A", "N'Diaye", "Aïssatou", "", "Éducatrice spécialisée", "CD", "59", "non"]]  # fmt: skip


def upload(client, rows=GOOD, *, table="participants", session="", name="liste.csv", data=None):
    payload = data if data is not None else csv_bytes(rows, delimiter=";", encoding="cp1252")
    return client.post(
        "/imports/nouveau",
        data={"table": table, "session_reference": session, "file": (io.BytesIO(payload), name)},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:
    match = re.search(r"/imports/apercu/([0-9a-f]{32})", response.location)
    assert match, response.location
    return match.group(1)


def test_upload_preview_confirm(app, login_as, make_session):
    make_session(reference="A")
    client = login_as("coordinator")
    response = upload(client)
    assert response.status_code == 302
    token = token_of(response)
    stored = Path(app.config["UPLOAD_FOLDER"]) / "imports" / f"{token}.upload"
    assert stored.is_file()  # kept under a generated name between preview and confirm
    page = client.get(f"/imports/apercu/{token}").get_data(as_text=True)
    assert "Le fichier est valide : 2 lignes" in page
    assert "CSV, Windows-1252, séparateur point-virgule" in page
    assert "personnes créées" in page and "inscriptions créées" in page
    assert count(Registration) == 0  # nothing stored by the preview
    confirmed = client.post(f"/imports/apercu/{token}/confirmer")
    assert confirmed.status_code == 302
    assert count(Registration) == 2
    assert not stored.exists()
    batch_id = int(confirmed.location.rsplit("/", 1)[1])
    detail = client.get(confirmed.location).get_data(as_text=True)
    assert (
        f"Import n° {batch_id}" in detail
        and "inscriptions créées" in detail
        and "coordinator@test.fr" in detail
    )
    listing = client.get("/imports/").get_data(as_text=True)
    assert "liste.csv" in listing and f"Annuler l'import n° {batch_id}" in listing
    # A second click on the confirm button stores nothing more.
    again = client.post(f"/imports/apercu/{token}/confirmer")
    assert again.status_code == 302 and again.location.endswith("/imports/")
    assert count(Registration) == 2


def test_preview_lists_every_error_and_nothing_is_stored(login_as, make_session):
    make_session(reference="A")
    client = login_as("coordinator")
    rows = [
        H,
        ["A", "", "Zoé", "zoe@", "astronaute", "", "", ""],
        ["B", "Roux", "Léa", "", "nurse", "", "", ""],
    ]
    token = token_of(upload(client, rows))
    page = client.get(f"/imports/apercu/{token}").get_data(as_text=True)
    assert "Le fichier ne peut pas être importé" in page
    assert "ligne 2, colonne « last_name » : obligatoire" in page
    assert "ligne 3, colonne « session_reference » : session inconnue « B »" in page
    assert "Confirmer l&#39;import" not in page
    response = client.post(f"/imports/apercu/{token}/confirmer")
    assert response.status_code == 302
    assert count(Person) == 0 and count(ImportBatch) == 0


def test_upload_for_a_session_given_in_the_address(login_as, make_session):
    make_session(reference="SESSION-62")
    client = login_as("coordinator")
    page = client.get("/imports/nouveau?table=participants&session=SESSION-62").get_data(as_text=True)
    assert "Session SESSION-62" in page
    assert 'value="SESSION-62"' in page
    rows = [["Nom", "Prénom", "Profession"], ["Roux", "Léa", "nurse"]]
    token = token_of(upload(client, rows, session="SESSION-62"))
    assert client.post(f"/imports/apercu/{token}/confirmer").status_code == 302
    assert count(Registration) == 1
    assert client.get("/imports/nouveau?session=INCONNUE").status_code == 404


def test_form_errors_keep_the_page(login_as):
    client = login_as("coordinator")
    response = client.post(
        "/imports/nouveau", data={"table": "participants"}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert "Choisissez un fichier CSV ou XLSX." in response.get_data(as_text=True)
    response = upload(client, table="pas-une-table")
    assert response.status_code == 200
    assert "Données à importer : N&#39;est pas un choix valide." in response.get_data(as_text=True)


def test_another_users_upload_cannot_be_seen_or_confirmed(app, login_as):
    # No app context held by the test here: each request must load its own signed-in user.
    first = login_as("coordinator", email="une@test.fr")
    token = token_of(upload(first))
    assert first.get(f"/imports/apercu/{token}").status_code == 200
    second = login_as("coordinator", email="autre@test.fr")
    assert second.get(f"/imports/apercu/{token}").status_code == 404
    assert second.post(f"/imports/apercu/{token}/confirmer").status_code == 302
    assert (Path(app.config["UPLOAD_FOLDER"]) / "imports" / f"{token}.upload").is_file()
    assert second.get("/imports/apercu/..%2F..%2Fsecret_key").status_code == 404
    assert second.get(f"/imports/apercu/{token.upper()}").status_code == 404


def test_undo_from_the_detail_page(login_as, make_session):
    make_session(reference="A")
    client = login_as("coordinator")
    token = token_of(upload(client))
    batch_id = int(client.post(f"/imports/apercu/{token}/confirmer").location.rsplit("/", 1)[1])
    response = client.post(f"/imports/{batch_id}/annuler", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Import n° {batch_id} annulé (inscriptions supprimées : 2, personnes supprimées : 2)." in page
    assert count(Registration) == 0
    assert "Annulé le" in page
    again = client.post(f"/imports/{batch_id}/annuler", follow_redirects=True).get_data(as_text=True)
    assert "Cet import a déjà été annulé." in again


@pytest.mark.parametrize("table", ["sessions", "participants", "evaluations", "declarations"])
def test_templates_parse_back(login_as, table):
    from trainer.imports.columns import TABLES

    client = login_as("coordinator")
    response = client.get(f"/imports/modeles/{table}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=modele-{table}.csv"
    text = response.data.decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == [column.key for column in TABLES[table].columns]
    assert len(example) == len(header)
    response = client.get(f"/imports/modeles/{table}.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert [cell.value for cell in book.worksheets[0][1]] == header
    assert "Aide" in book.sheetnames
    assert client.get(f"/imports/modeles/{table}.pdf").status_code == 404


def test_templates_import_as_they_are(app_ctx, run, tmp_path, login_as, make_person):
    """The examples of the templates are valid: sessions first, then the other tables."""
    from trainer.extensions import db
    from trainer.kits.models import Kit

    db.session.add(Kit(slug="anna", title="Anna"))
    db.session.commit()
    client = login_as("coordinator")
    for table in ("sessions", "participants", "evaluations", "declarations"):
        path = tmp_path / f"{table}.xlsx"
        path.write_bytes(client.get(f"/imports/modeles/{table}.xlsx").data)
        outcome = run(table, path)
        assert outcome.row_count == 1, table
        assert not outcome.warnings, table


@pytest.mark.parametrize("role", ["trainer", "manager"])
def test_only_coordinators_and_admins_import(login_as, role):
    client = login_as(role)
    for url in ("/imports/", "/imports/nouveau", "/imports/modeles/participants.csv"):
        assert client.get(url).status_code == 403
    assert upload(client).status_code == 403


def test_admin_may_import(login_as):
    assert login_as("admin").get("/imports/nouveau").status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/imports/")
    assert response.status_code == 302 and "/connexion" in response.location


def test_xlsx_upload_is_read_from_its_stored_copy(login_as, tmp_path):
    """The upload is kept as ``<token>.upload``: the workbook must still be read as XLSX."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nom", "Prénom", "Profession"])
    book.active.append(["Roux", "Léa", "nurse"])
    path = tmp_path / "liste.xlsx"
    book.save(path)
    client = login_as("coordinator")
    token = token_of(upload(client, data=path.read_bytes(), name="liste.xlsx"))
    page = client.get(f"/imports/apercu/{token}").get_data(as_text=True)
    assert "XLSX, feuille « Sheet »" in page
    assert "colonne obligatoire absente : session_reference" in page


def test_file_content_is_escaped_in_the_preview(login_as):
    """Headers and values from the file appear in messages: they are shown as text, never as markup."""
    client = login_as("coordinator")
    rows = [[*H, "<script>alert(1)</script>"], ["<b>A</b>", "Roux", "Léa", "", "nurse", "", "", "", "x"]]
    token = token_of(upload(client, rows))
    page = client.get(f"/imports/apercu/{token}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<b>A</b>" not in page
    assert "colonne « &lt;script&gt;alert(1)&lt;/script&gt; » : colonne inconnue, ignorée" in page
    assert "session inconnue « &lt;b&gt;A&lt;/b&gt; »" in page
