"""The kit catalogue, its resources and kit-pack requests."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.db_types import UTCDateTime, enum_checks, enum_column, now_utc
from trainer.extensions import Model
from trainer.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from trainer.auth.models import User
    from trainer.referential.models import Profession


kit_audience = sa.Table(
    "kit_audience",
    Model.metadata,
    sa.Column("kit_id", sa.ForeignKey("kits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("profession_code", sa.ForeignKey("professions.code"), primary_key=True),
)


class AccessibleVersion(enum.StrEnum):
    sign_language = "sign_language"
    subtitles_fr = "subtitles_fr"
    subtitles_en = "subtitles_en"
    audio_description = "audio_description"

    @property
    def label(self) -> str:
        return str(ACCESSIBLE_VERSION_LABELS[self])


ACCESSIBLE_VERSION_LABELS = {
    AccessibleVersion.sign_language: _l("Langue des signes française"),
    AccessibleVersion.subtitles_fr: _l("Sous-titres en français"),
    AccessibleVersion.subtitles_en: _l("Sous-titres en anglais"),
    AccessibleVersion.audio_description: _l("Audiodescription"),
}


class Kit(Model):
    """A pedagogical kit (film, booklet, fiches réflexes); synchronised from ``kits/``."""

    __tablename__ = "kits"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str] = mapped_column(sa.String(200), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    year: Mapped[int | None]
    # Built-in kits come from kits/*.yaml; their catalogue data is owned by the file.
    is_builtin: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)
    source_checksum: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    audience: Mapped[list[Profession]] = relationship(secondary=kit_audience, order_by="Profession.position")
    components: Mapped[list[KitComponent]] = relationship(
        back_populates="kit", cascade="all, delete-orphan", order_by="KitComponent.position"
    )
    accessible_versions: Mapped[list[KitAccessibleVersion]] = relationship(
        back_populates="kit", cascade="all, delete-orphan"
    )
    resources: Mapped[list[KitResource]] = relationship(
        back_populates="kit", cascade="all, delete-orphan", order_by="KitResource.created_at"
    )

    def __repr__(self) -> str:
        return f"<Kit {self.slug}>"

    def _component(self, kind: ComponentKind) -> KitComponent | None:
        return next((c for c in self.components if c.kind == kind), None)

    @property
    def film(self) -> KitComponent | None:
        return self._component(ComponentKind.film)

    @property
    def booklet(self) -> KitComponent | None:
        return self._component(ComponentKind.booklet)

    @property
    def fiches(self) -> list[KitComponent]:
        return [c for c in self.components if c.kind == ComponentKind.fiche_reflexe]

    @property
    def fiche_groups(self) -> list[tuple[str, list[KitComponent]]]:
        """Fiches sharing a title (one document for police and gendarmes) shown once."""
        groups: dict[str, list[KitComponent]] = {}
        for fiche in self.fiches:
            groups.setdefault(fiche.title, []).append(fiche)
        return list(groups.items())

    @property
    def version_kinds(self) -> list[AccessibleVersion]:
        kinds = {v.kind for v in self.accessible_versions}
        return [kind for kind in AccessibleVersion if kind in kinds]


class ComponentKind(enum.StrEnum):
    film = "film"
    booklet = "booklet"
    fiche_reflexe = "fiche_reflexe"


class KitComponent(Model):
    """A part of a kit: its film, its booklet, or a fiche réflexe for one profession."""

    __tablename__ = "kit_components"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="positive_duration"),
        *enum_checks(kind=ComponentKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(sa.ForeignKey("kits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ComponentKind] = mapped_column(enum_column(ComponentKind))
    title: Mapped[str] = mapped_column(sa.String(250))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    profession_code: Mapped[str | None] = mapped_column(sa.ForeignKey("professions.code"))
    duration_minutes: Mapped[int | None]
    director: Mapped[str | None] = mapped_column(sa.String(200))
    cast: Mapped[str] = mapped_column(sa.Text, default="")  # names separated by " | "
    cofunders: Mapped[str] = mapped_column(sa.Text, default="")  # names separated by " | "
    position: Mapped[int] = mapped_column(default=0)

    kit: Mapped[Kit] = relationship(back_populates="components")
    profession: Mapped[Profession | None] = relationship()

    @property
    def cast_names(self) -> list[str]:
        return [name for name in (self.cast or "").split(" | ") if name]

    @property
    def cofunder_names(self) -> list[str]:
        return [name for name in (self.cofunders or "").split(" | ") if name]


class KitAccessibleVersion(Model):
    """One accessible version a kit's film exists in."""

    __tablename__ = "kit_accessible_versions"
    __table_args__ = (sa.UniqueConstraint("kit_id", "kind"), *enum_checks(kind=AccessibleVersion))

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(sa.ForeignKey("kits.id", ondelete="CASCADE"))
    kind: Mapped[AccessibleVersion] = mapped_column(enum_column(AccessibleVersion))

    kit: Mapped[Kit] = relationship(back_populates="accessible_versions")


