"""Data for the printable certificate: the credential's facts and a QR code to verify it."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage

from .summary import CredentialSummary, summarise


@dataclass(frozen=True)
class CertificateData:
    """What the printable certificate shows; ``qr_svg`` is inline SVG markup."""

    summary: CredentialSummary
    verify_url: str
    qr_svg: str


def qr_svg(url: str, label: str) -> str:
    """Return an inline SVG QR code for ``url``, with an accessible name and no script."""
    # Level M survives a crease or a stamp on a printed page yet keeps the code small.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    raw = code.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
    # Older qrcode releases ignore the encoding argument and return bytes.
    svg = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    svg = svg.removeprefix("<?xml version='1.0' encoding='utf-8'?>\n")
    # An inline SVG is invisible to screen readers unless it is named as an image.
    named = f'<svg role="img" aria-label="{html.escape(label, quote=True)}" '
    return svg.replace("<svg ", named, 1)


def certificate_data(credential: dict[str, Any], qr_label: str) -> CertificateData:
    """Return the printable certificate data of a credential; its id is the verify URL.

    ``qr_label`` names the QR code for screen readers, in the reader's language.
    """
    summary = summarise(credential)
    return CertificateData(
        summary=summary,
        verify_url=summary.credential_id,
        qr_svg=qr_svg(summary.credential_id, qr_label),
    )
