"""Cell values of the exchange format: text, dates, booleans, numbers, lists, e-mails.

Each parser takes what the reader gives (a string from a CSV; a string, number, boolean or
date from an XLSX cell) and returns the value, or raises ``ValueError`` with a French message
that says what to write instead.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

MIN_YEAR, MAX_YEAR = 1950, 2100
EMAIL_MAX = 254


class CellProblem:
    """Put by the XLSX reader in place of a value it cannot give (formula error, no cached result)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"CellProblem({self.message!r})"


def _clean(text: str, multiline: bool) -> str:
    # Control characters break later exports (openpyxl refuses them) and forge log lines.
    kept = []
    for char in text:
        if unicodedata.category(char) == "Cc" and not (multiline and char == "\n"):
            kept.append(" ")
        else:
            kept.append(char)
    return "".join(kept).replace("\r\n", "\n").strip()


def as_text(value: object, multiline: bool = False) -> str:
    """Any cell as stripped text; numbers lose a useless ``.0``; control characters become spaces."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        return text if text.isprintable() else _clean(text, multiline)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, CellProblem):
        raise ValueError(value.message)
    return str(value).strip()


def too_long(length: int, maximum: int) -> str:
    """The message for a text over its column's limit (``10 000 caractères pour 120 au maximum``)."""
    return f"texte trop long : {length:,} caractères pour {maximum:,} au maximum".replace(",", "\u202f")


def limited(text: str, maximum: int) -> str:
    if len(text) > maximum:
        raise ValueError(too_long(len(text), maximum))
    return text


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d+)")


def parse_date(value: object) -> date | None:
    """``YYYY-MM-DD``, ``DD/MM/YYYY`` or an XLSX date cell; ``None`` when empty."""
    if isinstance(value, datetime):
        return _check_year(value.date())
    if isinstance(value, date):
        return _check_year(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f"nombre au lieu d'une date ({as_text(value)}) : mettez la cellule au format date "
            "ou écrivez la date en JJ/MM/AAAA"
        )
    text = as_text(value)
    if not text:
        return None
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _FR_DATE.fullmatch(text):
        day, month = int(match.group(1)), int(match.group(2))
        if len(match.group(3)) != 4:
            raise ValueError(
                f"année sur {len(match.group(3))} chiffres dans « {text} » : écrivez l'année en entier, "
                f"par exemple {day:02d}/{month:02d}/20{match.group(3)[-2:]:0>2}"
            )
        year = int(match.group(3))
    else:
        raise ValueError(
            f"date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ (par exemple 05/03/2025), reçu « {_short(text)} »"
        )
    if not 1 <= month <= 12:
        raise ValueError(f"date impossible « {text} » : il n'y a pas de mois {month}")
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError(
            f"date impossible « {text} » : le {day:02d}/{month:02d}/{year} n'existe pas"
        ) from None
    return _check_year(result)


def _check_year(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(
            f"année {value.year} invalide : elle doit être comprise entre {MIN_YEAR} et {MAX_YEAR}"
        )
    return value


TRUE_WORDS = frozenset({"oui", "yes", "true", "1", "x", "vrai"})
FALSE_WORDS = frozenset({"non", "no", "false", "0", "faux"})


def parse_bool(value: object) -> bool | None:
    """``oui/non``, ``yes/no``, ``true/false``, ``1/0``, ``x``; ``None`` when empty (not ticked)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = as_text(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"oui ou non attendu (ou x pour oui, vide pour non coché), reçu « {_short(text)} »")


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_decimal(value: object, *, maximum: Decimal, unit: str = "") -> Decimal | None:
    """A positive number with a decimal comma or point, at most ``maximum``; ``None`` when empty."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = as_text(value)
        if not text:
            return None
        compact = re.sub(r"[\s\u00a0\u202f]", "", text)
        if "," in compact and "." in compact:  # 1.234,5 or 1,234.5: the last mark is the decimal one
            decimal_mark = "," if compact.rfind(",") > compact.rfind(".") else "."
            compact = compact.replace("." if decimal_mark == "," else ",", "")
        compact = compact.replace(",", ".")
        if not _NUMBER.fullmatch(compact):
            raise ValueError(f"nombre attendu (par exemple 3,5), reçu « {_short(text)} »")
        try:
            number = Decimal(compact)
        except InvalidOperation:
            raise ValueError(f"nombre attendu (par exemple 3,5), reçu « {_short(text)} »") from None
    if not Decimal(0) < number <= maximum:
        raise ValueError(f"doit être supérieur à 0 et au plus {maximum}{unit}, reçu {as_text(value)}")
    return number.quantize(Decimal("0.01"))


def parse_int(value: object, *, minimum: int, maximum: int) -> int | None:
    """A whole number between ``minimum`` and ``maximum``; ``None`` when empty."""
    if isinstance(value, bool):
        raise ValueError("nombre entier attendu")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"nombre entier attendu, reçu {as_text(value)}")
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = as_text(value)
        if not text:
            return None
        compact = re.sub(r"[\s\u00a0\u202f]", "", text)
        compact = re.sub(r"[.,]0+$", "", compact)
        if not re.fullmatch(r"-?\d{1,9}", compact):
            raise ValueError(f"nombre entier attendu, reçu « {_short(text)} »")
        number = int(compact)
    if not minimum <= number <= maximum:
        raise ValueError(f"doit être compris entre {minimum} et {maximum}, reçu {number}")
    return number


def split_list(text: str) -> list[str]:
    """Values of a ``|``-separated cell, stripped, empty ones dropped."""
    return [part.strip() for part in text.split("|") if part.strip()]


EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def parse_email(text: str) -> str | None:
    """A lower-cased e-mail address, ``None`` when empty. ASCII addresses take a fast path."""
    if not text:
        return None
    if len(text) > EMAIL_MAX:
        raise ValueError(
            f"adresse électronique trop longue ({len(text)} caractères pour {EMAIL_MAX} au maximum)"
        )
    if EMAIL_PATTERN.fullmatch(text):
        return text.lower()
    if not text.isascii():
        from email_validator import EmailNotValidError, validate_email

        try:
            return validate_email(text, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            pass
    raise ValueError(f"adresse électronique invalide « {_short(text)} » (attendu : nom@exemple.fr)")


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
