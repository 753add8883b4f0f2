"""A new learner's whole first run: guided portfolio, CV, consent, export and deletion."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from tests.e2e.conftest import assert_accessible, register_as
from tests.evidence_samples import pdf

PASSWORD = "blabar-fjallsjo-kompass-4"


def test_guided_run_cv_consent_export_and_erasure(page: Any, outbox: Path, tmp_path: Path) -> None:
    register_as(page, outbox, "Samir Lund", "samir.lund@example.se", PASSWORD)
    page.get_by_role("link", name="Min portfölj").click()
    assert_accessible(page)
    page.get_by_role("link", name="Starta guiden").click()

    # 1 Profile
    page.get_by_text("Steg 1 av 6").first.wait_for()
    assert_accessible(page)
    page.get_by_label("Rubrik").fill("Svetsare som söker jobb i Osby")
    page.get_by_label("Var bor du?").select_option("1273")
    page.get_by_label("Vilket yrke siktar du på?").fill("svetsare")
    page.get_by_role("button", name="Spara och fortsätt").click()

    # 2 Experience
    page.get_by_text("Steg 2 av 6").first.wait_for()
    assert_accessible(page)
    page.get_by_label("Vad arbetade du som?").fill("Svetsare")
    page.get_by_label("Arbetsgivare eller arbetsplats").fill("Osby Verkstad")
    page.get_by_label("Började").fill("2019-04")
    page.get_by_label("Jag arbetar kvar där").check()
    page.get_by_role("button", name="Spara och fortsätt").click()

    # 3 Skills: one from the occupation's suggestions, one typed in own words
    page.get_by_text("Steg 3 av 6").first.wait_for()
    assert_accessible(page)
    suggestions = page.get_by_role("region", name="Kompetenser som personer i ditt yrke brukar ha")
    suggestions.get_by_label("MIG/MAG-svetsning").check()
    suggestions.get_by_role("button", name="Lägg till de markerade kompetenserna").click()
    page.get_by_text("Steg 3 av 6").first.wait_for()
    page.get_by_label("Vad kan du?").fill("tig svetsning")
    page.get_by_label("3 – Mycket god").check()
    page.get_by_role("button", name="Spara och fortsätt").click()

    # 4 Language
    page.get_by_text("Steg 4 av 6").first.wait_for()
    assert_accessible(page)
    page.get_by_role("combobox", name="Språk", exact=True).select_option("ar")
    page.get_by_label("Det här är mitt modersmål").check()
    page.get_by_role("button", name="Spara och fortsätt").click()

    # 5 Evidence: a PDF
    assert_accessible(page)
    certificate = tmp_path / "Svetsintyg.pdf"
    certificate.write_bytes(pdf())
    page.get_by_label("Fil", exact=True).set_input_files(str(certificate))
    page.get_by_role("button", name="Ladda upp").click()
    page.get_by_text("Filen Svetsintyg.pdf är tillagd.").first.wait_for()
    page.get_by_role("button", name="Fortsätt").click()

    # 6 Consent: give it, withdraw it, give it again
    assert_accessible(page)
    page.get_by_role("button", name="Ge samtycke").click()
    page.get_by_role("button", name="Återkalla samtycke").click()
    page.get_by_text("Nej: arbetsgivare kan inte hitta din portfölj.").first.wait_for()
    page.get_by_role("button", name="Ge samtycke").click()
    page.get_by_text("Ja: arbetsgivare kan hitta din portfölj").first.wait_for()

    # Finishing the run leads to the overview, which shows what was entered; the CV prints.
    page.get_by_role("button", name="Klar").click()
    page.wait_for_url("**/portfolio")
    assert_accessible(page)
    for text in ("MIG/MAG-svetsning", "TIG-svetsning", "Osby Verkstad", "arabiska"):
        assert page.get_by_text(text, exact=False).first.is_visible()
    page.get_by_role("link", name="Visa som CV för utskrift").click()
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()  # the print stylesheet hides the menus
    printed = page.pdf()
    assert printed.startswith(b"%PDF") and len(printed) > 1000
    page.emulate_media(media="screen")

    # Export everything, then delete the account.
    page.goto("/privacy/export")
    with page.expect_download() as info:
        page.get_by_role("button", name="Hämta dina uppgifter").click()
    saved = tmp_path / "export.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        data = json.loads(archive.read("meritportfolj.json"))
        assert any(n.endswith("Svetsintyg.pdf") for n in archive.namelist())
    assert len(data["tables"]["skill_claims"]) == 2
    assert len(data["tables"]["consent_records"]) == 3
    page.goto("/privacy/delete-account")
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Radera mitt konto").click()
    page.get_by_text("Ditt konto och allt som fanns i det är raderat.").first.wait_for()
    assert_accessible(page)
