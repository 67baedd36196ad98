"""French wording of dates, times and slots (no dependency on the system locale)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from trainer.sessions.models import SessionSlot

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NBSP = "\u00a0"


def time_fr(value: time) -> str:
    """9 h 00, 13 h 30 (French typography, non-breaking spaces)."""
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"


def date_long_fr(value: date, weekday: bool = True) -> str:
    """« mardi 10 mars 2026 »; the first of the month is written « 1er »."""
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]} {value.year}"
    return f"{DAYS[value.weekday()]} {text}" if weekday else text


def month_fr(value: date) -> str:
    """« mars 2026 »."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def slot_label(slot: SessionSlot, weekday: bool = True) -> str:
    """« mardi 10 mars 2026, 9 h 00 – 12 h 30 »."""
    return f"{date_long_fr(slot.on, weekday)}, {time_fr(slot.starts_at)} – {time_fr(slot.ends_at)}"


def slot_short(slot: SessionSlot) -> str:
    """« 10/03 · 9 h 00 » for tabs and column headers."""
    return f"{slot.on:%d/%m} · {time_fr(slot.starts_at)}"


def hours_fr(value: Decimal | float | int | None) -> str:
    """« 3,5 h »; « — » when unknown."""
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{text}{NBSP}h"


def period_fr(days: Iterable[date]) -> str:
    """« le 10 mars 2026 » or « du 10 mars 2026 au 11 mars 2026 »."""
    ordered = sorted(set(days))
    if not ordered:
        return ""
    first, last = ordered[0], ordered[-1]
    if first == last:
        return f"le {date_long_fr(first, weekday=False)}"
    return f"du {date_long_fr(first, weekday=False)} au {date_long_fr(last, weekday=False)}"
