"""Opening an uploaded file as rows: type by content, CSV encoding and separator detection.

Encodings are detected in a fixed order, never by a statistical guesser (they misread French
Windows-1252 text): a byte-order mark (UTF-8, UTF-16 LE/BE), else valid UTF-8, else
Windows-1252 (whose five undefined bytes are read as Latin-1). The file is streamed: only the
current row is in memory.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import filetype

from trainer.imports.issues import ImportsError, Issue

SEPARATORS = ",;\t"
SEPARATOR_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
HEAD_SIZE = 8192
SAMPLE_SIZE = 64 * 1024


class ReadError(ImportsError):
    """The file cannot be read as a table (type, encoding, structure); says why in French."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.issue = Issue(message, line)


class TableReader(Protocol):
    header: list[str]
    description: str
    warnings: list[Issue]

    def rows(self) -> Iterator[tuple[int, list]]: ...

    def close(self) -> None: ...


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    # Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined: read them as Latin-1.
    raw = error.object[error.start : error.end]
    return bytes(raw).decode("latin-1"), error.end


codecs.register_error("trainer-latin1", _latin1_fallback)


def open_table(path: Path, filename: str = "") -> TableReader:
    """Open ``path`` as a CSV or XLSX table, chosen by its content, not by its name."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD_SIZE)
    except OSError as exc:
        raise ReadError(f"Le fichier ne peut pas être lu ({exc.strerror or exc}).") from None
    shown = filename or path.name
    if size == 0 or not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError(f"Le fichier « {shown} » est vide.")
    if head.startswith(b"PK\x03\x04"):
        from trainer.imports.xlsx import XlsxReader

        return XlsxReader(path, shown)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            f"« {shown} » est un classeur Excel 97-2003 (.xls) ou un classeur protégé par un mot de passe, "
            "qui ne sont pas acceptés : enregistrez-le au format .xlsx sans mot de passe, ou en CSV."
        )
    encoding = _bom_encoding(head)
    if encoding is None:
        kind = filetype.guess(head)
        if kind is not None or b"\x00" in head:
            detected = f" (contenu détecté : {kind.mime})" if kind is not None else ""
            raise ReadError(
                f"« {shown} » n'est ni un fichier CSV ni un classeur XLSX{detected}. "
                "Enregistrez la feuille au format CSV ou XLSX."
            )
        encoding = "utf-8" if _is_utf8(path) else "cp1252"
    return CsvReader(path, encoding)


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the mark and picks the byte order
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 avec BOM",
    "utf-16": "UTF-16 (Texte Unicode)",
    "cp1252": "Windows-1252",
}


@dataclass
class CsvReader:
    """A CSV file read row by row; line numbers are records, as a spreadsheet numbers its rows."""

    path: Path
    encoding: str
    header: list[str] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    separator: str = ","

    def __post_init__(self) -> None:
        errors = "trainer-latin1" if self.encoding == "cp1252" else "strict"
        self._text = open(self.path, encoding=self.encoding, errors=errors, newline="")  # noqa: SIM115
        try:
            sample = self._text.read(SAMPLE_SIZE)
        except UnicodeDecodeError:
            self._text.close()
            raise ReadError(
                f"Le fichier n'est pas un texte {ENCODING_NAMES[self.encoding]} valide."
            ) from None
        self.separator = detect_separator(sample)
        self._text.seek(0)
        self._reader = csv.reader(self._text, delimiter=self.separator, quotechar='"', doublequote=True)
        self._records = self._read_records()
        for cells in (cells for _line, cells in self._records):
            if any(cell.strip() for cell in cells):
                self.header = [cell.strip() for cell in cells]
                break
        if not self.header:
            self.close()
            raise ReadError("Le fichier est vide.")

    @property
    def description(self) -> str:
        return f"CSV, {ENCODING_NAMES[self.encoding]}, séparateur {SEPARATOR_NAMES[self.separator]}"

    def _read_records(self) -> Iterator[tuple[int, list[str]]]:
        line = 0
        try:
            # ``enumerate`` numbers the records in C: this loop runs once per row of large files.
            for line, cells in enumerate(self._reader, 1):
                yield line, cells
        except csv.Error as exc:
            raise ReadError(_csv_error_message(exc), line + 1) from None
        except UnicodeDecodeError:
            raise ReadError(
                f"caractères illisibles en {ENCODING_NAMES[self.encoding]} : le fichier est peut-être corrompu",
                line + 1,
            ) from None

    def rows(self) -> Iterator[tuple[int, list]]:
        """Data rows after the header, blank rows skipped (but counted in line numbers)."""
        return ((line, cells) for line, cells in self._records if any(cells))

    def close(self) -> None:
        self._text.close()


def _csv_error_message(exc: csv.Error) -> str:
    text = str(exc)
    if "NUL" in text or "nul" in text:
        return "caractère nul dans le texte : le fichier est binaire ou corrompu"
    if "field larger" in text:
        return "cellule trop longue (plus de 131 072 caractères) : un guillemet n'est sans doute pas refermé"
    return f"structure CSV invalide ({text})"


def detect_separator(sample: str) -> str:
    """``,``, ``;`` or tab: ``csv.Sniffer`` restricted to those, checked against the header line."""
    first_line = _first_line(sample)
    counts = {sep: _count_outside_quotes(first_line, sep) for sep in SEPARATORS}
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in counts and counts[sniffed] > 0:
        return sniffed
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _first_line(sample: str) -> str:
    lines = (line for line in sample.lstrip("\ufeff").splitlines() if line.strip())
    return next(lines, "")


def _count_outside_quotes(line: str, separator: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count
