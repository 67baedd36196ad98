"""One row of the ``participants`` table, read and checked cell by cell (tuned for large files)."""

from __future__ import annotations

from itertools import compress, repeat
from operator import itemgetter, not_
from typing import NamedTuple

from trainer.imports.cells import MEMO_LIMIT, Memo, fast_normalise, reference_parsers, text
from trainer.imports.context import ImportContext
from trainer.imports.values import EMAIL_MAX, EMAIL_PATTERN, parse_bool, parse_email, too_long


class Row(NamedTuple):
    """A checked row (a tuple: large files send their rows between processes, see ``parallel``)."""

    line: int
    reference: str
    last_name: str
    first_name: str
    normalised_last: str
    normalised_first: str
    email: str | None
    profession: str
    employer: str
    department: str | None
    referent_type: str | None
    present: bool | None
    valid: bool = True


class Positions(NamedTuple):
    """Where each column is in a row's cells."""

    reference: int
    last_name: int
    first_name: int
    email: int
    profession: int
    employer: int
    department: int
    referent_type: int
    present: int


_first, _second = itemgetter(0), itemgetter(1)


class RowParser:
    """Turns one row's cells into a ``Row``, reporting every bad cell."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        positions = ctx.columns.positions
        self.width = ctx.columns.width
        # Columns absent from the file point one past the last cell, which each row gets as "".
        self.at = Positions(*(positions.get(key, self.width) for key in (
            "session_reference", "last_name", "first_name", "email", "profession",
            "employer", "department", "referent_type", "present",
        )))  # fmt: skip
        self.has_reference = "session_reference" in positions
        self.has_email = "email" in positions
        parsers = reference_parsers(ctx.lookup)
        self.profession = parsers["profession"]
        self.department = parsers["department"]
        self.referent_type = parsers["referent_type"]
        self.present = Memo(parse_bool)
        self.normalised: dict[str, str] = {}  # names repeat: each is normalised once

    def chunk(self, items: list[tuple[int, list]]) -> list[Row]:
        """The rows of a chunk: checked column by column when the whole chunk is clean.

        A column at a time, the work per cell is C (``str.strip``, ``isprintable``, the e-mail
        pattern…) instead of a Python call per cell. Any doubt — a bad or unusual cell, a ragged
        row, a file imported for one session — and the chunk goes row by row, which reports every
        error; for clean rows both ways give the same ``Row`` (pinned by a test).
        """
        rows = (
            self._clean_chunk(items) if items and not self.ctx.fixed_session and self.has_reference else None
        )
        return rows if rows is not None else list(map(self, items))

    def _clean_chunk(self, items: list[tuple[int, list]]) -> list[Row] | None:
        width = self.width
        lines, records = zip(*items, strict=True)
        if set(map(len, records)) != {width}:
            return None
        blank = ("",) * len(records)
        columns = [*zip(*records, strict=True), blank]  # absent columns point at the blank one

        def plain(index: int) -> list[str] | None:
            column = columns[index]
            if set(map(type, column)) != {str}:
                return None
            stripped = list(map(str.strip, column))
            return stripped if all(map(str.isprintable, stripped)) else None

        def coded(index: int, memo: Memo) -> list | None:
            results = memo.many(columns[index])
            return None if any(map(_second, results)) else list(map(_first, results))

        at = self.at
        references, last_names, first_names, employers = (
            plain(at.reference), plain(at.last_name), plain(at.first_name), plain(at.employer),
        )  # fmt: skip
        if references is None or last_names is None or first_names is None or employers is None:
            return None
        if not (all(references) and all(last_names) and all(first_names)):
            return None
        if max(map(len, references)) > 60 or max(map(len, last_names)) > 120:
            return None
        if max(map(len, first_names)) > 120 or max(map(len, employers)) > 200:
            return None
        emails: list = [None] * len(records)
        if self.has_email:
            addresses = plain(at.email)
            if addresses is None:
                return None
            given = [address for address in addresses if address]
            if given and (max(map(len, given)) > EMAIL_MAX or not all(map(EMAIL_PATTERN.fullmatch, given))):
                return None
            emails = [address.lower() if address else None for address in addresses]
        professions = coded(at.profession, self.profession)
        if professions is None or None in professions:
            return None
        departments = coded(at.department, self.department)
        referent_types = coded(at.referent_type, self.referent_type)
        presents = coded(at.present, self.present)
        if departments is None or referent_types is None or presents is None:
            return None
        normalised_last = self._normalised(last_names)
        normalised_first = self._normalised(first_names)
        fields = zip(
            lines, references, last_names, first_names, normalised_last, normalised_first,
            emails, professions, employers, departments, referent_types, presents, [True] * len(lines),
            strict=True,
        )  # fmt: skip
        return list(map(tuple.__new__, repeat(Row), fields))  # Row(*fields) without a Python call

    def _normalised(self, names: list[str]) -> list[str]:
        """``fast_normalise`` of each name: ASCII ones in C, the others through a cache."""
        result = list(map(str.lower, map(" ".join, map(str.split, names))))
        cache = self.normalised
        for index in compress(range(len(names)), map(not_, map(str.isascii, names))):
            name = names[index]
            normalised = cache.get(name)
            if normalised is None:
                normalised = fast_normalise(name)
                if len(cache) < MEMO_LIMIT:
                    cache[name] = normalised
            result[index] = normalised
        return result

    def __call__(self, item: tuple[int, list]) -> Row:
        line, cells = item
        ctx, width = self.ctx, self.width
        size = len(cells)
        if size > width:
            if any(text(value) for value in cells[width:]):
                message = "valeurs au-delà de la dernière colonne : un séparateur dans une cellule sans guillemets ?"
                ctx.error(line, None, message)
                return Row(line, "", "", "", "", "", None, "", "", None, None, None, valid=False)
            cells = cells[:width]
        elif size < width:
            cells = cells + [""] * (width - size)
        cells.append("")
        at = self.at
        failed = False
        reference = text(cells[at.reference]) if self.has_reference else ""
        if ctx.fixed_session:
            if reference and reference != ctx.fixed_session:
                message = (
                    f"cette ligne vise la session « {reference} », mais l'import est fait pour la session "
                    f"« {ctx.fixed_session} »"
                )
                ctx.error(line, "session_reference", message)
                failed = True
            reference = ctx.fixed_session
        elif not reference:
            ctx.error(line, "session_reference", "référence de session obligatoire")
            failed = True
        elif len(reference) > 60:
            ctx.error(line, "session_reference", too_long(len(reference), 60))
            failed = True
        last_name, first_name = text(cells[at.last_name]), text(cells[at.first_name])
        for key, value in (("last_name", last_name), ("first_name", first_name)):
            if not value:
                ctx.error(line, key, "obligatoire")
                failed = True
            elif len(value) > 120:
                ctx.error(line, key, too_long(len(value), 120))
                failed = True
        email = None
        if self.has_email:
            try:
                email = parse_email(text(cells[at.email]))
            except ValueError as exc:
                ctx.error(line, "email", str(exc))
                failed = True
        raw = cells[at.profession]
        profession, message = self.profession.cache.get(raw) or self.profession(raw)
        if message or profession is None:
            ctx.error(line, "profession", message or "obligatoire (code ou intitulé de la profession)")
            failed = True
        employer = text(cells[at.employer])
        if len(employer) > 200:
            ctx.error(line, "employer", too_long(len(employer), 200))
            failed = True
        raw = cells[at.department]
        department, message = self.department.cache.get(raw) or self.department(raw)
        if message:
            ctx.error(line, "department", message)
            failed = True
        raw = cells[at.referent_type]
        referent_type, message = self.referent_type.cache.get(raw) or self.referent_type(raw)
        if message:
            ctx.error(line, "referent_type", message)
            failed = True
        raw = cells[at.present]
        present, message = self.present.cache.get(raw) or self.present(raw)
        if message:
            ctx.error(line, "present", message)
            failed = True
        if failed:
            return Row(line, reference, "", "", "", "", None, "", "", None, None, None, valid=False)
        return Row(
            line, reference, last_name, first_name, fast_normalise(last_name), fast_normalise(first_name),
            email, profession, employer, department, referent_type, present,
        )  # fmt: skip
