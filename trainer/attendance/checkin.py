"""QR self check-in: a code that changes every minute, the slot's time window, one mark per attendee.

The code is an HMAC of the secret key, the slot id and the minute counter: the server needs no
state to check it, and a photo of the QR code sent outside the room stops working after the next
minute (the current and the previous minute are accepted). Once the code has been checked, the
attendee's form carries a signed pass valid for a few minutes, so a slow signer is not refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from trainer import audit
from trainer.attendance import services
from trainer.attendance.labels import slot_label, time_fr
from trainer.attendance.models import AttendanceMark, MarkMethod, MarkStatus
from trainer.attendance.services import AttendanceError, ensure_editable, refresh_completion
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.people.models import Person
from trainer.sessions.models import Registration, RegistrationStatus, SessionSlot, SessionStatus
from trainer.text import normalise_email

# Digits and capitals without 0/O, 1/I/L: easy to read aloud and to type on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
DEFAULT_OPENS_BEFORE_MINUTES = 30
DEFAULT_CLOSES_AFTER_MINUTES = 0
DEFAULT_PASS_MINUTES = 15
ALREADY_SIGNED = _l("Votre présence à ce créneau est déjà enregistrée : inutile de signer à nouveau.")


class CheckInError(AttendanceError):
    """The check-in is refused; ``str(exc)`` is a French message for the attendee."""


def minute_counter(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // 60)


def slot_code(slot_id: int, minute: int) -> str:
    """The short code of a slot for one minute."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"checkin:{slot_id}:{minute}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _position in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def current_code(slot_id: int, now: float | None = None) -> str:
    return slot_code(slot_id, minute_counter(now))


def clean_code(text: str | None) -> str:
    """What a person typed, made comparable: capitals, no spaces or dashes, O→0 is not needed."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[: CODE_LENGTH + 4]


def code_is_valid(slot_id: int, code: str | None, now: float | None = None) -> bool:
    """Whether ``code`` is the slot's code of this minute or of the previous one."""
    code = clean_code(code)
    if len(code) != CODE_LENGTH:
        return False
    minute = minute_counter(now)
    return any(hmac.compare_digest(code, slot_code(slot_id, m)) for m in (minute, minute - 1))


def window(slot: SessionSlot) -> tuple[datetime, datetime]:
    """When self check-in is open for this slot (local time): some minutes before start until the end."""
    tz = services.local_tz()
    config = current_app.config
    before = int(config.get("CHECKIN_OPENS_BEFORE_MINUTES", DEFAULT_OPENS_BEFORE_MINUTES))
    after = int(config.get("CHECKIN_CLOSES_AFTER_MINUTES", DEFAULT_CLOSES_AFTER_MINUTES))
    opens = datetime.combine(slot.on, slot.starts_at, tzinfo=tz) - timedelta(minutes=before)
    closes = datetime.combine(slot.on, slot.ends_at, tzinfo=tz) + timedelta(minutes=after)
    return opens, closes


def window_is_open(slot: SessionSlot, now: datetime | None = None) -> bool:
    opens, closes = window(slot)
    return opens <= (now or services.local_now()) <= closes


def ensure_open(slot: SessionSlot, now: datetime | None = None) -> None:
    """Refuse check-in outside the slot's window or on a session that is not being held."""
    training_session = slot.training_session
    if training_session.status in (SessionStatus.closed, SessionStatus.cancelled, SessionStatus.draft):
        raise CheckInError(_("L'émargement de cette session est fermé."))
    opens, closes = window(slot)
    moment = now or services.local_now()
    if moment < opens:
        if opens.date() != moment.date():
            raise CheckInError(
                _(
                    "L'émargement de ce créneau (%(slot)s) ouvrira à %(time)s le %(day)s.",
                    slot=slot_label(slot),
                    time=time_fr(opens.time()),
                    day=f"{opens:%d/%m/%Y}",
                )
            )
        raise CheckInError(
            _(
                "L'émargement de ce créneau (%(slot)s) ouvrira à %(time)s.",
                slot=slot_label(slot),
                time=time_fr(opens.time()),
            )
        )
    if moment > closes:
        raise CheckInError(
            _(
                "L'émargement de ce créneau (%(slot)s) est terminé. Adressez-vous au formateur ou à la formatrice.",
                slot=slot_label(slot),
            )
        )


def find_open_slot_by_code(code: str | None, now: float | None = None) -> SessionSlot | None:
    """The slot, among today's, whose current code was typed (attendees who cannot scan)."""
    if len(clean_code(code)) != CODE_LENGTH:
        return None
    today = services.local_now().date()
    slots = db.session.scalars(sa.select(SessionSlot).where(SessionSlot.on == today).order_by(SessionSlot.id))
    for slot in slots:
        if window_is_open(slot) and code_is_valid(slot.id, code, now):
            return slot
    return None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"],
        salt="attendance-checkin-pass",
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def issue_pass(slot_id: int) -> str:
    """A signed pass given once the minute code was checked; it carries the slot id only."""
    return _serializer().dumps(slot_id)


