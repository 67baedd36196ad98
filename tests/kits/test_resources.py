"""Kit resources: uploads checked by content and size, stored outside static, served as attachments."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from trainer.extensions import db
from trainer.kits.models import KitResource, ResourceKind
from trainer.kits.resources import clean_filename

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx(members: int = 3, big_member: int = 0) -> bytes:
    """A minimal Word document (a zip), optionally with many members or a huge one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for index in range(members - 3):
            archive.writestr(f"word/media/image{index}.xml", "x")
        if big_member:
            with archive.open("word/zeros.bin", "w") as member:
                chunk = b"\x00" * (1024 * 1024)
                for _ in range(big_member):
                    member.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def coordinator(login_as, synced):
    return login_as("coordinator")


def upload(client, content: bytes, filename: str = "livret.pdf", title: str = "Livret"):
    return client.post(
        "/outils/anna/ressources/fichier",
        data={"file_title": title, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _resources(app) -> list[KitResource]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(KitResource).order_by(KitResource.id)))
        db.session.expunge_all()
        return rows


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "kits"
    return sorted(folder.glob("*")) if folder.exists() else []


@pytest.fixture(autouse=True)
def _empty_upload_folder(app):
    for path in _stored_files(app):
        path.unlink()
    yield
    for path in _stored_files(app):
        path.unlink()


def test_pdf_is_stored_under_a_generated_name_and_downloaded_as_attachment(app, coordinator, client):
    response = upload(coordinator, PDF, "Livret d'accompagnement Anna.pdf", "Livret d'accompagnement")
    assert response.status_code == 302, response.get_data(as_text=True)
    [resource] = _resources(app)
    assert resource.kind == ResourceKind.file and resource.content_type == "application/pdf"
    assert resource.original_filename == "Livret d'accompagnement Anna.pdf"
    [stored] = _stored_files(app)
    assert stored.name == resource.stored_name and stored.name != resource.original_filename
    assert stored.read_bytes() == PDF
    static = Path(app.static_folder).resolve()
    assert static not in stored.resolve().parents
    # Anyone may download it, as an attachment.
    download = client.get(f"/outils/anna/ressources/{resource.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/outils/anna").get_data(as_text=True)
    assert f"/outils/anna/ressources/{resource.id}" in page and "PDF –" in page
    # Not through another kit's URL.
    assert client.get(f"/outils/elisa/ressources/{resource.id}").status_code == 404


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "livret.pdf"),  # a Windows program renamed
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "affiche.svg"),
        (b"<html><script>alert(1)</script></html>", "page.pdf"),
        (b"Nom;Prenom\nDurand;Alice\n", "liste.csv"),
        (zipfile.ZipFile.__name__.encode() * 3, "rien.docx"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(app, coordinator, content, filename):
    response = upload(coordinator, content, filename)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Type de fichier non accepté" in html and "Formats acceptés : PDF" in html
    assert _resources(app) == [] and _stored_files(app) == []


def test_a_plain_zip_is_refused(app, coordinator):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "bonjour")
    response = upload(coordinator, buffer.getvalue(), "outils.zip")
    assert response.status_code == 422
    assert "contenu reconnu : zip" in response.get_data(as_text=True)


def test_word_documents_and_images_are_accepted(app, coordinator):
    assert upload(coordinator, docx(), "fiche.docx", "Fiche").status_code == 302
    assert upload(coordinator, PNG, "affiche", "Affiche").status_code == 302
    rows = _resources(app)
    assert [r.original_filename for r in rows] == ["fiche.docx", "affiche.png"]
    assert rows[1].content_type == "image/png"


def test_oversized_file_is_refused(app, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "KIT_RESOURCE_MAX_BYTES", 1024)
    response = upload(coordinator, PDF + b"0" * 2000)
    assert response.status_code == 422
    assert "Le fichier dépasse la taille maximale de 1 ko." in response.get_data(as_text=True)
    assert _resources(app) == [] and _stored_files(app) == []


