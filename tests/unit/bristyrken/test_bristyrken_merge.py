"""Yrkesbarometer occupations that share an SSYK group become one assessment of the group."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from taxonomy.bristyrken import MergedGroup, ShortageAssessment, merge_same_group


def _barometer(ref: str, label: str, ssyk4: str | None, **values: Any) -> ShortageAssessment:
    return ShortageAssessment(
        occupation_ref=ref,
        occupation_label=label,
        ssyk4=ssyk4,
        area_kind="lan",
        area_code="12",
        period="2025-1",
        job_opportunities=values.get("jobs"),
        outlook_5y=values.get("outlook"),
        recruitment=None,
    )


TRUCK = _barometer("zGjD", "Lastbilsförare", "8332", jobs="medelstora", outlook="vara oförändrad")
LONG_HAUL = _barometer("MVsT", "Fjärrbilsförare", "8332", jobs="stora", outlook="minska")
TRUCK_RIKET = replace(TRUCK, area_kind="riket", area_code="00")
WELDER = _barometer("W3ld", "Svetsare", "7212", jobs="stora", outlook="öka")
UNMATCHED = _barometer("x0x0", "Okänt yrke", None, jobs="små")


def test_occupations_of_one_group_area_and_period_become_one_assessment() -> None:
    records, merged = merge_same_group([TRUCK, WELDER, LONG_HAUL, TRUCK_RIKET, UNMATCHED])
    assert records == [
        ShortageAssessment(
            occupation_ref="MVsT+zGjD",
            occupation_label="Fjärrbilsförare / Lastbilsförare",
            ssyk4="8332",
            area_kind="lan",
            area_code="12",
            period="2025-1",
            job_opportunities="stora",  # the strongest sign of demand of each kind
            outlook_5y="vara oförändrad",
            recruitment=None,
        ),
        WELDER,
        TRUCK_RIKET,  # alone in its area: as it was
        UNMATCHED,
    ]
    assert merged == [
        MergedGroup("8332", ("MVsT", "zGjD"), ("Fjärrbilsförare", "Lastbilsförare"), areas=1)
    ]


def test_the_merged_assessment_does_not_depend_on_the_order_of_the_file() -> None:
    third = _barometer("a1", "Budbilsförare", "8332", jobs="små", outlook="öka")
    answers = {
        merge_same_group(order)[0][0] for order in itertools.permutations([TRUCK, LONG_HAUL, third])
    }
    assert answers == {
        replace(
            LONG_HAUL,
            occupation_ref="MVsT+a1+zGjD",
            occupation_label="Budbilsförare / Fjärrbilsförare / Lastbilsförare",
            outlook_5y="öka",
        )
    }


def test_without_shared_groups_nothing_changes() -> None:
    records = [TRUCK, TRUCK_RIKET, WELDER, UNMATCHED]
    assert merge_same_group(records) == (records, [])
