"""A small hand-built skill space: welding, warehouse and accounting skills."""

from __future__ import annotations

from matching import Evidence, OccupationProfile, SkillClaim

SKILLS = [
    "weld",
    "weld-tig",
    "weld-mig",
    "read-drawings",
    "cut-metal",
    "grind",
    "drive-forklift",
    "stock",
    "lift",
    "pack",
    "accounting",
    "budget",
    "excel",
    "payroll",
]
EDGES = [
    ("weld-tig", "broader", "weld"),
    ("weld-mig", "broader", "weld"),
    ("cut-metal", "related", "weld"),
    ("accounting", "broader", "group:finance"),
    ("budget", "broader", "group:finance"),
    ("payroll", "broader", "group:finance"),
]
OCCUPATIONS = [
    OccupationProfile(
        "welder", "7212", ("weld", "read-drawings", "cut-metal", "grind"), ("weld-tig",)
    ),
    OccupationProfile("plater", "7213", ("cut-metal", "grind", "read-drawings"), ("weld",)),
    OccupationProfile("warehouse", "4321", ("drive-forklift", "stock", "lift", "pack"), ()),
    OccupationProfile("accountant", "2411", ("accounting", "budget", "excel", "payroll"), ()),
]


def claims(*items: str | tuple[str, int, Evidence]) -> list[SkillClaim]:
    """Return claims; a bare skill id means level 3, documented."""
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(SkillClaim(item, 3, Evidence.DOCUMENTED))
        else:
            out.append(SkillClaim(*item))
    return out
