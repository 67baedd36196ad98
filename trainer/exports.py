"""Cells safe to open in a spreadsheet (owned by the reports area; shared by every export)."""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
# openpyxl refuses these control characters in cells; one bad name must not break a whole file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading ``'``; numbers stay numbers."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return _CONTROL.sub("", value)
