"""One importer per table of the exchange format."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from trainer.imports.context import ImportContext
from trainer.imports.tables.declarations import import_declarations
from trainer.imports.tables.evaluations import import_evaluations
from trainer.imports.tables.participants import import_participants
from trainer.imports.tables.sessions import import_sessions

Importer = Callable[[ImportContext, Iterator[tuple[int, list]]], None]

IMPORTERS: dict[str, Importer] = {
    "sessions": import_sessions,
    "participants": import_participants,
    "evaluations": import_evaluations,
    "declarations": import_declarations,
}
