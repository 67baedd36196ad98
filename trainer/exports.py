"""Cell neutralisation shared by every export (reports, attendee lists…).

A spreadsheet runs a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula, and tab, CR, LF
or NUL at the start can smuggle one in; such text is prefixed with ``'`` so that "+33 6…" stays
readable. openpyxl refuses some control characters outright: they are stripped, so one odd name
cannot break a whole export. Numbers (and numeric text such as ``-12,5``) stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
FORMULA_STARTS = DANGEROUS_START
# The characters openpyxl rejects (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE), NUL included.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """Return ``value`` safe to put in a CSV or XLSX cell; ``None`` becomes an empty string,
    other non-text values are returned unchanged."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("", value)
    if text.startswith(DANGEROUS_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def neutralise_row(values) -> list[Any]:
    """``neutralise`` applied to every cell of a row."""
    return [neutralise(value) for value in values]
