"""Spreadsheet safety shared by every export (CSV, XLSX).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed
is run as a formula by spreadsheet programs (formula injection): such text is prefixed with ``'``,
which keeps "+33 6…" readable. Control characters that openpyxl refuses (``\\x0b``…) are removed so
one odd name cannot crash a whole export. Numbers, dates and booleans stay what they are.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# The characters openpyxl rejects (its ILLEGAL_CHARACTERS_RE), plus NUL: all C0 controls but tab, LF, CR.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """Return ``value`` safe to write in a CSV or XLSX cell; ``None`` becomes an empty string."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def neutralise_row(values) -> list[Any]:
    """``neutralise`` applied to every cell of a row."""
    return [neutralise(value) for value in values]
