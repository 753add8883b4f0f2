"""Small real files for evidence tests: a PDF, a PNG and a JPEG, made without Pillow."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from typing import Any

# A 16x16 JPEG drawn by Chromium (canvas.toDataURL), so it is a file a browser really makes.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAT/xAAhEAABAgQHAAAAAAAAAAAAAAASERMAAQYUBxUWJUNiof/EABUBAQEAAAAAAAAAAAAAAAAAAAUH/8QAIBEAAAILAAAAAAAAAAAAAAAAABETFCMkMVFiY4GR8P/aAAwDAQACEQMRAD8Arw3obWmY7jZWjfA4Zl2kiD7DEihtF5duN7ducDYAPaaqXkMN650XmO3Xt23ztgBdZqpeQxIrnWmXbdZWjnO4Zj1kiD7BLJFUKC/L1nEtx4h//9k="
)


def pdf(text: str = "Intyg") -> bytes:
    """Return a valid one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 2, height: int = 2) -> bytes:
    """Return a valid RGB PNG."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xcc\x33\x33" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def make_claim(session: Any, portfolio: Any, text: str = "svetsning", **fields: Any) -> Any:
    """Add a skill claim (and a concept for it) to ``portfolio``."""
    from eportfolio.portfolios.models import SkillClaim
    from eportfolio.taxonomy_store.models import Concept

    concept = Concept(
        uri=f"test:{text}:{portfolio.id}", source="test", kind="skill", fingerprint="x"
    )
    session.add(concept)
    session.flush()
    claim = SkillClaim(
        portfolio_id=portfolio.id, text_as_typed=text, concept_id=concept.id, level=2, **fields
    )
    session.add(claim)
    session.flush()
    return claim


def multipart(fields: dict[str, Any], file: bytes, filename: str) -> dict[str, Any]:
    """Keyword arguments for ``client.post`` sending a multipart body held in memory.

    The test client spools large bodies to a temporary file it never closes (a ResourceWarning,
    an error here), so big uploads are encoded up front.
    """
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    values = {**fields, "file": FileStorage(io.BytesIO(file), filename)}
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
