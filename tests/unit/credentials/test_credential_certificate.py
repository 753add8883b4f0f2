"""Printable certificate data: the facts and a QR code pointing at the verification page."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree

import qrcode
from credential_data import BASE_URL, ISSUED_AT, make_input

from eportfolio.credentials import build_credential, certificate_data, qr_svg, summarise

SVG = "{http://www.w3.org/2000/svg}"


def test_certificate_points_at_the_public_verification_url() -> None:
    data = make_input(
        kind="yrkesbevis",
        title="Yrkesbevis: svetsare",
        occupation_label="svetsare",
        occupation_uri="http://data.europa.eu/esco/occupation/0000-svetsare",
        valid_until=ISSUED_AT + timedelta(days=730),
    )
    cert = certificate_data(build_credential(data), qr_label="QR")
    assert cert.verify_url == f"{BASE_URL}/verify/{data.credential_uuid}"
    summary = cert.summary
    assert (summary.kind, summary.kind_label, summary.occupation) == (
        "yrkesbevis",
        "Yrkesbevis",
        "svetsare",
    )
    assert summary.valid_from == ISSUED_AT
    assert summary.valid_until == ISSUED_AT + timedelta(days=730)
    assert [s.level_name for s in summary.skills] == ["mycket god", "god", "expert"]
    assert summary.language == "sv"  # the signed texts are Swedish, whoever reads them


def test_a_language_tag_that_is_not_one_is_ignored() -> None:
    """A pasted credential from elsewhere may carry anything; only a real tag reaches ``lang``."""
    credential = build_credential(make_input())
    for tag, expected in (("en-GB", "en-GB"), ('sv" onload="x', None), (7, None), ("", None)):
        credential["credentialSubject"]["achievement"]["inLanguage"] = tag
        assert summarise(credential).language == expected


def test_qr_svg_is_inline_markup_with_a_name_and_no_script() -> None:
    url = f"{BASE_URL}/verify/0b7c6f0e-4a53-4c61-9d55-0d8f1c7a2b11"
    svg = qr_svg(url, "QR code to check the certificate")
    assert svg.startswith("<svg ") and "<?xml" not in svg
    assert "<script" not in svg and "javascript:" not in svg and " on" not in svg.lower()
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own generated markup
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}path") is not None


def test_qr_code_draws_the_modules_of_the_url_and_nothing_else() -> None:
    url = f"{BASE_URL}/verify/0b7c6f0e-4a53-4c61-9d55-0d8f1c7a2b11"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    expected = {
        (x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark
    }
    root = ElementTree.fromstring(qr_svg(url, "QR"))  # noqa: S314 - our own generated markup
    path = root.find(f"{SVG}path")
    assert path is not None
    # Each dark module is drawn as a unit square "Mx,yH..V..H..z".
    drawn = {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path.get("d", ""))}
    assert drawn == expected
    side = len(code.get_matrix())
    assert root.get("viewBox") == f"0 0 {side} {side}"


def test_label_is_escaped() -> None:
    svg = qr_svg("https://x.test/v", label='Intyg "A" <b>')
    assert 'aria-label="Intyg &quot;A&quot; &lt;b&gt;"' in svg
