"""A pasted attendee list: one attendee per line, ``Nom;Prénom;Courriel;Profession``.

Copied from a spreadsheet (tab-separated), a CSV (``;`` or ``,``) or typed by hand. The whole list
is checked before anything is stored: one bad line and nothing is registered, every error says
which line and what to fix.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from trainer.attendance.completion import recompute_completion
from trainer.referential.services import ReferenceLookup
from trainer.sessions.models import RegistrationSource, RegistrationStatus, TrainingSession
from trainer.sessions.registrations import AlreadyRegistered, AttendeeInput, register_attendee
from trainer.text import normalise, normalise_email

MAX_LINES = 2000
EXPECTED = "Nom;Prénom;Courriel;Profession"
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PasteError(Exception):
    """The list has errors; ``messages`` holds one French message per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class ParsedLine:
    line: int
    attendee: AttendeeInput


@dataclass
class PasteResult:
    registered: int = 0
    waiting: int = 0
    already: list[str] = field(default_factory=list)


def _split(raw: str) -> list[str]:
    separator = ";" if ";" in raw else ("\t" if "\t" in raw else ",")
    cells = next(csv.reader([raw], delimiter=separator, skipinitialspace=True), [])
    cells = [_CONTROL.sub("", cell).strip() for cell in cells]
    while len(cells) > 4 and not cells[-1]:
        cells.pop()  # trailing empty cells copied from a spreadsheet
    return cells


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and normalise(cells[0]) in ("nom", "nom de famille", "last_name", "last name")


def parse_attendee_lines(text: str, lookup: ReferenceLookup) -> list[ParsedLine]:
    """Parse the pasted text; raise ``PasteError`` with every problem found, line by line."""
    lines = (text or "").splitlines()
    errors: list[str] = []
    parsed: list[ParsedLine] = []
    seen_emails: dict[str, int] = {}
    if len(lines) > MAX_LINES:
        raise PasteError([f"La liste compte {len(lines)} lignes : {MAX_LINES} au maximum par envoi."])
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        cells = _split(raw)
        if not parsed and not errors and _is_header(cells):
            continue
        if len(cells) != 4:
            errors.append(
                f"Ligne {number} : {len(cells)} colonne{'s' if len(cells) > 1 else ''} trouvée"
                f"{'s' if len(cells) > 1 else ''}, 4 attendues ({EXPECTED}) ; laissez le courriel vide "
                "s'il est inconnu (Durand;Alice;;Infirmière)."
            )
            continue
        last_name, first_name, email, profession = cells
        line_errors = []
        for label, value in (("le nom", last_name), ("le prénom", first_name)):
            if not value:
                line_errors.append(f"Ligne {number} : {label} est obligatoire.")
            elif len(value) > 120:
                line_errors.append(f"Ligne {number} : {label} dépasse 120 caractères.")
        normalised_email = normalise_email(email)
        if normalised_email:
            if len(normalised_email) > 254 or not _EMAIL.match(normalised_email):
                line_errors.append(
                    f"Ligne {number} : « {email[:80]} » n'est pas une adresse électronique valide "
                    "(exemple : nom@exemple.fr)."
                )
            elif normalised_email in seen_emails:
                line_errors.append(
                    f"Ligne {number} : l'adresse {normalised_email} figure déjà ligne {seen_emails[normalised_email]}."
                )
            else:
                seen_emails[normalised_email] = number
        profession_code = lookup.profession(profession)
        if not profession:
            line_errors.append(f"Ligne {number} : la profession est obligatoire.")
        elif profession_code is None:
            line_errors.append(
                f"Ligne {number} : profession « {profession[:80]} » inconnue ; indiquez un libellé "
                "(« Infirmière », « Assistante de service social »…) ou un code (nurse, social_worker…)."
            )
        if line_errors:
            errors.extend(line_errors)
            continue
        parsed.append(
            ParsedLine(
                number,
                AttendeeInput(
                    last_name=last_name,
                    first_name=first_name,
                    email=normalised_email,
                    profession_code=profession_code,
                ),
            )
        )
    if errors:
        raise PasteError(errors)
    if not parsed:
        raise PasteError([f"La liste est vide : collez une personne par ligne ({EXPECTED})."])
    return parsed


def register_pasted(training_session: TrainingSession, lines: list[ParsedLine], *, actor) -> PasteResult:
    """Register every parsed line; people already registered are left as they are and listed."""
    result = PasteResult()
    for parsed in lines:
        try:
            registration = register_attendee(
                training_session,
                parsed.attendee,
                source=RegistrationSource.staff,
                actor=actor,
                recompute=False,
            )
        except AlreadyRegistered as exc:
            result.already.append(exc.registration.person.full_name)
            continue
        if registration.status == RegistrationStatus.registered:
            result.registered += 1
        else:
            result.waiting += 1
    recompute_completion([training_session.id])
    return result