def pass_is_valid(token: str | None, slot_id: int) -> bool:
    minutes = int(current_app.config.get("CHECKIN_PASS_MINUTES", DEFAULT_PASS_MINUTES))
    try:
        return _serializer().loads(token or "", max_age=minutes * 60) == slot_id
    except (BadSignature, TypeError, ValueError):
        return False


def attendees(slot: SessionSlot) -> list[tuple[Registration, bool]]:
    """The slot's attendees for the name list, each with whether they already signed."""
    rows = db.session.execute(
        sa.select(Registration, AttendanceMark.id)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(
            AttendanceMark,
            sa.and_(
                AttendanceMark.registration_id == Registration.id,
                AttendanceMark.slot_id == slot.id,
                sa.or_(
                    AttendanceMark.method == MarkMethod.self_check_in,
                    AttendanceMark.signature_png.is_not(None),
                    AttendanceMark.signed_name.is_not(None),
                ),
            ),
        )
        .where(
            Registration.session_id == slot.session_id,
            Registration.status == RegistrationStatus.registered,
        )
        .order_by(Person.normalised_last_name, Person.normalised_first_name, Registration.id)
    ).all()
    return [(registration, signed_id is not None) for registration, signed_id in rows]


def find_registration(slot: SessionSlot, *, registration_id: int | None, email: str | None) -> Registration:
    """The attendee who checks in: chosen in the list, or found by their e-mail."""
    query = sa.select(Registration).where(
        Registration.session_id == slot.session_id, Registration.status == RegistrationStatus.registered
    )
    if registration_id:
        registration = db.session.scalar(query.where(Registration.id == registration_id))
    elif normalise_email(email):
        registration = db.session.scalar(
            query.join(Person, Person.id == Registration.person_id).where(
                Person.email == normalise_email(email)
            )
        )
    else:
        raise CheckInError(_("Choisissez votre nom dans la liste ou saisissez votre adresse électronique."))
    if registration is None:
        raise CheckInError(
            _(
                "Nous ne trouvons pas votre inscription à cette session. Vérifiez votre saisie "
                "ou adressez-vous au formateur ou à la formatrice, qui peut vous ajouter."
            )
        )
    return registration


def self_check_in(
    *, slot: SessionSlot, registration: Registration, signature_png: bytes | None, signed_name: str | None
) -> AttendanceMark:
    """Record the attendee's own check-in, once. Concurrent scans store one mark (unique constraint)."""
    ensure_editable(slot.training_session)
    ensure_open(slot)
    signed_name = " ".join((signed_name or "").split())[:200] or None
    if signature_png is None and signed_name is None:
        raise CheckInError(_("Signez dans la zone prévue ou tapez votre nom pour signer."))
    now = now_utc()
    mark = db.session.scalar(
        sa.select(AttendanceMark).where(
            AttendanceMark.registration_id == registration.id, AttendanceMark.slot_id == slot.id
        )
    )
    if mark is None:
        mark = AttendanceMark(
            registration_id=registration.id,
            slot_id=slot.id,
            status=MarkStatus.present,
            method=MarkMethod.self_check_in,
            recorded_at=now,
            signature_png=signature_png,
            signed_name=signed_name,
        )
        try:
            with db.session.begin_nested():
                db.session.add(mark)
        except IntegrityError:
            raise CheckInError(str(ALREADY_SIGNED)) from None
    else:
        # A mark from the trainer's grid, not yet signed: the attendee signs it. The WHERE clause
        # makes a second concurrent signer update nothing.
        updated = db.session.execute(
            sa.update(AttendanceMark)
            .where(
                AttendanceMark.id == mark.id,
                AttendanceMark.method != MarkMethod.self_check_in,
                AttendanceMark.signature_png.is_(None),
                AttendanceMark.signed_name.is_(None),
            )
            .values(
                status=MarkStatus.present,
                hours_attended=None,
                method=MarkMethod.self_check_in,
                recorded_at=now,
                recorded_by_id=None,
                signature_png=signature_png,
                signed_name=signed_name,
            )
            .execution_options(synchronize_session=False)
        )
        if updated.rowcount != 1:
            raise CheckInError(str(ALREADY_SIGNED))
        db.session.expire(mark)
    audit.record(
        "attendance.mark",
        mark,
        actor="émargement par QR code",
        summary=f"{registration.person.full_name} — {slot_label(slot)} : présent·e (auto-émargement"
        + (", signature manuscrite)" if signature_png else ", nom tapé)"),
    )
    refresh_completion(slot.training_session)
    return mark
