"""Coordinators edit the catalogue: built-in kits (the file wins) and kits of their own."""

from __future__ import annotations

import sqlalchemy as sa

from tests.kits.conftest import kit_named
from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.kits.models import ComponentKind, Kit
from trainer.kits.services import sync_kits

NEW_KIT = {
    "title": "Les Mots de Léa",
    "theme": "Violences sexuelles",
    "summary": "Un outil créé par une coordination départementale.",
    "year": "2024",
    "audience": ["nurse", "midwife"],
    "versions": ["subtitles_fr"],
    "film_title": "Léa",
    "film_duration": "14",
    "film_director": "Une réalisatrice",
    "film_cast": "Actrice Une\n\nActeur Deux\n",
    "film_cofunders": "Conseil départemental",
    "booklet_title": "",
    "booklet_description": "",
}


def _kit(slug: str) -> Kit:
    return kit_named(slug)


def test_coordinator_creates_a_kit_of_their_own(login_as, synced, app_ctx):
    client = login_as("coordinator")
    response = client.post("/outils/nouveau", data=NEW_KIT)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location.endswith("/outils/les-mots-de-lea")
    kit = _kit("les-mots-de-lea")
    assert not kit.is_builtin and kit.year == 2024
    assert {p.code for p in kit.audience} == {"nurse", "midwife"}
    assert kit.film.cast_names == ["Actrice Une", "Acteur Deux"] and kit.film.duration_minutes == 14
    assert kit.booklet is None
    page = client.get("/outils?profession=midwife").get_data(as_text=True)
    assert "/outils/les-mots-de-lea" in page
    # The same title again gets its own slug; sync of kits/ leaves both alone.
    assert client.post("/outils/nouveau", data=NEW_KIT).location.endswith("/outils/les-mots-de-lea-2")
    report = sync_kits()
    db.session.commit()
    assert report.archived == [] and _kit("les-mots-de-lea").title == "Les Mots de Léa"
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "kit.create")) == 2


def test_bad_input_keeps_what_was_typed(login_as, synced, app_ctx):
    client = login_as("coordinator")
    data = {
        **NEW_KIT,
        "title": "",
        "year": "deux mille",
        "film_title": "",
        "booklet_description": "Sans titre",
    }
    response = client.post("/outils/nouveau", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Titre : Ce champ est obligatoire." in html
    assert "Année de parution :" in html
    assert "Indiquez le titre du film, ou videz sa durée." in html
    assert "Indiquez le titre du livret, ou videz sa description." in html
    assert "Un outil créé par une coordination départementale." in html
    assert 'value="nurse" checked' in html and 'value="subtitles_fr" checked' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Kit)) == 7


def test_editing_a_builtin_kit_says_the_file_wins(login_as, synced, app_ctx):
    client = login_as("coordinator")
    page = client.get("/outils/anna/modifier").get_data(as_text=True)
    assert "le fichier kits/anna.yaml fait foi" in page
    assert "trainer kits sync" in page
    assert 'value="Johanna Bedeau et Laurent Benaim"' in page
    data = {
        **NEW_KIT,
        "title": "Anna (corrigé)",
        "theme": "Violences au sein du couple",
        "booklet_title": "Livret",
        "booklet_description": "Corrigé.",
    }
    assert client.post("/outils/anna/modifier", data=data).status_code == 302
    kit = _kit("anna")
    assert kit.title == "Anna (corrigé)" and kit.booklet.description == "Corrigé."
    # Fiches réflexes are kept by the kit form.
    assert len(kit.fiches) == 7
    sync_kits()
    db.session.commit()
    kit = _kit("anna")
    assert kit.title == "Anna" and kit.film.director == "Johanna Bedeau et Laurent Benaim"


def test_fiches_are_added_once_per_profession_and_removed(login_as, synced, app_ctx):
    client = login_as("coordinator")
    url = "/outils/tom-et-lena/fiches"
    response = client.post(url, data={"profession_code": "teacher", "fiche_title": "Fiche enseignant·es"})
    assert response.status_code == 302
    again = client.post(url, data={"profession_code": "teacher", "fiche_title": "Encore"})
    assert again.status_code == 422
    assert "Cet outil a déjà une fiche réflexe pour la profession « Enseignant·e »." in again.get_data(
        as_text=True
    )
    missing = client.post(url, data={"profession_code": "", "fiche_title": ""})
    assert missing.status_code == 422 and "Choisissez une profession." in missing.get_data(as_text=True)
    fiche = _kit("tom-et-lena").fiches[0]
    assert fiche.kind == ComponentKind.fiche_reflexe and fiche.profession_code == "teacher"
    assert client.post(f"/outils/tom-et-lena/fiches/{fiche.id}/supprimer").status_code == 302
    assert _kit("tom-et-lena").fiches == []
    # Another kit's component, or the film, cannot be removed through this route.
    film = _kit("anna").film
    assert client.post(f"/outils/tom-et-lena/fiches/{film.id}/supprimer").status_code == 404
    assert client.post(f"/outils/anna/fiches/{film.id}/supprimer").status_code == 404


def test_archive_and_restore_a_kit_of_their_own(app, login_as, synced, client):
    coordinator = login_as("coordinator")
    coordinator.post("/outils/nouveau", data=NEW_KIT)
    assert coordinator.post("/outils/les-mots-de-lea/archiver").status_code == 302
    with app.app_context():
        assert _kit("les-mots-de-lea").is_archived
    assert client.get("/outils/les-mots-de-lea").status_code == 404
    assert "Archivé" in coordinator.get("/outils/les-mots-de-lea").get_data(as_text=True)
    coordinator.post("/outils/les-mots-de-lea/restaurer")
    assert client.get("/outils/les-mots-de-lea").status_code == 200
    refused = coordinator.post("/outils/anna/archiver", follow_redirects=True).get_data(as_text=True)
    assert "retirant son fichier du dossier kits/" in refused
    with app.app_context():
        assert not _kit("anna").is_archived


def test_only_coordinators_edit(login_as, synced, client):
    for role in ("trainer", "manager"):
        other = login_as(role, email=f"{role}.edit@test.fr")
        assert other.get("/outils/anna/modifier").status_code == 403
        assert other.post("/outils/nouveau", data=NEW_KIT).status_code == 403
        assert "Modifier les informations" not in other.get("/outils/anna").get_data(as_text=True)
    assert client.get("/outils/anna/modifier").status_code == 302
    assert "Modifier les informations" in login_as("admin").get("/outils/anna").get_data(as_text=True)


def test_coordinators_find_archived_kits(app, login_as, synced, client):
    with app.app_context():
        db.session.execute(sa.update(Kit).where(Kit.slug == "bilakoro").values(is_archived=True))
        db.session.commit()
    coordinator = login_as("coordinator")
    assert "Voir les outils archivés (1)" in coordinator.get("/outils").get_data(as_text=True)
    archived = coordinator.get("/outils?archives=1").get_data(as_text=True)
    assert "/outils/bilakoro" in archived and "/outils/anna" not in archived
    # Visitors never get the archived list.
    public = client.get("/outils?archives=1").get_data(as_text=True)
    assert "/outils/bilakoro" not in public and "/outils/anna" in public
