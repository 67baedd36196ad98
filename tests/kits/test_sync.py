"""``trainer kits sync``: the seven kits from kits/, idempotent, all-or-nothing, archive not delete."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.kits.models import AccessibleVersion, ComponentKind, Kit, KitComponent
from trainer.kits.services import KitFileError, read_kit_files, sync_kits

SLUGS = [
    "anna",
    "bilakoro",
    "elisa",
    "protection-sur-ordonnance",
    "stop-harcelement",
    "tom-et-lena",
    "transports",
]


def _kits():
    db.session.expire_all()
    return {kit.slug: kit for kit in db.session.scalars(sa.select(Kit))}


def _counts():
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Kit)),
        db.session.scalar(sa.select(sa.func.count()).select_from(KitComponent)),
    )


def test_empty_database_gets_the_seven_kits(runner, app_ctx):
    result = runner.invoke(args=["kits", "sync"])
    assert result.exit_code == 0, result.output
    assert "Créés (7) : anna, bilakoro, elisa" in result.output
    kits = _kits()
    assert sorted(kits) == SLUGS
    assert all(kit.is_builtin and not kit.is_archived for kit in kits.values())
    anna = kits["anna"]
    assert anna.title == "Anna" and anna.theme == "Violences au sein du couple"
    assert anna.film.director == "Johanna Bedeau et Laurent Benaim"
    assert anna.film.cast_names == ["Aurélia Petit", "Marc Citti"]
    fiche_professions = {fiche.profession_code for fiche in anna.fiches}
    assert fiche_professions == {
        "police_officer",
        "gendarme",
        "magistrate",
        "social_worker",
        "firefighter",
        "emergency_doctor",
        "dentist",
    }
    assert AccessibleVersion.subtitles_en in anna.version_kinds
    elisa = kits["elisa"]
    assert {f.profession_code for f in elisa.fiches} == {
        "police_officer",
        "gendarme",
        "magistrate",
        "emergency_doctor",
    }
    # Only the film of Anna has English subtitles (MIPROF report 2013-2017).
    assert [k for k in SLUGS if AccessibleVersion.subtitles_en in kits[k].version_kinds] == ["anna"]
    assert kits["transports"].booklet is None
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("kit.sync_create") == 7


def test_second_run_changes_nothing(runner, app_ctx):
    assert runner.invoke(args=["kits", "sync"]).exit_code == 0
    before = _counts()
    stamps = {slug: (kit.updated_at, [c.id for c in kit.components]) for slug, kit in _kits().items()}
    result = runner.invoke(args=["kits", "sync"])
    assert result.exit_code == 0, result.output
    assert "Créés (0)" in result.output and "Mis à jour (0)" in result.output
    assert "Inchangés (7)" in result.output
    assert _counts() == before
    assert {slug: (kit.updated_at, [c.id for c in kit.components]) for slug, kit in _kits().items()} == stamps


def test_changed_file_updates_only_that_kit(kits_dir, app_ctx):
    sync_kits(kits_dir)
    db.session.commit()
    path = kits_dir / "elisa.yaml"
    path.write_text(path.read_text().replace("duration_minutes: null", "duration_minutes: 12"))
    report = sync_kits(kits_dir)
    db.session.commit()
    assert report.updated == ["elisa"] and len(report.unchanged) == 6
    assert _kits()["elisa"].film.duration_minutes == 12


def test_interface_edits_of_a_builtin_kit_are_overwritten(synced, app_ctx):
    anna = db.session.scalar(sa.select(Kit).where(Kit.slug == "anna"))
    anna.title = "Anna (modifié à la main)"
    anna.components[0].cast = "Quelqu'un"
    db.session.commit()
    report = sync_kits()
    db.session.commit()
    assert report.updated == ["anna"]
    anna = _kits()["anna"]
    assert anna.title == "Anna" and anna.film.cast_names == ["Aurélia Petit", "Marc Citti"]


def test_broken_file_is_refused_with_file_field_and_reason(runner, kits_dir, app_ctx):
    assert runner.invoke(args=["kits", "sync", "--dossier", str(kits_dir)]).exit_code == 0
    before = _counts()
    # One valid change in one file, one broken field in another: nothing at all may be stored.
    (kits_dir / "anna.yaml").write_text(
        (kits_dir / "anna.yaml").read_text().replace('title: "Anna"', 'title: "Anna bis"', 1)
    )
    elisa = kits_dir / "elisa.yaml"
    elisa.write_text(elisa.read_text().replace("duration_minutes: null", "duration_minutes: douze"))
    result = runner.invoke(args=["kits", "sync", "--dossier", str(kits_dir)])
    assert result.exit_code == 1
    assert (
        "elisa.yaml, champ film.duration_minutes : nombre entier attendu, reçu le texte « douze »"
        in result.output
    )
    assert "rien n'a été modifié" in result.output
    assert _counts() == before
    assert _kits()["anna"].title == "Anna"


def test_every_problem_is_listed(kits_dir, app_ctx):
    (kits_dir / "bilakoro.yaml").write_text(
        "slug: bilakoro\ntitle: 2013\ntheme: ''\nyear: 1850\nsummary: Un résumé.\n"
        "audience: [nurse, astronaute]\nfilm: null\nbooklet: null\nfiches_reflexes: []\n"
        "accessible_versions: [braille]\ncouleur: rouge\n"
    )
    (kits_dir / "transports.yaml").write_text("slug: transports\ntitle: [non fermé\n")
    try:
        read_kit_files(kits_dir)
    except KitFileError as exc:
        errors = exc.errors
    else:
        raise AssertionError("broken files accepted")
    assert (
        "bilakoro.yaml, champ title : texte attendu, reçu le nombre 2013 (mettez la valeur entre guillemets)"
        in errors
    )
    assert any(e.startswith("bilakoro.yaml, champ theme : texte vide") for e in errors)
    assert "bilakoro.yaml, champ year : doit être compris entre 1990 et 2100 (reçu 1850)" in errors
    assert any(
        e.startswith("bilakoro.yaml, champ audience[1] : profession inconnue « astronaute »") for e in errors
    )
    assert any(e.startswith("bilakoro.yaml, champ accessible_versions[0] : « braille »") for e in errors)
    assert any(e.startswith("bilakoro.yaml, champ couleur : clé inconnue") for e in errors)
    assert any(e.startswith("transports.yaml, ligne 3") and "YAML illisible" in e for e in errors)


def test_slug_must_match_the_file_name_and_be_unique(kits_dir, app_ctx):
    text = (kits_dir / "anna.yaml").read_text()
    (kits_dir / "anna-bis.yaml").write_text(text)
    try:
        read_kit_files(kits_dir)
    except KitFileError as exc:
        assert exc.errors == [
            "anna-bis.yaml, champ slug : « anna » doit être identique au nom du fichier sans .yaml (« anna-bis »)"
        ]
    else:
        raise AssertionError("accepted")


def test_yaml_booleans_and_missing_keys_are_refused(kits_dir, app_ctx):
    path = kits_dir / "anna.yaml"
    path.write_text(path.read_text().replace("year: null", "year: yes").replace("booklet:", "livret:"))
    try:
        read_kit_files(kits_dir)
    except KitFileError as exc:
        assert "anna.yaml, champ year : nombre entier attendu, reçu le booléen true" in exc.errors
        assert any(e.startswith("anna.yaml, champ booklet : clé absente") for e in exc.errors)
    else:
        raise AssertionError("accepted")


def test_empty_or_missing_folder_archives_nothing(tmp_path, synced, app_ctx):
    for folder in (tmp_path / "vide", tmp_path / "absent"):
        if folder.name == "vide":
            folder.mkdir()
        try:
            sync_kits(folder)
        except KitFileError as exc:
            assert str(folder) in str(exc)
        else:
            raise AssertionError("accepted")
    assert not any(kit.is_archived for kit in _kits().values())


def test_removed_file_archives_the_kit_and_keeps_its_sessions(runner, kits_dir, make_session, app_ctx):
    assert runner.invoke(args=["kits", "sync", "--dossier", str(kits_dir)]).exit_code == 0
    bilakoro = _kits()["bilakoro"]
    make_session(kits=[bilakoro])
    (kits_dir / "bilakoro.yaml").unlink()
    result = runner.invoke(args=["kits", "sync", "--dossier", str(kits_dir)])
    assert result.exit_code == 0, result.output
    assert "Archivés (1) : bilakoro" in result.output
    kit = _kits()["bilakoro"]
    assert kit.is_archived and kit.film is not None
    # Restoring the file brings the kit back, as an update.
    again = runner.invoke(args=["kits", "sync", "--dossier", str(kits_dir)])
    assert "Archivés (0)" in again.output
    from trainer.config import KITS_DIR

    (kits_dir / "bilakoro.yaml").write_bytes((KITS_DIR / "bilakoro.yaml").read_bytes())
    back = runner.invoke(args=["kits", "sync", "--dossier", str(kits_dir)])
    assert "Mis à jour (1) : bilakoro" in back.output
    assert not _kits()["bilakoro"].is_archived


def test_kits_created_in_the_interface_are_never_archived(kits_dir, synced, app_ctx):
    db.session.add(Kit(slug="mon-outil", title="Mon outil", is_builtin=False))
    db.session.commit()
    report = sync_kits(kits_dir)
    assert report.archived == []
    assert not _kits()["mon-outil"].is_archived


def test_dry_run_stores_nothing(runner, app_ctx):
    result = runner.invoke(args=["kits", "sync", "--dry-run"])
    assert result.exit_code == 0
    assert "Simulation" in result.output and "Créés (7)" in result.output
    assert _counts() == (0, 0)


def test_components_keep_the_file_order(synced, app_ctx):
    kinds = [c.kind for c in _kits()["anna"].components]
    assert kinds[:2] == [ComponentKind.film, ComponentKind.booklet]
    assert set(kinds[2:]) == {ComponentKind.fiche_reflexe}
