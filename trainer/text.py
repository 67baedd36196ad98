"""Text helpers: normalisation for matching names, codes and labels."""

import re
import unicodedata


def normalise(value: str | None) -> str:
    """Lower-case, accent-free, single-spaced text for case- and accent-insensitive matching."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("’", "'").replace("·", "").replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"\s+", " ", stripped).strip().lower()


def normalise_email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None