def test_request_above_the_global_limit_gets_the_french_413_page(app, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    response = upload(coordinator, PDF + b"0" * 10_000)
    assert response.status_code == 413
    assert 'lang="fr"' in response.get_data(as_text=True)
    assert _resources(app) == []


def test_zip_bomb_like_docx_is_refused_before_it_is_opened(app, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "KIT_RESOURCE_ZIP_MAX_UNCOMPRESSED", 5 * 1024 * 1024)
    bomb = docx(big_member=8)  # 8 MB of zeros, a few kilobytes once compressed
    assert len(bomb) < 100_000
    response = upload(coordinator, bomb, "fiche.docx")
    assert response.status_code == 422
    assert "une fois décompressé" in response.get_data(as_text=True)
    assert _resources(app) == [] and _stored_files(app) == []


def test_docx_with_too_many_members_is_refused(app, coordinator):
    response = upload(coordinator, docx(members=1200), "fiche.docx")
    assert response.status_code == 422
    assert "trop d&#39;éléments (1200, 1000 au plus)" in response.get_data(as_text=True)


def test_damaged_docx_is_refused(app, coordinator):
    response = upload(coordinator, docx()[:200], "fiche.docx")
    assert response.status_code == 422
    assert "Le document est endommagé" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini", "win.ini.pdf"),
        ("C:\\Users\\alice\\Livret Anna.PDF", "Livret Anna.pdf"),
        ("/var/www/static/index.html", "index.html.pdf"),
        ('livret";\r\nX-Injected: 1.pdf', "livretX-Injected 1.pdf"),
        ("....pdf", "document.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("", "document.pdf"),
        ("é" * 400 + ".pdf", "é" * 150 + ".pdf"),
    ],
)
def test_clean_filename(sent, expected):
    assert clean_filename(sent, "pdf") == expected


@pytest.mark.parametrize(
    "sent",
    [
        "../../../etc/passwd.pdf",
        "..\\..\\windows\\win.ini",
        'livret";\r\nX-Injected: 1.pdf',
        "....pdf",
        "%2e%2e%2fx.pdf",
    ],
)
def test_path_traversal_names_never_reach_the_disk_or_the_header(app, coordinator, client, sent):
    assert upload(coordinator, PDF, sent).status_code == 302
    [resource] = _resources(app)
    name = resource.original_filename
    assert name.endswith(".pdf") and not name.startswith(".")
    assert not any(c in name for c in '/\\\r\n"')
    [stored] = _stored_files(app)
    assert stored.parent == Path(app.config["UPLOAD_FOLDER"]) / "kits" and stored.name == resource.stored_name
    header = client.get(f"/outils/anna/ressources/{resource.id}").headers["Content-Disposition"]
    assert header.startswith("attachment;")
    assert not any(c in header for c in "/\\\r\n")


def test_a_file_is_required(coordinator):
    response = coordinator.post(
        "/outils/anna/ressources/fichier", data={"file_title": "Livret"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choisissez le fichier à envoyer." in response.get_data(as_text=True)


def test_links_accept_only_web_addresses(app, coordinator, client):
    bad = coordinator.post(
        "/outils/anna/ressources/lien", data={"link_title": "Film", "url": "javascript:alert(1)"}
    )
    assert bad.status_code == 422
    assert "commençant par https://" in bad.get_data(as_text=True)
    assert 'value="javascript:alert(1)"' in bad.get_data(as_text=True)
    good = coordinator.post(
        "/outils/anna/ressources/lien", data={"link_title": "Le film", "url": "https://video.exemple.fr/anna"}
    )
    assert good.status_code == 302
    [link] = _resources(app)
    assert link.kind == ResourceKind.link
    page = client.get("/outils/anna").get_data(as_text=True)
    assert 'href="https://video.exemple.fr/anna" target="_blank" rel="noopener noreferrer"' in page
    assert client.get(f"/outils/anna/ressources/{link.id}").location == "https://video.exemple.fr/anna"


def test_deleting_a_resource_removes_its_file(app, coordinator, client):
    upload(coordinator, PDF)
    [resource] = _resources(app)
    response = coordinator.post(f"/outils/anna/ressources/{resource.id}/supprimer")
    assert response.status_code == 302
    assert _resources(app) == [] and _stored_files(app) == []
    assert client.get(f"/outils/anna/ressources/{resource.id}").status_code == 404
    # Deleting again, or through another kit, is harmless.
    assert coordinator.post(f"/outils/anna/ressources/{resource.id}/supprimer").status_code == 302
    with app.app_context():
        from trainer.auth.models import AuditEntry

        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.action.startswith("kit_resource"))
        )
        assert sorted(actions) == ["kit_resource.delete", "kit_resource.upload"]


def test_only_coordinators_manage_resources(login_as, synced, client):
    manager = login_as("manager")
    assert manager.get("/outils/anna/ressources").status_code == 403
    assert upload(manager, PDF).status_code == 403
    assert upload(client, PDF).status_code == 302  # anonymous: to the sign-in page
    assert "/connexion" in upload(client, PDF).location
