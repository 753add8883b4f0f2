"""Decide whether an uploaded file may be kept: its name, its size, and what its bytes really are.

The type comes from the content (magic bytes, then the format's own structure), never from the
name or the browser's header; the name only has to agree with it.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import warnings
import zlib
from typing import Any

import filetype
from flask_babel import lazy_gettext as _l

from eportfolio.errors import DomainError, ValidationFailed

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
MAX_NAME = 120
# Extensions that mean "runs or renders" anywhere in a name, as in cv.exe.pdf or cv.pdf.exe.
# (SIM905: a word list reads better than fifty quoted items.)
DANGEROUS = frozenset(
    "exe com bat cmd scr pif msi msp dll cpl jar js jse mjs vbs vbe wsf wsh ps1 psm1 sh bash "  # noqa: SIM905
    "php phtml asp aspx jsp cgi pl py rb html htm xhtml shtml svg svgz xml hta lnk url app "
    "apk dmg iso reg inf chm swf".split()
)
# Characters that change how a name is displayed (right-to-left overrides, invisible marks).
_MARKUP = re.compile(
    rb"<\s*(?:script|html|svg|iframe|object|embed|body|head|meta|a\s)|<\?php|javascript:", re.I
)
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)(?![A-Za-z0-9])"
)


def refuse(message: object) -> ValidationFailed:
    """Return the error that refuses an upload, shown beside the file field (422)."""
    return ValidationFailed({"file": [message]})


def clean_name(raw: str) -> str:
    """Return a readable, safe file name (Swedish letters kept) or refuse a deceptive one."""
    name = unicodedata.normalize("NFKC", raw or "").strip()
    if not name:
        raise refuse(_l("Choose a file to upload."))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in name):
        raise refuse(
            _l(
                "The file name contains hidden characters that can disguise what the file is. "
                "Rename the file and try again."
            )
        )
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise refuse(
            _l("The file name must not contain folder names or dots at the start. Rename it.")
        )
    kept = "".join(ch if ch.isalnum() or ch in " -_.,()+&" else "_" for ch in name)
    kept = re.sub(r"\s+", " ", kept).strip(" .")
    stem, dot, ext = kept.rpartition(".")
    if not dot or not stem:
        raise refuse(_l("The file name must end in .pdf, .jpg or .png."))
    parts = [p.casefold() for p in stem.split(".")[1:]] + [ext.casefold()]
    if any(p in DANGEROUS for p in parts):
        raise refuse(
            _l(
                "The file name ends in or contains an extension for programs or web pages. "
                "Only PDF, JPEG and PNG files can be uploaded."
            )
        )
    return f"{stem[: MAX_NAME - len(ext) - 1].rstrip(' .')}.{ext}"


def content_type_of(name: str, data: bytes) -> str:
    """Return the content type the bytes prove, or refuse the file with a clear reason."""
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in EXTENSIONS:
        what = kind.extension.upper() if kind else None
        message = (
            _l(
                "This is a %(kind)s file. Only PDF, JPEG and PNG files can be uploaded.",
                kind=what,
            )
            if what
            else _l("The file is not a PDF, JPEG or PNG file. Only those can be uploaded.")
        )
        raise refuse(message)
    if not name.casefold().endswith(EXTENSIONS[mime]):
        raise refuse(
            _l(
                "The file name says one type but the file is a %(kind)s. "
                "Give it a name ending in %(ext)s.",
                kind=mime.split("/")[1].upper(),
                ext=EXTENSIONS[mime][0],
            )
        )
    {PDF: _check_pdf, JPEG: _check_jpeg, PNG: _check_png}[mime](data)
    return mime


def _damaged(kind: str) -> ValidationFailed:
    return refuse(
        _l(
            "The %(kind)s file is damaged or incomplete. Save or export it again and upload "
            "the new file.",
            kind=kind,
        )
    )


def _hidden_content() -> ValidationFailed:
    return refuse(
        _l(
            "The file contains hidden content such as web code or scripts. "
            "Save it again as a plain PDF, JPEG or PNG."
        )
    )


def _check_pdf(data: bytes) -> None:
    tail = data[-1024:]
    end = tail.rfind(b"%%EOF")
    if end < 0:
        raise _damaged("PDF")
    if tail[end + 5 :].strip(b"\r\n\t \x00"):
        raise _hidden_content()  # something glued after the end, e.g. a ZIP or HTML polyglot
    if _MARKUP.search(data[:1024]) or _PDF_ACTIVE.search(data):
        raise _hidden_content()
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about harmless quirks of real PDFs
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise refuse(
                    _l("The PDF is protected by a password. Save a copy without a password.")
                )
            pages = len(reader.pages)
            root = reader.trailer["/Root"].get_object()
            names = root.get("/Names")
            names = names.get_object() if names is not None else {}
    except DomainError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _damaged("PDF") from exc
    if pages < 1:
        raise _damaged("PDF")
    if any(k in root for k in ("/OpenAction", "/AA")) and _opens_script(root):
        raise _hidden_content()
    if any(k in names for k in ("/JavaScript", "/EmbeddedFiles")):
        raise _hidden_content()


def _opens_script(root: Any) -> bool:
    """Whether the document runs an action when opened (JavaScript, launching a program)."""
    for key in ("/OpenAction", "/AA"):
        action = root.get(key)
        action = action.get_object() if action is not None else None
        if not isinstance(action, dict):
            continue
        actions = [action] + [a.get_object() for a in action.values() if hasattr(a, "get_object")]
        for item in actions:
            if isinstance(item, dict) and (
                item.get("/S") in ("/JavaScript", "/Launch") or "/JS" in item
            ):
                return True
    return False


def _check_png(data: bytes) -> None:
    at, seen, text = 8, [], []
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        ctype = data[at + 4 : at + 8]
        body_end = at + 8 + length
        if not ctype.isalpha() or body_end + 4 > len(data):
            raise _damaged("PNG")
        (crc,) = struct.unpack(">I", data[body_end : body_end + 4])
        if zlib.crc32(data[at + 4 : body_end]) != crc:
            raise _damaged("PNG")
        seen.append(ctype)
        if ctype != b"IDAT":
            text.append(data[at + 8 : body_end])
        at = body_end + 4
        if ctype == b"IEND":
            break
    if not seen or seen[0] != b"IHDR" or seen[-1] != b"IEND" or b"IDAT" not in seen:
        raise _damaged("PNG")
    if data[at:]:
        raise _hidden_content()
    # Markup is looked for where a file can carry text (metadata chunks), not in the compressed
    # pixels: there a short pattern like "<a " turns up by chance in most photos of a few MB.
    if _MARKUP.search(b"\n".join(text)):
        raise _hidden_content()


def _check_jpeg(data: bytes) -> None:
    at, frame = 2, False
    while True:
        if at + 4 > len(data) or data[at] != 0xFF:
            raise _damaged("JPEG")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2 or at + 2 + length > len(data):
            raise _damaged("JPEG")
        frame = frame or marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB)
        at += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            header_end = at
            break
    end = data.find(b"\xff\xd9", at)
    if not frame or end < 0:
        raise _damaged("JPEG")
    trailer = data[end + 2 :]
    # Phones store extra pictures (MPF) after the first image; anything else is suspicious.
    if trailer.strip(b"\x00\xff\r\n") and not trailer.startswith(b"\xff\xd8"):
        raise _hidden_content()
    # Markup is looked for in the segments before the picture data (comments, EXIF, XMP), not
    # in the compressed scan, where "<a " and the like occur by chance (see _check_png).
    if _MARKUP.search(data[:header_end]):
        raise _hidden_content()
