"""Skills and occupations: concepts, labels, relations, loaders and text normalisation.

A pure library: it imports neither Flask nor SQLAlchemy nor ``eportfolio``.
"""

from taxonomy.model import (
    Concept,
    ConceptKind,
    Label,
    LabelKind,
    Relation,
    RelationKind,
    Taxonomy,
    TaxonomyFormatError,
)

__all__ = [
    "Concept",
    "ConceptKind",
    "Label",
    "LabelKind",
    "Relation",
    "RelationKind",
    "Taxonomy",
    "TaxonomyFormatError",
]
