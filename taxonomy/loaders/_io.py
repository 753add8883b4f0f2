"""Shared reading helpers for loaders: CSV and JSON with file/line error reporting."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from taxonomy.model import Concept, Relation, Taxonomy, TaxonomyFormatError

Dangling = Literal["error", "skip"]

# ESCO's conceptSchemes file has one field of several megabytes.
csv.field_size_limit(1 << 28)


def open_text(path: Path) -> io.TextIOWrapper:
    """Open a UTF-8 text file, transparently gunzipping ``.gz`` files."""
    # The wrapper owns the binary stream and closes it with itself.
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # noqa: SIM115
    # utf-8-sig: spreadsheet exports of the ESCO files often start with a BOM.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def read_csv(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) for each record; raise TaxonomyFormatError on any defect."""
    line = 1
    try:
        with open_text(path) as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header is None:
                raise TaxonomyFormatError(str(path), 1, "empty file, expected a header row")
            header = [h.strip() for h in header]
            missing = [c for c in required if c not in header]
            if missing:
                raise TaxonomyFormatError(
                    str(path), 1, f"missing column(s) {', '.join(missing)}; found {header}"
                )
            line = reader.line_num + 1
            for fields in reader:
                if len(fields) != len(header) and any(f.strip() for f in fields):
                    raise TaxonomyFormatError(
                        str(path), line, f"expected {len(header)} fields, found {len(fields)}"
                    )
                if len(fields) == len(header):
                    yield line, dict(zip(header, fields, strict=True))
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise TaxonomyFormatError(str(path), line, f"not valid UTF-8: {exc.reason}") from exc
    except csv.Error as exc:
        raise TaxonomyFormatError(str(path), line, f"broken CSV: {exc}") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise TaxonomyFormatError(str(path), line, f"cannot read: {exc}") from exc


def read_concepts_json(path: Path) -> list[dict[str, Any]]:
    """Return the ``data.concepts`` list of a JobTech static dataset."""
    try:
        with open_text(path) as fh:
            doc = json.load(fh)
    except UnicodeDecodeError as exc:
        raise TaxonomyFormatError(str(path), None, f"not valid UTF-8: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise TaxonomyFormatError(str(path), exc.lineno, f"bad JSON: {exc.msg}") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise TaxonomyFormatError(str(path), None, f"cannot read: {exc}") from exc
    data = doc.get("data") if isinstance(doc, dict) else None
    concepts = data.get("concepts") if isinstance(data, dict) else None
    if not isinstance(concepts, list) or not all(isinstance(c, dict) for c in concepts):
        raise TaxonomyFormatError(str(path), None, 'expected {"data":{"concepts":[{...}]}}')
    return concepts


Located = tuple[str, int | None, Concept | Relation]


def check_relation_ends(located: Iterable[Located], dangling: Dangling = "error") -> Taxonomy:
    """Build a taxonomy once every relation end is a known concept (or drop those that aren't)."""
    items = list(located)
    known = {rec.id for _, _, rec in items if isinstance(rec, Concept)}
    kept: list[Concept | Relation] = []
    for where, line, rec in items:
        if isinstance(rec, Relation):
            unknown = [end for end in (rec.source, rec.target) if end not in known]
            if unknown:
                if dangling == "skip":
                    continue
                raise TaxonomyFormatError(
                    where,
                    line,
                    f"{rec.kind} relation {rec.source} -> {rec.target}: unknown concept "
                    f"{unknown[0]} (pass dangling='skip' to drop such relations)",
                )
        kept.append(rec)
    return Taxonomy.from_records(kept)
