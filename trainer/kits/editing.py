"""Editing a kit's catalogue data in the interface.

Built-in kits can be edited too, but ``trainer kits sync`` puts their data file back: the
file is the source of truth for them. Kits created here belong to the interface alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import audit
from trainer.extensions import db
from trainer.kits.models import AccessibleVersion, ComponentKind, Kit, KitComponent
from trainer.kits.schema import RESERVED_SLUGS
from trainer.kits.services import KitError, set_accessible_versions
from trainer.referential.models import Profession
from trainer.text import normalise


@dataclass
class FilmData:
    """The film of a kit as typed in the form; lists are names, one per line."""

    title: str
    duration_minutes: int | None = None
    director: str = ""
    cast: list[str] = field(default_factory=list)
    cofunders: list[str] = field(default_factory=list)


@dataclass
class KitData:
    """The catalogue fields of a kit as typed in the form."""

    title: str
    theme: str
    summary: str
    year: int | None = None
    audience: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    film: FilmData | None = None
    booklet_title: str = ""
    booklet_description: str = ""


def slug_for(title: str) -> str:
    """A free slug from a title: « Les Mots de Léa » → les-mots-de-lea (then -2, -3… if taken)."""
    base = "".join(c if c.isalnum() else "-" for c in normalise(title))
    base = "-".join(part for part in base.split("-") if part)[:50] or "outil"
    candidate, number = base, 1
    taken = set(db.session.scalars(sa.select(Kit.slug).where(Kit.slug.startswith(base))))
    while candidate in taken or candidate in RESERVED_SLUGS:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def create_kit(data: KitData, *, actor: Any) -> Kit:
    """Create a kit that lives in the interface only (not built-in). Flushes, never commits."""
    kit = Kit(slug=slug_for(data.title), is_builtin=False, is_archived=False)
    _apply(kit, data)  # before add(): its queries would autoflush a kit without a title
    db.session.add(kit)
    db.session.flush()
    audit.record("kit.create", kit, actor=actor, summary=f"{kit.slug} : {kit.title}")
    return kit


def update_kit(kit: Kit, data: KitData, *, actor: Any) -> Kit:
    """Replace a kit's catalogue fields (not its fiches réflexes nor its resources)."""
    _apply(kit, data)
    db.session.flush()
    note = " (outil intégré : le fichier kits/ reprendra la main à la prochaine synchronisation)"
    audit.record("kit.update", kit, actor=actor, summary=kit.slug + (note if kit.is_builtin else ""))
    return kit


def _apply(kit: Kit, data: KitData) -> None:
    title = data.title.strip()
    if not title:
        raise KitError(_("Le titre de l'outil est obligatoire."))
    professions = _professions(data.audience)
    kit.title = title
    kit.theme = data.theme.strip()
    kit.summary = data.summary.strip()
    kit.year = data.year
    kit.audience = professions
    set_accessible_versions(kit, [AccessibleVersion(v) for v in data.versions])
    fiches = [c for c in kit.components if c.kind == ComponentKind.fiche_reflexe]
    others: list[KitComponent] = []
    if data.film and data.film.title.strip():
        others.append(
            KitComponent(
                kind=ComponentKind.film,
                title=data.film.title.strip(),
                duration_minutes=data.film.duration_minutes,
                director=data.film.director.strip() or None,
                cast=" | ".join(_names(data.film.cast)),
                cofunders=" | ".join(_names(data.film.cofunders)),
            )
        )
    if data.booklet_title.strip():
        others.append(
            KitComponent(
                kind=ComponentKind.booklet,
                title=data.booklet_title.strip(),
                description=data.booklet_description.strip(),
            )
        )
    kit.components[:] = others + fiches
    _renumber(kit)


def _professions(codes: list[str]) -> list[Profession]:
    wanted = list(dict.fromkeys(codes))
    found = {p.code: p for p in db.session.scalars(sa.select(Profession).where(Profession.code.in_(wanted)))}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise KitError(_("Profession inconnue : %(codes)s.", codes=", ".join(unknown)))
    return [found[code] for code in wanted]


def _names(lines: list[str]) -> list[str]:
    return [" ".join(line.replace("|", " ").split()) for line in lines if line.strip()]


def _renumber(kit: Kit) -> None:
    for position, component in enumerate(kit.components):
        component.position = position


def add_fiche(kit: Kit, *, profession_code: str, title: str, actor: Any) -> KitComponent:
    """Add the fiche réflexe of one profession; one fiche per profession and kit."""
    profession = db.session.get(Profession, profession_code or "")
    if profession is None:
        raise KitError(_("Choisissez la profession à laquelle la fiche réflexe est destinée."))
    if not title.strip():
        raise KitError(_("Le titre de la fiche réflexe est obligatoire."))
    if any(
        c.kind == ComponentKind.fiche_reflexe and c.profession_code == profession.code for c in kit.components
    ):
        raise KitError(
            _(
                "Cet outil a déjà une fiche réflexe pour la profession « %(profession)s ».",
                profession=profession.label,
            )
        )
    fiche = KitComponent(
        kind=ComponentKind.fiche_reflexe, title=title.strip(), profession_code=profession.code
    )
    kit.components.append(fiche)
    _renumber(kit)
    db.session.flush()
    audit.record("kit.fiche_add", kit, actor=actor, summary=f"{kit.slug} : fiche {profession.code}")
    return fiche


def remove_fiche(kit: Kit, component_id: int, *, actor: Any) -> None:
    """Remove one fiche réflexe of the kit (404-like error when it is not one of its fiches)."""
    fiche = next(
        (c for c in kit.components if c.id == component_id and c.kind == ComponentKind.fiche_reflexe), None
    )
    if fiche is None:
        raise KitError(_("Cette fiche réflexe n'existe pas ou a déjà été retirée."))
    kit.components.remove(fiche)
    _renumber(kit)
    db.session.flush()
    audit.record("kit.fiche_remove", kit, actor=actor, summary=f"{kit.slug} : fiche {fiche.profession_code}")


def set_archived(kit: Kit, archived: bool, *, actor: Any) -> None:
    """Archive or restore a kit created in the interface; built-in kits follow their data file."""
    if kit.is_builtin:
        raise KitError(
            _(
                "Un outil intégré est archivé en retirant son fichier du dossier kits/ puis en lançant "
                "« trainer kits sync »."
            )
        )
    if kit.is_archived == archived:
        return
    kit.is_archived = archived
    db.session.flush()
    audit.record("kit.archive" if archived else "kit.restore", kit, actor=actor, summary=kit.slug)
