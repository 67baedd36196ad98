"""A pasted attendee list: one attendee per line, ``Nom;Prénom;Courriel;Profession``.

Copied from a spreadsheet (tab-separated), a CSV (``;`` or ``,``) or typed by hand. The whole list
is checked before anything is stored: one bad line and nothing is registered, every error says
which line and what to fix.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

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
        raise PasteError(
            [
                _(
                    "La liste compte %(count)s lignes : %(limit)s au maximum par envoi.",
                    count=len(lines),
                    limit=MAX_LINES,
                )
            ]
        )
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        cells = _split(raw)
        if not parsed and not errors and _is_header(cells):
            continue
        if len(cells) != 4:
            errors.append(
                ngettext(
                    "Ligne %(line)s : %(num)s colonne trouvée, 4 attendues (%(expected)s) ; laissez le "
                    "courriel vide s'il est inconnu (Durand;Alice;;Infirmière).",
                    "Ligne %(line)s : %(num)s colonnes trouvées, 4 attendues (%(expected)s) ; laissez le "
                    "courriel vide s'il est inconnu (Durand;Alice;;Infirmière).",
                    len(cells),
                    line=number,
                    expected=EXPECTED,
                )
            )
            continue
        last_name, first_name, email, profession = cells
        line_errors = []
        if not last_name:
            line_errors.append(_("Ligne %(line)s : le nom est obligatoire.", line=number))
        elif len(last_name) > 120:
            line_errors.append(_("Ligne %(line)s : le nom dépasse 120 caractères.", line=number))
        if not first_name:
            line_errors.append(_("Ligne %(line)s : le prénom est obligatoire.", line=number))
        elif len(first_name) > 120:
            line_errors.append(_("Ligne %(line)s : le prénom dépasse 120 caractères.", line=number))
        normalised_email = normalise_email(email)
        if normalised_email:
            if len(normalised_email) > 254 or not _EMAIL.match(normalised_email):
                line_errors.append(
                    _(
                        "Ligne %(line)s : « %(email)s » n'est pas une adresse électronique valide "
                        "(exemple : nom@exemple.fr).",
                        line=number,
                        email=email[:80],
                    )
                )
            elif normalised_email in seen_emails:
                line_errors.append(
                    _(
                        "Ligne %(line)s : l'adresse %(email)s figure déjà ligne %(first)s.",
                        line=number,
                        email=normalised_email,
                        first=seen_emails[normalised_email],
                    )
                )
            else:
                seen_emails[normalised_email] = number
        profession_code = lookup.profession(profession)
        if not profession:
            line_errors.append(_("Ligne %(line)s : la profession est obligatoire.", line=number))
        elif profession_code is None:
            line_errors.append(
                _(
                    "Ligne %(line)s : profession « %(profession)s » inconnue ; indiquez un libellé "
                    "(« Infirmière », « Assistante de service social »…) ou un code (nurse, social_worker…).",
                    line=number,
                    profession=profession[:80],
                )
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
        raise PasteError(
            [_("La liste est vide : collez une personne par ligne (%(expected)s).", expected=EXPECTED)]
        )
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
