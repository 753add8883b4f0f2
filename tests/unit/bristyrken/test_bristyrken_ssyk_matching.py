"""Barometer occupation names find their SSYK-4 code by name, or honestly none."""

from __future__ import annotations

import pytest

from taxonomy.bristyrken import match_ssyk4

LABELS = {
    "Kockar och kallskänkor": "5120",
    "Köksmästare och souschefer": "3451",
    "Skötare": "5341",
    "Uppfödare och skötare av lantbrukets husdjur": "6121",
    "Uppfödare och skötare av sällskapsdjur": "6122",
    "Undersköterskor, vård- och specialavdelning och mottagning": "5323",
    "Undersköterskor, hemtjänst, hemsjukvård, äldreboende och habilitering": "5321",
    "ST-läkare": "2212",
    "AT-läkare": "2213",
    "Maskinoperatörer inom ytbehandling, trä": "8174",
    "Maskinsnickare och maskinoperatörer, träindustri": "7523",
    "Lastbilsförare m.fl.": "8332",
    "Målare": "7131",
}


def test_names_find_their_codes() -> None:
    found = match_ssyk4(
        [
            "Kockar",  # a label with words left out
            "Skötare",  # the same words as one label, inside another
            "Lastbilsförare",  # without "m.fl."
            "Målare (med yrkesbevis)",  # with a qualification in brackets
            "Undersköterskor inom vård- och specialavdelningar oc",  # cut off, inflected
            "Undersköterskor inom hemtjänst, hemsjukvård, äldreboende oc",
        ],
        LABELS,
    )
    assert found == {
        "Kockar": "5120",
        "Skötare": "5341",
        "Lastbilsförare": "8332",
        "Målare (med yrkesbevis)": "7131",
        "Undersköterskor inom vård- och specialavdelningar oc": "5323",
        "Undersköterskor inom hemtjänst, hemsjukvård, äldreboende oc": "5321",
    }


def test_doubtful_names_get_no_code() -> None:
    found = match_ssyk4(
        [
            "Läkare (exklusive AT-, ST- och specialistläkare)",  # fits two labels equally
            "CNC- och maskinoperatörer inom trä",  # shares words, is neither
            "Bilmekaniker",  # no label is close
        ],
        LABELS,
    )
    assert set(found.values()) == {None}


def test_a_short_label_inside_a_long_name_is_not_a_match() -> None:
    found = match_ssyk4(["Uppfödare och skötare av lantbruksdjur"], LABELS)
    assert found["Uppfödare och skötare av lantbruksdjur"] != "5341"


def test_labels_must_carry_ssyk4_codes() -> None:
    with pytest.raises(ValueError, match="4-digit"):
        match_ssyk4(["Kockar"], {"Kockar": "512"})
