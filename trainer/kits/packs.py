"""Kit-pack requests ("packs d'outils"): the public request, the coordinators' queue, the count.

A request goes received → sent or received → refused, once; the requester is e-mailed at each
step. The reports count the requests whose ``sent_on`` falls in the period (product.md §3,
"Packs sent").
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from trainer import audit
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.kits.models import Kit, KitPackRequest, PackDelivery, PackRequestStatus, kit_pack_request_kits
from trainer.kits.services import KitError
from trainer.mail import send_mail
from trainer.referential.models import Department
from trainer.text import normalise_email
from trainer.urls import external_url

log = logging.getLogger(__name__)

PUBLIC_ACTOR = "formulaire public"
DUPLICATE_WINDOW = timedelta(minutes=10)


@dataclass
class PackRequestData:
    """A pack request as typed in the public form."""

    organisation_name: str
    requester_name: str
    email: str
    delivery: str
    kit_slugs: list[str]
    postal_address: str = ""
    department_code: str = ""
    audience: str = ""
    quantity: int = 1


def create_request(data: PackRequestData, *, actor: Any = PUBLIC_ACTOR) -> tuple[KitPackRequest, bool]:
    """Record a pack request in the "received" state; returns (request, created).

    The same request sent again within a few minutes (a double click, a reloaded page) is not
    stored twice: the first one is returned with ``created`` False. Flushes, never commits.
    """
    delivery = PackDelivery(data.delivery)
    address = (data.postal_address or "").strip()
    if delivery == PackDelivery.postal and not address:
        raise KitError(_("Indiquez l'adresse postale à laquelle envoyer le pack."))
    if not 1 <= data.quantity <= 10_000:
        raise KitError(_("Le nombre d'exemplaires doit être compris entre 1 et 10 000."))
    slugs = list(dict.fromkeys(data.kit_slugs))
    kits = list(db.session.scalars(sa.select(Kit).where(Kit.slug.in_(slugs), Kit.is_archived.is_(False))))
    if not slugs or len(kits) != len(slugs):
        raise KitError(_("Choisissez au moins un outil parmi ceux du catalogue."))
    department = None
    if data.department_code:
        department = db.session.get(Department, data.department_code)
        if department is None:
            raise KitError(_("Département inconnu."))
    duplicate = _recent_duplicate(data, kits)
    if duplicate is not None:
        return duplicate, False
    pack_request = KitPackRequest(
        organisation_name=" ".join(data.organisation_name.split()),
        requester_name=" ".join(data.requester_name.split()),
        email=normalise_email(data.email) or "",
        delivery=delivery,
        postal_address=address if delivery == PackDelivery.postal else None,
        department_code=department.code if department else None,
        audience=(data.audience or "").strip(),
        quantity=data.quantity,
        status=PackRequestStatus.received,
    )
    pack_request.kits = kits
    db.session.add(pack_request)
    db.session.flush()
    audit.record(
        "kit_pack_request.create",
        pack_request,
        actor=actor,
        summary=f"{pack_request.organisation_name} : {', '.join(k.slug for k in kits)}",
    )
    return pack_request, True


def _recent_duplicate(data: PackRequestData, kits: list[Kit]) -> KitPackRequest | None:
    candidates = db.session.scalars(
        sa.select(KitPackRequest)
        .where(
            KitPackRequest.email == (normalise_email(data.email) or ""),
            KitPackRequest.organisation_name == " ".join(data.organisation_name.split()),
            KitPackRequest.status == PackRequestStatus.received,
            KitPackRequest.received_at >= now_utc() - DUPLICATE_WINDOW,
        )
        .order_by(KitPackRequest.id)
    )
    wanted = {kit.id for kit in kits}
    for candidate in candidates:
        if {kit.id for kit in candidate.kits} == wanted and candidate.quantity == data.quantity:
            return candidate
    return None


def _handled_on(pack_request: KitPackRequest, on: date | None, today: date, *, refused: bool) -> date:
    if pack_request.status != PackRequestStatus.received:
        raise KitError(
            _(
                "Cette demande a déjà été traitée (statut : %(status)s) ; rechargez la page pour voir son état.",
                status=pack_request.status.label.lower(),
            )
        )
    if on is None:
        raise KitError(_("Indiquez la date du refus.") if refused else _("Indiquez la date d'envoi."))
    if on > today:
        raise KitError(
            _("La date du refus ne peut pas être dans le futur.")
            if refused
            else _("La date d'envoi ne peut pas être dans le futur.")
        )
    if on < pack_request.received_at.date():
        raise KitError(
            _("La date du refus ne peut pas précéder la réception de la demande.")
            if refused
            else _("La date d'envoi ne peut pas précéder la réception de la demande.")
        )
    return on


def mark_sent(
    pack_request: KitPackRequest, *, sent_on: date | None, notes: str, actor: Any, today: date
) -> None:
    """received → sent, with the date the pack went out (counted in reports on that date)."""
    pack_request.sent_on = _handled_on(pack_request, sent_on, today, refused=False)
    pack_request.status = PackRequestStatus.sent
    pack_request.notes = (notes or "").strip()
    pack_request.handled_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "kit_pack_request.sent",
        pack_request,
        actor=actor,
        summary=f"envoyée le {pack_request.sent_on:%d/%m/%Y}",
    )


def mark_refused(
    pack_request: KitPackRequest, *, refused_on: date | None, notes: str, actor: Any, today: date
) -> None:
    """received → refused; the reason is kept in the notes."""
    if not (notes or "").strip():
        raise KitError(_("Indiquez la raison du refus dans les notes."))
    pack_request.refused_on = _handled_on(pack_request, refused_on, today, refused=True)
    pack_request.status = PackRequestStatus.refused
    pack_request.notes = notes.strip()
    pack_request.handled_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "kit_pack_request.refused",
        pack_request,
        actor=actor,
        summary=f"refusée le {pack_request.refused_on:%d/%m/%Y}",
    )


def _status_subject(pack_request: KitPackRequest) -> str:
    if pack_request.status == PackRequestStatus.received:
        return "Votre demande de pack d'outils a bien été reçue"
    if pack_request.status == PackRequestStatus.refused:
        return "Votre demande de pack d'outils n'a pas pu être acceptée"
    if pack_request.delivery == PackDelivery.postal:
        return "Votre pack d'outils a été envoyé"
    return "Vos outils de formation sont à télécharger"


def send_status_mail(pack_request: KitPackRequest) -> bool:
    """E-mail the requester where their request stands (received, sent or refused).

    Called once the change is committed: a message the mail server refuses does not undo it;
    returns False then, so that the coordinator can write to the requester themselves.
    """
    # Straight from the Jinja environment, as the cron and CLI senders do.
    template = current_app.jinja_env.get_template(f"kits/emails/pack_request_{pack_request.status.value}.txt")
    text = template.render(
        pack_request=pack_request,
        received_on=pack_request.received_at.astimezone(ZoneInfo("Europe/Paris")).date(),
        kit_urls={  # an archived kit has no public page any more
            kit.slug: external_url("kits.detail", slug=kit.slug)
            for kit in pack_request.kits
            if not kit.is_archived
        },
        catalogue_url=external_url("kits.catalogue"),
    )
    try:
        send_mail(pack_request.email, _status_subject(pack_request), text)
    except (OSError, smtplib.SMTPException):
        log.warning("kit pack request %s: mail refused", pack_request.id)
        return False
    return True


@dataclass(frozen=True)
class PacksSent:
    """Packs sent in a period: every request once in ``total``, once per kit in ``per_kit``."""

    total: int
    per_kit: dict[str, int] = field(default_factory=dict)
    per_year: dict[int, int] = field(default_factory=dict)
    per_kit_and_year: dict[tuple[int, str], int] = field(default_factory=dict)


def packs_sent(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    region_code: str | None = None,
    department_code: str | None = None,
    kit_slug: str | None = None,
) -> PacksSent:
    """Requests marked sent whose ``sent_on`` is in [date_from, date_to], per kit and per year.

    Territory filters apply to the requester's department; a request with no department is
    counted only when no territory is asked for.
    """
    conditions = [KitPackRequest.status == PackRequestStatus.sent, KitPackRequest.sent_on.is_not(None)]
    if date_from:
        conditions.append(KitPackRequest.sent_on >= date_from)
    if date_to:
        conditions.append(KitPackRequest.sent_on <= date_to)
    if department_code:
        conditions.append(KitPackRequest.department_code == department_code)
    if region_code:
        region_departments = sa.select(Department.code).where(Department.region_code == region_code)
        conditions.append(KitPackRequest.department_code.in_(region_departments))
    if kit_slug:
        with_kit = (
            sa.select(kit_pack_request_kits.c.request_id)
            .join(Kit, Kit.id == kit_pack_request_kits.c.kit_id)
            .where(Kit.slug == kit_slug)
        )
        conditions.append(KitPackRequest.id.in_(with_kit))
    year = sa.extract("year", KitPackRequest.sent_on)

    per_year_rows = db.session.execute(
        sa.select(year, sa.func.count(KitPackRequest.id)).where(*conditions).group_by(year).order_by(year)
    )
    per_year = {int(y): n for y, n in per_year_rows}
    kit_rows = db.session.execute(
        sa.select(year, Kit.slug, sa.func.count(KitPackRequest.id))
        .join(kit_pack_request_kits, kit_pack_request_kits.c.request_id == KitPackRequest.id)
        .join(Kit, Kit.id == kit_pack_request_kits.c.kit_id)
        .where(*conditions, *([Kit.slug == kit_slug] if kit_slug else []))
        .group_by(year, Kit.slug)
        .order_by(year, Kit.slug)
    )
    per_kit_and_year = {(int(y), slug): n for y, slug, n in kit_rows}
    per_kit: dict[str, int] = {}
    for (_year, slug), n in per_kit_and_year.items():
        per_kit[slug] = per_kit.get(slug, 0) + n
    return PacksSent(sum(per_year.values()), per_kit, per_year, per_kit_and_year)
