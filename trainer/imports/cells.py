"""Per-row helpers tuned for large files: fast text, memoised parsers, reference-code look-ups."""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress, repeat
from operator import is_
from typing import Any

from trainer.imports.values import as_text, too_long
from trainer.referential.services import ReferenceLookup
from trainer.text import normalise

MEMO_LIMIT = 100_000


def text(value: object) -> str:
    """``as_text`` with a fast path for the plain strings a CSV gives."""
    if value.__class__ is str:
        value = value.strip()  # type: ignore[union-attr]
        if value.isprintable():  # type: ignore[union-attr]
            return value  # type: ignore[return-value]
    return as_text(value)


def _ascii_table() -> dict[int, str]:
    # Accented Latin letters mapped to what ``normalise`` makes of them (é → e, œ → oe).
    table = {}
    for code in range(0x80, 0x250):
        result = normalise(chr(code))
        if result and result.isascii() and result.isalpha():
            table[code] = result
    return table


_ASCII = _ascii_table()


def fast_normalise(value: str) -> str:
    """``trainer.text.normalise`` with a fast path for Latin text (same result, pinned by a test)."""
    if not value.isascii():
        value = value.translate(_ASCII)
        if not value.isascii():
            return normalise(value)
    return " ".join(value.split()).lower()


class Memo:
    """Caches a parser's result (or its error message) per distinct raw cell value."""

    def __init__(self, parse: Callable[[object], Any]) -> None:
        self.parse = parse
        self.cache: dict[object, tuple[Any, str | None]] = {}

    def __call__(self, raw: object) -> tuple[Any, str | None]:
        try:
            return self.cache[raw]
        except KeyError:
            pass
        except TypeError:  # unhashable: never cached
            return self._run(raw)
        result = self._run(raw)
        if len(self.cache) < MEMO_LIMIT:
            self.cache[raw] = result
        return result

    def many(self, values: tuple | list) -> list[tuple[Any, str | None]]:
        """``[self(v) for v in values]`` with the cache looked up in C: only misses call Python."""
        try:
            found = list(map(self.cache.get, values))
        except TypeError:  # an unhashable cell (never from a CSV)
            return list(map(self, values))
        for index in compress(range(len(found)), map(is_, found, repeat(None))):
            found[index] = self(values[index])
        return found

    def _run(self, raw: object) -> tuple[Any, str | None]:
        try:
            return self.parse(raw), None
        except ValueError as exc:
            return None, str(exc)


GUIDE_HINT = "voir les valeurs acceptées dans le guide des imports ou le modèle XLSX"


def code_parser(find: Callable[[str], str | None], unknown: str) -> Callable[[object], str | None]:
    """A parser for a reference code given by code or French label; ``unknown`` names the kind."""

    def parse(raw: object) -> str | None:
        value = as_text(raw)
        if not value:
            return None
        if len(value) > 200:
            raise ValueError(too_long(len(value), 200))
        code = find(value)
        if code is None:
            shown = value if len(value) <= 60 else value[:59] + "…"
            raise ValueError(f"{unknown} : « {shown} » ({GUIDE_HINT})")
        return code

    return parse


def choice_parser(choices: dict[str, str], expected: str) -> Callable[[object], str | None]:
    """A parser for a small closed list given by code or French word (``présentiel`` → ``in_person``)."""
    table = {normalise(key): value for key, value in choices.items()}

    def parse(raw: object) -> str | None:
        value = as_text(raw)
        if not value:
            return None
        found = table.get(normalise(value))
        if found is None:
            shown = value if len(value) <= 60 else value[:59] + "…"
            raise ValueError(f"valeur inconnue « {shown} » : {expected}")
        return found

    return parse


def reference_parsers(lookup: ReferenceLookup) -> dict[str, Memo]:
    """Memoised parsers of every reference column, built once per import."""
    return {
        "profession": Memo(code_parser(lookup.profession, "profession inconnue")),
        "department": Memo(code_parser(lookup.department, "département inconnu")),
        "referent_type": Memo(code_parser(lookup.referent_type, "type de référent inconnu")),
        "session_type": Memo(code_parser(lookup.session_type, "type de session inconnu")),
        "kit": Memo(code_parser(lookup.kit, "outil inconnu")),
    }
