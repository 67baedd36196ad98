"""Kit catalogue: synchronisation of the ``kits/`` data files into the database.

The data files own the catalogue fields of the built-in kits: a sync overwrites whatever was
edited in the interface for those kits. Kits created in the interface are never touched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.config import KITS_DIR
from trainer.extensions import db
from trainer.kits.models import AccessibleVersion, ComponentKind, Kit, KitAccessibleVersion, KitComponent
from trainer.kits.schema import validate_kit
from trainer.referential.models import Profession

MAX_FILE_BYTES = 256 * 1024


class KitError(Exception):
    """A kit operation was refused; ``str(exc)`` is a French message safe to show."""


class KitFileError(KitError):
    """One or more kit data files are malformed; each message names the file, field and reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class SyncReport:
    """What a synchronisation did, slug by slug."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived)


def read_kit_files(directory: Path = KITS_DIR) -> dict[str, tuple[dict, str]]:
    """Parse and validate every ``*.yaml`` file of ``directory``: slug → (data, checksum).

    Raises KitFileError listing every problem of every file; nothing is returned half-checked.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise KitFileError([f"{directory} : dossier des outils introuvable"])
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        # Archiving every kit because of a wrong folder would be worse than refusing.
        raise KitFileError([f"{directory} : aucun fichier .yaml, rien n'a été synchronisé"])
    professions = set(db.session.scalars(sa.select(Profession.code)))
    errors: list[str] = []
    kits: dict[str, tuple[dict, str]] = {}
    for path in paths:
        data, checksum, problems = _read_one(path, professions)
        errors.extend(problems)
        if problems:
            continue
        if data["slug"] in kits:
            errors.append(
                f"{path.name}, champ slug : « {data['slug']} » est déjà utilisé par un autre fichier"
            )
            continue
        kits[data["slug"]] = (data, checksum)
    if errors:
        raise KitFileError(errors)
    return kits


def _read_one(path: Path, professions: set[str]) -> tuple[Any, str, list[str]]:
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        return (
            None,
            "",
            [f"{path.name} : fichier trop volumineux ({len(raw)} octets, {MAX_FILE_BYTES} au plus)"],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, "", [f"{path.name} : le fichier doit être encodé en UTF-8 (octet {exc.start})"]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, "", [f"{path.name}{where} : YAML illisible ({reason})"]
    return data, hashlib.sha256(raw).hexdigest(), validate_kit(path.name, data, professions)


def sync_kits(directory: Path = KITS_DIR, *, actor: Any = None) -> SyncReport:
    """Create, update or archive built-in kits to match the data files. Flushes, never commits.

    Idempotent: a kit whose database state already matches its file is left alone. Raises
    KitFileError before changing anything when any file is malformed.
    """
    files = read_kit_files(directory)
    report = SyncReport()
    existing = {
        kit.slug: kit
        for kit in db.session.scalars(
            sa.select(Kit).options(
                selectinload(Kit.audience),
                selectinload(Kit.components),
                selectinload(Kit.accessible_versions),
            )
        )
    }
    professions = {p.code: p for p in db.session.scalars(sa.select(Profession))}
    for slug, (data, checksum) in files.items():
        kit = existing.get(slug)
        if kit is None:
            kit = Kit(slug=slug, is_builtin=True)
            db.session.add(kit)
            report.created.append(slug)
            action = "kit.sync_create"
        elif current_state(kit) == desired_state(data):
            report.unchanged.append(slug)
            continue
        else:
            report.updated.append(slug)
            action = "kit.sync_update"
        _apply(kit, data, checksum, professions)
        db.session.flush()
        audit.record(action, kit, actor=actor, summary=f"{slug} depuis {slug}.yaml")
    for slug, kit in sorted(existing.items()):
        if kit.is_builtin and slug not in files and not kit.is_archived:
            kit.is_archived = True  # sessions refer to it: archive, never delete
            report.archived.append(slug)
            audit.record("kit.sync_archive", kit, actor=actor, summary=f"{slug}.yaml a disparu du dossier")
    db.session.flush()
    return report


def desired_state(data: dict) -> dict:
    """The catalogue fields a data file asks for, in a form comparable with ``current_state``."""
    components = []
    if film := data.get("film"):
        components.append(
            (
                ComponentKind.film.value,
                film["title"].strip(),
                "",
                None,
                film.get("duration_minutes"),
                (film.get("director") or "").strip() or None,
                " | ".join(n.strip() for n in film.get("cast") or []),
                " | ".join(n.strip() for n in film.get("cofunders") or []),
            )
        )
    if booklet := data.get("booklet"):
        components.append(
            (ComponentKind.booklet.value, booklet["title"].strip(), booklet["description"].strip())
            + (None, None, None, "", "")
        )
    for fiche in data.get("fiches_reflexes") or []:
        components.append(
            (ComponentKind.fiche_reflexe.value, fiche["title"].strip(), "", fiche["profession"])
            + (None, None, "", "")
        )
    return {
        "title": data["title"].strip(),
        "theme": data["theme"].strip(),
        "summary": data["summary"].strip(),
        "year": data.get("year"),
        "audience": frozenset(data.get("audience") or []),
        "components": tuple(components),
        "versions": frozenset(data.get("accessible_versions") or []),
        "is_builtin": True,
        "is_archived": False,
    }


def current_state(kit: Kit) -> dict:
    """The same fields as ``desired_state``, read from the database."""
    return {
        "title": kit.title,
        "theme": kit.theme,
        "summary": kit.summary,
        "year": kit.year,
        "audience": frozenset(p.code for p in kit.audience),
        "components": tuple(
            (
                c.kind.value,
                c.title,
                c.description,
                c.profession_code,
                c.duration_minutes,
                c.director,
                c.cast,
                c.cofunders,
            )
            for c in sorted(kit.components, key=lambda c: c.position)
        ),
        "versions": frozenset(v.kind.value for v in kit.accessible_versions),
        "is_builtin": kit.is_builtin,
        "is_archived": kit.is_archived,
    }


def _apply(kit: Kit, data: dict, checksum: str, professions: dict[str, Profession]) -> None:
    state = desired_state(data)
    kit.title = state["title"]
    kit.theme = state["theme"]
    kit.summary = state["summary"]
    kit.year = state["year"]
    kit.is_builtin = True
    kit.is_archived = False
    kit.source_checksum = checksum
    kit.audience = [professions[code] for code in dict.fromkeys(data.get("audience") or [])]
    kit.components.clear()
    for position, row in enumerate(state["components"]):
        kind, title, description, profession_code, duration, director, cast, cofunders = row
        kit.components.append(
            KitComponent(
                kind=ComponentKind(kind),
                title=title,
                description=description,
                profession_code=profession_code,
                duration_minutes=duration,
                director=director,
                cast=cast,
                cofunders=cofunders,
                position=position,
            )
        )
    set_accessible_versions(kit, [AccessibleVersion(v) for v in data.get("accessible_versions") or []])


def set_accessible_versions(kit: Kit, wanted: list[AccessibleVersion]) -> None:
    """Diff rather than replace: deleting and re-inserting a kind would hit the unique key."""
    for version in list(kit.accessible_versions):
        if version.kind not in wanted:
            kit.accessible_versions.remove(version)
    have = {version.kind for version in kit.accessible_versions}
    kit.accessible_versions.extend(
        KitAccessibleVersion(kind=kind) for kind in dict.fromkeys(wanted) if kind not in have
    )