class ResourceKind(enum.StrEnum):
    file = "file"
    link = "link"


class KitResource(Model):
    """A downloadable file (stored under a generated name) or an external link of a kit."""

    __tablename__ = "kit_resources"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'file' AND stored_name IS NOT NULL) OR (kind = 'link' AND url IS NOT NULL)",
            name="file_or_link",
        ),
        *enum_checks(kind=ResourceKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(sa.ForeignKey("kits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ResourceKind] = mapped_column(enum_column(ResourceKind))
    title: Mapped[str] = mapped_column(sa.String(250))
    url: Mapped[str | None] = mapped_column(sa.String(1000))
    stored_name: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    original_filename: Mapped[str | None] = mapped_column(sa.String(250))
    content_type: Mapped[str | None] = mapped_column(sa.String(120))
    size_bytes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    kit: Mapped[Kit] = relationship(back_populates="resources")
    created_by: Mapped[User | None] = relationship()

    @property
    def size_label(self) -> str:
        size = self.size_bytes or 0
        if size >= 1024 * 1024:
            return _("%(size)s Mo", size=f"{size / (1024 * 1024):.1f}".replace(".", ","))
        return _("%(size)s ko", size=max(1, round(size / 1024)))

    @property
    def extension(self) -> str:
        return (self.stored_name or "").rsplit(".", 1)[-1].upper()


class PackRequestStatus(enum.StrEnum):
    received = "received"
    sent = "sent"
    refused = "refused"

    @property
    def label(self) -> str:
        return {"received": _("Reçue"), "sent": _("Envoyée"), "refused": _("Refusée")}[self.value]


class PackDelivery(enum.StrEnum):
    postal = "postal"
    download = "download"


kit_pack_request_kits = sa.Table(
    "kit_pack_request_kits",
    Model.metadata,
    sa.Column("request_id", sa.ForeignKey("kit_pack_requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kit_id", sa.ForeignKey("kits.id", ondelete="RESTRICT"), primary_key=True),
)


class KitPackRequest(Model):
    """A request for a pack of tools ("pack d'outils"), handled by coordinators."""

    __tablename__ = "kit_pack_requests"
    __table_args__ = (
        sa.CheckConstraint("quantity BETWEEN 1 AND 10000", name="quantity_range"),
        sa.CheckConstraint("delivery = 'download' OR postal_address IS NOT NULL", name="address_for_post"),
        sa.Index(None, "status", "sent_on"),
        *enum_checks(delivery=PackDelivery, status=PackRequestStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_name: Mapped[str] = mapped_column(sa.String(200))
    requester_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    delivery: Mapped[PackDelivery] = mapped_column(enum_column(PackDelivery))
    postal_address: Mapped[str | None] = mapped_column(sa.Text)
    department_code: Mapped[str | None] = mapped_column(sa.ForeignKey("departments.code"))
    audience: Mapped[str] = mapped_column(sa.Text, default="")
    quantity: Mapped[int] = mapped_column(default=1)
    status: Mapped[PackRequestStatus] = mapped_column(
        enum_column(PackRequestStatus), default=PackRequestStatus.received
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_on: Mapped[date | None] = mapped_column(sa.Date)
    refused_on: Mapped[date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    kits: Mapped[list[Kit]] = relationship(secondary=kit_pack_request_kits, order_by="Kit.title")
    handled_by: Mapped[User | None] = relationship()

    @property
    def delivery_label(self) -> str:
        return _("Par la poste") if self.delivery == PackDelivery.postal else _("Téléchargement")
