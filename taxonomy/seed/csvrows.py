"""Read hand-edited CSV files row by row, with the line number every error message needs.

Shared by the seed loader and the bristyrken parsers: both read files that people edit in a
text editor or a spreadsheet, so every problem must point at a file and a line.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from taxonomy.model import TaxonomyFormatError

Source = str | os.PathLike[str] | Traversable


def source_name(source: Source) -> str:
    """Return the name to show for ``source`` in error messages."""
    return os.fspath(source) if isinstance(source, str | os.PathLike) else str(source)


def read_text(source: Source) -> str:
    """Return the file's text as UTF-8; name the line of the first undecodable byte."""
    name = source_name(source)
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as handle:
                data = handle.read()
        else:
            data = source.read_bytes()
    except OSError as exc:
        raise TaxonomyFormatError(name, None, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        # utf-8-sig: spreadsheets on Windows save UTF-8 with a byte-order mark
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TaxonomyFormatError(
            name, line, "not valid UTF-8 (save the file as UTF-8 CSV)"
        ) from exc


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record: its values by column and where it starts."""

    path: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def error(self, message: str) -> TaxonomyFormatError:
        """Return an error that points at this row."""
        return TaxonomyFormatError(self.path, self.line, message)

    def required(self, column: str) -> str:
        """Return a value that must not be empty."""
        value = self[column]
        if not value:
            raise self.error(f"column {column!r} is empty")
        return value


def iter_rows(
    source: Source, required: Sequence[str], *, delimiter: str | None = ","
) -> Iterator[Row]:
    """Yield the data rows of a CSV file whose header holds every ``required`` column.

    Lines starting with ``#`` before the header are a free-text file header and are skipped;
    blank lines are skipped anywhere. ``delimiter=None`` takes ";" when the header holds more
    semicolons than commas (Excel's CSV in Swedish settings), else ",".
    """
    name = source_name(source)
    lines = read_text(source).splitlines(keepends=True)
    header_at = 0
    while header_at < len(lines) and lines[header_at].startswith("#"):
        header_at += 1
    if delimiter is None:
        first = lines[header_at] if header_at < len(lines) else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
    # Comment lines become blank lines so csv's own line counter stays true to the file.
    text = "\n" * header_at + "".join(lines[header_at:])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                missing = [col for col in required if col not in header]
                if missing:
                    raise TaxonomyFormatError(
                        name, start, f"missing column(s): {', '.join(missing)}"
                    )
                continue
            if len(record) > len(header):
                raise TaxonomyFormatError(
                    name, start, f"{len(record)} fields but the header has {len(header)}"
                )
            yield Row(name, start, dict(zip(header, record, strict=False)))
    except csv.Error as exc:
        raise TaxonomyFormatError(name, reader.line_num, f"malformed CSV: {exc}") from exc
    if header is None:
        raise TaxonomyFormatError(name, None, "the file is empty (no header row)")
