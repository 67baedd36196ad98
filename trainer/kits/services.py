"""Kit catalogue: synchronisation of the ``kits/`` data files into the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from trainer.config import KITS_DIR
from trainer.extensions import db
from trainer.kits.models import AccessibleVersion, ComponentKind, Kit, KitAccessibleVersion, KitComponent
from trainer.referential.models import Profession


class KitFileError(Exception):
    """A kit data file is malformed; the message names the file, the field and the reason."""


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived)


def read_kit_files(directory: Path = KITS_DIR) -> dict[str, tuple[dict, str]]:
    """Parse and validate every ``*.yaml`` file: slug → (data, checksum)."""
    professions = set(db.session.scalars(sa.select(Profession.code)))
    kits: dict[str, tuple[dict, str]] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        raw = path.read_bytes()
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise KitFileError(f"{path.name} : YAML illisible ({exc.problem or exc})") from None
        validate_kit(path.name, data, professions)
        if data["slug"] in kits:
            raise KitFileError(
                f"{path.name}, champ slug : « {data['slug']} » est déjà utilisé par un autre fichier"
            )
        kits[data["slug"]] = (data, hashlib.sha256(raw).hexdigest())
    return kits


def validate_kit(name: str, data: object, professions: set[str]) -> None:
    def fail(field_name: str, reason: str) -> None:
        raise KitFileError(f"{name}, champ {field_name} : {reason}")

    if not isinstance(data, dict):
        raise KitFileError(f"{name} : le fichier doit décrire un objet (clé: valeur)")
    for key in ("slug", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            fail(key, "obligatoire, texte non vide")
    if Path(name).stem != data["slug"]:
        fail("slug", f"doit être identique au nom du fichier ({Path(name).stem})")
    if data.get("year") is not None and not (isinstance(data["year"], int) and 1990 <= data["year"] <= 2100):
        fail("year", "année entre 1990 et 2100, ou vide")
    audience = data.get("audience") or []
    if not isinstance(audience, list):
        fail("audience", "liste de codes de profession attendue")
    for code in audience:
        if code not in professions:
            fail("audience", f"profession inconnue « {code} »")
    film = data.get("film")
    if film is not None:
        if not isinstance(film, dict) or not isinstance(film.get("title"), str):
            fail("film.title", "obligatoire quand un film est décrit")
        duration = film.get("duration_minutes")
        if duration is not None and not (isinstance(duration, int) and duration > 0):
            fail("film.duration_minutes", "nombre entier de minutes positif, ou vide")
        for key in ("cast", "cofunders"):
            if not isinstance(film.get(key) or [], list):
                fail(f"film.{key}", "liste de noms attendue")
    booklet = data.get("booklet")
    if booklet is not None and (not isinstance(booklet, dict) or not isinstance(booklet.get("title"), str)):
        fail("booklet.title", "obligatoire quand un livret est décrit")
    for index, fiche in enumerate(data.get("fiches_reflexes") or []):
        if not isinstance(fiche, dict) or fiche.get("profession") not in professions:
            fail(f"fiches_reflexes[{index}].profession", "code de profession inconnu ou absent")
        if not isinstance(fiche.get("title"), str):
            fail(f"fiches_reflexes[{index}].title", "obligatoire")
    allowed = {v.value for v in AccessibleVersion}
    for version in data.get("accessible_versions") or []:
        if version not in allowed:
            fail(
                "accessible_versions",
                f"« {version} » n'est pas une version connue ({', '.join(sorted(allowed))})",
            )


def sync_kits(directory: Path = KITS_DIR) -> SyncReport:
    """Create, update or archive built-in kits to match the data files. Flushes, never commits.

    Raises KitFileError before changing anything when a file is malformed.
    """
    files = read_kit_files(directory)
    report = SyncReport()
    existing = {kit.slug: kit for kit in db.session.scalars(sa.select(Kit))}
    professions = {p.code: p for p in db.session.scalars(sa.select(Profession))}
    for slug, (data, checksum) in files.items():
        kit = existing.get(slug)
        if kit is None:
            kit = Kit(slug=slug, is_builtin=True)
            db.session.add(kit)
            report.created.append(slug)
        elif kit.source_checksum == checksum and not kit.is_archived:
            report.unchanged.append(slug)
            continue
        else:
            report.updated.append(slug)
        _apply(kit, data, checksum, professions)
    for slug, kit in existing.items():
        if kit.is_builtin and slug not in files and not kit.is_archived:
            kit.is_archived = True  # sessions refer to it: archive, never delete
            report.archived.append(slug)
    db.session.flush()
    return report


def _apply(kit: Kit, data: dict, checksum: str, professions: dict[str, Profession]) -> None:
    kit.title = data["title"].strip()
    kit.theme = (data.get("theme") or "").strip()
    kit.summary = (data.get("summary") or "").strip()
    kit.year = data.get("year")
    kit.is_builtin = True
    kit.is_archived = False
    kit.source_checksum = checksum
    kit.audience = [professions[code] for code in dict.fromkeys(data.get("audience") or [])]
    kit.components.clear()
    position = 0
    if film := data.get("film"):
        kit.components.append(
            KitComponent(
                kind=ComponentKind.film,
                title=film["title"],
                duration_minutes=film.get("duration_minutes"),
                director=film.get("director"),
                cast=" | ".join(film.get("cast") or []),
                cofunders=" | ".join(film.get("cofunders") or []),
                position=position,
            )
        )
        position += 1
    if booklet := data.get("booklet"):
        kit.components.append(
            KitComponent(
                kind=ComponentKind.booklet,
                title=booklet["title"],
                description=booklet.get("description") or "",
                position=position,
            )
        )
        position += 1
    for fiche in data.get("fiches_reflexes") or []:
        kit.components.append(
            KitComponent(
                kind=ComponentKind.fiche_reflexe,
                title=fiche["title"],
                profession_code=fiche["profession"],
                position=position,
            )
        )
        position += 1
    wanted = [AccessibleVersion(v) for v in dict.fromkeys(data.get("accessible_versions") or [])]
    # Diff rather than replace: a delete and re-insert of the same kind would hit the unique key.
    for version in list(kit.accessible_versions):
        if version.kind not in wanted:
            kit.accessible_versions.remove(version)
    have = {version.kind for version in kit.accessible_versions}
    kit.accessible_versions.extend(KitAccessibleVersion(kind=kind) for kind in wanted if kind not in have)
