"""A learner uploads evidence, changes consent, takes their data and deletes the account."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from tests.e2e.conftest import assert_accessible, register_as
from tests.evidence_samples import pdf

PASSWORD = "granskog-vinterbad-kaffe-9"
GUIDE = "vagledare@demo.meritportfolj.se"
DEMO_PASSWORD = "demo-Skane-Nordost-2026"


def _login(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def test_upload_consent_export_and_delete(page: Any, outbox: Path, tmp_path: Path) -> None:
    register_as(page, outbox, "Noor Svensson", "noor.svensson@example.se", PASSWORD)

    # Evidence: a refused file first, then a real PDF.
    page.get_by_role("link", name="Bevis", exact=True).click()
    assert_accessible(page)
    bad = tmp_path / "cv.pdf"
    bad.write_text("Det här är ingen PDF.")
    page.get_by_label("Fil", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Ladda upp").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_text("Filen är inte en PDF-, JPEG- eller PNG-fil").first.is_visible()
    assert_accessible(page)
    good = tmp_path / "Intyg svetsning.pdf"
    good.write_bytes(pdf())
    page.get_by_label("Fil", exact=True).set_input_files(str(good))
    page.get_by_label("Vad visar filen? (valfritt)").fill("Intyg från svetskursen")
    page.get_by_role("button", name="Ladda upp").click()
    assert page.get_by_text("Filen Intyg svetsning.pdf är tillagd.").is_visible()
    assert page.get_by_role("heading", name="Intyg från svetskursen").is_visible()
    assert_accessible(page)

    # Consent: give, withdraw and give again, each one click; the history shows all three.
    page.get_by_role("link", name="Integritet").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ge samtycke").click()
    assert page.get_by_text("Ja: arbetsgivare kan hitta din portfölj").is_visible()
    page.get_by_role("button", name="Återkalla samtycke").click()
    assert page.get_by_text("Nej: arbetsgivare kan inte hitta din portfölj.").is_visible()
    page.get_by_role("button", name="Ge samtycke").click()
    history = page.get_by_role("table", name="Alla beslut du har fattat, det senaste först")
    assert history.get_by_role("row").count() == 4  # header and three decisions
    assert_accessible(page)

    # Guides and the access log.
    page.get_by_role("link", name="Vägledare", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Vägledare", exact=True).select_option(
        label="Karin Vägledare, Lärcentrum Kristianstad"
    )
    page.get_by_role("button", name="Ge åtkomst").click()
    assert page.get_by_text("Karin Vägledare kan nu hjälpa dig med din portfölj.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Vem har sett din portfölj").first.click()
    assert_accessible(page)

    # Export: one zip with the JSON and the PDF.
    page.get_by_role("link", name="Hämta dina uppgifter").first.click()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Hämta dina uppgifter").click()
    saved = tmp_path / "export.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("meritportfolj.json"))
        pdf_names = [n for n in names if n.endswith("Intyg svetsning.pdf")]
        assert pdf_names and archive.read(pdf_names[0]) == good.read_bytes()
    assert data["tables"]["users"][0]["email"] == "noor.svensson@example.se"
    assert len(data["tables"]["consent_records"]) == 3

    # Deletion: a wrong password first, then the right one; the person is logged out.
    page.goto("/privacy/delete-account")
    assert_accessible(page)
    page.get_by_label("Ditt lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Radera mitt konto").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Radera mitt konto").click()
    assert page.get_by_text("Ditt konto och allt som fanns i det är raderat.").is_visible()
    assert page.get_by_role("link", name="Logga in").first.is_visible()
    _login(page, "noor.svensson@example.se", PASSWORD)
    assert page.get_by_text("E-postadressen eller lösenordet är fel.").first.is_visible()


def test_a_guide_opens_the_evidence_of_a_learner_who_gave_access(
    page: Any, outbox: Path, tmp_path: Path
) -> None:
    register_as(page, outbox, "Leila Berg", "leila.berg@example.se", PASSWORD)
    page.goto("/privacy/guides")
    page.get_by_label("Vägledare", exact=True).select_option(
        label="Karin Vägledare, Lärcentrum Kristianstad"
    )
    page.get_by_role("button", name="Ge åtkomst").click()
    page.get_by_role("button", name="Logga ut").click()

    _login(page, GUIDE, DEMO_PASSWORD)
    page.get_by_role("link", name="Deltagare du hjälper").click()
    assert page.get_by_text("Leila Berg", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Bevis – Leila Berg").click()
    assert page.get_by_text("Du hjälper Leila Berg.").is_visible()
    assert_accessible(page)
    file = tmp_path / "betyg.pdf"
    file.write_bytes(pdf("Betyg"))
    page.get_by_label("Fil", exact=True).set_input_files(str(file))
    page.get_by_role("button", name="Ladda upp").click()
    assert page.get_by_text("Filen betyg.pdf är tillagd.").is_visible()
    page.get_by_role("button", name="Logga ut").click()

    _login(page, "leila.berg@example.se", PASSWORD)
    page.goto("/privacy/access-log")
    assert page.get_by_role("cell", name="Lärcentrum Kristianstad").first.is_visible()
    assert page.get_by_text("Karin").count() == 0  # the role and the centre, never the person
