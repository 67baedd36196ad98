"""Reading the first sheet of an XLSX workbook, safely and row by row.

An XLSX is a zip: its member count and total uncompressed size are checked before anything is
opened (zip bomb). openpyxl parses the XML through defusedxml (checked below), in read-only mode,
with cached formula results (``data_only``). Merged cells give their value to every cell they
cover; a formula without a cached result or with an error result is reported on its cell.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from flask import current_app, has_app_context
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from trainer.imports.issues import Issue
from trainer.imports.reading import ReadError
from trainer.imports.values import CellProblem

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GiB of XML: about a million rows
MAX_MERGED_RANGES = 10_000
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
_MERGE_REF = re.compile(
    rb'<(?:[A-Za-z0-9_]+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"'
)


def check_zip(path: Path, shown: str) -> None:
    """Refuse anything that is not a reasonable XLSX before opening it."""
    limit = MAX_UNCOMPRESSED
    if has_app_context():
        limit = current_app.config.get("IMPORT_XLSX_MAX_UNCOMPRESSED", MAX_UNCOMPRESSED)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError(
            f"« {shown} » est une archive zip illisible : ce n'est pas un classeur XLSX valide."
        ) from None
    if len(members) > MAX_MEMBERS:
        raise ReadError(
            f"« {shown} » contient {len(members)} fichiers internes : ce n'est pas un classeur XLSX normal."
        )
    total = sum(member.file_size for member in members)
    if total > limit:
        raise ReadError(
            f"« {shown} » se décompresse en {total // (1024 * 1024)} Mo, au-delà de la limite de "
            f"{limit // (1024 * 1024)} Mo : découpez le fichier ou enregistrez-le en CSV."
        )
    if not all(name in names for name in REQUIRED_MEMBERS):
        raise ReadError(f"« {shown} » est une archive zip mais pas un classeur XLSX.")


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, telling an uncached formula or an error result from an empty cell."""

    def parse_cell(self, element):
        try:
            cell = super().parse_cell(element)
        except (ValueError, TypeError, IndexError, KeyError):
            coordinate = element.get("r")
            row, column = (
                coordinate_to_tuple(coordinate) if coordinate else (self.row_counter, self.col_counter + 1)
            )
            self.col_counter = column
            return {
                "row": row,
                "column": column,
                "value": CellProblem("valeur de cellule illisible : le fichier est peut-être endommagé"),
                "data_type": "e",
                "style_id": 0,
            }
        cached = element.findtext(VALUE_TAG, None)
        uncached = cached is None or (cached == "" and element.get("t") != "str")
        if uncached and element.find(FORMULA_TAG) is not None:
            cell["value"] = CellProblem(
                "formule sans valeur calculée : ouvrez le fichier dans un tableur et enregistrez-le, "
                "ou remplacez la formule par sa valeur"
            )
        elif cell["data_type"] == "e":
            cell["value"] = CellProblem(f"la formule de cette cellule donne une erreur ({cell['value']})")
        return cell


@dataclass
class XlsxReader:
    """The first sheet of a workbook, as (line, values) rows."""

    path: Path
    shown: str
    header: list[str] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_zip(self.path, self.shown)
        if not openpyxl.DEFUSEDXML:
            raise ReadError("La lecture des classeurs XLSX est désactivée : defusedxml est absent.")
        # A file object: openpyxl would refuse a path whose name does not end in .xlsx.
        self._handle = self.path.open("rb")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(self._handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of errors on damaged files
            self._handle.close()
            raise ReadError(f"« {self.shown} » est un classeur XLSX endommagé.") from None
        if not self._book.worksheets:
            self.close()
            raise ReadError(f"« {self.shown} » ne contient aucune feuille de calcul.")
        self._sheet = self._book.worksheets[0]
        self.sheet_title = self._sheet.title
        if self._sheet.sheet_state != "visible":
            self.warnings.append(
                Issue(
                    f"la première feuille, « {self.sheet_title} », est masquée : c'est elle qui est importée"
                )
            )
        self._merged = self._merged_ranges()
        self._rows = self._parsed_rows()
        for _line, values in self._rows:
            if any(value not in (None, "") for value in values):
                self.header = [_header_text(value) for value in values]
                break
        if not self.header:
            self.close()
            raise ReadError(f"La première feuille de « {self.shown} » est vide.")

    @property
    def description(self) -> str:
        return f"XLSX, feuille « {self.sheet_title} »"

    def _merged_ranges(self) -> list[tuple[int, int, int, int]]:
        # mergeCells come after the rows in the sheet XML: a byte scan finds them before reading rows.
        found: set[bytes] = set()
        tail = b""
        with self._book._archive.open(self._sheet._worksheet_path) as source:
            while chunk := source.read(1 << 20):
                data = tail + chunk
                found.update(match.group(1) for match in _MERGE_REF.finditer(data))
                tail = data[-200:]
                if len(found) > MAX_MERGED_RANGES:
                    raise ReadError(
                        f"La première feuille contient plus de {MAX_MERGED_RANGES} cellules fusionnées."
                    )
        ranges = []
        for ref in found:
            min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
            if (min_col, min_row) != (max_col, max_row):
                ranges.append((min_row, min_col, max_row, max_col))
        return sorted(ranges)

    def _parsed_rows(self) -> Iterator[tuple[int, list]]:
        book = self._book
        with book._archive.open(self._sheet._worksheet_path) as source:
            parser = _Parser(
                source,
                book.shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            pending = list(self._merged)
            active: list[tuple[int, int, int, int, object]] = []
            rows = parser.parse()
            last = 0
            while True:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        line, cells = next(rows)
                    except StopIteration:
                        return
                    except Exception:  # a damaged sheet: openpyxl raises many kinds of errors
                        raise ReadError(
                            "la feuille ne peut pas être lue au-delà de cette ligne : le fichier est peut-être endommagé",
                            last + 1,
                        ) from None
                last = line
                values = _values(cells)
                if pending or active:
                    values = self._fill_merged(line, values, pending, active)
                yield line, values

    @staticmethod
    def _fill_merged(line: int, values: list, pending: list, active: list) -> list:
        active[:] = [entry for entry in active if entry[2] >= line]
        while pending and pending[0][0] <= line:
            min_row, min_col, max_row, max_col = pending.pop(0)
            if max_row < line:
                continue
            top_left = values[min_col - 1] if min_row == line and min_col <= len(values) else None
            active.append((min_row, min_col, max_row, max_col, top_left))
        for min_row, min_col, _max_row, max_col, top_left in active:
            if len(values) < max_col:
                values = values + [None] * (max_col - len(values))
            for column in range(min_col, max_col + 1):
                if (line, column) != (min_row, min_col):
                    values[column - 1] = top_left
        return values

    def rows(self) -> Iterator[tuple[int, list]]:
        for line, values in self._rows:
            if any(value not in (None, "") for value in values):
                yield line, values

    def close(self) -> None:
        self._book.close()
        self._handle.close()


def _values(cells: list[dict]) -> list:
    if not cells:
        return []
    values: list = [None] * cells[-1]["column"]
    for cell in cells:
        values[cell["column"] - 1] = cell["value"]
    return values


def _header_text(value: object) -> str:
    if value is None or isinstance(value, CellProblem):
        return ""
    return str(value).strip()
