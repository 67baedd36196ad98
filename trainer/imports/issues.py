"""Errors and warnings found in an imported file, each tied to a line and a column."""

from __future__ import annotations

from dataclasses import dataclass, field

# Every error is reported, up to this many kept in full; the rest are counted.
MAX_KEPT = 5000


class ImportsError(Exception):
    """A French, user-safe reason why an import or an undo cannot go ahead."""


@dataclass(frozen=True)
class Issue:
    """One problem: ``line`` as a spreadsheet numbers it (header = 1), ``column`` as written in the file."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return f"ligne {self.line}, colonne « {self.column} » : {self.message}"
        if self.line is not None:
            return f"ligne {self.line} : {self.message}"
        if self.column:
            return f"colonne « {self.column} » : {self.message}"
        return self.message

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class IssueLog:
    """Collects errors and warnings; keeps the first ``MAX_KEPT`` of each and counts them all."""

    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def error(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT:
            self.errors.append(Issue(message, line, column))

    def warn(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT:
            self.warnings.append(Issue(message, line, column))

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def mark(self) -> tuple[int, int, int, int]:
        """Where the log stands, for ``since``."""
        return len(self.errors), self.error_count, len(self.warnings), self.warning_count

    def since(self, mark: tuple[int, int, int, int]) -> IssueLog:
        """What was logged after ``mark``, as a log of its own (to ``merge`` elsewhere)."""
        kept_errors, error_count, kept_warnings, warning_count = mark
        return IssueLog(
            self.errors[kept_errors:],
            self.warnings[kept_warnings:],
            self.error_count - error_count,
            self.warning_count - warning_count,
        )

    def merge(self, other: IssueLog) -> None:
        """Add ``other``'s issues after this log's own, as if they had been logged here."""
        room = max(0, MAX_KEPT - len(self.errors))
        self.errors.extend(other.errors[:room])
        self.error_count += other.error_count
        room = max(0, MAX_KEPT - len(self.warnings))
        self.warnings.extend(other.warnings[:room])
        self.warning_count += other.warning_count


class ImportRejected(ImportsError):
    """The file has errors: nothing was stored. Carries every error (and the warnings)."""

    def __init__(self, log: IssueLog, description: str = "") -> None:
        self.log = log
        self.description = description  # how the file was read, when it could be opened
        count = log.error_count
        super().__init__(
            f"Le fichier contient {count} erreur{'s' if count > 1 else ''} : aucune donnée n'a été enregistrée."
        )
