"""The seed taxonomy shipped with Meritportfölj, so the service is useful without imports.

Written by the team in its own words from public facts (SSYK 2012 codes and occupation
names): the occupations that matter in Skåne Nordost, the skills they ask for, and how
those skills relate. The data lives in hand-editable CSV files beside this module:

- ``skill_groups.csv``: id, label_sv, label_en
- ``ssyk_groups.csv``: ssyk4, label_sv, label_en (SSYK 2012 unit groups)
- ``skills.csv``: id, group, label_sv, label_en, alt_sv, alt_en, definition_sv,
  definition_en; alternative labels are separated by ``|``
- ``occupations.csv``: id, ssyk4, label_sv, label_en, alt_sv, alt_en, definition_sv,
  definition_en
- ``occupation_skills.csv``: occupation, skill, kind (``essential`` or ``optional``)
- ``relations.csv``: source, kind, target with full ids and a RelationKind value
  (``related`` links between skills)

Ids in the first five files are short slugs; the loader prefixes them: ``seed:skillgroup:``,
``seed:ssyk:<code>``, ``seed:skill:``, ``seed:occ:``. Each skill has a BROADER link to its
skill group and each occupation one to its SSYK-4 group; the SSYK code sits on the group.

``bristyrken_template.csv`` and ``bristyrken_skne.csv`` (read by ``taxonomy.bristyrken``)
and ``demand_template.csv`` ship here too.
"""

from taxonomy.seed.loader import (
    OCCUPATION_PREFIX,
    SKILL_GROUP_PREFIX,
    SKILL_PREFIX,
    SOURCE,
    SSYK_PREFIX,
    iter_seed,
    load_seed,
    seed_dir,
)

__all__ = [
    "OCCUPATION_PREFIX",
    "SKILL_GROUP_PREFIX",
    "SKILL_PREFIX",
    "SOURCE",
    "SSYK_PREFIX",
    "iter_seed",
    "load_seed",
    "seed_dir",
]
