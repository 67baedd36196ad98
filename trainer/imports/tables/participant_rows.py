"""One row of the ``participants`` table, read and checked cell by cell (tuned for large files)."""

from __future__ import annotations

from typing import NamedTuple

from trainer.imports.cells import Memo, fast_normalise, reference_parsers, text
from trainer.imports.context import ImportContext
from trainer.imports.values import parse_bool, parse_email, too_long


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


class RowParser:
    """Turns one row's cells into a ``Row``, reporting every bad cell."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        positions = ctx.columns.positions
        self.width = ctx.columns.width
        # Columns absent from the file point one past the last cell, which each row gets as "".
        self.indexes = tuple(positions.get(key, self.width) for key in (
            "session_reference", "last_name", "first_name", "email", "profession",
            "employer", "department", "referent_type", "present",
        ))  # fmt: skip
        self.has_reference = "session_reference" in positions
        self.has_email = "email" in positions
        parsers = reference_parsers(ctx.lookup)
        self.profession = parsers["profession"]
        self.department = parsers["department"]
        self.referent_type = parsers["referent_type"]
        self.present = Memo(parse_bool)

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
        (
            i_reference,
            i_last,
            i_first,
            i_email,
            i_profession,
            i_employer,
            i_department,
            i_referent,
            i_present,
        ) = self.indexes
        failed = False
        reference = text(cells[i_reference]) if self.has_reference else ""
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
        last_name, first_name = text(cells[i_last]), text(cells[i_first])
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
                email = parse_email(text(cells[i_email]))
            except ValueError as exc:
                ctx.error(line, "email", str(exc))
                failed = True
        raw = cells[i_profession]
        profession, message = self.profession.cache.get(raw) or self.profession(raw)
        if message or profession is None:
            ctx.error(line, "profession", message or "obligatoire (code ou intitulé de la profession)")
            failed = True
        employer = text(cells[i_employer])
        if len(employer) > 200:
            ctx.error(line, "employer", too_long(len(employer), 200))
            failed = True
        raw = cells[i_department]
        department, message = self.department.cache.get(raw) or self.department(raw)
        if message:
            ctx.error(line, "department", message)
            failed = True
        raw = cells[i_referent]
        referent_type, message = self.referent_type.cache.get(raw) or self.referent_type(raw)
        if message:
            ctx.error(line, "referent_type", message)
            failed = True
        raw = cells[i_present]
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
