"""Map free text to taxonomy concepts: folded keys, stems, n-gram prefilter, token alignment."""

from taxonomy.normalise.normaliser import Candidate, Normaliser

__all__ = ["Candidate", "Normaliser"]
